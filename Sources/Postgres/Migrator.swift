import Crypto
import Foundation

/// One SQL file of `migrations/`, named `NNNN_description.sql`.
public struct Migration: Sendable, Equatable {
    public let version: String
    public let sql: String
    public var checksum: String { Sodium.sha256(Array(sql.utf8)).hexString }

    public init(version: String, sql: String) {
        self.version = version
        self.sql = sql
    }

    /// Reads every `*.sql` file of a folder, ordered by name.
    public static func load(from directory: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return Migration(version: String(name.dropLast(4)), sql: text)
        }
    }
}

public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case edited(version: String)
    /// PostgreSQL refused a migration (or the table that records them, `version` nil).
    case refused(version: String?, ServerRefusal)

    public var description: String {
        switch self {
        case .edited(let version):
            return
                "migration \(version) was changed after it was applied; restore the applied text and add a new migration instead"
        case .refused(let version, let refusal):
            let what = version.map { "migration \($0)" } ?? "recording migrations"
            let owner =
                refusal.sqlState == "42501"
                ? "; migrations run as the database owner: set MIGRATION_DATABASE_URL to the owner role" : ""
            return "\(what) failed: \(refusal)\(owner)"
        }
    }
}

/// Where the database stands against a set of migrations.
public struct MigrationStatus: Sendable, Equatable {
    public var pending: [String]
    public var edited: [String]
    /// Applied versions this binary does not know: a newer release migrated the database.
    public var unknownApplied: [String]
    public var isCurrent: Bool { pending.isEmpty && edited.isEmpty }
}

/// Applies migrations in order, each in its own transaction, recording version and checksum,
/// under an advisory lock so that instances started together take turns.
public struct Migrator: Sendable {
    /// Arbitrary, fixed: the advisory lock key that serialises migration runs.
    static let lockKey: Int64 = 0x7072_6178_6973_6d67

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version text PRIMARY KEY,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    static let tableExists: SQL = "SELECT to_regclass('schema_migrations') IS NOT NULL AS table_exists"
    static let applied: SQL = "SELECT version, checksum FROM schema_migrations ORDER BY version"
    static func record(_ version: String, checksum: String) -> SQL {
        "INSERT INTO schema_migrations (version, checksum) VALUES (\(version), \(checksum))"
    }
    static let lock: SQL = "SELECT pg_advisory_lock(\(lockKey))"
    static let unlock: SQL = "SELECT pg_advisory_unlock(\(lockKey))"

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies what is pending; returns the versions applied now.
    public func migrate(on connection: Connection) throws -> [String] {
        try connection.query(Migrator.lock)
        defer { _ = try? connection.query(Migrator.unlock) }
        // Created only when missing: even `IF NOT EXISTS` needs the owner's rights, and a database
        // with nothing pending should say so to any role that may read it.
        if !(try connection.single(Migrator.tableExists)["table_exists"] as Bool) {
            do {
                try connection.executeForOperator(script: Migrator.createTable)
            } catch let refusal as ServerRefusal {
                throw MigrationError.refused(version: nil, refusal)
            }
        }
        let current = try status(on: connection)
        if let version = current.edited.first { throw MigrationError.edited(version: version) }
        for migration in migrations where current.pending.contains(migration.version) {
            do {
                try connection.withTransaction { transaction in
                    try transaction.executeForOperator(script: migration.sql)
                    try transaction.query(Migrator.record(migration.version, checksum: migration.checksum))
                }
            } catch let refusal as ServerRefusal {
                throw MigrationError.refused(version: migration.version, refusal)
            }
        }
        return current.pending
    }

    public func status(on connection: Connection) throws -> MigrationStatus {
        let exists: Bool = try connection.single(Migrator.tableExists)["table_exists"]
        guard exists else {
            return MigrationStatus(pending: migrations.map(\.version), edited: [], unknownApplied: [])
        }
        var applied: [String: String] = [:]
        for row in try connection.query(Migrator.applied) {
            applied[try row["version"]] = try row["checksum"] as String
        }
        let known = Set(migrations.map(\.version))
        return MigrationStatus(
            pending: migrations.filter { applied[$0.version] == nil }.map(\.version),
            edited: migrations.filter { migration in
                applied[migration.version].map { $0 != migration.checksum } ?? false
            }
            .map(\.version),
            unknownApplied: applied.keys.filter { !known.contains($0) }.sorted())
    }
}
