import Crypto
import Foundation
import Postgres

public struct NewOrganisation: Sendable {
    public var name: String
    public var kind: OrganisationKind
    public var country: String
    public var sector: Sector?
    public init(name: String, kind: OrganisationKind, country: String, sector: Sector?) {
        self.name = name
        self.kind = kind
        self.country = country
        self.sector = sector
    }
}

public struct NewAccount: Sendable {
    public var email: String
    public var displayName: String
    /// Left out, the account is `invited` and its activation token goes to its address.
    public var password: String?
    public var organisationID: UUID?
    public var jobTitle: String?
    public var country: String?
    public var memberKind: MemberKind
    public var expertise: [String] = []
    public var locale: String?
    public var timeZone: String?
    public var platformRole: PlatformRole = .user
    public var canCreateCommunities = false

    public init(email: String, displayName: String, password: String?, memberKind: MemberKind) {
        self.email = email
        self.displayName = displayName
        self.password = password
        self.memberKind = memberKind
    }
}

/// Who a community invites by email: the details an account is created with when the address
/// has none.
public struct InviteeDetails: Sendable {
    public var email: String
    public var displayName: String
    public var memberKind: MemberKind
    public var organisationID: UUID?
    public var country: String?
    public init(
        email: String, displayName: String, memberKind: MemberKind, organisationID: UUID? = nil, country: String? = nil
    ) {
        self.email = email
        self.displayName = displayName
        self.memberKind = memberKind
        self.organisationID = organisationID
        self.country = country
    }
}

/// A JSON Merge Patch of an account by an admin: the fields a person may change themselves,
/// and those only an admin may. A nil field is left as it is; `.some(nil)` clears it.
public struct AccountChange: Sendable {
    public var profile = ProfileChange()
    public var organisationID: UUID??
    public var memberKind: MemberKind?
    public var platformRole: PlatformRole?
    public var canCreateCommunities: Bool?
    /// `active` or `suspended`.
    public var status: AccountStatus?
    public init() {}
}

/// Where a request comes from, for the audit log.
public struct RequestOrigin: Sendable {
    public var requestID: String
    public var address: String
    public init(requestID: String, address: String) {
        self.requestID = requestID
        self.address = address
    }
}

/// Organisations and accounts, administered by platform admins.
public struct AccountService: Sendable {
    let pool: ConnectionPool
    let passwords: PasswordHashing
    let audit = AuditLog()

    public init(pool: ConnectionPool, passwords: PasswordHashing) {
        self.pool = pool
        self.passwords = passwords
    }

