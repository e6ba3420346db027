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

/// The life of a membership and the directory. Every change runs with the community's row
/// locked, so that two convenors cannot both step down and leave none.
public struct MembershipService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
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
                throw MembershipError.refused(
                    .convenorRequired, detail: "Only convenors list members who are not active.")
            }
            return try connection.query(
                MembershipRepository.directory(of: community, filter, after: after, limit: limit, for: caller),
                decode: MembershipRepository.member)
        }
    }

    public func myMemberships(status: MembershipStatus?, after: UUID?, limit: Int, for caller: Caller) throws
        -> [Member]
    {
        try Policy.authorize(caller, .readOwnMembership)
        return try pool.withConnection { connection in
            try connection.query(
                MembershipRepository.mine(status: status, after: after, limit: limit, for: caller),
                decode: MembershipRepository.member)
        }
    }

    public func suspend(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        try transition(
            account, in: community, ifMatches: matches, by: caller, from: origin, from: .active, to: .suspended)
    }

    public func reinstate(
        _ account: UUID, in community: UUID, ifMatches matches: (Member) throws -> Void = { _ in }, by caller: Caller,
        from origin: RequestOrigin
    ) throws -> Member {
        try transition(
            account, in: community, ifMatches: matches, by: caller, from: origin, from: .suspended, to: .active)
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
                throw MembershipError.refused(
                    .selfOnly, detail: "Only the member may leave; convenors suspend instead.")
            }
            let current = try lockedMember(community, account, on: connection)
            try matches(try member(community, account, for: caller, on: connection))
            guard current.status == before else {
                throw MembershipError.conflict(
                    .invalidTransition, detail: "The membership is \(current.status.rawValue).")
            }
            if current.role == .convenor && after != .active {
                try Admission.requireAnotherConvenor(community, besides: account, on: connection)
            }
            if before == .suspended && after == .active {
                // Reinstating is a door in too: the person and their role, as the rules are now.
                let rules = try Admission.rules(of: community, on: connection)
                try Admission.checkAccount(account, for: community, rules: rules, tellingTo: .aConvenor, on: connection)
                try Admission.checkRoleStillAdmitted(current.role, rules: rules)
            }
            try connection.query(MembershipRepository.setStatus(of: account, in: community, to: after))
            if after == .left {
                // Leaving the community is leaving its circles and meetings: a return restores none.
                try Admission.endGrants(of: account, in: community, by: account, on: connection)
            }
            try audit.record(
                "membership.\(after == .active ? "reinstated" : after.rawValue)", "membership", account, by: caller,
                from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
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
                try Admission.checkRole(
                    role, expiresAt: expiresAt, rules: try Admission.rules(of: community, on: connection),
                    into: &validation)
            }
            try validation.check()
            try matches(try member(community, account, for: caller, on: connection))
            guard current.status == .active else {
                throw MembershipError.conflict(.invalidTransition, detail: "Only an active membership can change.")
            }
            if current.role == .convenor && role != .convenor {
                try Admission.requireAnotherConvenor(community, besides: account, on: connection)
            }
            if role == .guest && current.role != .guest {
                // A guest sees only the meetings they are invited to: the member's grants end.
                try Admission.endGrants(of: account, in: community, by: caller.accountID, on: connection)
            }
            let marked = requested.commercialInterest ?? current.markedInterest
            try connection.query(
                MembershipRepository.change(
                    account, in: community, role: role, expiresAt: expiresAt, commercialInterest: marked))
            try audit.record(
                "membership.changed", "membership", account, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)","role":"\#(role.rawValue)","#
                    + #""commercial_interest":\#(marked)}"#,
                on: connection)
            return try member(community, account, for: caller, on: connection)
        }
    }

    // MARK: Shared steps

    struct LockedMember {
        var role: MembershipRole
        var status: MembershipStatus
        var expiresAt: Date?
        var markedInterest: Bool
        var version: Int64
    }

    /// The membership row itself; callers have authorized their action in the community first.
    private func lockedMember(_ community: UUID, _ account: UUID, on connection: Connection) throws -> LockedMember {
        guard let row = try connection.query(MembershipRepository.lockMember(account, in: community)).first else {
            throw AccessError.notFound
        }
        return LockedMember(
            role: try row["role"], status: try row["status"], expiresAt: try row["expires_at"],
            markedInterest: try row["commercial_interest"], version: try row["version"])
    }

    private func member(_ community: UUID, _ account: UUID, for caller: Caller, on connection: Connection) throws
        -> Member
    {
        guard let row = try connection.query(MembershipRepository.member(account, in: community, for: caller)).first
        else { throw AccessError.notFound }
        return try MembershipRepository.member(row)
    }
}
