import AccessControl
import Crypto
import Foundation
import Postgres

/// Circles of trust. Everything here reads through `Visibility.circle`: a circle, its members
/// and its history exist only for its members (platform admins included only when members).
/// Changes lock the community row first, then the circle, in that order everywhere.
public struct CircleService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// A convenor creates a circle and is its first member, so must be eligible for it.
    public func create(
        in community: UUID, by caller: Caller, from origin: RequestOrigin, _ settings: () throws -> CircleSettings
    )
        throws -> Circle
    {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageMembers, in: community, on: connection, locking: true)
            let settings = try settings()
            try validate(settings)
            let id = UUIDv7.make()
            try connection.query(CircleRepository.insert(id, in: community, settings, by: caller.accountID))
            try add(caller.accountID, to: id, by: caller, on: connection)
            try audit.record(
                "circle.created", "circle", id, by: caller, from: origin,
                details: #"{"community_id":"\#(community.lowercasedString)"}"#, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func circle(_ id: UUID, for caller: Caller) throws -> Circle {
        try pool.withConnection { connection in
            let circle = try find(id, for: caller, on: connection)
            try CommunityAccess.authorize(caller, .readMembers, in: circle.communityID, on: connection)
            return circle
        }
    }

    /// The circles of a community that the caller is in.
    public func circles(in community: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [Circle] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readMembers, in: community, on: connection)
            return try connection.query(
                CircleRepository.list(in: community, after: after, limit: limit, for: caller),
                decode: CircleRepository.circle)
        }
    }

    /// A convenor in the circle changes it; its rules cannot tighten past a current member.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        _ change: (inout CircleSettings) throws -> Void
    ) throws -> Circle {
        try pool.withTransaction { connection in
            let current = try locked(id, for: caller, on: connection)
            var settings = CircleSettings(name: current.name)
            settings.description = current.description
            settings.governmentOnly = current.governmentOnly
            settings.excludesVendors = current.excludesVendors
            try change(&settings)
            try validate(settings)
            try matches(current.version)
            try connection.query(CircleRepository.update(id, to: settings))
            guard try connection.single(CircleRepository.ineligibleCount(in: id))["ineligible"] as Int == 0 else {
                throw MembershipError.conflict(
                    .membersNotEligible,
                    detail: "Some members would not be eligible under these rules; remove them first.")
            }
            try audit.record("circle.updated", "circle", id, by: caller, from: origin, on: connection)
            return try find(id, for: caller, on: connection)
        }
    }

    public func members(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [CircleMember] {
        try pool.withConnection { connection in
            _ = try circle(id, for: caller)
            return try connection.query(
                CircleRepository.members(of: id, after: after, limit: limit, for: caller),
                decode: CircleRepository.member)
        }
    }

    /// Who was added or removed, when and by whom: readable by the circle's members.
    public func history(of id: UUID, after: UUID?, limit: Int, for caller: Caller) throws -> [CircleEvent] {
        try pool.withConnection { connection in
            _ = try circle(id, for: caller)
            return try connection.query(
                CircleRepository.history(of: id, after: after, limit: limit, for: caller),
                decode: CircleRepository.event)
        }
    }

    /// A convenor in the circle adds an eligible active member of the community.
    public func addMember(to id: UUID, by caller: Caller, from origin: RequestOrigin, _ account: () throws -> UUID)
        throws -> CircleMember
    {
        try pool.withTransaction { connection in
            let circle = try locked(id, for: caller, on: connection)
            let account = try account()
            try add(account, to: id, by: caller, on: connection)
            try Notifications.notify(
                [account].filter { $0 != caller.accountID }, kind: "circle.member_added", subjectType: "circle",
                subject: id, community: circle.communityID,
                summary: #"{"circle_id":"\#(id.lowercasedString)"}"#, on: connection)
            try audit.record(
                "circle.member_added", "circle", id, by: caller, from: origin,
                details: #"{"account_id":"\#(account.lowercasedString)"}"#, on: connection)
            return try member(account, of: id, for: caller)
        }
    }

    public func member(_ account: UUID, of id: UUID, for caller: Caller) throws -> CircleMember {
        try pool.withConnection { connection in
            _ = try circle(id, for: caller)
            guard let row = try connection.query(CircleRepository.member(account, of: id, for: caller)).first else {
                throw AccessError.notFound
            }
            return try CircleRepository.member(row)
        }
    }

    /// A convenor in the circle removes someone, or a member leaves it; a circle keeps one member.
    public func removeMember(_ account: UUID, from id: UUID, by caller: Caller, from origin: RequestOrigin) throws {
        try pool.withTransaction { connection in
            let circle = try locked(id, for: caller, on: connection, leaving: account == caller.accountID)
            guard !(try connection.query(CircleRepository.member(account, of: id, for: caller)).isEmpty) else {
                throw AccessError.notFound
            }
            guard circle.memberCount > 1 else {
                throw MembershipError.conflict(.lastCircleMember, detail: "A circle keeps at least one member.")
            }
            try connection.query(
                CircleRepository.removeMember(account, from: id, by: caller.accountID, event: UUIDv7.make()))
            try connection.query(CircleRepository.touch(id))
            try audit.record(
                "circle.member_removed", "circle", id, by: caller, from: origin,
                details: #"{"account_id":"\#(account.lowercasedString)"}"#, on: connection)
        }
    }

    private func add(_ account: UUID, to id: UUID, by caller: Caller, on connection: Connection) throws {
        guard try connection.single(CircleRepository.eligible(account, for: id))["eligible"] as Bool else {
            throw MembershipError.conflict(
                .notEligible,
                detail:
                    "Only active members of the community who meet the circle's rules (officials only, no commercial interest) can join it."
            )
        }
        guard
            !(try connection.query(
                CircleRepository.addMember(account, to: id, by: caller.accountID, event: UUIDv7.make())
            ).isEmpty)
        else {
            throw MembershipError.conflict(.alreadyInCircle, detail: "This person is in the circle already.")
        }
        try connection.query(CircleRepository.touch(id))
    }

    private func find(_ id: UUID, for caller: Caller, on connection: Connection) throws -> Circle {
        guard let row = try connection.query(CircleRepository.find(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try CircleRepository.circle(row)
    }

    /// The circle, locked after its community, for a change by a convenor in it (or, `leaving`,
    /// by a member taking themselves out).
    private func locked(_ id: UUID, for caller: Caller, on connection: Connection, leaving: Bool = false) throws
        -> Circle
    {
        let visible = try find(id, for: caller, on: connection)
        try CommunityAccess.authorize(
            caller, leaving ? .leaveCommunity : .manageMembers, in: visible.communityID, on: connection, locking: true)
        guard let row = try connection.query(CircleRepository.lock(id, for: caller)).first else {
            throw AccessError.notFound
        }
        return try CircleRepository.circle(row)
    }

    private func validate(_ settings: CircleSettings) throws {
        var validation = Validation()
        validation.text(settings.name, "name", length: 1...200)
        validation.text(settings.description, "description", length: 0...5000, multiline: true)
        try validation.check()
    }
}
