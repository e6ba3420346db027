import Crypto
import Foundation
import Postgres

/// A domain's notifications: which subject types it writes, the scope a token needs to read
/// them, and whether the caller may still see a notification's subject (alias `nt`) now.
/// Visibility is checked again on every read, so a notification about something the person
/// can no longer see is not shown.
public struct NotificationScope: Sendable {
    public let subjectTypes: [String]
    public let scope: Scope
    public let visible: @Sendable (Caller) -> SQL

    public init(subjectTypes: [String], scope: Scope, visible: @escaping @Sendable (Caller) -> SQL) {
        self.subjectTypes = subjectTypes
        self.scope = scope
        self.visible = visible
    }
}

/// Something that happened that a person should know of. `summary` is a small JSON object of
/// ids and the subject's own words, never another person's name.
public struct Notification: Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var subjectType: String
    public var subjectID: UUID
    public var communityID: UUID?
    public var summary: String
    public var createdAt: Date
    public var readAt: Date?
}

/// Writing notifications, inside the transaction of the change they tell of.
public enum Notifications {
    /// Notifies each of `recipients` (ids, repeats and nils dropped) of `kind` on a subject.
    public static func notify(
        _ recipients: [UUID], kind: String, subjectType: String, subject: UUID, community: UUID?, summary: String,
        on connection: Connection
    ) throws {
        let people = Array(Set(recipients)).sorted { $0.uuidString < $1.uuidString }
        guard !people.isEmpty else { return }
        let ids = people.map { _ in UUIDv7.make() }
        try connection.query(
            """
            INSERT INTO notifications (id, account_id, kind, subject_type, subject_id, community_id, summary)
            SELECT note.id, note.account_id, \(kind), \(subjectType), \(subject), \(community), \(summary)::jsonb
            FROM unnest(\(ids)::uuid[], \(people)::uuid[]) AS note (id, account_id)
            """)
    }
}

/// A person's own notifications: theirs only, and only those whose subject they may still see.
public struct NotificationService: Sendable {
    let pool: ConnectionPool
    let scopes: [NotificationScope]

    public init(pool: ConnectionPool, scopes: [NotificationScope]) {
        self.pool = pool
        self.scopes = scopes
    }

    func readable(by caller: Caller) -> SQL {
        // A token reads a domain's notifications with that domain's scope (admin stands for all).
        let allowed = scopes.filter { scope in
            caller.scopes.map { $0.contains(scope.scope) || $0.contains(.admin) } ?? true
        }
        let visible = allowed.map { scope -> SQL in
            "(nt.subject_type = ANY(\(scope.subjectTypes)::text[]) AND \(scope.visible(caller)))"
        }
        return "(nt.account_id = \(caller.accountID) AND (\(SQL.joined(visible + ["false"], separator: " OR "))))"
    }

    static let columns: SQL = """
        nt.id, nt.kind, nt.subject_type, nt.subject_id, nt.community_id, nt.summary::text AS summary, nt.created_at,
        nt.read_at
        """

    /// Newest first.
    public func notifications(unreadOnly: Bool, before: UUID?, limit: Int, for caller: Caller) throws -> [Notification]
    {
        try Policy.authorize(caller, .readOwnNotifications)
        return try pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM notifications nt
                WHERE \(readable(by: caller)) AND (NOT \(unreadOnly) OR nt.read_at IS NULL)
                  AND \(SQL.keyset("nt.id", before: before))
                ORDER BY nt.id DESC LIMIT \(limit)
                """, decode: Self.notification)
        }
    }

    /// Marks one read (once: a second time keeps the first `read_at`).
    public func markRead(_ id: UUID, for caller: Caller) throws -> Notification {
        try Policy.authorize(caller, .manageOwnNotifications)
        return try pool.withConnection { connection in
            guard
                let row = try connection.query(
                    """
                    UPDATE notifications nt SET read_at = coalesce(nt.read_at, now())
                    WHERE nt.id = \(id) AND \(readable(by: caller))
                    RETURNING \(Self.columns)
                    """
                ).first
            else { throw AccessError.notFound }
            return try Self.notification(row)
        }
    }

    static func notification(_ row: Row) throws -> Notification {
        Notification(
            id: try row["id"], kind: try row["kind"], subjectType: try row["subject_type"],
            subjectID: try row["subject_id"], communityID: try row["community_id"], summary: try row["summary"],
            createdAt: try row["created_at"], readAt: try row["read_at"])
    }
}
