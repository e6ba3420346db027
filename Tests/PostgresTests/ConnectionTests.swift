import Foundation
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
            try connection.query(
                Statement("types", "SELECT $1::int, $2::bigint, $3::text, $4::bool, $5::uuid, $6::timestamptz, $7::jsonb, $8::text[], $9::text, $10::float8"),
                [42, Int64(1) << 40, "héllo \"quoted\"", true, id, when, JSONText(#"{"a": [1, 2]}"#),
                 ["a", "b,c", "d \"e\"", "NULL"], String?.none, 2.5]
            ).first!
        }
        #expect(try row.int(0) == 42)
        #expect(try row.int64(1) == Int64(1) << 40)
        #expect(try row.string(2) == "héllo \"quoted\"")
        #expect(try row.bool(3))
        #expect(try row.uuid(4) == id)
        #expect(abs(try row.date(5).timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000002)
        #expect(try row.string(6) == #"{"a": [1, 2]}"#)
        #expect(try row.stringArray(7) == ["a", "b,c", "d \"e\"", "NULL"])
        #expect(row.isNull(8))
        #expect(try row.double(9) == 2.5)
        #expect(throws: RowDecodingError.self) { try row.string(8) }
    }

    @Test func sessionsRunInUTCWithTheOneTimeFormat() throws {
        let row = try Self.pool().withConnection { connection in
            try connection.query(Statement("utc", "SELECT current_setting('TimeZone'), praxis_time('2026-11-29 17:18:38.1209+00')")).first!
        }
        #expect(try row.string(0) == "UTC")
        #expect(try row.string(1) == "2026-11-29T17:18:38.120Z")
    }

    @Test func transactionsCommitOrRollBack() throws {
        let pool = Self.pool(size: 1)
        try pool.withConnection { try $0.execute(script: "CREATE TEMP TABLE IF NOT EXISTS items (id int PRIMARY KEY)") }
        let insert = Statement("insert_item", "INSERT INTO items VALUES ($1)")
        let count = Statement("count_items", "SELECT count(*) FROM items")
        try pool.withTransaction { try $0.query(insert, [1]) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try pool.withTransaction { connection in
                try connection.query(insert, [2])
                throw Boom()
            }
        }
        // A nested transaction joins the outer one: the outer failure undoes both.
        #expect(throws: Boom.self) {
            try pool.withTransaction { connection in
                try connection.query(insert, [3])
                try pool.withTransaction { try $0.query(insert, [4]) }
                throw Boom()
            }
        }
        #expect(try pool.withConnection { try $0.query(count).first!.int(0) } == 1)
    }

    @Test func sqlStatesBecomeTypedErrors() throws {
        let pool = Self.pool(size: 1)
        try pool.withConnection { connection in
            try connection.execute(script: """
                CREATE TEMP TABLE IF NOT EXISTS parents (id int PRIMARY KEY);
                CREATE TEMP TABLE IF NOT EXISTS children (id int PRIMARY KEY, parent int REFERENCES parents, n int CHECK (n > 0));
                INSERT INTO parents VALUES (1) ON CONFLICT DO NOTHING;
                """)
            #expect(throws: PostgresError.uniqueViolation(constraint: "parents_pkey")) {
                try connection.query(Statement("dup", "INSERT INTO parents VALUES ($1)"), [1])
            }
            #expect(throws: PostgresError.foreignKeyViolation(constraint: "children_parent_fkey")) {
                try connection.query(Statement("orphan", "INSERT INTO children VALUES (1, $1, 1)"), [99])
            }
            #expect(throws: PostgresError.invalidValue(sqlState: "23514", constraint: "children_n_check")) {
                try connection.query(Statement("negative", "INSERT INTO children VALUES (2, 1, $1)"), [-1])
            }
            // The connection stays usable after each error.
            #expect(try connection.query(Statement("one", "SELECT 1")).count == 1)
        }
    }

    @Test func serializationFailuresAreRetried() throws {
        let pool = Self.pool(size: 1)
        let attempts = Box(0)
        #expect(throws: PostgresError.serializationFailure) {
            try pool.withTransaction { connection in
                attempts.mutate { $0 += 1 }
                try connection.execute(script: "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
            }
        }
        #expect(attempts.value == 3)
        let second = Box(0)
        let value = try pool.withTransaction { connection -> Int in
            second.mutate { $0 += 1 }
            if second.value == 1 {
                try connection.execute(script: "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40P01'; END $$")
            }
            return 7
        }
        #expect(value == 7 && second.value == 2)
    }

    @Test func statementTimeoutIsTyped() throws {
        let pool = Self.pool(size: 1, statementTimeout: 200)
        #expect(throws: PostgresError.timeout) {
            try pool.withConnection { try $0.query(Statement("slow", "SELECT pg_sleep(2)")) }
        }
    }

    @Test func poolBoundsConnectionsAndCountsWaits() throws {
        let pool = Self.pool(size: 1, acquireTimeout: 0.3)
        try pool.withConnection { _ in
            let failure = Box<Error?>(nil)
            let thread = Thread {
                do { try pool.withConnection { _ in } } catch { failure.value = error }
            }
            thread.start()
            while pool.statistics.waits == 0 { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 0.5)
            #expect(failure.value as? PostgresError == .poolExhausted)
            #expect(pool.statistics.inUse == 1)
        }
        #expect(pool.statistics.idle == 1)
    }

    @Test func lostConnectionFailsFastThenRecoversWithStatementsPreparedAgain() throws {
        let pool = Self.pool(size: 2)
        let ping = Statement("ping", "SELECT 1")
        try pool.withConnection { _ = try $0.query(ping) }
        #expect(throws: PostgresError.unavailable) {
            try pool.withConnection { connection in
                _ = try connection.query(ping)
                try connection.query(Statement("suicide", "SELECT pg_terminate_backend(pg_backend_pid())"))
            }
        }
        // The breaker is open: callers fail at once instead of each trying to reconnect.
        let started = Date()
        #expect(throws: PostgresError.unavailable) { try pool.withConnection { _ = try $0.query(ping) } }
        #expect(Date().timeIntervalSince(started) < 0.1)
        Thread.sleep(forTimeInterval: 0.4)
        // One probe reconnects; the statement is prepared again on the new connection.
        #expect(try pool.withConnection { try $0.query(ping).count } == 1)
    }
}
