import AccessControl
import Foundation
import Postgres

/// A member of another sector or country whose needs overlap someone's.
public struct Peer: Sendable, Equatable {
    public var account: PersonSummary
    public var country: String?
    public var sector: String?
    public var sharedThemes: [ThemeSummary]
    /// |shared themes| / |themes of either| (Jaccard), from 0 to 1, two decimals.
    public var score: Double
}

/// Peers across silos: for a member of a community, the members whose needs (written or
/// co-signed) share the most themes with theirs, ranked by the Jaccard similarity of the two sets
/// of themes, then by the number shared. Only needs and members the caller may see count, and
/// never someone of the same sector and country as the member (a silo is what peers cross).
public struct PeerService: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The caller's own peers.
    public func peers(in community: UUID, limit: Int, for caller: Caller) throws -> [Peer] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            return try connection.query(
                Self.peers(of: caller.accountID, in: community, limit: limit, for: caller), decode: Self.peer)
        }
    }

    /// A member's peers, for the community's convenors (who introduce people to each other).
    public func peers(of member: UUID, in community: UUID, limit: Int, for caller: Caller) throws -> [Peer] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readMembersPeers, in: community, on: connection)
            guard try connection.single(Self.isMember(member, of: community))["member"] as Bool else {
                throw AccessError.notFound
            }
            return try connection.query(
                Self.peers(of: member, in: community, limit: limit, for: caller), decode: Self.peer)
        }
    }

    static func isMember(_ account: UUID, of community: UUID) -> SQL {
        """
        SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = \(community) AND m.account_id = \(account)
                       AND m.role <> 'guest' AND \(Visibility.isLive("m"))) AS member
        """
    }

    static func peers(of subject: UUID, in community: UUID, limit: Int, for caller: Caller) -> SQL {
        """
        WITH visible AS (
            SELECT n.id, n.author_id FROM needs n
            WHERE n.community_id = \(community) AND \(Visibility.needForReaders(caller, in: "\(community)::uuid"))
              AND \(Visibility.withinReach(of: "\(community)::uuid", caller))),
        people AS (
            SELECT v.id AS need_id, v.author_id AS account_id FROM visible v
            UNION SELECT cs.need_id, cs.account_id FROM need_cosigns cs JOIN visible v ON v.id = cs.need_id),
        member_themes AS (
            SELECT DISTINCT p.account_id, nt.theme_id FROM people p JOIN need_themes nt ON nt.need_id = p.need_id),
        subject_themes AS (SELECT theme_id FROM member_themes WHERE account_id = \(subject)),
        subject AS (
            SELECT coalesce(a.country, o.country) AS country, o.sector FROM accounts a
            LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = \(subject)),
        candidates AS (
            SELECT mt.account_id, count(*) FILTER (WHERE mt.theme_id IN (SELECT theme_id FROM subject_themes)) AS shared,
                   count(*) AS themes
            FROM member_themes mt WHERE mt.account_id <> \(subject) GROUP BY 1),
        ranked AS (
            SELECT c.account_id, c.shared,
                   round(c.shared::numeric / ((SELECT count(*) FROM subject_themes) + c.themes - c.shared), 2)::float8
                       AS score
            FROM candidates c WHERE c.shared > 0)
        SELECT a.id, a.display_name, coalesce(a.country, o.country) AS country, o.sector, r.score,
               ARRAY(SELECT th.id::text FROM member_themes mt JOIN themes th ON th.id = mt.theme_id
                     WHERE mt.account_id = a.id AND mt.theme_id IN (SELECT theme_id FROM subject_themes)
                     ORDER BY lower(th.name), th.id) AS theme_ids,
               ARRAY(SELECT th.name FROM member_themes mt JOIN themes th ON th.id = mt.theme_id
                     WHERE mt.account_id = a.id AND mt.theme_id IN (SELECT theme_id FROM subject_themes)
                     ORDER BY lower(th.name), th.id) AS theme_names
        FROM ranked r JOIN accounts a ON a.id = r.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE \(Visibility.activeMember(of: "\(community)", account: "a.id"))
          AND NOT EXISTS (SELECT 1 FROM memberships g WHERE g.community_id = \(community) AND g.account_id = a.id
                          AND g.role = 'guest')
          AND NOT (coalesce(a.country, o.country) IS NOT DISTINCT FROM (SELECT country FROM subject)
                   AND o.sector IS NOT DISTINCT FROM (SELECT sector FROM subject))
        ORDER BY r.score DESC, r.shared DESC, a.id
        LIMIT \(limit)
        """
    }

    static func peer(_ row: Row) throws -> Peer {
        let ids: [UUID] = try row["theme_ids"]
        let names: [String] = try row["theme_names"]
        return Peer(
            account: PersonSummary(id: try row["id"], displayName: try row["display_name"]),
            country: try row["country"],
            sector: try row["sector"], sharedThemes: zip(ids, names).map { ThemeSummary(id: $0, name: $1) },
            score: try row["score"])
    }
}
