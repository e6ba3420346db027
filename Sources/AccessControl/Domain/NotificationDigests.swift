import Crypto
import Foundation
import Postgres

/// A person's unread notifications, once a day or once a week, in one message. What it lists
/// is read at the moment it is written, as the person would read it then: only notifications
/// whose subject they may still see, and never a name (a summary holds ids and titles).
public struct NotificationDigests: Sendable {
    let pool: ConnectionPool
    let notifications: NotificationService
    /// The most a digest lists; it says how many more wait.
    static let listed = 20

    public init(pool: ConnectionPool, scopes: [NotificationScope]) {
        self.pool = pool
        self.notifications = NotificationService(pool: pool, scopes: scopes)
    }

    /// People whose digest is due and who have something unread since the last one. Locked, and
    /// skipped when another instance holds them, so that each digest is written once.
    static func due(limit: Int) -> SQL {
        """
        SELECT \(CredentialRepository.callerColumns), coalesce(a.digest_sent_at, a.created_at) AS since
        FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE a.status = 'active' AND a.digest <> 'off'
          AND coalesce(a.digest_sent_at, a.created_at)
              <= now() - CASE a.digest WHEN 'daily' THEN interval '1 day' ELSE interval '7 days' END
          AND EXISTS (SELECT 1 FROM notifications nt WHERE nt.account_id = a.id AND nt.read_at IS NULL
                        AND nt.created_at > coalesce(a.digest_sent_at, a.created_at))
        ORDER BY a.id LIMIT \(limit)
        FOR UPDATE OF a SKIP LOCKED
        """
    }

    func unread(by caller: Caller, since: Date) -> SQL {
        """
        SELECT nt.kind, nt.subject_type, nt.summary->>'thread_title' AS thread_title, c.name AS community_name,
               count(*) OVER () AS total
        FROM notifications nt LEFT JOIN communities c ON c.id = nt.community_id
        WHERE \(notifications.readable(by: caller)) AND nt.read_at IS NULL AND nt.created_at > \(since)
        ORDER BY nt.id DESC LIMIT \(Self.listed)
        """
    }

    static func markSent(_ account: UUID) -> SQL {
        "UPDATE accounts SET digest_sent_at = now() WHERE id = \(account)"
    }

    /// Writes the digests that are due, in batches; returns how many were queued.
    @discardableResult
    public func queueDue(batch: Int = 50) throws -> Int {
        try pool.withTransaction { connection in
            var queued = 0
            for row in try connection.query(Self.due(limit: batch)) {
                let caller = try CredentialRepository.caller(row, credential: .digest, scopes: nil, communities: nil)
                let since: Date = try row["since"]
                let items = try connection.query(unread(by: caller, since: since))
                try connection.query(Self.markSent(caller.accountID))
                guard let first = items.first else { continue }
                let total: Int64 = try first["total"]
                let listed = try items.map { item -> [String: String] in
                    var entry = ["kind": try item["kind"] as String]
                    if let title: String = try item["thread_title"] { entry["thread_title"] = title }
                    if let community: String = try item["community_name"] { entry["community_name"] = community }
                    return entry
                }
                let unsubscribe = Secrets.oneTimeToken()
                try Outbox.queue(
                    .digest, to: caller.accountID,
                    parameters: ["items": listed, "total": total, "unsubscribe_token": unsubscribe],
                    unsubscribeDigest: Secrets.digest(unsubscribe), on: connection)
                queued += 1
            }
            return queued
        }
    }

    /// The one-click unsubscribe of RFC 8058: the token from a digest's header turns digests off
    /// for its recipient. Answers whether the token was known.
    public func unsubscribe(token: String) throws -> Bool {
        try pool.withConnection { connection in
            try !connection.query(
                """
                UPDATE accounts a SET digest = 'off', version = version + 1, updated_at = now()
                FROM outbox_messages m
                WHERE m.unsubscribe_token_hash = \(Secrets.digest(token)) AND a.id = m.account_id
                RETURNING a.id
                """
            ).isEmpty
        }
    }
}
