import AccessControl
import Crypto
import Foundation
import Logging
import Mail
import Postgres

/// A message in the outbox, as an operator lists it: its words written as they will be sent.
public struct OutboxEntry: Sendable {
    public var id: UUID
    public var recipient: String
    public var purpose: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var subject: String
    public var text: String
}

/// Sends what the outbox holds. Every server instance runs it: due rows are claimed with
/// `FOR UPDATE SKIP LOCKED` and leased for longer than an SMTP attempt may take, so that two
/// instances never send one message, and a message whose instance died is sent once the lease
/// runs out. SMTP is spoken outside any transaction; a request never waits for it.
public struct MailDelivery: Sendable {
    let pool: ConnectionPool
    public let settings: MailSettings
    let client: SMTPClient?
    let logger: Logger
    /// Longer than an attempt may last (connect and transfer timeouts).
    static let leaseSeconds = 300

    public init(pool: ConnectionPool, settings: MailSettings, logger: Logger) {
        self.pool = pool
        self.settings = settings
        self.client = settings.smtp.map(SMTPClient.init)
        self.logger = logger
    }

    static let columns: SQL = """
        m.id, m.recipient, m.purpose, m.locale, m.parameters::text AS parameters, m.attempts, m.status, m.last_error,
        m.created_at, (SELECT a.display_name FROM accounts a WHERE a.id = m.account_id) AS display_name
        """

    static func claim(limit: Int) -> SQL {
        """
        WITH due AS (
            SELECT id FROM outbox_messages
            WHERE status = 'queued' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
            ORDER BY next_attempt_at LIMIT \(limit)
            FOR UPDATE SKIP LOCKED)
        UPDATE outbox_messages m
        SET claimed_until = now() + make_interval(secs => \(leaseSeconds)), attempts = m.attempts + 1
        FROM due WHERE m.id = due.id
        RETURNING \(columns),
                  EXISTS (SELECT 1 FROM email_suppressions s WHERE s.address = lower(m.recipient)) AS suppressed
        """
    }

    /// The secrets a message carried: they are of no use once it has left the queue.
    static let withoutSecrets: SQL = "parameters - 'token' - 'decline_token' - 'unsubscribe_token'"

    static func finish(_ id: UUID, as status: String, error: String?) -> SQL {
        """
        UPDATE outbox_messages
        SET status = \(status), last_error = \(error), finished_at = now(), claimed_until = NULL,
            parameters = \(withoutSecrets)
        WHERE id = \(id) AND status = 'queued'
        """
    }
    static func retry(_ id: UUID, afterSeconds delay: Double, error: String) -> SQL {
        """
        UPDATE outbox_messages
        SET next_attempt_at = now() + make_interval(secs => \(delay)), claimed_until = NULL, last_error = \(error)
        WHERE id = \(id) AND status = 'queued'
        """
    }
    static func suppress(_ recipient: String, message: UUID, reason: String) -> SQL {
        """
        INSERT INTO email_suppressions (id, address, source, reason, message_id)
        VALUES (\(UUIDv7.make()), lower(\(recipient)), 'bounce', \(String(reason.prefix(500))), \(message))
        ON CONFLICT (address) DO NOTHING
        """
    }

    /// Claims due messages and sends each; returns how many were claimed. Without SMTP,
    /// nothing is claimed: messages wait for an operator (`praxis admin outbox`).
    @discardableResult
    public func deliverDue(batch: Int = 20) throws -> Int {
        guard let client else { return 0 }
        let claimed = try pool.withTransaction { try $0.query(Self.claim(limit: batch)) }
        for row in claimed {
            let id: UUID = try row["id"]
            let attempts: Int = try row["attempts"]
            let createdAt: Date = try row["created_at"]
            let metadata: Logger.Metadata = [
                "message.id": "\(id.lowercasedString)", "purpose": "\(try row["purpose"] as String)",
                "attempt": "\(attempts)",
            ]
            if try row["suppressed"] as Bool {
                _ = try pool.withConnection {
                    try $0.query(Self.finish(id, as: "suppressed", error: "the address is suppressed"))
                }
                logger.info("mail not sent to a suppressed address", metadata: metadata)
                continue
            }
            let outcome: SMTPOutcome
            do { outcome = client.send(try message(row)) } catch {
                outcome = .permanent("the address cannot be written")
            }
            switch outcome {
            case .sent:
                _ = try pool.withConnection { try $0.query(Self.finish(id, as: "sent", error: nil)) }
                logger.info("mail sent", metadata: metadata)
            case .permanent(let reason):
                try pool.withTransaction { connection in
                    try connection.query(Self.finish(id, as: "failed", error: reason))
                    try connection.query(Self.suppress(try row["recipient"], message: id, reason: reason))
                }
                logger.warning(
                    "mail refused for good; the address is suppressed",
                    metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            case .transient(let reason):
                if Date().timeIntervalSince(createdAt) + nextDelay(after: attempts) > settings.retryForSeconds {
                    _ = try pool.withConnection {
                        try $0.query(
                            Self.finish(id, as: "failed", error: "gave up after \(attempts) attempts: \(reason)"))
                    }
                    logger.warning("mail given up", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                } else {
                    _ = try pool.withConnection {
                        try $0.query(Self.retry(id, afterSeconds: nextDelay(after: attempts), error: reason))
                    }
                    logger.notice(
                        "mail attempt failed; it will be retried",
                        metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                }
            }
        }
        return claimed.count
    }

    /// Exponential back-off with jitter: between half and all of base × 2^(attempts − 1), capped.
    func nextDelay(after attempts: Int) -> Double {
        let full = min(settings.retryCapSeconds, settings.retryBaseSeconds * pow(2, Double(max(0, attempts - 1))))
        return full / 2 + Double.random(in: 0...(full / 2))
    }

    func letter(_ row: Row) throws -> Letter {
        let data = Data((try row["parameters"] as String).utf8)
        let parameters = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let purpose: String = try row["purpose"]
        return MailTemplates.letter(
            MailTemplate(rawValue: purpose) ?? .activation, locale: try row["locale"], parameters: parameters,
            links: settings.links)
    }

    func message(_ row: Row) throws -> MailMessage {
        let letter = try letter(row)
        let id: UUID = try row["id"]
        let domain = settings.from.address.split(separator: "@").last.map(String.init) ?? "praxis.invalid"
        return MailMessage(
            from: settings.from,
            to: try Mailbox(address: try row["recipient"], displayName: try row["display_name"]),
            subject: letter.subject, text: letter.body.text, html: letter.body.html,
            messageID: "\(id.lowercasedString)@\(domain)", date: Date(),
            headers: [("Auto-Submitted", "auto-generated")] + letter.headers)
    }

    /// What waits to be sent (or was last tried), oldest first, to one address or to all, as it
    /// will read. For an operator at the command line: the only other place a secret shows.
    public func queued(to recipient: String? = nil) throws -> [OutboxEntry] {
        try pool.withConnection { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM outbox_messages m
                WHERE m.status = 'queued'
                  AND (\(recipient == nil)::boolean OR lower(m.recipient) = lower(\(recipient)::text))
                ORDER BY m.created_at, m.id
                """
            ).map { row in
                let letter = try letter(row)
                return OutboxEntry(
                    id: try row["id"], recipient: try row["recipient"], purpose: try row["purpose"],
                    status: try row["status"], attempts: try row["attempts"], lastError: try row["last_error"],
                    createdAt: try row["created_at"], subject: letter.subject, text: letter.body.text)
            }
        }
    }
}
