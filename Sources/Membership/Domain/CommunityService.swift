import AccessControl
import Crypto
import Foundation
import Postgres

/// Creating, reading, listing and changing communities.
public struct CommunityService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The creator becomes the first convenor.
    public func create(_ settings: CommunitySettings, by caller: Caller, from origin: RequestOrigin) throws -> Community
    {
        try Policy.authorize(caller, .createCommunity)
        try validate(settings)
        let id = UUIDv7.make()
        return try pool.withTransaction { connection in
            do {
                try connection.query(CommunityRepository.insert(id, settings, by: caller.accountID))
            } catch PostgresError.uniqueViolation {
                throw MembershipError.conflict(.slugTaken, detail: "Another community has this slug.")
            }
            try connection.query(CommunityRepository.addConvenor(caller.accountID, to: id))
            try audit.record("community.created", "community", id, by: caller, from: origin, on: connection)
            // Read as the creator would: a token restricted elsewhere still gets its creation back.
            var creator = caller
            creator.communityIDs = nil
            return try CommunityRepository.community(try connection.single(CommunityRepository.find(id, for: creator)))
        }
    }

    /// A community's card for outsiders (listed, or open to applications), all of it for members.
    public func community(_ id: UUID, for caller: Caller) throws -> Community {
        try Policy.authorize(caller, .readCommunities)
        guard
            let row = try pool.withConnection({ try $0.query(CommunityRepository.find(id, for: caller)) }).first
        else { throw AccessError.notFound }
        return try CommunityRepository.community(row)
    }

    /// The communities the caller may see, by id; with `memberOnly`, those they belong to.
    public func communities(for caller: Caller, memberOnly: Bool, after: UUID?, limit: Int) throws -> [Community] {
        try Policy.authorize(caller, .readCommunities)
        return try pool.withConnection { connection in
            try connection.query(
                CommunityRepository.list(after: after, memberOnly: memberOnly, limit: limit, for: caller),
                decode: CommunityRepository.community)
        }
    }

    /// Convenors change the settings, if the community is still at the version they read.
    /// A change of `min_cell_size` is audited with both values.
    public func update(
        _ id: UUID, ifVersion matches: (Int64) throws -> Void, by caller: Caller, from origin: RequestOrigin,
        change: (inout CommunitySettings) throws -> Void
    ) throws -> Community {
        try pool.withTransaction { connection in
            try CommunityAccess.authorize(caller, .manageCommunity, in: id, on: connection, locking: true)
            let current = try CommunityRepository.community(
                try connection.single(CommunityRepository.find(id, for: caller)))
            var settings = CommunitySettings(current)
            try change(&settings)
            try validate(settings)
            try matches(current.version)
            do {
                try connection.query(CommunityRepository.update(id, to: settings))
            } catch PostgresError.uniqueViolation {
                throw MembershipError.conflict(.slugTaken, detail: "Another community has this slug.")
            }
            let cellChange =
                settings.minCellSize == current.minCellSize
                ? "" : #","min_cell_size_from":\#(current.minCellSize),"min_cell_size_to":\#(settings.minCellSize)"#
            try audit.record(
                "community.updated", "community", id, by: caller, from: origin,
                details: #"{"version":\#(current.version + 1)\#(cellChange)}"#, on: connection)
            return try CommunityRepository.community(try connection.single(CommunityRepository.find(id, for: caller)))
        }
    }

    private func validate(_ settings: CommunitySettings) throws {
        var validation = Validation()
        let slugCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        if !(1...60).contains(settings.slug.count) || !settings.slug.allSatisfy(slugCharacters.contains)
            || settings.slug.hasPrefix("-") || settings.slug.hasSuffix("-") || settings.slug.contains("--")
        {
            validation.add("slug", "must be 1 to 60 lowercase letters, digits and single hyphens")
        }
        validation.text(settings.name, "name", length: 1...200)
        validation.text(settings.purpose, "purpose", length: 0...5000, multiline: true)
        validation.text(settings.criteria, "criteria", length: 0...5000, multiline: true)
        if settings.allowedMemberKinds.isEmpty {
            validation.add("allowed_member_kinds", "must name at least one kind")
        }
        if settings.minCellSize < 3 || settings.minCellSize > 100 {
            validation.add("min_cell_size", "must be 3 to 100")
        }
        try validation.check()
    }
}
