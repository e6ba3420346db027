import Foundation
import TestSupport
import Testing

@testable import App

/// The router and `openapi.yaml` describe the same operations, in both directions.
@Suite struct OpenAPIContractTests {
    @Test func routerAndSpecAgree() throws {
        let server = try TestServer(withTestRoutes: false)
        let routes = Set(server.application.routes.map { "\($0.method) \($0.template)" })
        let spec = try OpenAPISpec.operations()
        #expect(!spec.isEmpty)
        #expect(routes.subtracting(spec).sorted() == [], "routes missing from openapi.yaml")
        #expect(spec.subtracting(routes).sorted() == [], "operations in openapi.yaml the server lacks")
    }
}

extension OpenAPIContractTests {
    @Test func theSpecDeclaresTheScopesTheServerEnforces() throws {
        let declared = try OpenAPISpec.declaredScopes()
        for (route, scope) in AccessControlTests.requiredScopes {
            #expect(declared[route] == (scope ?? "null"), "\(route)")
        }
    }
}
