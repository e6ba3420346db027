import Crypto
import Foundation
import Postgres

/// What a person changes about themselves.
public struct ProfileChange: Sendable {
    public var displayName: String?
    public var jobTitle: String??
    public var country: String??
    public var expertise: [String]?
    public var listJobTitle: Bool?
    public var listExpertise: Bool?
    public var locale: String?
    public var timeZone: String?
    public var digest: DigestFrequency?
    public init() {}

    func validate(_ validation: inout Validation) {
        if let name = displayName { validation.text(name, "display_name", length: 1...120) }
        if let jobTitle, let jobTitle { validation.text(jobTitle, "job_title", length: 1...200) }
        if let country { validation.country(country) }
        if let expertise { validation.tags(expertise, "expertise") }
        validation.locale(locale)
        validation.timeZone(timeZone)
    }

    func apply(to account: inout Account) {
        account.displayName = displayName ?? account.displayName
        if let jobTitle { account.jobTitle = jobTitle }
        if let country { account.country = country }
        account.expertise = expertise ?? account.expertise
        account.listJobTitle = listJobTitle ?? account.listJobTitle
        account.listExpertise = listExpertise ?? account.listExpertise
        account.locale = locale ?? account.locale
        account.timeZone = timeZone ?? account.timeZone
        account.digest = digest ?? account.digest
    }
}

public struct SessionInfo: Sendable {
    public var id: UUID
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var current: Bool
}

