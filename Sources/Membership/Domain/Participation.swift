import AccessControl
import Disclosure
import Foundation
import Postgres

/// Active members counted by sector, country, UN M49 region and organisation kind, with small
/// cells suppressed (`count` nil). A nil `value` counts the members with nothing recorded.
public struct Participation: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var value: String?
        public var count: Int?
    }

    public var communityID: UUID
    public var minCellSize: Int
    /// nil when the community has fewer active members than `minCellSize`.
    public var activeMembers: Int?
    public var bySector: [Cell]
    public var byCountry: [Cell]
    public var byRegion: [Cell]
    public var byOrganisationKind: [Cell]
}

public struct ParticipationService: Sendable {
    let pool: ConnectionPool

    /// One row per combination, read through the community's inside predicate. Guests are
    /// visitors, not members, and are not counted.
    static func counts(in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT o.sector, coalesce(a.country, o.country) AS country, o.kind, count(*) AS members
        FROM memberships m JOIN accounts a ON a.id = m.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        JOIN communities c ON c.id = m.community_id
        WHERE m.community_id = \(community) AND \(Visibility.isLive("m")) AND m.role <> 'guest'
          AND \(Visibility.communityInside(caller))
        GROUP BY 1, 2, 3
        """
    }

    public static func minCellSize(of community: UUID) -> SQL {
        "SELECT min_cell_size FROM communities WHERE id = \(community)"
    }

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func participation(in community: UUID, for caller: Caller) throws -> Participation {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readMembers, in: community, on: connection)
            let minimum: Int = try connection.single(Self.minCellSize(of: community))["min_cell_size"]
            let rows = try connection.query(Self.counts(in: community, for: caller)) { row in
                (
                    sector: try row["sector"] as String?, country: try row["country"] as String?,
                    kind: try row["kind"] as String?, count: try row["members"] as Int
                )
            }
            return Self.tabulate(rows, community: community, minimum: minimum)
        }
    }

    static func tabulate(
        _ rows: [(sector: String?, country: String?, kind: String?, count: Int)], community: UUID, minimum: Int
    ) -> Participation {
        let breakdown = PeopleBreakdown(
            rows.map { PeopleBreakdown.Group(sector: $0.sector, country: $0.country, kind: $0.kind, count: $0.count) },
            minimum: minimum)
        func cells(_ cells: [PeopleBreakdown.Cell]) -> [Participation.Cell] {
            cells.map { Participation.Cell(value: $0.value, count: $0.count) }
        }
        return Participation(
            communityID: community, minCellSize: minimum, activeMembers: breakdown.total,
            bySector: cells(breakdown.bySector), byCountry: cells(breakdown.byCountry),
            byRegion: cells(breakdown.byRegion), byOrganisationKind: cells(breakdown.byOrganisationKind))
    }
}
