import AccessControl
import Foundation
import Postgres

/// SQL for circles. Every read includes `Visibility.circle`, bound to parameters 1 (the
/// caller's account) and 2 (a token's community restriction): a circle exists only for its members.
enum CircleRepository {
    static let columns = """
        ci.id, ci.community_id, ci.name, ci.description, ci.government_only, ci.excludes_vendors,
        (SELECT count(*) FROM circle_members n WHERE n.circle_id = ci.id), ci.version, ci.created_at
        """
    static let visible = Visibility.circle(account: 1, restriction: 2)

    static let insert = Statement(
        "circle_insert",
        """
        INSERT INTO circles (id, community_id, name, description, government_only, excludes_vendors, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """)
    static let find = Statement("circle_find", "SELECT \(columns) FROM circles ci WHERE ci.id = $3 AND \(visible)")
    static let lock = Statement(
        "circle_lock", "SELECT \(columns) FROM circles ci WHERE ci.id = $3 AND \(visible) FOR UPDATE OF ci")
    static let list = Statement(
        "circle_list",
        """
        SELECT \(columns) FROM circles ci
        WHERE ci.community_id = $3 AND \(visible) AND ($4::uuid IS NULL OR ci.id > $4)
        ORDER BY ci.id LIMIT $5
        """)
    /// Membership changes alter what a circle shows (its member count), so they move its version.
    static let touch = Statement(
        "circle_touch", "UPDATE circles SET version = version + 1, updated_at = now() WHERE id = $1")
    static let update = Statement(
        "circle_update",
        """
        UPDATE circles SET name = $2, description = $3, government_only = $4, excludes_vendors = $5, version = version + 1,
               updated_at = now()
        WHERE id = $1
        """)
    /// Members who would no longer be eligible under the circle's rules as they now stand.
    static let ineligible = Statement(
        "circle_ineligible",
        "SELECT count(*) FROM circle_members WHERE circle_id = $1 AND NOT praxis_circle_eligible(account_id, circle_id)"
    )
    static let eligible = Statement("circle_eligible", "SELECT praxis_circle_eligible($1, $2)")
    static let addMember = Statement(
        "circle_add_member",
        """
        WITH added AS (INSERT INTO circle_members (circle_id, account_id, added_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING
                       RETURNING account_id)
        INSERT INTO circle_member_events (id, circle_id, account_id, change, actor_id)
        SELECT $4, $1, account_id, 'added', $3 FROM added
        RETURNING 1
        """)
    static let removeMember = Statement(
        "circle_remove_member",
        """
        WITH removed AS (DELETE FROM circle_members WHERE circle_id = $1 AND account_id = $2 RETURNING account_id)
        INSERT INTO circle_member_events (id, circle_id, account_id, change, actor_id)
        SELECT $4, $1, account_id, 'removed', $3 FROM removed
        RETURNING 1
        """)
    static let memberSource = """
        SELECT a.id, a.display_name, a.member_kind, b.id, b.display_name, cm.added_at
        FROM circle_members cm JOIN accounts a ON a.id = cm.account_id JOIN accounts b ON b.id = cm.added_by
        JOIN circles ci ON ci.id = cm.circle_id
        WHERE cm.circle_id = $3 AND \(visible)
        """
    static let members = Statement(
        "circle_members", "\(memberSource) AND ($4::uuid IS NULL OR a.id > $4) ORDER BY a.id LIMIT $5")
    static let member = Statement("circle_member", "\(memberSource) AND a.id = $4")
    static let history = Statement(
        "circle_history",
        """
        SELECT e.id, a.id, a.display_name, e.change, b.id, b.display_name, e.occurred_at
        FROM circle_member_events e JOIN accounts a ON a.id = e.account_id JOIN accounts b ON b.id = e.actor_id
        JOIN circles ci ON ci.id = e.circle_id
        WHERE e.circle_id = $3 AND \(visible) AND ($4::uuid IS NULL OR e.id > $4)
        ORDER BY e.id LIMIT $5
        """)

    static func circle(_ row: Row) throws -> Circle {
        Circle(
            id: try row.uuid(0), communityID: try row.uuid(1), name: try row.string(2), description: try row.string(3),
            governmentOnly: try row.bool(4), excludesVendors: try row.bool(5), memberCount: try row.int(6),
            version: try row.int64(7), createdAt: try row.date(8))
    }

    static func member(_ row: Row) throws -> CircleMember {
        CircleMember(
            account: PersonSummary(id: try row.uuid(0), displayName: try row.string(1)),
            memberKind: try row.enumeration(2),
            addedBy: PersonSummary(id: try row.uuid(3), displayName: try row.string(4)), addedAt: try row.date(5))
    }

    static func event(_ row: Row) throws -> CircleEvent {
        CircleEvent(
            id: try row.uuid(0), account: PersonSummary(id: try row.uuid(1), displayName: try row.string(2)),
            change: try row.enumeration(3), actor: PersonSummary(id: try row.uuid(4), displayName: try row.string(5)),
            occurredAt: try row.date(6))
    }
}
