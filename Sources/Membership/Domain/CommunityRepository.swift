import AccessControl
import Foundation
import Postgres

/// SQL for communities. Every read includes a predicate of the policy module (`Visibility`)
/// for the caller.
enum CommunityRepository {
    static func columns(for caller: Caller) -> SQL {
        """
        c.id, c.slug, c.name, c.purpose, c.visibility, c.join_policy, c.criteria, c.allowed_member_kinds,
        c.observers_allowed, c.observer_history, c.chatham_house, c.recording_policy, c.min_cell_size,
        c.needs_visible_to_vendors, c.version, c.created_at,
        \(Visibility.role(in: "c.id", caller)) AS viewer_role
        """
    }

    static func insert(_ id: UUID, _ settings: CommunitySettings, by creator: UUID) -> SQL {
        """
        INSERT INTO communities (id, slug, name, purpose, visibility, join_policy, criteria, allowed_member_kinds,
                                 observers_allowed, observer_history, chatham_house, recording_policy, min_cell_size,
                                 needs_visible_to_vendors, created_by)
        VALUES (\(id), \(settings.slug), \(settings.name), \(settings.purpose), \(settings.visibility.rawValue),
                \(settings.joinPolicy.rawValue), \(settings.criteria), \(settings.allowedMemberKinds.map(\.rawValue)),
                \(settings.observersAllowed), \(settings.observerHistory.rawValue), \(settings.chathamHouse),
                \(settings.recordingPolicy.rawValue), \(settings.minCellSize), \(settings.needsVisibleToVendors),
                \(creator))
        """
    }

    static func addConvenor(_ account: UUID, to community: UUID) -> SQL {
        """
        INSERT INTO memberships (community_id, account_id, role, status)
        VALUES (\(community), \(account), 'convenor', 'active')
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns(for: caller)) FROM communities c WHERE c.id = \(id) AND \(Visibility.communityCard(caller))"
    }

    static func list(after: UUID?, memberOnly: Bool, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns(for: caller)) FROM communities c
        WHERE \(Visibility.communityListed(caller)) AND \(SQL.keyset("c.id", after: after))
          AND (NOT \(memberOnly)::boolean OR \(Visibility.activeMember(of: "c.id", caller)))
        ORDER BY c.id LIMIT \(limit)
        """
    }

    static func update(_ id: UUID, to settings: CommunitySettings) -> SQL {
        """
        UPDATE communities SET slug = \(settings.slug), name = \(settings.name), purpose = \(settings.purpose),
               visibility = \(settings.visibility.rawValue), join_policy = \(settings.joinPolicy.rawValue),
               criteria = \(settings.criteria), allowed_member_kinds = \(settings.allowedMemberKinds.map(\.rawValue)),
               observers_allowed = \(settings.observersAllowed),
               observer_history = \(settings.observerHistory.rawValue), chatham_house = \(settings.chathamHouse),
               recording_policy = \(settings.recordingPolicy.rawValue),
               min_cell_size = \(settings.minCellSize), needs_visible_to_vendors = \(settings.needsVisibleToVendors),
               version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    static func community(_ row: Row) throws -> Community {
        Community(
            id: try row["id"], slug: try row["slug"], name: try row["name"], purpose: try row["purpose"],
            visibility: try row["visibility"], joinPolicy: try row["join_policy"], criteria: try row["criteria"],
            allowedMemberKinds: try (row["allowed_member_kinds"] as [String]).compactMap(MemberKind.init(rawValue:)),
            observersAllowed: try row["observers_allowed"], observerHistory: try row["observer_history"],
            chathamHouse: try row["chatham_house"], recordingPolicy: try row["recording_policy"],
            minCellSize: try row["min_cell_size"], needsVisibleToVendors: try row["needs_visible_to_vendors"],
            version: try row["version"], createdAt: try row["created_at"], viewerRole: try row["viewer_role"])
    }
}

extension CommunityVisibility: PostgresTextDecodable {}
extension JoinPolicy: PostgresTextDecodable {}
extension ObserverHistory: PostgresTextDecodable {}
extension RecordingPolicy: PostgresTextDecodable {}
