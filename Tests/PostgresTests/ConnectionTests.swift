import Foundation
import Locking
import Logging
import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    static func pool(size: Int = 2, acquireTimeout: TimeInterval = 5, statementTimeout: Int = 5_000) -> ConnectionPool {
        var settings = ConnectionSettings(url: TestEnvironment.databaseURL)
        settings.statementTimeoutMilliseconds = statementTimeout
        return ConnectionPool(
            settings: settings, size: size, acquireTimeout: acquireTimeout, probeInterval: 0.3,
            logger: Logger(label: "test"))
    }

    @Test func typesRoundTrip() throws {
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_795_972_718.123456)
        let row = try Self.pool().withConnection { connection in
            try connection.single(
                """
                SELECT \(42)::int AS int, \(Int64(1) << 40)::bigint AS bigint, \("héllo \"quoted\"")::text AS text,
                       \(true)::bool AS bool, \(id)::uuid AS uuid, \(when)::timestamptz AS timestamptz,
                       \(JSONText(#"{"a": [1, 2]}"#))::jsonb AS jsonb,
                       \(["a", "b,c", "d \"e\"", "NULL"])::text[] AS texts,
                       \(String?.none)::text AS null_text, \(2.5)::float8 AS float8
                """)
        }
        #expect(try row["int"] as Int == 42)
        #expect(try row["bigint"] as Int64 == Int64(1) << 40)
        #expect(try row["text"] as String == "héllo \"quoted\"")
        #expect(try row["bool"] as Bool)
        #expect(try row["uuid"] as UUID == id)
        #expect(abs((try row["timestamptz"] as Date).timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000002)
        #expect(try row.json("jsonb") == Array(#"{"a": [1, 2]}"#.utf8))
        #expect(try row["texts"] as [String] == ["a", "b,c", "d \"e\"", "NULL"])
        #expect(try row["null_text"] as String? == nil)
        #expect(try row["float8"] as Double == 2.5)
        #expect(throws: RowDecodingError.self) { try row["null_text"] as String }
    }

    /// A statement planned per execution is never prepared on the connection; it still binds its values.
    @Test func statementsPlannedPerExecutionAreNotPrepared() throws {
        let each: SQL = "SELECT \(41)::int + 1 AS planned_each_time"
        let once: SQL = "SELECT \(40)::int + 2 AS planned_once"
        func count(_ text: String) -> SQL {
            "SELECT count(*)::int AS prepared FROM pg_prepared_statements WHERE statement = \(text)"
        }
        let counts = try Self.pool().withConnection { connection in
            #expect(try connection.single(each.plannedPerExecution())["planned_each_time"] as Int == 42)
            #expect(try connection.single(once)["planned_once"] as Int == 42)
            return (
                try connection.single(count(each.text))["prepared"] as Int,
                try connection.single(count(once.text))["prepared"] as Int
            )
        }
        #expect(counts.0 == 0 && counts.1 == 1)
    }

    @Test func sessionsRunInUTCWithTheOneTimeFormat() throws {
        let row = try Self.pool().withConnection { connection in
            try connection.single(
                "SELECT current_setting('TimeZone') AS zone, praxis_time('2026-11-29 17:18:38.1209+00') AS formatted")
        }
        #expect(try row["zone"] as String == "UTC")
        #expect(try row["formatted"] as String == "2026-11-29T17:18:38.120Z")
    }

    @Test func transactionsCommitOrRollBack() throws {
        let pool = Self.pool(size: 1)
        try pool.withConnection { try $0.execute(script: "CREATE TEMP TABLE IF NOT EXISTS items (id int PRIMARY KEY)") }
        func insert(_ id: Int) -> SQL { "INSERT INTO items VALUES (\(id))" }
        _ = try pool.withTransaction { try $0.query(insert(1)) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            _ = try pool.withTransaction { connection in
                try connection.query(insert(2))
                throw Boom()
            }
        }
        // A nested transaction joins the outer one: the outer failure undoes both.
        #expect(throws: Boom.self) {
            try pool.withTransaction { connection in
                try connection.query(insert(3))
                _ = try pool.withTransaction { try $0.query(insert(4)) }
                throw Boom()
            }
        }
        #expect(
            try pool.withConnection { try $0.single("SELECT count(*)::int AS items FROM items")["items"] as Int } == 1)
    }

    @Test func sqlStatesBecomeTypedErrors() throws {
        let pool = Self.pool(size: 1)
        try pool.withConnection { connection in
            try connection.execute(
                script: """
                    CREATE TEMP TABLE IF NOT EXISTS parents (id int PRIMARY KEY);
                    CREATE TEMP TABLE IF NOT EXISTS children (id int PRIMARY KEY, parent int REFERENCES parents, n int CHECK (n > 0));
                    INSERT INTO parents VALUES (1) ON CONFLICT DO NOTHING;
                    """)
            #expect(throws: PostgresError.uniqueViolation(constraint: "parents_pkey")) {
                try connection.query("INSERT INTO parents VALUES (\(1))")
            }
            #expect(throws: PostgresError.foreignKeyViolation(constraint: "children_parent_fkey")) {
                try connection.query("INSERT INTO children VALUES (1, \(99), 1)")
            }
            #expect(throws: PostgresError.invalidValue(sqlState: "23514", constraint: "children_n_check")) {
                try connection.query("INSERT INTO children VALUES (2, 1, \(-1))")
            }
            // The connection stays usable after each error.
            #expect(try connection.query("SELECT 1 AS one").count == 1)
        }
    }

    @Test func serializationFailuresAreRetried() throws {
        let pool = Self.pool(size: 1)
        let attempts = Locked(0)
        #expect(throws: PostgresError.serializationFailure) {
            try pool.withTransaction { connection in
                attempts.withLock { $0 += 1 }
                try connection.execute(script: "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
            }
        }
        #expect(attempts.withLock { $0 } == 3)
        let second = Locked(0)
        let value = try pool.withTransaction { connection -> Int in
            second.withLock { $0 += 1 }
            if second.withLock { $0 } == 1 {
                try connection.execute(script: "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40P01'; END $$")
            }
            return 7
        }
        #expect(value == 7 && second.withLock { $0 } == 2)
    }

    @Test func statementTimeoutIsTyped() throws {
        let pool = Self.pool(size: 1, statementTimeout: 200)
        #expect(throws: PostgresError.timeout) {
            try pool.withConnection { try $0.query("SELECT pg_sleep(2)") }
        }
    }

    @Test func poolBoundsConnectionsAndCountsWaits() throws {
        let pool = Self.pool(size: 1, acquireTimeout: 0.3)
        try pool.withConnection { _ in
            let failure = Locked<Error?>(nil)
            let thread = Thread {
                do { try pool.withConnection { _ in } } catch { failure.withLock { $0 = error } }
            }
            thread.start()
            while pool.statistics.waits == 0 { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 0.5)
            #expect(failure.withLock { $0 } as? PostgresError == .poolExhausted)
            #expect(pool.statistics.inUse == 1)
        }
        #expect(pool.statistics.idle == 1)
    }

    @Test func aBrokenConnectionIsReplacedWithStatementsPreparedAgain() throws {
        let pool = Self.pool(size: 1)
        let ping: SQL = "SELECT 1 AS ping"
        try pool.withConnection { _ = try $0.query(ping) }
        #expect(throws: PostgresError.unavailable) {
            try pool.withConnection { connection in
                try connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
            }
        }
        // Only that connection is dropped: the next caller gets a new one at once.
        #expect(try pool.withConnection { try $0.query(ping).count } == 1)
    }

    @Test func otherTextIsAnotherStatement() throws {
        let values = try Self.pool(size: 1).withConnection { connection in
            [
                try connection.single("SELECT 1 AS value")["value"] as Int,
                try connection.single("SELECT 2 AS value")["value"] as Int,
            ]
        }
        #expect(values == [1, 2])
    }

    @Test func anUnreachableDatabaseOpensTheBreaker() throws {
        let listener = CountingListener()
        let pool = ConnectionPool(
            settings: ConnectionSettings(url: "postgresql://praxis@127.0.0.1:\(listener.port)/praxis"), size: 2,
            probeInterval: 0.5, logger: Logger(label: "test"))
        #expect(throws: PostgresError.unavailable) { try pool.withConnection { _ in } }
        let attempts = listener.accepted
        #expect(attempts > 0)
        // Open breaker: callers fail at once, nobody dials again until the probe interval passed.
        for _ in 0..<5 {
            #expect(throws: PostgresError.unavailable) { try pool.withConnection { _ in } }
        }
        #expect(listener.accepted == attempts)
        Thread.sleep(forTimeInterval: 0.6)
        #expect(throws: PostgresError.unavailable) { try pool.withConnection { _ in } }
        #expect(listener.accepted > attempts)
    }
}

/// A loopback socket that accepts connections, counts them, and closes them at once: a
/// "database" that never answers.
final class CountingListener: @unchecked Sendable {
    let port: UInt16
    private let count = Locked(0)
    var accepted: Int {
        Thread.sleep(forTimeInterval: 0.05)  // let the accept thread catch up
        return count.withLock { $0 }
    }

    init() {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listen(socket, 16)
        port = UInt16(bigEndian: address.sin_port)
        let count = self.count
        Thread {
            while true {
                let client = accept(socket, nil, nil)
                if client < 0 { return }
                count.withLock { $0 += 1 }
                close(client)
            }
        }.start()
    }
}