/// A person's own profile, password, sessions and data (`/v1/me...`).
public struct ProfileService: Sendable {
    static func updateProfile(_ account: Account) -> SQL {
        """
        UPDATE accounts SET display_name = \(account.displayName), job_title = \(account.jobTitle),
               country = \(account.country), expertise = \(account.expertise), locale = \(account.locale),
               time_zone = \(account.timeZone), list_job_title = \(account.listJobTitle),
               list_expertise = \(account.listExpertise), digest = \(account.digest.rawValue),
               version = version + 1, updated_at = now()
        WHERE id = \(account.id)
        """
    }
    static func passwordHash(of account: UUID) -> SQL { "SELECT password_hash FROM accounts WHERE id = \(account)" }
    /// Every live session of the person but `current` (none spared when nil).
    static func revokeOtherSessions(of account: UUID, except current: UUID?) -> SQL {
        """
        UPDATE sessions SET revoked_at = now()
        WHERE account_id = \(account) AND revoked_at IS NULL AND id IS DISTINCT FROM \(current)
        """
    }
    static func sessions(of account: UUID, idleLifetime: TimeInterval, after: UUID?, limit: Int) -> SQL {
        """
        SELECT id, created_at, last_seen_at, expires_at FROM sessions
        WHERE account_id = \(account) AND revoked_at IS NULL AND expires_at > now()
          AND last_seen_at > now() - make_interval(secs => \(idleLifetime))
          AND \(SQL.keyset("id", after: after))
        ORDER BY id LIMIT \(limit)
        """
    }
    static func revokeSession(_ id: UUID, of account: UUID) -> SQL {
        """
        UPDATE sessions SET revoked_at = now() WHERE id = \(id) AND account_id = \(account) AND revoked_at IS NULL
        RETURNING id
        """
    }
    /// Everything stored about one person, as one JSON document built in SQL.
    static func export(_ account: UUID, with personalData: [PersonalData]) -> SQL {
        """
        SELECT json_build_object(
            'account', (SELECT json_build_object(
                'id', a.id, 'email', a.email, 'display_name', a.display_name, 'job_title', a.job_title,
                'country', a.country, 'member_kind', a.member_kind, 'expertise', a.expertise,
                'list_job_title', a.list_job_title, 'list_expertise', a.list_expertise, 'locale', a.locale,
                'time_zone', a.time_zone, 'digest', a.digest, 'platform_role', a.platform_role,
                'can_create_communities', a.can_create_communities, 'status', a.status,
                'created_at', praxis_time(a.created_at), 'updated_at', praxis_time(a.updated_at),
                'organisation', (SELECT json_build_object('id', o.id, 'name', o.name, 'kind', o.kind,
                                                          'country', o.country, 'sector', o.sector)
                                 FROM organisations o WHERE o.id = a.organisation_id))
                FROM accounts a WHERE a.id = \(account)),
            'sessions', coalesce((SELECT json_agg(json_build_object(
                'id', s.id, 'created_at', praxis_time(s.created_at), 'last_seen_at', praxis_time(s.last_seen_at),
                'expires_at', praxis_time(s.expires_at), 'revoked_at', praxis_time(s.revoked_at)) ORDER BY s.id)
                FROM sessions s WHERE s.account_id = \(account)), '[]'),
            'tokens', coalesce((SELECT json_agg(json_build_object(
                'id', t.id, 'name', t.name, 'prefix', t.token_prefix, 'scopes', t.scopes,
                'community_ids', t.community_ids,
                'expires_at', praxis_time(t.expires_at), 'last_used_at', praxis_time(t.last_used_at),
                'revoked_at', praxis_time(t.revoked_at), 'created_at', praxis_time(t.created_at)) ORDER BY t.id)
                FROM api_tokens t WHERE t.account_id = \(account)), '[]'),
            'audit_events', coalesce((SELECT json_agg(json_build_object(
                'id', e.id, 'occurred_at', praxis_time(e.occurred_at), 'action', e.action, 'target_type', e.target_type,
                'target_id', e.target_id,
                'address', (SELECT x.address FROM audit_event_addresses x
                            WHERE x.event_id = e.id AND e.actor_id = \(account)))
                ORDER BY e.seq)
                FROM audit_events e
                WHERE (e.target_type = 'account' AND e.target_id = \(account)::text)
                   OR (e.actor_id = \(account) AND e.target_type = 'session')),
                '[]'),
            'notifications', coalesce((SELECT json_agg(json_build_object(
                'id', nt.id, 'kind', nt.kind, 'subject_type', nt.subject_type, 'subject_id', nt.subject_id,
                'community_id', nt.community_id, 'summary', nt.summary, 'created_at', praxis_time(nt.created_at),
                'read_at', praxis_time(nt.read_at)) ORDER BY nt.id)
                FROM notifications nt WHERE nt.account_id = \(account)), '[]'),
            'messages', coalesce((SELECT json_agg(json_build_object(
                'id', m.id, 'recipient', m.recipient, 'purpose', m.purpose, 'status', m.status,
                'created_at', praxis_time(m.created_at), 'finished_at', praxis_time(m.finished_at)) ORDER BY m.id)
                FROM outbox_messages m WHERE m.account_id = \(account)), '[]')
            \(SQL.joined(personalData.map { data -> SQL in ", \(data.export(account))" }, separator: ""))
        )::text AS document
        """
    }

    let pool: ConnectionPool
    let passwords: PasswordHashing
    /// What every other domain keeps about people, in the person's export after their account.
    let personalData: [PersonalData]
    let audit = AuditLog()
    let throttle = LoginThrottle()

    public init(pool: ConnectionPool, passwords: PasswordHashing, personalData: [PersonalData]) {
        self.pool = pool
        self.passwords = passwords
        self.personalData = personalData
    }

