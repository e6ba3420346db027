import Crypto
import Foundation
import Postgres

/// One-time tokens to choose a password, account erasure and token rotation: the account life
/// cycle beyond create and update.
public struct Onboarding: Sendable {
    public enum Purpose: String, Sendable {
        case activation, reset
        var lifetime: TimeInterval { self == .activation ? 72 * 3600 : 24 * 3600 }
    }

    static func issue(_ id: UUID, _ purpose: Purpose, for account: UUID, digest: String) -> SQL {
        """
        INSERT INTO account_tokens (id, account_id, purpose, token_hash, expires_at)
        VALUES (\(id), \(account), \(purpose.rawValue), \(digest), now() + make_interval(secs => \(purpose.lifetime)))
        RETURNING expires_at
        """
    }
    /// Spends a token (once, before it expires) and returns its account.
    static func redeem(_ digest: String, _ purpose: Purpose) -> SQL {
        """
        UPDATE account_tokens SET used_at = now()
        WHERE token_hash = \(digest) AND purpose = \(purpose.rawValue) AND used_at IS NULL AND expires_at > now()
        RETURNING account_id
        """
    }
    static func retireOthers(of account: UUID) -> SQL {
        "UPDATE account_tokens SET used_at = now() WHERE account_id = \(account) AND used_at IS NULL"
    }
    static func isLive(_ digest: String, _ purpose: Purpose) -> SQL {
        """
        SELECT 1 FROM account_tokens
        WHERE token_hash = \(digest) AND purpose = \(purpose.rawValue) AND used_at IS NULL AND expires_at > now()
        """
    }
    static func activate(_ account: UUID, hash: String) -> SQL {
        """
        UPDATE accounts SET password_hash = \(hash),
               status = CASE WHEN status = 'invited' THEN 'active' ELSE status END,
               version = version + 1, updated_at = now()
        WHERE id = \(account) AND status IN ('invited', 'active') RETURNING id
        """
    }
    static func revokeSessions(of account: UUID) -> SQL {
        "UPDATE sessions SET revoked_at = now() WHERE account_id = \(account) AND revoked_at IS NULL"
    }
    static func revokeTokens(of account: UUID) -> SQL {
        "UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(account) AND revoked_at IS NULL"
    }
    static func erase(_ account: UUID) -> SQL {
        """
        UPDATE accounts SET email = 'erased-' || id || '@erased.invalid', display_name = 'Former member',
               password_hash = NULL, organisation_id = NULL, job_title = NULL, country = NULL, expertise = '{}',
               locale = 'en', time_zone = 'UTC', status = 'deleted', can_create_communities = false,
               version = version + 1, updated_at = now()
        WHERE id = \(account) AND status <> 'deleted' RETURNING id
        """
    }
    /// A community where the person is the only active convenor: erasing them would leave it
    /// with none.
    static func soleConvenorships(of account: UUID) -> SQL {
        """
        SELECT m.community_id FROM memberships m
        WHERE m.account_id = \(account) AND m.role = 'convenor' AND \(Visibility.isLive("m"))
          AND NOT EXISTS (SELECT 1 FROM memberships o JOIN accounts oa ON oa.id = o.account_id
                          WHERE o.community_id = m.community_id AND o.account_id <> \(account) AND o.role = 'convenor'
                            AND \(Visibility.isLive("o")) AND oa.status = 'active')
        LIMIT 1
        """
    }
    /// The addresses the person's own acts came from (they sit outside the audit hash).
    static func forgetAddresses(of account: UUID) -> SQL {
        "DELETE FROM audit_event_addresses WHERE event_id IN (SELECT id FROM audit_events WHERE actor_id = \(account))"
    }
    static func forgetNotifications(of account: UUID) -> SQL {
        "DELETE FROM notifications WHERE account_id = \(account)"
    }
    /// Mail to the person: what waits is not sent, and no row keeps their address or what a
    /// message was to say.
    static func forgetMessages(of account: UUID) -> SQL {
        """
        UPDATE outbox_messages
        SET recipient = 'erased-' || account_id || '@erased.invalid', parameters = '{}',
            status = CASE WHEN status = 'queued' THEN 'withdrawn' ELSE status END,
            finished_at = coalesce(finished_at, now())
        WHERE account_id = \(account)
        """
    }
    /// Marks a token rotated (once) and ends it after the overlap; no row when it was rotated already.
    static func retire(_ token: UUID, overlapSeconds: Int, successor: UUID) -> SQL {
        """
        UPDATE api_tokens SET replaced_by = \(successor),
               expires_at = LEAST(coalesce(expires_at, 'infinity'), now() + make_interval(secs => \(overlapSeconds)))
        WHERE id = \(token) AND replaced_by IS NULL AND revoked_at IS NULL RETURNING id
        """
    }

    let pool: ConnectionPool
    let passwords: PasswordHashing
    /// What every other domain keeps about people, ended when an account is erased.
    let personalData: [PersonalData]
    let audit = AuditLog()

    public init(pool: ConnectionPool, passwords: PasswordHashing, personalData: [PersonalData]) {
        self.pool = pool
        self.passwords = passwords
        self.personalData = personalData
    }

    /// Inside the transaction that creates an invited account: its activation token, queued for
    /// the account's address. Returns when it expires.
    static func issueActivation(for accountID: UUID, on connection: Connection) throws -> Date {
        try newToken(.activation, for: accountID, on: connection)
    }

