import Crypto
import Foundation
import Postgres

/// What a message says, written when it is sent in the recipient's locale.
public enum MailTemplate: String, Sendable, CaseIterable {
    case activation, reset, invitation, approval, digest
}

/// Mail for one person, queued in the transaction of the change that needs it, so that a
/// rolled-back change sends nothing and a committed one is sent even if the process dies. A
/// message goes to the account's own address, never into an API answer; the values it needs
/// (a one-time token among them) stay in the row only until it leaves the queue.
public enum Outbox {
    /// Queues `template` for the account, in its locale. `parameters` is a JSON object.
    public static func queue(
        _ template: MailTemplate, to account: UUID, parameters: [String: Any], unsubscribeDigest: String? = nil,
        on connection: Connection
    ) throws {
        let data = try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])
        try connection.query(
            """
            INSERT INTO outbox_messages (id, account_id, recipient, purpose, locale, parameters, unsubscribe_token_hash)
            SELECT \(UUIDv7.make()), a.id, a.email, \(template.rawValue), a.locale, \(String(decoding: data, as: UTF8.self))::jsonb,
                   \(unsubscribeDigest)
            FROM accounts a WHERE a.id = \(account) AND a.status IN ('invited', 'active')
            """)
    }

    /// The one-time token in the account's waiting messages is spent or replaced: a message that
    /// exists only to carry it is withdrawn, another (an invitation) goes without it.
    static func withdrawTokens(of account: UUID) -> SQL {
        """
        UPDATE outbox_messages
        SET parameters = parameters - 'token' - 'expires_at',
            status = CASE WHEN purpose IN ('activation', 'reset') THEN 'withdrawn' ELSE status END,
            finished_at = CASE WHEN purpose IN ('activation', 'reset') THEN now() END
        WHERE account_id = \(account) AND status = 'queued' AND parameters ? 'token'
        """
    }

    /// Inside a transaction that issues a one-time token: earlier messages with one are withdrawn.
    public static func replaceTokens(of account: UUID, on connection: Connection) throws {
        try connection.query(withdrawTokens(of: account))
    }
}
