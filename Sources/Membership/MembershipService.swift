import AccessControl
import Crypto
import Foundation
import Postgres

/// A convenor's change to a membership (JSON Merge Patch): nil leaves a field as it is.
public struct MemberChange: Sendable {
    public var role: MembershipRole?
    /// Guests only: when the membership ends.
    public var expiresAt: Date?
    public var commercialInterest: Bool?
    public init() {}
}

/// Invitations, applications and the life of a membership. Every change runs with the
/// community's row locked, so that two convenors cannot both step down and leave none.
public struct MembershipService: Sendable {
    let pool: ConnectionPool
    let accounts: AccountService
    let audit = AuditLog()

    public init(pool: ConnectionPool, accounts: AccountService) {
        self.pool = pool
        self.accounts = accounts
    }

    // MARK: Invitations

    /// Convenors invite an account, or an email (an unknown one becomes an `invited` account,
    /// whose activation token comes back once, here).
    public func invite(
        to community: UUID, by caller: Caller, from origin: RequestOrigin, _ input: () throws -> NewInvitation
    ) throws -> (invitation: Invitation, activation: (secret: String, expiresAt: Date)?) {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: community, on: connection, locking: true)
            let input = try input()
            let rules = try admissionRules(community, on: connection)
            var validation = Validation()
            validation.text(input.message, "message", length: 0...2000, multiline: true)
            try checkRole(input.role, expiresAt: input.membershipExpiresAt, rules: rules, into: &validation)
            var activation: (secret: String, expiresAt: Date)?
            let invitee: UUID
            let field: String
            switch input.invitee {
            case .account(let id):
                guard !(try connection.query(MembershipRepository.memberKind, [id]).isEmpty) else {
                    throw AccessError.invalid("account_id", "is not an account")
                }
                (invitee, field) = (id, "account_id")
            case .email(let details):
                if !rules.kinds.contains(details.memberKind) { validation.add("member_kind", "is not a kind this community admits") }
                try validation.check()
                (invitee, activation) = try accounts.findOrInvite(details, by: caller, from: origin, on: connection)
                field = "email"
            }
            // The kind the account has, whether it existed or was just created.
            let kind: MemberKind = try connection.query(MembershipRepository.memberKind, [invitee]).first!.enumeration(0)
            if !rules.kinds.contains(kind) { validation.add(field, "is a \(kind.rawValue); this community does not admit that kind") }
            try validation.check()
            try requireNotMember(invitee, of: community, on: connection)
            try connection.query(MembershipRepository.expireInvitations, [community, invitee])
            let id = UUIDv7.make()
            do {
                try connection.query(
                    MembershipRepository.insertInvitation,
                    [id, community, invitee, input.role.rawValue, input.membershipExpiresAt, input.message, caller.accountID])
            } catch PostgresError.uniqueViolation {
                throw AccessError.conflict(kind: "invitation-pending", detail: "This person has an open invitation already.")
            }
            try audit.record("invitation.created", "invitation", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.uuidString.lowercased())","role":"\#(input.role.rawValue)"}"#, on: connection)
            let invitation = try MembershipRepository.invitation(
                try connection.query(MembershipRepository.invitation, Visibility.bindings(for: caller) + [id]).first!)
            return (invitation, activation)
        }
    }

    public func invitation(_ id: UUID, for caller: Caller) throws -> Invitation {
        try Policy.authorize(caller, .readOwnMembership)
        guard let row = try pool.withConnection({
            try $0.query(MembershipRepository.invitation, Visibility.bindings(for: caller) + [id])
        }).first else { throw AccessError.notFound }
        return try MembershipRepository.invitation(row)
    }

    public func invitations(
        in community: UUID, status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [Invitation] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .reviewMembership, in: community, on: connection)
            return try connection.query(
                MembershipRepository.communityInvitations,
                Visibility.bindings(for: caller) + [community, status?.rawValue, after, limit], decode: MembershipRepository.invitation)
        }
    }

    public func myInvitations(status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller) throws -> [Invitation] {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(
                MembershipRepository.myInvitations, Visibility.bindings(for: caller) + [status?.rawValue, after, limit],
                decode: MembershipRepository.invitation)
        }
    }

    /// The invitee accepts: the community's rules are checked again as they are now.
    public func accept(invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin) throws -> Member {
        try pool.withTransaction { connection in
            let invitation = try lockedInvitation(id, by: caller, on: connection)
            guard invitation.account.id == caller.accountID else {
                throw AccessError.forbidden(reason: "invitee-only", detail: "Only the person invited may answer an invitation.")
            }
            try matches(invitation.version)
            try requirePending(invitation)
            if let end = invitation.membershipExpiresAt, end <= Date() {
                throw AccessError.conflict(kind: "invitation-expired", detail: "The guest membership this invitation offered has ended.")
            }
            let community = invitation.community.id
            let rules = try admissionRules(community, on: connection)
            try checkAdmission(caller.accountID, to: community, rules: rules, on: connection)
            try connection.query(
                MembershipRepository.admit, [community, caller.accountID, invitation.role.rawValue, invitation.membershipExpiresAt])
            try connection.query(MembershipRepository.decideInvitation, [id, InvitationStatus.accepted.rawValue])
            try audit.record("invitation.accepted", "invitation", id, by: caller, from: origin, on: connection)
            return try member(community, caller.accountID, for: caller, on: connection)
        }
    }

    public func decline(invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin) throws -> Invitation {
        try decide(invitation: id, as: .declined, ifVersion: matches, by: caller, from: origin) { invitation, _ in
            guard invitation.account.id == caller.accountID else {
                throw AccessError.forbidden(reason: "invitee-only", detail: "Only the person invited may answer an invitation.")
            }
        }
    }

    /// A convenor withdraws an open invitation.
    public func revoke(invitation id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin) throws -> Invitation {
        try decide(invitation: id, as: .revoked, ifVersion: matches, by: caller, from: origin) { invitation, connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: invitation.community.id, on: connection, locking: true)
        }
    }

    private func decide(
        invitation id: UUID, as status: InvitationStatus, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        allowed: (Invitation, Connection) throws -> Void
    ) throws -> Invitation {
        try pool.withTransaction { connection in
            let invitation = try lockedInvitation(id, by: caller, on: connection)
            try allowed(invitation, connection)
            try matches(invitation.version)
            try requirePending(invitation)
            try connection.query(MembershipRepository.decideInvitation, [id, status.rawValue])
            try audit.record("invitation.\(status.rawValue)", "invitation", id, by: caller, from: origin, on: connection)
            return try MembershipRepository.invitation(
                try connection.query(MembershipRepository.invitation, Visibility.bindings(for: caller) + [id]).first!)
        }
    }

    private func lockedInvitation(_ id: UUID, by caller: Caller, on connection: Connection) throws -> Invitation {
        try Policy.authorize(caller, .manageOwnMembership)
        guard let row = try connection.query(MembershipRepository.lockInvitation, Visibility.bindings(for: caller) + [id]).first
        else { throw AccessError.notFound }
        return try MembershipRepository.invitation(row)
    }

    private func requirePending(_ invitation: Invitation) throws {
        guard invitation.status != .expired else {
            throw AccessError.conflict(kind: "invitation-expired", detail: "The invitation has expired; ask for a new one.")
        }
        guard invitation.status == .pending else {
            throw AccessError.conflict(kind: "invalid-transition", detail: "The invitation is \(invitation.status.rawValue) already.")
        }
    }

    // MARK: Applications

    /// Anyone who sees the card of a community open to applications may apply once at a time.
    public func apply(
        to community: UUID, by caller: Caller, from origin: RequestOrigin, answers: () throws -> String
    ) throws -> MembershipApplication {
        try pool.withTransaction { connection in
            let context = try CommunityAccess.authorize(caller, .applyToJoin, in: community, on: connection, locking: true)
            let rules = try admissionRules(community, on: connection)
            guard rules.joinPolicy == .apply else {
                throw AccessError.forbidden(reason: "invitation-only", detail: "This community admits members by invitation only.")
            }
            guard context.role == nil else {
                throw AccessError.conflict(kind: "already-member", detail: "You are a member already.")
            }
            guard rules.kinds.contains(caller.memberKind) else {
                throw AccessError.forbidden(
                    reason: "member-kind-not-admitted", detail: "This community does not admit members of your kind.")
            }
            let answers = try answers()
            let id = UUIDv7.make()
            do {
                try connection.query(MembershipRepository.insertApplication, [id, community, caller.accountID, answers])
            } catch PostgresError.uniqueViolation {
                throw AccessError.conflict(kind: "application-pending", detail: "You have an open application here already.")
            }
            try audit.record("application.created", "application", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.uuidString.lowercased())"}"#, on: connection)
            return try MembershipRepository.application(
                try connection.query(MembershipRepository.application, Visibility.bindings(for: caller) + [id]).first!)
        }
    }

    public func application(_ id: UUID, for caller: Caller) throws -> MembershipApplication {
        try Policy.authorize(caller, .readOwnMembership)
        guard let row = try pool.withConnection({
            try $0.query(MembershipRepository.application, Visibility.bindings(for: caller) + [id])
        }).first else { throw AccessError.notFound }
        return try MembershipRepository.application(row)
    }

    public func applications(
        in community: UUID, status: ApplicationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [MembershipApplication] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .reviewMembership, in: community, on: connection)
            return try connection.query(
                MembershipRepository.communityApplications,
                Visibility.bindings(for: caller) + [community, status?.rawValue, after, limit],
                decode: MembershipRepository.application)
        }
    }

    /// A convenor admits the applicant as a member or observer.
    public func approve(
        application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin, role: () throws -> MembershipRole
    ) throws -> MembershipApplication {
        try decide(application: id, ifVersion: matches, by: caller, from: origin, convenor: true) { application, connection in
            let role = try role()
            let rules = try admissionRules(application.community.id, on: connection)
            var validation = Validation()
            if role != .member && role != .observer { validation.add("role", "must be member or observer") }
            try checkRole(role, expiresAt: nil, rules: rules, into: &validation)
            try checkAdmission(application.account.id, to: application.community.id, rules: rules, on: connection)
            try connection.query(MembershipRepository.admit, [application.community.id, application.account.id, role.rawValue, Date?.none])
            return (.approved, role, nil)
        }
    }

    public func reject(
        application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin, reason: () throws -> String
    ) throws -> MembershipApplication {
        try decide(application: id, ifVersion: matches, by: caller, from: origin, convenor: true) { _, _ in
            let reason = try reason()
            var validation = Validation()
            validation.text(reason, "reason", length: 1...2000, multiline: true)
            try validation.check()
            return (.rejected, nil, reason)
        }
    }

    public func withdraw(application id: UUID, ifVersion matches: (Int64) throws -> Void = { _ in }, by caller: Caller, from origin: RequestOrigin) throws -> MembershipApplication {
        try decide(application: id, ifVersion: matches, by: caller, from: origin, convenor: false) { application, _ in
            guard application.account.id == caller.accountID else {
                throw AccessError.forbidden(reason: "applicant-only", detail: "Only the applicant may withdraw an application.")
            }
            return (.withdrawn, nil, nil)
        }
    }

    private func decide(
        application id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        convenor: Bool,
        outcome: (MembershipApplication, Connection) throws -> (ApplicationStatus, MembershipRole?, String?)
    ) throws -> MembershipApplication {
        try pool.withTransaction { connection in
            try Policy.authorize(caller, convenor ? .manageMembers : .manageOwnMembership)
            guard let row = try connection.query(MembershipRepository.lockApplication, Visibility.bindings(for: caller) + [id]).first
            else { throw AccessError.notFound }
            let application = try MembershipRepository.application(row)
            if convenor {
                try CommunityAccess.authorize(caller, .manageMembers, in: application.community.id, on: connection, locking: true)
            }
            try matches(application.version)
            guard application.status == .applied else {
                throw AccessError.conflict(kind: "invalid-transition", detail: "The application is \(application.status.rawValue) already.")
            }
            let (status, role, reason) = try outcome(application, connection)
            try connection.query(
                MembershipRepository.decideApplication, [id, status.rawValue, role?.rawValue, reason, convenor ? caller.accountID : nil])
            try audit.record("application.\(status.rawValue)", "application", id, by: caller, from: origin, on: connection)
            return try MembershipRepository.application(
                try connection.query(MembershipRepository.application, Visibility.bindings(for: caller) + [id]).first!)
        }
    }

    // MARK: Members

    public func member(_ community: UUID, _ account: UUID, for caller: Caller) throws -> Member {
        try pool.withConnection { connection in
            try member(community, account, for: caller, on: connection)
        }
    }

    /// The directory: members and observers list each other; guests do not see it.
    public func directory(
        of community: UUID, filter: DirectoryFilter, after: UUID?, limit: Int, for caller: Caller
    ) throws -> [Member] {
        try pool.withConnection { connection in
            let context = try CommunityAccess.authorize(caller, .readMembers, in: community, on: connection)
            guard filter.status == .active || context.role == .convenor else {
                throw AccessError.forbidden(reason: "convenor-required", detail: "Only convenors list members who are not active.")
            }
            func list<Value>(_ values: [Value], _ text: (Value) -> String) -> [String]? {
                values.isEmpty ? nil : values.map(text)
            }
            return try connection.query(
                MembershipRepository.directory,
                Visibility.bindings(for: caller) + [
                    community, filter.status.rawValue, list(filter.countries) { $0 }, list(filter.sectors) { $0.rawValue },
                    list(filter.kinds) { $0.rawValue }, list(filter.expertise) { $0 }, list(filter.roles) { $0.rawValue }, after,
                    limit,
                ], decode: MembershipRepository.member)
        }
    }

    public func myMemberships(status: MembershipStatus?, after: UUID?, limit: Int, for caller: Caller) throws -> [Member] {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(
                MembershipRepository.mine, Visibility.bindings(for: caller) + [status?.rawValue, after, limit],
                decode: MembershipRepository.member)
        }
    }

    public func suspend(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        try transition(account, in: community, ifMatches: matches, by: caller, from: origin, from: .active, to: .suspended)
    }

    public func reinstate(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        try transition(account, in: community, ifMatches: matches, by: caller, from: origin, from: .suspended, to: .active)
    }

    /// A person leaves, for themselves only (convenors suspend others); the last convenor cannot.
    public func leave(
        _ community: UUID, account: UUID, ifMatches matches: (Member) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        try transition(account, in: community, ifMatches: matches, by: caller, from: origin, from: .active, to: .left)
    }

    private func transition(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void, by caller: Caller,
        from origin: RequestOrigin, from before: MembershipStatus, to after: MembershipStatus
    ) throws -> Member {
        try pool.withTransaction { connection in
            let action: Policy.Action = after == .left ? .leaveCommunity : .manageMembers
            try CommunityAccess.authorize(caller, action, in: community, on: connection, locking: true)
            guard after != .left || account == caller.accountID else {
                throw AccessError.forbidden(reason: "self-only", detail: "Only the member may leave; convenors suspend instead.")
            }
            let current = try lockedMember(community, account, on: connection)
            try matches(try member(community, account, for: caller, on: connection))
            guard current.status == before else {
                throw AccessError.conflict(kind: "invalid-transition", detail: "The membership is \(current.status.rawValue).")
            }
            if current.role == .convenor && after != .active { try requireAnotherConvenor(community, besides: account, on: connection) }
            try connection.query(MembershipRepository.setStatus, [community, account, after.rawValue])
            if after == .left {
                // Leaving the community is leaving its circles: a later return does not restore them.
                for row in try connection.query(MembershipRepository.circlesOf, [community, account]) {
                    try connection.query(CircleRepository.removeMember, [try row.uuid(0), account, account, UUIDv7.make()])
                    try connection.query(CircleRepository.touch, [try row.uuid(0)])
                }
            }
            try audit.record("membership.\(after == .active ? "reinstated" : after.rawValue)", "membership", account, by: caller, from: origin,
                details: #"{"community_id":"\#(community.uuidString.lowercased())"}"#, on: connection)
            return try member(community, account, for: caller, on: connection)
        }
    }

    /// A convenor changes a member's role, a guest's end, or marks a commercial interest.
    public func change(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void, by caller: Caller,
        from origin: RequestOrigin, _ change: (inout MemberChange) throws -> Void
    ) throws -> Member {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: community, on: connection, locking: true)
            let current = try lockedMember(community, account, on: connection)
            var requested = MemberChange()
            try change(&requested)
            let role = requested.role ?? current.role
            let expiresAt = role == .guest ? requested.expiresAt ?? current.expiresAt : nil
            if requested.expiresAt != nil && role != .guest {
                throw AccessError.invalid("expires_at", "applies to guests only")
            }
            var validation = Validation()
            if role != current.role || requested.expiresAt != nil {
                try checkRole(role, expiresAt: expiresAt, rules: try admissionRules(community, on: connection), into: &validation)
            }
            try validation.check()
            try matches(try member(community, account, for: caller, on: connection))
            guard current.status == .active else {
                throw AccessError.conflict(kind: "invalid-transition", detail: "Only an active membership can change.")
            }
            if current.role == .convenor && role != .convenor { try requireAnotherConvenor(community, besides: account, on: connection) }
            let marked = requested.commercialInterest ?? current.markedInterest
            try connection.query(MembershipRepository.change, [community, account, role.rawValue, expiresAt, marked])
            try audit.record("membership.changed", "membership", account, by: caller, from: origin,
                details: #"{"community_id":"\#(community.uuidString.lowercased())","role":"\#(role.rawValue)","commercial_interest":\#(marked)}"#, on: connection)
            return try member(community, account, for: caller, on: connection)
        }
    }

    // MARK: Shared steps

    struct AdmissionRules {
        var kinds: [MemberKind]
        var observersAllowed: Bool
        var joinPolicy: JoinPolicy
    }

    private func admissionRules(_ community: UUID, on connection: Connection) throws -> AdmissionRules {
        let row = try connection.query(MembershipRepository.admissionRules, [community]).first!
        return AdmissionRules(
            kinds: try row.stringArray(0).compactMap(MemberKind.init(rawValue:)), observersAllowed: try row.bool(1),
            joinPolicy: try row.enumeration(2))
    }

    /// Observers only where allowed; a guest needs a future end, and only a guest has one.
    private func checkRole(_ role: MembershipRole, expiresAt: Date?, rules: AdmissionRules, into validation: inout Validation) throws {
        if role == .observer && !rules.observersAllowed { validation.add("role", "observers are not allowed in this community") }
        switch (role, expiresAt) {
        case (.guest, nil): validation.add("expires_at", "is required for a guest")
        case (.guest, let end?) where end <= Date(): validation.add("expires_at", "must be in the future")
        case (.guest, _), (_, nil): break
        case (_, .some): validation.add("expires_at", "applies to guests only")
        }
        try validation.check()
    }

    /// The person's kind as it is now must be one the community admits; nobody is admitted twice.
    private func checkAdmission(_ account: UUID, to community: UUID, rules: AdmissionRules, on connection: Connection) throws {
        let kind: MemberKind = try connection.query(MembershipRepository.memberKind, [account]).first!.enumeration(0)
        guard rules.kinds.contains(kind) else {
            throw AccessError.forbidden(
                reason: "member-kind-not-admitted", detail: "This community does not admit members of this kind.")
        }
        try requireNotMember(account, of: community, on: connection)
    }

    private func requireNotMember(_ account: UUID, of community: UUID, on connection: Connection) throws {
        if let row = try connection.query(MembershipRepository.lockMember, [community, account]).first,
            try row.string(1) == MembershipStatus.active.rawValue
        {
            throw AccessError.conflict(kind: "already-member", detail: "This person is a member already.")
        }
    }

    private func requireAnotherConvenor(_ community: UUID, besides account: UUID, on connection: Connection) throws {
        let others = try connection.query(MembershipRepository.otherConvenors, [community, account]).first!.int(0)
        guard others > 0 else {
            throw AccessError.conflict(
                kind: "last-convenor", detail: "A community keeps at least one active convenor; appoint another one first.")
        }
    }

    struct LockedMember {
        var role: MembershipRole
        var status: MembershipStatus
        var expiresAt: Date?
        var markedInterest: Bool
        var version: Int64
    }

    /// The membership row itself; callers have authorized their action in the community first.
    private func lockedMember(_ community: UUID, _ account: UUID, on connection: Connection) throws -> LockedMember {
        guard let row = try connection.query(MembershipRepository.lockMember, [community, account]).first else {
            throw AccessError.notFound
        }
        return LockedMember(
            role: try row.enumeration(0), status: try row.enumeration(1), expiresAt: try row.optionalDate(2),
            markedInterest: try row.bool(3), version: try row.int64(4))
    }

    private func member(_ community: UUID, _ account: UUID, for caller: Caller, on connection: Connection) throws -> Member {
        guard let row = try connection.query(MembershipRepository.member, Visibility.bindings(for: caller) + [community, account]).first
        else { throw AccessError.notFound }
        return try MembershipRepository.member(row)
    }
}
