import Foundation
import Locking
import Logging
import Postgres
import TestSupport
import Testing

@Suite struct MigratorTests {
    private func scratch() throws -> Connection {
        let name = try TestEnvironment.createScratchDatabase(prefix: "migrator")
        return try Connection(
            settings: ConnectionSettings(url: TestEnvironment.url(TestEnvironment.ownerURL, database: name)))
    }

    private let first = Migration(version: "0001_a", sql: "CREATE TABLE a (id int PRIMARY KEY);")
    private let second = Migration(version: "0002_b", sql: "CREATE TABLE b (id int); INSERT INTO b VALUES (1);")

    @Test func appliesInOrderOnceAndRecordsChecksums() throws {
        let connection = try scratch()
        let migrator = Migrator(migrations: [first, second])
        #expect(try migrator.status(on: connection).pending == ["0001_a", "0002_b"])
        #expect(try migrator.migrate(on: connection) == ["0001_a", "0002_b"])
        #expect(try migrator.migrate(on: connection) == [])
        #expect(try migrator.status(on: connection).isCurrent)
        let recorded = try connection.query("SELECT version, checksum FROM schema_migrations ORDER BY 1")
        #expect(try recorded.map { try $0["version"] as String } == ["0001_a", "0002_b"])
        #expect(try recorded[0]["checksum"] as String == first.checksum)
    }

    @Test func refusesAnEditedAppliedMigration() throws {
        let connection = try scratch()
        _ = try Migrator(migrations: [first]).migrate(on: connection)
        let edited = Migration(version: "0001_a", sql: "CREATE TABLE a (id bigint PRIMARY KEY);")
        let migrator = Migrator(migrations: [edited, second])
        #expect(throws: MigrationError.edited(version: "0001_a")) { try migrator.migrate(on: connection) }
        #expect(try migrator.status(on: connection).edited == ["0001_a"])
        // Nothing after the refusal was applied.
        #expect(try connection.single("SELECT to_regclass('b') IS NULL AS absent")["absent"] as Bool)
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let connection = try scratch()
        let broken = Migration(version: "0002_broken", sql: "CREATE TABLE c (id int); SELECT no_such_function();")
        #expect(throws: MigrationError.self) { try Migrator(migrations: [first, broken]).migrate(on: connection) }
        let status = try Migrator(migrations: [first, broken]).status(on: connection)
        #expect(status.pending == ["0002_broken"])
        #expect(try connection.single("SELECT to_regclass('c') IS NULL AS absent")["absent"] as Bool)
    }

    @Test func aRefusedMigrationSaysWhatPostgreSQLSaid() throws {
        let connection = try scratch()
        let refusing = Migration(
            version: "0001_refusing",
            sql: """
                DO $$ BEGIN RAISE EXCEPTION 'the role r does not exist' USING HINT = 'create it first'; END $$;
                """)
        do {
            _ = try Migrator(migrations: [refusing]).migrate(on: connection)
            Issue.record("the migration was applied")
        } catch let error as MigrationError {
            #expect(
                error.description
                    == "migration 0001_refusing failed: the role r does not exist (SQLSTATE P0001); hint: create it first"
            )
        }
    }

    @Test func concurrentRunsTakeTurns() throws {
        let name = try TestEnvironment.createScratchDatabase(prefix: "migrator")
        let url = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
        // The sleep widens the window in which two unserialised runs would both apply 0001.
        let slow = Migration(version: "0001_slow", sql: "SELECT pg_sleep(0.3); CREATE TABLE s (id int);")
        let migrator = Migrator(migrations: [slow, second])
        let results = Locked<[Result<[String], Error>]>([])
        let threads = (0..<3).map { _ in
            Thread {
                let result = Result { try migrator.migrate(on: try Connection(settings: ConnectionSettings(url: url))) }
                results.withLock { $0.append(result) }
            }
        }
        for thread in threads { thread.start() }
        while results.withLock { $0 }.count < 3 { Thread.sleep(forTimeInterval: 0.05) }
        let applied = try results.withLock { $0 }.map { try $0.get() }
        #expect(applied.filter { !$0.isEmpty } == [["0001_slow", "0002_b"]])
    }

    @Test func versionsUnknownToThisBinaryAreReportedNotPending() throws {
        let connection = try scratch()
        _ = try Migrator(migrations: [first, second]).migrate(on: connection)
        let older = try Migrator(migrations: [first]).status(on: connection)
        #expect(older.isCurrent)
        #expect(older.unknownApplied == ["0002_b"])
    }
}