    /// An admin issues a reset: every session of the person ends now, and the token goes to the
    /// person's address, never to the admin. Returns when it expires.
    public func issueReset(for accountID: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Date {
        try Policy.authorize(caller, .resetPassword)
        return try pool.withTransaction { connection in
            guard let row = try connection.query(AccountRepository.lockAccount(accountID)).first else {
                throw AccessError.notFound
            }
            let account = try AccountRepository.account(row)
            guard account.status == .active || account.status == .invited else {
                throw AccessError.conflict(.accountNotActive, detail: "The account is \(account.status.rawValue).")
            }
            try connection.query(Onboarding.retireOthers(of: accountID))
            // A reset means the old password is not to be trusted: it stops working now.
            try connection.query(AccountRepository.setPassword(accountID, nil))
            let issued = try Onboarding.newToken(.reset, for: accountID, on: connection)
            try connection.query(Onboarding.revokeSessions(of: accountID))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.reset_issued", targetType: "account",
                    targetID: accountID.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
            return issued
        }
    }

    /// The person chooses a password with a one-time token; an invited account becomes active.
    public func redeem(_ purpose: Purpose, token: String, password: String, from origin: RequestOrigin) throws {
        var validation = Validation()
        validation.password(password)
        try validation.check()
        let digest = Secrets.digest(token)
        // A junk token is refused before the (costly) hash; spending it below is what counts.
        guard try !pool.withConnection({ try $0.query(Onboarding.isLive(digest, purpose)) }).isEmpty else {
            throw AccessError.invalid("token", "is unknown, used or expired")
        }
        let hash = try passwords.hash(password)
        try pool.withTransaction { connection in
            guard
                let accountID = try connection.query(Onboarding.redeem(digest, purpose)).first.map({
                    try $0["account_id"] as UUID
                }),
                try !connection.query(Onboarding.activate(accountID, hash: hash)).isEmpty
            else {
                throw AccessError.invalid("token", "is unknown, used or expired")
            }
            // Whoever held a session before the new password holds none after it.
            try connection.query(Onboarding.revokeSessions(of: accountID))
            // The message that carried the token has done its work: it is no longer to be sent.
            try connection.query(Outbox.withdrawTokens(of: accountID))
            try audit.record(
                AuditEntry(
                    actorID: accountID, action: purpose == .activation ? "account.activated" : "account.password_reset",
                    targetType: "account", targetID: accountID.lowercasedString, requestID: origin.requestID,
                    address: origin.address),
                on: connection)
        }
    }

    /// Wipes the profile, ends every session and token; the account row stays as an anonymous
    /// author of what the person wrote.
    public func erase(_ accountID: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try Policy.authorize(caller, .manageAccounts)
        guard accountID != caller.accountID else {
            throw AccessError.conflict(.cannotEraseSelf, detail: "Ask another admin to erase your account.")
        }
        try pool.withTransaction { connection in
            guard try !connection.query(AccountRepository.findAccount(accountID)).isEmpty else {
                throw AccessError.notFound
            }
            if let row = try connection.query(Onboarding.soleConvenorships(of: accountID)).first {
                let community: UUID = try row["community_id"]
                throw AccessError.conflict(
                    .lastConvenor,
                    detail: "This person is the only convenor of community \(community.lowercasedString); "
                        + "another convenor is needed first.")
            }
            guard try !connection.query(Onboarding.erase(accountID)).isEmpty else {
                throw AccessError.conflict(.alreadyErased, detail: "This account was erased already.")
            }
            try connection.query(Onboarding.revokeSessions(of: accountID))
            try connection.query(Onboarding.revokeTokens(of: accountID))
            try connection.query(Onboarding.forgetAddresses(of: accountID))
            try connection.query(Onboarding.forgetNotifications(of: accountID))
            try connection.query(Onboarding.forgetMessages(of: accountID))
            for data in personalData { try connection.query(data.erase(accountID)) }
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.erased", targetType: "account",
                    targetID: accountID.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
        }
    }

    /// A one-time token whose only copy leaves in the outbox, addressed to the account.
    private static func newToken(_ purpose: Purpose, for accountID: UUID, on connection: Connection) throws -> Date {
        let token = try oneTimeToken(purpose, for: accountID, on: connection)
        try Outbox.queue(
            purpose == .activation ? .activation : .reset, to: accountID,
            parameters: ["token": token.secret, "expires_at": token.expiresAt.ISO8601Format()], on: connection)
        return token.expiresAt
    }

    /// A new one-time token for the account, replacing any earlier one still waiting to be sent,
    /// for a message that carries it (an invitation to a person who has no password yet).
    public static func oneTimeToken(_ purpose: Purpose, for accountID: UUID, on connection: Connection) throws
        -> OneTimeToken
    {
        try Outbox.replaceTokens(of: accountID, on: connection)
        let secret = Secrets.oneTimeToken()
        let expiresAt: Date = try connection.single(
            Onboarding.issue(UUIDv7.make(), purpose, for: accountID, digest: Secrets.digest(secret)))["expires_at"]
        return OneTimeToken(secret: secret, expiresAt: expiresAt)
    }
}

/// A secret that is written into one message and nowhere else.
public struct OneTimeToken: Sendable {
    public let secret: String
    public let expiresAt: Date
}
