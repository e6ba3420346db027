import AccessControl
import Foundation
import Postgres

/// SQL for themes. Every read includes `Visibility.theme` for the caller.
enum ThemeRepository {
    static let columns: SQL = """
        th.id, th.community_id, th.name, th.description, th.status, th.merged_into, th.decline_reason,
        th.created_by, (SELECT a.display_name FROM accounts a WHERE a.id = th.created_by) AS created_by_name,
        th.version, th.created_at, th.updated_at
        """

    static func insert(_ id: UUID, in community: UUID, _ settings: ThemeSettings, status: ThemeStatus, by creator: UUID)
        -> SQL
    {
        """
        INSERT INTO themes (id, community_id, name, description, status, created_by)
        SELECT \(id), \(community), \(settings.name), \(settings.description), \(status.rawValue), \(creator)
        WHERE NOT EXISTS (SELECT 1 FROM themes other WHERE other.community_id = \(community)
                          AND lower(other.name) = lower(\(settings.name)) AND other.status IN ('active', 'retired'))
        ON CONFLICT DO NOTHING RETURNING id
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns) FROM themes th WHERE th.id = \(id) AND \(Visibility.theme(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF th"
    }

    static func list(in community: UUID, statuses: [ThemeStatus], after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM themes th
        WHERE th.community_id = \(community) AND \(Visibility.theme(caller))
          AND (cardinality(\(statuses.map(\.rawValue))::text[]) = 0 OR th.status = ANY(\(statuses.map(\.rawValue))::text[]))
          AND \(SQL.keyset("th.id", after: after))
        ORDER BY th.id LIMIT \(limit)
        """
    }

    /// Renames (the unique index refuses a live name twice: no row comes back then).
    static func update(_ id: UUID, to settings: ThemeSettings, status: ThemeStatus, declineReason: String? = nil)
        -> SQL
    {
        """
        UPDATE themes SET name = \(settings.name), description = \(settings.description), status = \(status.rawValue),
               decline_reason = \(declineReason), version = version + 1, updated_at = now()
        WHERE id = \(id) AND NOT EXISTS (
            SELECT 1 FROM themes other WHERE other.community_id = themes.community_id AND other.id <> \(id)
              AND lower(other.name) = lower(\(settings.name)) AND other.status IN ('active', 'retired'))
        RETURNING id
        """
    }

    /// Every need of `source` names `target` instead, in one statement; then `source` points to `target`.
    static func merge(_ source: UUID, into target: UUID) -> SQL {
        """
        WITH moved AS (
                 INSERT INTO need_themes (need_id, theme_id)
                 SELECT need_id, \(target) FROM need_themes WHERE theme_id = \(source)
                 ON CONFLICT DO NOTHING),
             unlinked AS (DELETE FROM need_themes WHERE theme_id = \(source))
        UPDATE themes SET status = 'merged', merged_into = \(target), version = version + 1, updated_at = now()
        WHERE id = \(source)
        """
    }

    /// Needs that name a merged theme are changed too: their versions move.
    static func touchNeeds(of theme: UUID) -> SQL {
        """
        UPDATE needs SET version = version + 1, updated_at = now()
        WHERE id IN (SELECT need_id FROM need_themes WHERE theme_id = \(theme))
        """
    }

    /// Which of `ids` are not active themes of `community`, in their order.
    static func inactive(_ ids: [UUID], in community: UUID) -> SQL {
        """
        SELECT wanted.id::text AS id FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS wanted (id, position)
        WHERE NOT EXISTS (SELECT 1 FROM themes th WHERE th.id = wanted.id AND th.community_id = \(community)
                          AND th.status = 'active')
        ORDER BY wanted.position
        """
    }

    static func theme(_ row: Row) throws -> Theme {
        Theme(
            id: try row["id"], communityID: try row["community_id"], name: try row["name"],
            description: try row["description"], status: try row["status"], mergedInto: try row["merged_into"],
            declineReason: try row["decline_reason"],
            createdBy: PersonSummary(id: try row["created_by"], displayName: try row["created_by_name"]),
            version: try row["version"], createdAt: try row["created_at"], updatedAt: try row["updated_at"])
    }
}

extension ThemeStatus: PostgresTextDecodable {}
