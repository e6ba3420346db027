import Crypto
import Foundation
import Postgres

public struct NewToken: Sendable {
    public var name: String
    public var scopes: [Scope]
    public var communityIDs: [UUID]?
    public var expiresAt: Date?
    /// An organisation-owned token: it still acts as the account that holds it (see README).
    public var organisationID: UUID?
    /// The account the token acts as: the caller's own (a secret is shown only to its person).
    public var accountID: UUID?

    public init(name: String, scopes: [Scope]) {
        self.name = name
        self.scopes = scopes
    }
}

/// API tokens for partner organisations and scripts.
public struct TokenService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A token for the caller's own account. Nobody, admins included, receives the secret of a
    /// token that acts as someone else.
    public func create(_ input: NewToken, by caller: Caller, from origin: RequestOrigin) throws -> IssuedToken {
        let owner = input.accountID ?? caller.accountID
        try Policy.authorize(caller, owner == caller.accountID ? .manageOwnTokens : .manageTokensOfOthers)
        guard owner == caller.accountID else { throw AccessError.refused(.ownTokensOnly) }
        var validation = Validation()
        validation.text(input.name, "name", length: 1...100)
        if input.scopes.isEmpty { validation.add("scopes", "must name at least one scope") }
        if input.scopes.contains(.admin) && !caller.isAdmin {
            validation.add("scopes", "admin is for platform admins only")
        }
        // Admin rights are platform-wide: they do not fit a token fenced into some communities.
        if input.scopes.contains(.admin) && input.communityIDs != nil {
            validation.add("community_ids", "cannot restrict a token with the admin scope")
        }
        if let expiresAt = input.expiresAt, expiresAt <= Date() {
            validation.add("expires_at", "must be in the future")
        }
        if let limit = caller.tokenExpiresAt, (input.expiresAt ?? .distantFuture) > limit {
            validation.add("expires_at", "must be no later than the expiry of the token that creates it")
        }
        if input.organisationID != nil && !caller.isAdmin {
            validation.add("organisation_id", "is for platform admins only")
        }
        if let communities = input.communityIDs, communities.isEmpty || communities.count > 100 {
            validation.add("community_ids", "must name 1 to 100 communities, or be left out")
        }
        if let reach = caller.communityIDs,
            !Set(input.communityIDs ?? []).isSubset(of: reach) || input.communityIDs == nil
        {
            validation.add("community_ids", "must stay within the communities of the token that creates it")
        }
        try validation.check()
        let secret = Secrets.apiToken()
        let id = UUIDv7.make()
        return try pool.withTransaction { connection in
            if input.scopes.contains(.admin) {
                // Read under the account's lock, as a demotion writes it: either the demotion
                // waits and revokes this token, or this waits and sees the account demoted.
                let account = try connection.query(AccountRepository.lockAccount(owner)).first.map(
                    AccountRepository.account)
                guard account?.platformRole == .admin else { throw AccessError.refused(.adminRequired) }
            }
            let row: Row
            do {
                row = try connection.single(
                    CredentialRepository.insertToken(
                        .init(
                            id: id, accountID: owner, organisationID: input.organisationID, name: input.name,
                            digest: Secrets.digest(secret), prefix: String(secret.prefix(12)),
                            scopes: Array(Set(input.scopes)).sorted().map(\.rawValue), communityIDs: input.communityIDs,
                            expiresAt: input.expiresAt, createdBy: caller.accountID)))
            } catch PostgresError.foreignKeyViolation(let constraint) {
                throw AccessError.invalid(
                    constraint?.contains("organisation") == true ? "organisation_id" : "account_id",
                    "does not exist")
            }
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "token.created", targetType: "token",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address,
                    details: #"{"account_id":"\#(owner.lowercasedString)"}"#),
                on: connection)
            return IssuedToken(token: try CredentialRepository.token(row), secret: secret)
        }
    }

    /// The caller's own live tokens (an admin may name another account).
    public func tokens(of accountID: UUID?, for caller: Caller, after: UUID?, limit: Int) throws -> [APIToken] {
        let owner = accountID ?? caller.accountID
        try Policy.authorize(caller, owner == caller.accountID ? .manageOwnTokens : .manageTokensOfOthers)
        return try pool.withConnection { connection in
            try connection.query(
                CredentialRepository.listTokens(of: owner, after: after, limit: limit),
                decode: CredentialRepository.token)
        }
    }

    /// One token of the caller's (admins: anyone's); another person's token is not visible.
    public func token(_ id: UUID, for caller: Caller) throws -> APIToken {
        try Policy.authorize(caller, .manageOwnTokens)
        guard let row = try pool.withConnection({ try $0.query(CredentialRepository.findToken(id)) }).first else {
            throw AccessError.notFound
        }
        let token = try CredentialRepository.token(row)
        guard token.accountID == caller.accountID || caller.isAdmin else { throw AccessError.notFound }
        return token
    }

    /// A successor with the same name, scopes, communities and expiry; the old secret keeps
    /// working for `overlapSeconds` more, so that a deployment can switch without a gap. Only
    /// the token's own person rotates it (an admin may revoke anyone's, never receive it), and an
    /// admin-scoped token only while its account is an admin's.
    public func rotate(_ id: UUID, overlapSeconds: Int, by caller: Caller, from origin: RequestOrigin) throws
        -> IssuedToken
    {
        try Policy.authorize(caller, .manageOwnTokens)
        return try pool.withTransaction { connection in
            guard let row = try connection.query(CredentialRepository.findToken(id)).first else {
                throw AccessError.notFound
            }
            let old = try CredentialRepository.token(row)
            guard old.accountID == caller.accountID || caller.isAdmin else { throw AccessError.notFound }
            guard old.accountID == caller.accountID else { throw AccessError.refused(.ownTokensOnly) }
            if old.scopes.contains(.admin) {
                let account = try connection.query(AccountRepository.lockAccount(old.accountID)).first.map(
                    AccountRepository.account)
                guard account?.platformRole == .admin else { throw AccessError.refused(.adminRequired) }
            }
            guard (0...604_800).contains(overlapSeconds) else {
                throw AccessError.invalid("overlap_seconds", "must be 0 to 604800 (a week)")
            }
            guard old.revokedAt == nil, old.expiresAt.map({ $0 > Date() }) ?? true else {
                throw AccessError.conflict(.tokenNotLive, detail: "Only a live token can be rotated.")
            }
            let secret = Secrets.apiToken()
            let successor = UUIDv7.make()
            guard
                try !connection.query(Onboarding.retire(id, overlapSeconds: overlapSeconds, successor: successor))
                    .isEmpty
            else {
                throw AccessError.conflict(
                    .alreadyRotated, detail: "This token has a successor already; rotate that one.")
            }
            let created = try connection.single(
                CredentialRepository.insertToken(
                    .init(
                        id: successor, accountID: old.accountID, organisationID: old.organisationID, name: old.name,
                        digest: Secrets.digest(secret), prefix: String(secret.prefix(12)),
                        scopes: old.scopes.map(\.rawValue), communityIDs: old.communityIDs, expiresAt: old.expiresAt,
                        createdBy: caller.accountID)))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "token.rotated", targetType: "token",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address,
                    details: #"{"successor_id":"\#(successor.lowercasedString)"}"#),
                on: connection)
            return IssuedToken(token: try CredentialRepository.token(created), secret: secret)
        }
    }

    /// The token the caller authenticated with.
    public func current(_ caller: Caller) throws -> APIToken {
        guard case .token(let id) = caller.credential,
            let row = try pool.withConnection({ try $0.query(CredentialRepository.findToken(id)) }).first
        else { throw AccessError.notFound }
        return try CredentialRepository.token(row)
    }

    /// Revokes a token of the caller's (admins: anyone's). Another person's token is not visible.
    public func revoke(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            guard let row = try connection.query(CredentialRepository.findToken(id)).first else {
                throw AccessError.notFound
            }
            let token = try CredentialRepository.token(row)
            if token.accountID != caller.accountID && !caller.isAdmin { throw AccessError.notFound }
            try Policy.authorize(
                caller,
                token.accountID == caller.accountID ? .manageOwnTokens : .manageTokensOfOthers)
            guard token.revokedAt == nil else {
                throw AccessError.conflict(.alreadyRevoked, detail: "This token was revoked already.")
            }
            try connection.query(CredentialRepository.revokeToken(id))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "token.revoked", targetType: "token",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address),
                on: connection)
        }
    }
}
