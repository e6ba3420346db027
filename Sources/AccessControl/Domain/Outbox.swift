import Crypto
import Foundation
import Postgres

/// A message for one person, queued in the transaction of the change that needs it.
public struct OutboxMessage: Sendable, Equatable {
    public var id: UUID
    public var recipient: String
    public var purpose: Onboarding.Purpose
    public var subject: String
    public var body: String
    public var status: String
    public var createdAt: Date
}

/// Where one-time secrets go: to the account's own address, never into an API answer. A
/// message is written in the transaction that issues the secret, so a rolled-back change sends
/// nothing. Until a sender delivers them, an operator reads the queued ones at the command line.
public struct Outbox: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    static func insert(
        _ id: UUID, for account: UUID, _ purpose: Onboarding.Purpose, subject: String, body: String
    ) -> SQL {
        """
        INSERT INTO outbox_messages (id, account_id, recipient, purpose, subject, body)
        SELECT \(id), a.id, a.email, \(purpose.rawValue), \(subject), \(body) FROM accounts a WHERE a.id = \(account)
        """
    }
    /// The account's waiting messages are withdrawn: a new token replaces the one they carry,
    /// or the token was used.
    static func withdrawEarlier(of account: UUID) -> SQL {
        "UPDATE outbox_messages SET status = 'withdrawn' WHERE account_id = \(account) AND status = 'queued'"
    }
    static func queued(to recipient: String?) -> SQL {
        """
        SELECT id, recipient, purpose, subject, body, status, created_at FROM outbox_messages
        WHERE status = 'queued'
          AND (\(recipient == nil)::boolean OR lower(recipient) = \(recipient.flatMap(EmailAddress.normalized))::text)
        ORDER BY created_at, id
        """
    }

    /// The message that carries `secret` to the account's owner, inside the issuing transaction.
    static func queue(
        _ purpose: Onboarding.Purpose, secret: String, expiresAt: Date, for account: UUID, on connection: Connection
    ) throws {
        let until = expiresAt.ISO8601Format()
        let (subject, body): (String, String)
        switch purpose {
        case .activation:
            subject = "Choose your Praxis password"
            body = """
                An account on Praxis was opened for you. To choose your password, send this one-time \
                token with the password you choose to POST /v1/account-activations before \(until):

                \(secret)

                """
        case .reset:
            subject = "Reset your Praxis password"
            body = """
                A password reset was issued for your Praxis account: your old password no longer \
                works and every session has ended. To choose a new password, send this one-time token \
                with it to POST /v1/password-resets before \(until):

                \(secret)

                """
        }
        try connection.query(withdrawEarlier(of: account))
        try connection.query(insert(UUIDv7.make(), for: account, purpose, subject: subject, body: body))
    }

    /// What waits to be sent, oldest first, to one address or to all.
    public func queued(to recipient: String? = nil) throws -> [OutboxMessage] {
        try pool.withConnection { connection in
            try connection.query(Outbox.queued(to: recipient)).map { row in
                OutboxMessage(
                    id: try row["id"], recipient: try row["recipient"], purpose: try row["purpose"],
                    subject: try row["subject"], body: try row["body"], status: try row["status"],
                    createdAt: try row["created_at"])
            }
        }
    }
}
extension Onboarding.Purpose: PostgresTextDecodable {}
