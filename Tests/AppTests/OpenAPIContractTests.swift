import Foundation
import TestSupport
import Testing

@testable import App

/// The router and `openapi.yaml` describe the same operations, in both directions.
@Suite struct OpenAPIContractTests {
    /// `(method, path)` of every operation in the spec. The spec keeps paths at two spaces and
    /// methods at four, which is all this reader relies on.
    static func specOperations() throws -> Set<String> {
        let text = try String(
            contentsOf: TestEnvironment.projectRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "options", "head"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line.hasPrefix("paths:") }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { operations.insert("\(key.uppercased()) \(currentPath)") }
            }
        }
        return operations
    }

    @Test func routerAndSpecAgree() throws {
        let server = try TestServer(withTestRoutes: false)
        let routes = Set(server.application.routes.map { "\($0.method) \($0.template)" })
        let spec = try Self.specOperations()
        #expect(!spec.isEmpty)
        #expect(routes.subtracting(spec).sorted() == [], "routes missing from openapi.yaml")
        #expect(spec.subtracting(routes).sorted() == [], "operations in openapi.yaml the server lacks")
    }
}

extension OpenAPIContractTests {
    /// `x-required-scope` of every operation, as the spec declares it ("null" where none).
    static func declaredScopes() throws -> [String: String] {
        let text = try String(
            contentsOf: TestEnvironment.projectRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var scopes: [String: String] = [:]
        var inPaths = false
        var path: String?
        var method: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line.hasPrefix("paths:") }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
            } else if let path, let method, line.trimmingCharacters(in: .whitespaces).hasPrefix("x-required-scope:") {
                let value = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
                scopes["\(method) \(path)"] = value.replacingOccurrences(of: "\"", with: "")
            }
        }
        return scopes
    }

    @Test func theSpecDeclaresTheScopesTheServerEnforces() throws {
        let declared = try Self.declaredScopes()
        for (route, scope) in AccessControlTests.requiredScopes {
            #expect(declared[route] == (scope ?? "null"), "\(route)")
        }
    }
}
