import AccessControl
import Crypto
import Foundation
import Postgres

extension Policy.Action {
    /// Addresses not to mail: platform admins read and change them.
    public static let manageEmailSuppressions = Self("manageEmailSuppressions", scope: .admin, platform: .admin)
}

/// Why an email operation was refused: each case is one problem type.
public enum EmailError: Error, Sendable, Equatable {
    /// The address is suppressed already (409 `already-suppressed`).
    case alreadySuppressed
}

/// An address Praxis does not mail, and why: an admin decided it (`admin`), or the receiving
/// server refused a message for good (`bounce`).
public struct EmailSuppression: Sendable, Equatable {
    public var id: UUID
    public var address: String
    public var source: String
    public var reason: String
    public var createdBy: UUID?
    public var messageID: UUID?
    public var createdAt: Date
}

public struct EmailSuppressions: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    static let columns: SQL = "id, address, source, reason, created_by, message_id, created_at"

    static func suppression(_ row: Row) throws -> EmailSuppression {
        EmailSuppression(
            id: try row["id"], address: try row["address"], source: try row["source"], reason: try row["reason"],
            createdBy: try row["created_by"], messageID: try row["message_id"], createdAt: try row["created_at"])
    }

    /// By id; `address` narrows to one address.
    public func list(address: String?, after: UUID?, limit: Int, by caller: Caller) throws -> [EmailSuppression] {
        try Policy.authorize(caller, .manageEmailSuppressions)
        return try pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM email_suppressions
                WHERE (\(address)::text IS NULL OR address = lower(\(address)::text))
                  AND \(SQL.keyset("id", after: after))
                ORDER BY id LIMIT \(limit)
                """, decode: Self.suppression)
        }
    }

    public func suppression(_ id: UUID, by caller: Caller) throws -> EmailSuppression {
        try Policy.authorize(caller, .manageEmailSuppressions)
        return try pool.withConnection { connection in
            guard
                let row = try connection.query("SELECT \(Self.columns) FROM email_suppressions WHERE id = \(id)").first
            else { throw AccessError.notFound }
            return try Self.suppression(row)
        }
    }

    /// An admin stops mail to an address (a complaint, a bounce reported elsewhere). Messages
    /// waiting for it are not sent.
    public func add(address: String, reason: String, by caller: Caller, from origin: RequestOrigin) throws
        -> EmailSuppression
    {
        try Policy.authorize(caller, .manageEmailSuppressions)
        var validation = Validation()
        validation.email(address)
        validation.text(reason, "reason", length: 1...500)
        try validation.check()
        let id = UUIDv7.make()
        return try pool.withTransaction { connection in
            guard
                let row = try connection.query(
                    """
                    INSERT INTO email_suppressions (id, address, source, reason, created_by)
                    VALUES (\(id), lower(\(address)), 'admin', \(reason), \(caller.accountID))
                    ON CONFLICT (address) DO NOTHING
                    RETURNING \(Self.columns)
                    """
                ).first
            else {
                throw EmailError.alreadySuppressed
            }
            try audit.record(
                "email_suppression.created", "email_suppression", id, by: caller, from: origin, on: connection)
            return try Self.suppression(row)
        }
    }

    /// Mail to the address may go again (the person fixed their mailbox).
    public func remove(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try Policy.authorize(caller, .manageEmailSuppressions)
        try pool.withTransaction { connection in
            guard try !connection.query("DELETE FROM email_suppressions WHERE id = \(id) RETURNING id").isEmpty else {
                throw AccessError.notFound
            }
            try audit.record(
                "email_suppression.deleted", "email_suppression", id, by: caller, from: origin, on: connection)
        }
    }
}
