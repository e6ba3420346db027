import AccessControl
import Foundation
import Postgres

/// SQL for circles. Every read includes `Visibility.circle` for the caller: a circle exists
/// only for its members.
enum CircleRepository {
    static let columns: SQL = """
        ci.id, ci.community_id, ci.name, ci.description, ci.government_only, ci.excludes_vendors,
        (SELECT count(*) FROM circle_members n WHERE n.circle_id = ci.id) AS member_count, ci.version, ci.created_at
        """

    static func insert(_ id: UUID, in community: UUID, _ settings: CircleSettings, by creator: UUID) -> SQL {
        """
        INSERT INTO circles (id, community_id, name, description, government_only, excludes_vendors, created_by)
        VALUES (\(id), \(community), \(settings.name), \(settings.description), \(settings.governmentOnly),
                \(settings.excludesVendors), \(creator))
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns) FROM circles ci WHERE ci.id = \(id) AND \(Visibility.circle(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF ci"
    }

    static func list(in community: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM circles ci
        WHERE ci.community_id = \(community) AND \(Visibility.circle(caller))
          AND \(SQL.keyset("ci.id", after: after))
        ORDER BY ci.id LIMIT \(limit)
        """
    }

    /// Membership changes alter what a circle shows (its member count), so they move its version.
    static func touch(_ id: UUID) -> SQL {
        "UPDATE circles SET version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    static func update(_ id: UUID, to settings: CircleSettings) -> SQL {
        """
        UPDATE circles SET name = \(settings.name), description = \(settings.description),
               government_only = \(settings.governmentOnly), excludes_vendors = \(settings.excludesVendors),
               version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// How many members would no longer be eligible under the circle's rules as they now stand.
    static func ineligibleCount(in id: UUID) -> SQL {
        """
        SELECT count(*) AS ineligible FROM circle_members
        WHERE circle_id = \(id) AND NOT praxis_circle_eligible(account_id, circle_id)
        """
    }

    static func eligible(_ account: UUID, for id: UUID) -> SQL {
        "SELECT praxis_circle_eligible(\(account), \(id)) AS eligible"
    }

    /// Adds `account` and records the event; returns a row only when they were not in the circle yet.
    static func addMember(_ account: UUID, to id: UUID, by actor: UUID, event: UUID) -> SQL {
        """
        WITH added AS (INSERT INTO circle_members (circle_id, account_id, added_by) VALUES (\(id), \(account), \(actor))
                       ON CONFLICT DO NOTHING RETURNING account_id)
        INSERT INTO circle_member_events (id, circle_id, account_id, change, actor_id)
        SELECT \(event), \(id), account_id, 'added', \(actor) FROM added
        RETURNING 1
        """
    }

    static func removeMember(_ account: UUID, from id: UUID, by actor: UUID, event: UUID) -> SQL {
        """
        WITH removed AS (DELETE FROM circle_members WHERE circle_id = \(id) AND account_id = \(account)
                         RETURNING account_id)
        INSERT INTO circle_member_events (id, circle_id, account_id, change, actor_id)
        SELECT \(event), \(id), account_id, 'removed', \(actor) FROM removed
        RETURNING 1
        """
    }

    private static func memberSource(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT a.id AS account_id, a.display_name AS account_name, a.member_kind, b.id AS added_by_id,
               b.display_name AS added_by_name, cm.added_at
        FROM circle_members cm JOIN accounts a ON a.id = cm.account_id JOIN accounts b ON b.id = cm.added_by
        JOIN circles ci ON ci.id = cm.circle_id
        WHERE cm.circle_id = \(id) AND \(Visibility.circle(caller))
        """
    }

    static func members(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        "\(memberSource(id, for: caller)) AND \(SQL.keyset("a.id", after: after)) ORDER BY a.id LIMIT \(limit)"
    }

    static func member(_ account: UUID, of id: UUID, for caller: Caller) -> SQL {
        "\(memberSource(id, for: caller)) AND a.id = \(account)"
    }

    static func history(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT e.id, a.id AS account_id, a.display_name AS account_name, e.change, b.id AS actor_id,
               b.display_name AS actor_name, e.occurred_at
        FROM circle_member_events e JOIN accounts a ON a.id = e.account_id JOIN accounts b ON b.id = e.actor_id
        JOIN circles ci ON ci.id = e.circle_id
        WHERE e.circle_id = \(id) AND \(Visibility.circle(caller)) AND \(SQL.keyset("e.id", after: after))
        ORDER BY e.id LIMIT \(limit)
        """
    }

    static func circle(_ row: Row) throws -> Circle {
        Circle(
            id: try row["id"], communityID: try row["community_id"], name: try row["name"],
            description: try row["description"], governmentOnly: try row["government_only"],
            excludesVendors: try row["excludes_vendors"], memberCount: try row["member_count"],
            version: try row["version"], createdAt: try row["created_at"])
    }

    static func member(_ row: Row) throws -> CircleMember {
        CircleMember(
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            memberKind: try row["member_kind"],
            addedBy: PersonSummary(id: try row["added_by_id"], displayName: try row["added_by_name"]),
            addedAt: try row["added_at"])
    }

    static func event(_ row: Row) throws -> CircleEvent {
        CircleEvent(
            id: try row["id"], account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            change: try row["change"],
            actor: PersonSummary(id: try row["actor_id"], displayName: try row["actor_name"]),
            occurredAt: try row["occurred_at"])
    }
}

extension CircleChange: PostgresTextDecodable {}
