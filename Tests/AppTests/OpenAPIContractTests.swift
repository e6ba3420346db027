import AccessControl
import Foundation
import ServerTestSupport
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
    /// For every signed-in operation, a token with every scope but the one `openapi.yaml`
    /// declares is refused with that scope named; one the spec says needs none is never refused
    /// for scope.
    @Test func everyOperationEnforcesTheScopeTheSpecDeclares() throws {
        let server = try TestServer()
        let anonymous: Set<String> = [
            "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "GET /v1", "POST /v1/sessions",
            "POST /v1/account-activations", "POST /v1/password-resets",
        ]
        let routes = Set(server.application.routes.map { "\($0.method) \($0.template)" })
            .subtracting(anonymous).filter { !$0.contains("/v1/test-") }
        let declared = try OpenAPISpec.declaredScopes().filter { !anonymous.contains($0.key) }
        #expect(routes == Set(declared.keys), "every signed-in operation declares x-required-scope")

        let (_, admin) = try server.admin()
        let organisation = try server.send(
            "POST", "/v1/organisations", token: admin, json: #"{"name":"Hub","kind":"academic","country":"GH"}"#)
        let ids = [
            "{id}": organisation.json["id"] as! String, "{account_id}": "0192f5c4-1b2a-7c3d-8e4f-1234567890ab",
            "{version}": "1", "{type}": "thread", "{subject_id}": "0192f5c4-1b2a-7c3d-8e4f-1234567890ab",
        ]
        for (route, declaredScope) in declared {
            let scope: String? = declaredScope == "null" ? nil : declaredScope
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let method = parts[0]
            var path = parts[1]
            if path.hasPrefix("/v1/accounts/") || path.hasPrefix("/v1/tokens/{") {
                path = path.replacingOccurrences(of: "{id}", with: "0192f5c4-1b2a-7c3d-8e4f-1234567890ab")
            }
            for (placeholder, value) in ids { path = path.replacingOccurrences(of: placeholder, with: value) }
            let json = ["POST", "PATCH", "PUT"].contains(method) ? "{}" : nil
            // Every scope but the required one, and but admin, which stands for all of them.
            let allButRequired = Scope.allCases.map(\.rawValue).filter { $0 != scope && $0 != "admin" }
            let scopes = allButRequired.map { "\"\($0)\"" }.joined(separator: ",")
            let token =
                try server.send("POST", "/v1/tokens", token: admin, json: #"{"name":"matrix","scopes":[\#(scopes)]}"#)
                .json["token"] as! String
            let answer = try server.send(method, path, token: token, headers: [("If-Match", "*")], json: json)
            if let scope {
                #expect(answer.status == 403, "\(route) without \(scope)")
                #expect(answer.json["required_scope"] as? String == scope, "\(route)")
            } else {
                #expect(answer.json["type"] as? String != "https://praxis.dev/problems/insufficient-scope", "\(route)")
            }
        }
    }
}
