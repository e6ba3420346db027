import Foundation

/// A permission table: rows are operations, columns are kinds of caller, cells the status each
/// caller gets. Each domain's tests hold a table of their own and run it here; an operation of
/// the domain's paths in `openapi.yaml` without a row fails the coverage check.
public struct PermissionMatrix<World, Caller: CaseIterable & Sendable>: Sendable where Caller.AllCases: Sendable {
    public struct Row: Sendable {
        /// `METHOD /template` as in `openapi.yaml`.
        public let operation: String
        /// The path sent, with `{name}` placeholders filled from the world's values.
        public var path: String
        public var body: String?
        public var contentType: String
        /// Values of its own for this row (a fresh invitation, a fresh member), made once per row.
        public var prepare: (@Sendable (World) throws -> [String: String])?
        /// One status per caller, in the order of `Caller.allCases`.
        public let expected: [Int]

        public init(
            operation: String, path: String, body: String? = nil, contentType: String = "application/json",
            prepare: (@Sendable (World) throws -> [String: String])? = nil, expected: [Int]
        ) {
            self.operation = operation
            self.path = path
            self.body = body
            self.contentType = contentType
            self.prepare = prepare
            self.expected = expected
        }
    }

    /// One request of the table, placeholders filled.
    public struct Request {
        public let method: String
        public let path: String
        public let body: String?
        public let contentType: String
        public let caller: Caller
    }

    public let rows: [Row]

    public init(_ rows: [Row]) {
        self.rows = rows
    }

    /// The operations of `openapi.yaml` under `prefixes` (but not under `excluded`, another
    /// domain's paths) that have no row, and rows for none.
    public func coverage(of prefixes: [String], excluding excluded: [String] = []) throws -> (
        missing: [String], unknown: [String], repeated: [String]
    ) {
        let operations = try OpenAPISpec.operations().filter { operation in
            let path = operation.split(separator: " ")[1]
            return prefixes.contains { path.hasPrefix($0) } && !excluded.contains { path.hasPrefix($0) }
        }
        let covered = rows.map(\.operation)
        let repeated = Dictionary(grouping: covered, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        return (
            operations.subtracting(covered).sorted(), Set(covered).subtracting(operations).sorted(), repeated
        )
    }

    /// Sends every row as every caller, in the table's order, and lists where a status differs.
    /// - Parameters:
    ///   - values: the placeholders every row may use; a row's `prepare` adds its own.
    ///   - fresh: values made anew for each request (a unique suffix).
    public func failures(
        in world: World, values: [String: String], fresh: () -> [String: String] = { [:] },
        send: (Request) throws -> Int
    ) throws -> [String] {
        var failures: [String] = []
        for row in rows {
            var rowValues = values
            rowValues.merge(try row.prepare?(world) ?? [:]) { $1 }
            var statuses: [Int] = []
            for caller in Caller.allCases {
                let requestValues = rowValues.merging(fresh()) { $1 }
                func fill(_ text: String) -> String {
                    requestValues.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
                }
                let method = String(row.operation.split(separator: " ")[0])
                statuses.append(
                    try send(
                        Request(
                            method: method, path: fill(row.path), body: row.body.map(fill),
                            contentType: row.contentType, caller: caller)))
            }
            if statuses != row.expected {
                failures.append("\(row.operation): got \(statuses), expected \(row.expected)")
            }
        }
        return failures
    }
}
