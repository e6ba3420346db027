import Foundation

/// What tests read from `openapi.yaml`. The spec keeps paths at two spaces and methods at four,
/// which is all these readers rely on.
public enum OpenAPISpec {
    /// `(method, path)` of every operation in the spec. The spec keeps paths at two spaces and
    /// methods at four, which is all this reader relies on.
    public static func operations() throws -> Set<String> {
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

    /// `x-required-scope` of every operation, as the spec declares it ("null" where none).
    public static func declaredScopes() throws -> [String: String] {
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
}
