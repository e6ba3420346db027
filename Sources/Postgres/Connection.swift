import CLibPQ
import Foundation

/// Settings every connection of the process uses.
public struct ConnectionSettings: Sendable {
    public var url: String
    public var statementTimeoutMilliseconds = 5_000
    public var connectTimeoutSeconds = 3
    public var applicationName = "praxis"

    public init(url: String) { self.url = url }
}

/// One libpq connection. Not shared: a connection is used by one thread at a time (the pool
/// hands it out exclusively), which is what libpq requires of a `PGconn`.
public final class Connection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Server-side names of the statements prepared on this connection, by their text. Named per
    /// connection (`q1`, `q2`, ...), so that two statements can never share a name by mistake.
    private var prepared: [String: String] = [:]
    private var transactionDepth = 0

    public init(settings: ConnectionSettings) throws {
        let parameters: [(String, String)] = [
            ("dbname", settings.url),
            ("connect_timeout", String(settings.connectTimeoutSeconds)),
            ("application_name", settings.applicationName),
            (
                "options",
                "-c TimeZone=UTC -c statement_timeout=\(settings.statementTimeoutMilliseconds) -c DateStyle=ISO -c client_min_messages=warning"
            ),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("client_encoding", "UTF8"),
        ]
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            for keyword in keywords { free(keyword) }
            for value in values { free(value) }
        }
        var keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        var valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw PostgresError.unavailable
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            // libpq's words name host, port, user and the server's refusal, never the password.
            let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw ConnectionFailure(reason: reason)
        }
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// False once the server has gone away or the socket broke.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    public var inTransaction: Bool { transactionDepth > 0 }

    /// Runs a statement and copies every row out.
    @discardableResult
    public func query(_ sql: SQL) throws -> [Row] {
        let text = sql.text
        var name: String?
        if sql.planning == .prepared {
            if let existing = prepared[text] {
                name = existing
            } else {
                name = "q\(prepared.count + 1)"
                try check(PQprepare(handle, name, text, 0, nil), clear: true)
                prepared[text] = name
            }
        }
        return try execute(name: name, text: text, sql.bindings)
    }

    /// Runs a statement and decodes every row.
    public func query<Value>(_ sql: SQL, decode: (Row) throws -> Value) throws -> [Value] {
        try query(sql).map(decode)
    }

    /// The one row a statement returns (an aggregate, `RETURNING`, `SELECT fn(...)`); none is an error.
    public func single(_ sql: SQL) throws -> Row {
        guard let row = try query(sql).first else { throw RowDecodingError.noRow }
        return row
    }

    private func execute(name: String?, text: String, _ parameters: [any PostgresBindable]) throws -> [Row] {
        let texts = parameters.map { $0.postgresText.map { strdup($0) } ?? nil }
        defer { for text in texts { free(text) } }
        let pointers = texts.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { buffer in
            if let name {
                return PQexecPrepared(handle, name, Int32(pointers.count), buffer.baseAddress, nil, nil, 0)
            }
            return PQexecParams(handle, text, Int32(pointers.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        try check(result, clear: false)
        defer { PQclear(result) }
        return Connection.rows(of: result!)
    }

    /// Runs SQL text without parameters, several statements allowed (migrations, administration).
    public func execute(script sql: String) throws {
        let result = PQexec(handle, sql)
        try check(result, clear: true)
    }

    /// Runs a script an operator asked for (a migration) as `execute(script:)` does; a refusal is
    /// thrown as a `ServerRefusal` carrying PostgreSQL's own words, which name the fix. For the
    /// operator's terminal only: HTTP answers stay generic.
    public func executeForOperator(script sql: String) throws {
        if let refusal = refusal(of: PQexec(handle, sql), clear: true) { throw refusal }
    }

    /// Commits when `body` returns, rolls back when it throws. A nested call runs in a
    /// savepoint: when it throws, its own changes are undone and the outer transaction goes on
    /// (or not) as its caller decides.
    public func withTransaction<Value>(_ body: (Connection) throws -> Value) throws -> Value {
        if transactionDepth > 0 {
            let savepoint = "nested_\(transactionDepth)"
            try execute(script: "SAVEPOINT \(savepoint)")
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            do {
                let value = try body(self)
                try execute(script: "RELEASE SAVEPOINT \(savepoint)")
                return value
            } catch {
                if isHealthy { try? execute(script: "ROLLBACK TO SAVEPOINT \(savepoint)") }
                throw error
            }
        }
        try execute(script: "BEGIN")
        transactionDepth = 1
        do {
            let value = try body(self)
            transactionDepth = 0
            try execute(script: "COMMIT")
            return value
        } catch {
            transactionDepth = 0
            if isHealthy { try? execute(script: "ROLLBACK") }
            throw error
        }
    }

    private func check(_ result: OpaquePointer?, clear: Bool) throws {
        if let refusal = refusal(of: result, clear: clear) { throw refusal.error }
    }

    /// Nil when `result` succeeded; otherwise what the server said, with `result` cleared.
    private func refusal(of result: OpaquePointer?, clear: Bool) -> ServerRefusal? {
        guard let result else { return ServerRefusal(error: .unavailable, message: "no result") }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
            if clear { PQclear(result) }
            return nil
        }
        defer { PQclear(result) }
        let message = field(result, Int32(UInt8(ascii: "M"))) ?? String(cString: PQerrorMessage(handle))
        guard isHealthy else { return ServerRefusal(error: .unavailable, message: message) }
        let state = field(result, Int32(UInt8(ascii: "C")))
        return ServerRefusal(
            error: .from(sqlState: state ?? "XX000", constraint: field(result, Int32(UInt8(ascii: "n")))),
            message: message, sqlState: state, detail: field(result, Int32(UInt8(ascii: "D"))),
            hint: field(result, Int32(UInt8(ascii: "H"))))
    }

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private static func rows(of result: OpaquePointer) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = ColumnNames((0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    let bytes = UnsafeRawBufferPointer(
                        start: PQgetvalue(result, Int32(row), Int32(column)), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }
}
