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

    static func minCellSize(of community: UUID) -> SQL {
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
        let total = rows.reduce(0) { $0 + $1.count }
        let totalPublished = total >= minimum
        func margin(_ key: (String?, String?, String?) -> String?) -> [(value: String?, count: Int)] {
            var counts: [String?: Int] = [:]
            for row in rows { counts[key(row.sector, row.country, row.kind), default: 0] += row.count }
            return counts.map { ($0.key, $0.value) }.sorted { ($0.value ?? "~") < ($1.value ?? "~") }
        }
        func cells(_ margin: [(value: String?, count: Int)], hiding suppressed: Set<Int>) -> [Participation.Cell] {
            margin.indices.map {
                Participation.Cell(value: margin[$0].value, count: suppressed.contains($0) ? nil : margin[$0].count)
            }
        }
        func simple(_ margin: [(value: String?, count: Int)]) -> [Participation.Cell] {
            let counts = margin.map(\.count)
            let suppressed =
                totalPublished
                ? SmallCellSuppression.suppress(counts, minimum: minimum)
                : Set(counts.indices.filter { counts[$0] < minimum })
            return cells(margin, hiding: suppressed)
        }
        let countries = margin { _, country, _ in country }
        let regions = margin { _, country, _ in country.flatMap(Regions.subregion(ofCountry:)) }
        let regionIndex = countries.map { country in
            let region = country.value.flatMap(Regions.subregion(ofCountry:))
            return regions.firstIndex { $0.value == region }!
        }
        let nested = SmallCellSuppression.suppress(
            countries: countries.map(\.count), regionOfCountry: regionIndex, regions: regions.map(\.count),
            minimum: minimum,
            totalPublished: totalPublished)
        return Participation(
            communityID: community, minCellSize: minimum, activeMembers: totalPublished ? total : nil,
            bySector: simple(margin { sector, _, _ in sector }), byCountry: cells(countries, hiding: nested.countries),
            byRegion: cells(regions, hiding: nested.regions), byOrganisationKind: simple(margin { _, _, kind in kind }))
    }
}