    public func update(
        _ change: ProfileChange, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Account {
        try Policy.authorize(caller, .editOwnProfile)
        return try pool.withTransaction { connection in
            guard let row = try connection.query(AccountRepository.lockAccount(caller.accountID)).first else {
                throw AccessError.notFound
            }
            var account = try AccountRepository.account(row)
            var validation = Validation()
            change.validate(&validation)
            try validation.check()
            try matches(account.version)
            change.apply(to: &account)
            try connection.query(ProfileService.updateProfile(account))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.profile_updated", targetType: "account",
                    targetID: account.id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
            return try AccountRepository.account(connection.single(AccountRepository.findAccount(account.id)))
        }
    }

    /// Needs the current password; every other session of the person ends. Wrong guesses are
    /// throttled like logins (a stolen session must not guess its way to the password); a
    /// refusal is returned, not thrown, so that its count survives the request's transaction.
    public func changePassword(current: String, new: String, by caller: Caller, from origin: RequestOrigin) throws
        -> AccessError?
    {
        try Policy.authorize(caller, .manageOwnSecurity)
        var validation = Validation()
        validation.password(new, "new_password")
        try validation.check()
        let keys = LoginThrottle.keys(
            emailDigest: "account-\(caller.accountID.lowercasedString)", address: origin.address)
        if let wait = try pool.withConnection({ try throttle.wait(keys, on: $0) }) {
            return .throttled(retryAfterSeconds: wait)
        }
        let stored = try pool.withConnection {
            try $0.query(ProfileService.passwordHash(of: caller.accountID)).first.flatMap {
                try $0["password_hash"] as String?
            }
        }
        guard try passwords.verify(current, hash: stored) else {
            try pool.withTransaction { try throttle.recordFailure(keys, on: $0) }
            return .invalid("current_password", "is not your current password")
        }
        let hash = try passwords.hash(new)
        try pool.withTransaction { connection in
            try connection.query(AccountRepository.setPassword(caller.accountID, hash))
            try connection.query(
                ProfileService.revokeOtherSessions(of: caller.accountID, except: currentSession(caller)))
            try connection.query(Onboarding.retireOthers(of: caller.accountID))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.password_changed", targetType: "account",
                    targetID: caller.accountID.lowercasedString, requestID: origin.requestID,
                    address: origin.address),
                on: connection)
        }
        return nil
    }

    public func sessions(of caller: Caller, after: UUID?, limit: Int) throws -> [SessionInfo] {
        try Policy.authorize(caller, .manageOwnSecurity)
        let current = currentSession(caller)
        return try pool.withConnection { connection in
            try connection.query(
                ProfileService.sessions(
                    of: caller.accountID, idleLifetime: AuthenticationService.sessionIdleLifetime, after: after,
                    limit: limit)
            ) { row in
                let id: UUID = try row["id"]
                return SessionInfo(
                    id: id, createdAt: try row["created_at"], lastSeenAt: try row["last_seen_at"],
                    expiresAt: try row["expires_at"], current: id == current)
            }
        }
    }

    /// Ends one of the person's sessions (another person's is not visible).
    public func revokeSession(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try Policy.authorize(caller, .manageOwnSecurity)
        try pool.withTransaction { connection in
            guard try !connection.query(ProfileService.revokeSession(id, of: caller.accountID)).isEmpty else {
                throw AccessError.notFound
            }
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "session.revoked", targetType: "session",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
        }
    }

    /// Ends every session of the person but the one making the request.
    public func revokeOtherSessions(by caller: Caller, from origin: RequestOrigin) throws {
        try Policy.authorize(caller, .manageOwnSecurity)
        try pool.withTransaction { connection in
            try connection.query(
                ProfileService.revokeOtherSessions(of: caller.accountID, except: currentSession(caller)))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "session.revoked_others", targetType: "account",
                    targetID: caller.accountID.lowercasedString, requestID: origin.requestID,
                    address: origin.address),
                on: connection)
        }
    }

    /// Everything stored about the person, as JSON text; the export itself is audited.
    public func export(for caller: Caller, from origin: RequestOrigin) throws -> String {
        try Policy.authorize(caller, .manageOwnSecurity)
        return try pool.withTransaction { connection in
            let document: String = try connection.single(ProfileService.export(caller.accountID, with: personalData))[
                "document"]
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.exported", targetType: "account",
                    targetID: caller.accountID.lowercasedString, requestID: origin.requestID,
                    address: origin.address),
                on: connection)
            return document
        }
    }

    private func currentSession(_ caller: Caller) -> UUID? {
        if case .session(let id) = caller.credential { return id }
        return nil
    }
}