    public func createOrganisation(_ input: NewOrganisation, by caller: Caller, from origin: RequestOrigin) throws
        -> Organisation
    {
        try Policy.authorize(caller, .manageOrganisations)
        var validation = Validation()
        validation.text(input.name, "name", length: 1...200)
        validation.country(input.country)
        if input.kind == .government && input.sector == nil {
            validation.add("sector", "is required for a government body")
        }
        if input.kind != .government && input.sector != nil {
            validation.add("sector", "applies to government bodies only")
        }
        try validation.check()
        return try pool.withTransaction { connection in
            let organisation = try AccountRepository.requiredOrganisation(
                connection.single(AccountRepository.insertOrganisation(UUIDv7.make(), input)))
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "organisation.created", targetType: "organisation",
                    targetID: organisation.id.lowercasedString, requestID: origin.requestID,
                    address: origin.address),
                on: connection)
            return organisation
        }
    }

    public func organisation(_ id: UUID, for caller: Caller) throws -> Organisation {
        try Policy.authorize(caller, .readOrganisations)
        guard let row = try pool.withConnection({ try $0.query(AccountRepository.findOrganisation(id)) }).first,
            let organisation = try AccountRepository.organisation(row)
        else { throw AccessError.notFound }
        return organisation
    }

    /// Up to `limit` organisations after `after`, by id.
    public func organisations(
        for caller: Caller, kind: OrganisationKind?, country: String?, after: UUID?, limit: Int
    ) throws -> [Organisation] {
        try Policy.authorize(caller, .readOrganisations)
        return try pool.withConnection { connection in
            try connection.query(
                AccountRepository.listOrganisations(kind: kind, country: country, after: after, limit: limit),
                decode: AccountRepository.requiredOrganisation)
        }
    }

    /// The new account; created without a password, it is `invited` and its activation token
    /// is queued for its address.
    public func createAccount(_ input: NewAccount, by caller: Caller, from origin: RequestOrigin) throws -> Account {
        try Policy.authorize(caller, .manageAccounts)
        var validation = Validation()
        validation.email(input.email)
        validation.text(input.displayName, "display_name", length: 1...120)
        if let password = input.password { validation.password(password) }
        if let jobTitle = input.jobTitle { validation.text(jobTitle, "job_title", length: 1...200) }
        validation.country(input.country)
        validation.tags(input.expertise, "expertise")
        validation.locale(input.locale)
        validation.timeZone(input.timeZone)
        try validation.check()
        let hash = try input.password.map(passwords.hash)
        let id = UUIDv7.make()
        let status: AccountStatus = hash == nil ? .invited : .active
        return try pool.withTransaction { connection in
            do {
                try connection.query(
                    AccountRepository.insertAccount(
                        id, email: input.email, displayName: input.displayName, hash: hash,
                        organisationID: input.organisationID, jobTitle: input.jobTitle, country: input.country,
                        memberKind: input.memberKind, expertise: input.expertise, locale: input.locale ?? "en",
                        timeZone: input.timeZone ?? "UTC", platformRole: input.platformRole,
                        canCreateCommunities: input.canCreateCommunities, status: status,
                        vouching: .admin(caller.accountID)))
            } catch PostgresError.uniqueViolation {
                throw AccessError.conflict(.emailTaken, detail: "An account with this email exists already.")
            } catch PostgresError.foreignKeyViolation {
                throw AccessError.invalid("organisation_id", "is not an organisation")
            }
            if hash == nil { _ = try Onboarding.issueActivation(for: id, on: connection) }
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.created", targetType: "account",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address,
                    details: #"{"platform_role":"\#(input.platformRole.rawValue)"}"#),
                on: connection)
            return try AccountRepository.account(connection.single(AccountRepository.findAccount(id)))
        }
    }

    /// A platform admin vouches for the account's member kind and organisation as they are now:
    /// they then count in every community (a government-only circle admits verified officials
    /// only).
    public func verify(_ id: UUID, by caller: Caller, from origin: RequestOrigin) throws -> Account {
        try Policy.authorize(caller, .manageAccounts)
        return try pool.withTransaction { connection in
            guard let row = try connection.query(AccountRepository.lockAccount(id)).first else {
                throw AccessError.notFound
            }
            let account = try AccountRepository.account(row)
            guard account.status != .deleted else {
                throw AccessError.conflict(.accountNotActive, detail: "The account is deleted.")
            }
            try connection.query(AccountRepository.verify(id, by: caller.accountID))
            let organisation = account.organisation.map { "\"\($0.id.lowercasedString)\"" } ?? "null"
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: "account.verified", targetType: "account",
                    targetID: id.lowercasedString, requestID: origin.requestID, address: origin.address,
                    details: #"{"member_kind":"\#(account.memberKind.rawValue)","organisation_id":\#(organisation)}"#),
                on: connection)
            return try AccountRepository.account(connection.single(AccountRepository.findAccount(id)))
        }
    }

    /// The account with `details.email`, or a new `invited` one, for someone `community` invites
    /// by email; with an activation token when the person has no password yet, for the
    /// invitation's message to carry. The new account's kind and organisation, asserted by a
    /// convenor, count in that community only until an admin verifies them. An existing account
    /// is left as it is: only its person or an admin changes it. Runs inside the caller's
    /// transaction.
    public func findOrInvite(
        _ details: InviteeDetails, to community: UUID, by caller: Caller, from origin: RequestOrigin,
        on connection: Connection
    ) throws -> (account: UUID, activation: OneTimeToken?) {
        var validation = Validation()
        validation.email(details.email)
        validation.text(details.displayName, "display_name", length: 1...120)
        validation.country(details.country)
        try validation.check()
        do {
            if let row = try connection.query(AccountRepository.findByEmail(details.email)).first {
                let id: UUID = try row["id"]
                let status: AccountStatus = try row["status"]
                return (
                    id, status == .invited ? try Onboarding.oneTimeToken(.activation, for: id, on: connection) : nil
                )
            }
            let id = UUIDv7.make()
            try connection.query(
                AccountRepository.insertAccount(
                    id, email: details.email, displayName: details.displayName, hash: nil,
                    organisationID: details.organisationID, jobTitle: nil, country: details.country,
                    memberKind: details.memberKind, expertise: [], locale: "en", timeZone: "UTC", platformRole: .user,
                    canCreateCommunities: false, status: .invited, vouching: .convenor(community: community)))
            try audit.record(
                "account.created", "account", id, by: caller, from: origin, details: #"{"platform_role":"user"}"#,
                on: connection)
            return (id, try Onboarding.oneTimeToken(.activation, for: id, on: connection))
        } catch PostgresError.foreignKeyViolation {
            throw AccessError.invalid("organisation_id", "is not an organisation")
        }
    }

    /// The active platform admin with `email`, for an operator at the command line who lost the
    /// admin's token (`praxis admin token`).
    public func activeAdmin(withEmail email: String) throws -> Account {
        try pool.withConnection { connection in
            guard let row = try connection.query(AccountRepository.findByEmail(email)).first else {
                throw AccessError.notFound
            }
            let account = try AccountRepository.account(
                connection.single(AccountRepository.findAccount(try row["id"])))
            guard account.platformRole == .admin else { throw AccessError.refused(.adminRequired) }
            guard account.status == .active else {
                throw AccessError.conflict(.accountNotActive, detail: "The account is \(account.status.rawValue).")
            }
            return account
        }
    }

    /// An admin account without a password, for the first start (`praxis admin create-admin`):
    /// the operator works through the admin-scoped token issued with it.
    public func createAdmin(email: String, displayName: String, from origin: RequestOrigin) throws -> Account {
        var validation = Validation()
        validation.email(email)
        validation.text(displayName, "display_name", length: 1...120)
        try validation.check()
        let id = UUIDv7.make()
        return try pool.withTransaction { connection in
            do {
                try connection.query(
                    AccountRepository.insertAccount(
                        id, email: email, displayName: displayName, hash: nil, organisationID: nil, jobTitle: nil,
                        country: nil, memberKind: .facilitator, expertise: [], locale: "en", timeZone: "UTC",
                        platformRole: .admin, canCreateCommunities: true, status: .active, vouching: .operator))
            } catch PostgresError.uniqueViolation {
                throw AccessError.conflict(.emailTaken, detail: "An account with this email exists already.")
            }
            try audit.record(
                AuditEntry(
                    actorID: nil, action: "account.created", targetType: "account",
                    targetID: id.lowercasedString,
                    requestID: origin.requestID, address: origin.address, details: #"{"platform_role":"admin"}"#),
                on: connection)
            return try AccountRepository.account(connection.single(AccountRepository.findAccount(id)))
        }
    }

    /// The caller's own account (any valid credential may read it).
    public func me(_ caller: Caller) throws -> Account {
        try Policy.authorize(caller, .readOwnProfile)
        guard
            let row = try pool.withConnection({ try $0.query(AccountRepository.findAccount(caller.accountID)) }).first
        else {
            throw AccessError.notFound
        }
        return try AccountRepository.account(row)
    }

    public func account(_ id: UUID, for caller: Caller) throws -> Account {
        try Policy.authorize(caller, .readAccount(id))
        guard let row = try pool.withConnection({ try $0.query(AccountRepository.findAccount(id)) }).first else {
            throw AccessError.notFound
        }
        return try AccountRepository.account(row)
    }

    public func accounts(
        for caller: Caller, status: AccountStatus?, memberKind: MemberKind?, after: UUID?, limit: Int
    ) throws -> [Account] {
        try Policy.authorize(caller, .manageAccounts)
        return try pool.withConnection { connection in
            try connection.query(
                AccountRepository.listAccounts(status: status, memberKind: memberKind, after: after, limit: limit),
                decode: AccountRepository.account)
        }
    }

    /// Applies `change` if the account is still at `expectedVersion` (nil = `If-Match: *`).
    /// A suspension revokes nothing by itself: every credential is checked against the
    /// account's status on each request.
    public func updateAccount(
        _ id: UUID, _ change: AccountChange, ifVersion matches: (Int64) throws -> Void, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Account {
        try Policy.authorize(caller, .manageAccounts)
        return try pool.withTransaction { connection in
            guard let row = try connection.query(AccountRepository.lockAccount(id)).first else {
                throw AccessError.notFound
            }
            var account = try AccountRepository.account(row)
            var validation = Validation()
            change.profile.validate(&validation)
            if let status = change.status, ![.active, .suspended].contains(status) {
                validation.add("status", "can be set to active or suspended")
            }
            try validation.check()
            // Suspension and reactivation move between active and suspended only: an invited
            // account activates itself, an erased one stays erased.
            if let status = change.status, status != account.status, ![.active, .suspended].contains(account.status) {
                throw AccessError.conflict(
                    .invalidTransition,
                    detail: "An account that is \(account.status.rawValue) cannot become \(status.rawValue).")
            }
            // Input first, then the version: an invalid change is refused as such, whatever If-Match says.
            try matches(account.version)
            if change.status == .suspended && id == caller.accountID {
                throw AccessError.conflict(.cannotSuspendSelf, detail: "An admin cannot suspend their own account.")
            }
            if change.platformRole == .user && id == caller.accountID {
                throw AccessError.conflict(
                    .cannotDemoteSelf, detail: "An admin cannot remove their own admin role; ask another admin.")
            }
            let previousStatus = account.status
            let previousRole = account.platformRole
            var organisationID = account.organisation?.id
            if let changed = change.organisationID { organisationID = changed }
            change.profile.apply(to: &account)
            account.memberKind = change.memberKind ?? account.memberKind
            account.platformRole = change.platformRole ?? account.platformRole
            account.canCreateCommunities = change.canCreateCommunities ?? account.canCreateCommunities
            account.status = change.status ?? account.status
            do {
                try connection.query(AccountRepository.updateAccount(account, organisationID: organisationID))
            } catch PostgresError.foreignKeyViolation {
                throw AccessError.invalid("organisation_id", "is not an organisation")
            }
            // An admin who sets the kind or organisation vouches for them.
            if change.memberKind != nil || change.organisationID != nil {
                try connection.query(AccountRepository.verify(id, by: caller.accountID))
            }
            let action =
                account.status != previousStatus
                ? (account.status == .suspended ? "account.suspended" : "account.reactivated") : "account.updated"
            if account.status == .suspended && previousStatus != .suspended {
                // Tokens wait out a suspension (they check the account's status); sessions end.
                try connection.query(Onboarding.revokeSessions(of: id))
            }
            // A former admin's admin-scoped tokens end: they could mint and rotate nothing more
            // (scopes count only as far as the account's rights go), and should not linger.
            if previousRole == .admin && account.platformRole != .admin {
                for revoked in try connection.query(CredentialRepository.revokeAdminTokens(of: id)) {
                    try audit.record(
                        AuditEntry(
                            actorID: caller.accountID, action: "token.revoked", targetType: "token",
                            targetID: (try revoked["id"] as UUID).lowercasedString, requestID: origin.requestID,
                            address: origin.address, details: #"{"reason":"admin_role_removed"}"#),
                        on: connection)
                }
            }
            let roleChange =
                previousRole == account.platformRole
                ? ""
                : #","platform_role_from":"\#(previousRole.rawValue)","platform_role_to":"\#(account.platformRole.rawValue)""#
            try audit.record(
                AuditEntry(
                    actorID: caller.accountID, action: action, targetType: "account",
                    targetID: id.lowercasedString,
                    requestID: origin.requestID, address: origin.address,
                    details: #"{"status":"\#(account.status.rawValue)"\#(roleChange)}"#),
                on: connection)
            return try AccountRepository.account(connection.single(AccountRepository.findAccount(id)))
        }
    }
}
