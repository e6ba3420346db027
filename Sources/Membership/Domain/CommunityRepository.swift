import AccessControl
import Foundation
import Postgres

/// SQL for communities. Every read includes a predicate of the policy module (`Visibility`),
/// bound to parameters 1 (the caller's account) and 2 (a token's community restriction).
struct CommunityRepository: Sendable {
    static let columns = """
        c.id, c.slug, c.name, c.purpose, c.visibility, c.join_policy, c.criteria, c.allowed_member_kinds,
        c.observers_allowed, c.observer_history, c.chatham_house, c.recording_policy, c.min_cell_size,
        c.needs_visible_to_vendors, c.version, c.created_at,
        \(Visibility.role(account: 1))
        """

    static let insert = Statement(
        "community_insert",
        """
        INSERT INTO communities (id, slug, name, purpose, visibility, join_policy, criteria, allowed_member_kinds,
                                 observers_allowed, observer_history, chatham_house, recording_policy, min_cell_size,
                                 needs_visible_to_vendors, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        """)
    static let addConvenor = Statement(
        "community_add_convenor",
        "INSERT INTO memberships (community_id, account_id, role, status) VALUES ($1, $2, 'convenor', 'active')")
    static let find = Statement(
        "community_find",
        "SELECT \(columns) FROM communities c WHERE c.id = $3 AND \(Visibility.communityCard(account: 1, restriction: 2))"
    )
    static let list = Statement(
        "community_list",
        """
        SELECT \(columns) FROM communities c
        WHERE \(Visibility.communityCard(account: 1, restriction: 2)) AND ($3::uuid IS NULL OR c.id > $3)
          AND (NOT $4::boolean OR \(Visibility.activeMember(of: "c.id", account: 1)))
        ORDER BY c.id LIMIT $5
        """)
    static let update = Statement(
        "community_update",
        """
        UPDATE communities SET slug = $2, name = $3, purpose = $4, visibility = $5, join_policy = $6, criteria = $7,
               allowed_member_kinds = $8, observers_allowed = $9, observer_history = $10, chatham_house = $11,
               recording_policy = $12, min_cell_size = $13, needs_visible_to_vendors = $14,
               version = version + 1, updated_at = now()
        WHERE id = $1
        """)

    static func settingsBindings(_ settings: CommunitySettings) -> [any PostgresBindable] {
        [
            settings.slug, settings.name, settings.purpose, settings.visibility.rawValue, settings.joinPolicy.rawValue,
            settings.criteria, settings.allowedMemberKinds.map(\.rawValue), settings.observersAllowed,
            settings.observerHistory.rawValue, settings.chathamHouse, settings.recordingPolicy.rawValue,
            settings.minCellSize,
            settings.needsVisibleToVendors,
        ]
    }

    static func community(_ row: Row) throws -> Community {
        return Community(
            id: try row.uuid(0), slug: try row.string(1), name: try row.string(2), purpose: try row.string(3),
            visibility: try row.enumeration(4), joinPolicy: try row.enumeration(5), criteria: try row.string(6),
            allowedMemberKinds: try row.stringArray(7).compactMap(MemberKind.init(rawValue:)),
            observersAllowed: try row.bool(8), observerHistory: try row.enumeration(9), chathamHouse: try row.bool(10),
            recordingPolicy: try row.enumeration(11), minCellSize: try row.int(12),
            needsVisibleToVendors: try row.bool(13),
            version: try row.int64(14), createdAt: try row.date(15),
            viewerRole: try row.optionalEnumeration(16))
    }
}
