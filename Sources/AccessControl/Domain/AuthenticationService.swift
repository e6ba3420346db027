import Crypto
import Foundation
import Postgres

/// Logging in and out, and turning a bearer secret into a `Caller`.
public struct AuthenticationService: Sendable {
    public static let sessionIdleLifetime: TimeInterval = 12 * 3600
    public static let sessionAbsoluteLifetime: TimeInterval = 30 * 24 * 3600

    let pool: ConnectionPool
    let passwords: PasswordHashing
    let audit = AuditLog()
    let throttle = LoginThrottle()

    public init(pool: ConnectionPool, passwords: PasswordHashing) {
        self.pool = pool
        self.passwords = passwords
    }

    /// The caller a bearer secret stands for, checked against the account as it is now.
    public func authenticate(bearer secret: String) throws -> Caller {
        let digest = Secrets.digest(secret)
        return try pool.withConnection { connection in
            if secret.hasPrefix("prx_") {
                guard Secrets.hasValidChecksum(secret),
                    let row = try connection.query(CredentialRepository.tokenCaller(digest)).first
                else { throw AccessError.unauthenticated }
                let id: UUID = try row["token_id"]
                let scopes = Set((try row["scopes"] as [String]).compactMap(Scope.init(rawValue:)))
                let communities = (try row["community_ids"] as [UUID]?).map(Set.init)
                if try row["needs_touch"] { try connection.query(CredentialRepository.touchToken(id)) }
                var caller = try CredentialRepository.caller(
                    row, credential: .token(id: id), scopes: scopes, communities: communities)
                caller.tokenExpiresAt = try row["expires_at"]
                return caller
            }
            guard secret.hasPrefix("prs_"),
                let row = try connection.query(
                    CredentialRepository.sessionCaller(digest, idleLifetime: AuthenticationService.sessionIdleLifetime)
                ).first
            else { throw AccessError.unauthenticated }
            let id: UUID = try row["session_id"]
            // The idle clock is written at most once a minute.
            if try row["needs_touch"] { try connection.query(CredentialRepository.touchSession(id)) }
            return try CredentialRepository.caller(row, credential: .session(id: id), scopes: nil, communities: nil)
        }
    }

    /// Whether the credential a caller came with still holds (not revoked or expired, the
    /// account not suspended): background work started by a request asks before each step.
    public func isStillValid(_ caller: Caller) throws -> Bool {
        var session: UUID?
        var token: UUID?
        switch caller.credential {
        case .session(let id): session = id
        case .token(let id): token = id
        case .commandLine, .digest: return true
        }
        return try !pool.withConnection {
            try $0.query(CredentialRepository.stillValid(caller.accountID, session: session, token: token))
        }.isEmpty
    }

    /// Email and password to a session. An unknown email and a wrong password get the same
    /// answer after the same work (a decoy hash is verified when the email is unknown).
    /// A refusal is returned, not thrown: its throttle count and audit row are written in the
    /// request's transaction, which a thrown error would roll back.
    public enum LoginOutcome: Sendable {
        case signedIn(IssuedSession)
        case refused(AccessError)
    }

    public func logIn(email: String, password: String, from origin: RequestOrigin) throws -> LoginOutcome {
        // The throttle and the lookup read the same address: one spelling, one bucket.
        let normalized = EmailAddress.normalized(email)
        let emailDigest = Secrets.digest(normalized ?? email.trimmingCharacters(in: .whitespaces))
        let keys = LoginThrottle.keys(emailDigest: emailDigest, address: origin.address)
        if let wait = try pool.withConnection({ try throttle.wait(keys, on: $0) }) {
            return .refused(.throttled(retryAfterSeconds: wait))
        }
        let stored = try normalized.flatMap { normalized in
            try pool.withConnection { try $0.query(AccountRepository.passwordOf(normalized)).first }
        }
        let accountID = try stored.map { try $0["id"] as UUID }
        let hash = try stored.flatMap { try $0["password_hash"] as String? }
        let active = try stored.map { try $0["status"] as String } == AccountStatus.active.rawValue
        let verified = try passwords.verify(password, hash: hash)
        guard verified, active, let accountID, let hash else {
            // The typed email is not recorded: people type passwords into that field too.
            try pool.withTransaction { connection in
                try throttle.recordFailure(keys, on: connection)
                try audit.record(
                    AuditEntry(
                        actorID: nil, action: "session.login_failed", requestID: origin.requestID,
                        address: origin.address),
                    on: connection)
            }
            return .refused(.invalidCredentials)
        }
        let rehashed = Sodium.passwordNeedsRehash(hash) ? try passwords.hash(password) : nil
        let secret = Secrets.sessionToken()
        let id = UUIDv7.make()
        return try pool.withTransaction { connection in
            if let rehashed { try connection.query(AccountRepository.setPassword(accountID, rehashed)) }
            try throttle.recordSuccess(keys, on: connection)
            let expiresAt: Date = try connection.single(
                CredentialRepository.insertSession(
                    id, account: accountID, digest: Secrets.digest(secret),
                    lifetime: AuthenticationService.sessionAbsoluteLifetime)
            )["expires_at"]
            try audit.record(
                AuditEntry(
                    actorID: accountID, action: "session.created", targetType: "session",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
            return .signedIn(IssuedSession(id: id, secret: secret, expiresAt: expiresAt))
        }
    }

    /// Ends the session the caller authenticated with.
    public func logOut(_ caller: Caller, from origin: RequestOrigin) throws {
        guard case .session(let id) = caller.credential else {
            throw AccessError.conflict(.notASession, detail: "This credential is an API token; revoke it instead.")
        }
        try pool.withTransaction { connection in
            try connection.query(CredentialRepository.revokeSession(id))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "session.revoked", targetType: "session",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
        }
    }
}
