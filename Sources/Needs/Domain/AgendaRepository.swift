import AccessControl
import Foundation
import Postgres

/// SQL for agenda items. Every read includes `Visibility.agendaItem`; the needs an item names
/// are listed only when the caller may see them.
enum AgendaRepository {
    static func columns(_ caller: Caller) -> SQL {
        """
        ag.id, ag.community_id, ag.meeting_id, ag.title, ag.description, ag.position, ag.starts_at, ag.ends_at,
        ag.presenter_id, presenter.display_name AS presenter_name, ag.status, ag.created_by,
        creator.display_name AS created_by_name, ag.version, ag.created_at, ag.updated_at,
        ARRAY(SELECT n.id::text FROM agenda_item_needs an JOIN needs n ON n.id = an.need_id
              WHERE an.agenda_item_id = ag.id AND n.status <> 'withdrawn' AND \(Visibility.need(caller))
              ORDER BY n.id) AS need_ids,
        ARRAY(SELECT n.title FROM agenda_item_needs an JOIN needs n ON n.id = an.need_id
              WHERE an.agenda_item_id = ag.id AND n.status <> 'withdrawn' AND \(Visibility.need(caller))
              ORDER BY n.id) AS need_titles
        """
    }

    static let sources: SQL = """
        agenda_items ag JOIN accounts creator ON creator.id = ag.created_by
        LEFT JOIN accounts presenter ON presenter.id = ag.presenter_id
        """

    static func insert(_ id: UUID, in community: UUID, _ settings: AgendaSettings, by creator: UUID) -> SQL {
        """
        INSERT INTO agenda_items (id, community_id, meeting_id, title, description, position, starts_at, ends_at,
                                  presenter_id, status, created_by)
        VALUES (\(id), \(community), \(settings.meetingID), \(settings.title), \(settings.description),
                \(settings.position), \(settings.startsAt), \(settings.endsAt), \(settings.presenterID),
                \(settings.status.rawValue), \(creator))
        """
    }

    static func update(_ id: UUID, to settings: AgendaSettings) -> SQL {
        """
        UPDATE agenda_items SET meeting_id = \(settings.meetingID), title = \(settings.title),
               description = \(settings.description), position = \(settings.position), starts_at = \(settings.startsAt),
               ends_at = \(settings.endsAt), presenter_id = \(settings.presenterID), status = \(settings.status.rawValue),
               version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// Of the needs the caller may see, the item names exactly `needs` (links to needs they may
    /// not see, a circle's, stay as they are).
    static func link(_ id: UUID, to needs: [UUID], for caller: Caller) -> SQL {
        """
        WITH unlinked AS (
            DELETE FROM agenda_item_needs an WHERE an.agenda_item_id = \(id) AND NOT (an.need_id = ANY(\(needs)::uuid[]))
              AND EXISTS (SELECT 1 FROM needs n WHERE n.id = an.need_id AND \(Visibility.need(caller))))
        INSERT INTO agenda_item_needs (agenda_item_id, need_id) SELECT \(id), unnest(\(needs)::uuid[])
        ON CONFLICT DO NOTHING
        """
    }

    /// The item's fields as they now are, in its history (the needs it names are on the item,
    /// shown to those who may see them, and not repeated here).
    static func record(_ id: UUID, event: UUID, change: String, by actor: UUID) -> SQL {
        """
        INSERT INTO agenda_item_events (id, agenda_item_id, change, fields, actor_id)
        SELECT \(event), ag.id, \(change),
               jsonb_build_object('title', ag.title, 'description', ag.description, 'position', ag.position,
                                  'starts_at', praxis_time(ag.starts_at), 'ends_at', praxis_time(ag.ends_at),
                                  'presenter_id', ag.presenter_id, 'meeting_id', ag.meeting_id, 'status', ag.status),
               \(actor)
        FROM agenda_items ag WHERE ag.id = \(id)
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns(caller)) FROM \(sources) WHERE ag.id = \(id) AND \(Visibility.agendaItem(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF ag"
    }

    /// By position, then id.
    static func list(
        in community: UUID, statuses: [AgendaStatus], meeting: UUID?, after: (position: Int, id: UUID)?, limit: Int,
        for caller: Caller
    ) -> SQL {
        """
        SELECT \(columns(caller)) FROM \(sources)
        WHERE ag.community_id = \(community) AND \(Visibility.agendaItem(caller))
          AND (cardinality(\(statuses.map(\.rawValue))::text[]) = 0 OR ag.status = ANY(\(statuses.map(\.rawValue))::text[]))
          AND (\(meeting)::uuid IS NULL OR ag.meeting_id = \(meeting))
          AND (\(after?.id)::uuid IS NULL OR (ag.position, ag.id) > (\(after?.position)::int, \(after?.id)::uuid))
        ORDER BY ag.position, ag.id LIMIT \(limit)
        """
    }

    /// An item's history; a meeting the item was tied to is named only to those who see it.
    static func history(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT e.id, e.change,
               (CASE WHEN e.fields->>'meeting_id' IS NULL
                       OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = (e.fields->>'meeting_id')::uuid
                                  AND \(Visibility.meeting(caller)))
                     THEN e.fields ELSE jsonb_set(e.fields, '{meeting_id}', 'null') END)::text AS fields,
               e.actor_id, a.display_name AS actor_name, e.occurred_at
        FROM agenda_item_events e JOIN accounts a ON a.id = e.actor_id
        WHERE e.agenda_item_id = \(id) AND \(SQL.keyset("e.id", after: after))
        ORDER BY e.id LIMIT \(limit)
        """
    }

    /// Which of `needs` are not needs of `community` the caller may see (and not withdrawn), in order.
    static func unknownNeeds(_ needs: [UUID], in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT wanted.id::text AS id FROM unnest(\(needs)::uuid[]) WITH ORDINALITY AS wanted (id, position)
        WHERE NOT EXISTS (SELECT 1 FROM needs n WHERE n.id = wanted.id AND n.community_id = \(community)
                          AND n.status <> 'withdrawn' AND \(Visibility.need(caller)))
        ORDER BY wanted.position
        """
    }

    static func meetingVisible(_ meeting: UUID, in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = \(meeting) AND mt.community_id = \(community)
                       AND \(Visibility.meeting(caller))) AS visible
        """
    }

    /// The members behind the item's needs (their authors and co-signers) who may see the item
    /// (a circle meeting's item only its members), to tell them it is scheduled.
    static func peopleBehind(_ id: UUID) -> SQL {
        """
        WITH behind AS (
            SELECT n.author_id AS account_id FROM agenda_item_needs an JOIN needs n ON n.id = an.need_id
            WHERE an.agenda_item_id = \(id) AND n.status <> 'withdrawn'
            UNION
            SELECT cs.account_id FROM agenda_item_needs an JOIN need_cosigns cs ON cs.need_id = an.need_id
            JOIN needs n ON n.id = an.need_id
            WHERE an.agenda_item_id = \(id) AND n.status <> 'withdrawn')
        SELECT b.account_id FROM behind b JOIN agenda_items ag ON ag.id = \(id)
        WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = ag.community_id AND m.account_id = b.account_id
                      AND m.role <> 'guest' AND \(Visibility.isLive("m")))
          AND (ag.meeting_id IS NULL OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = ag.meeting_id
                                                AND \(Visibility.meeting(seenBy: "b.account_id"))))
        """
    }

    static func item(_ row: Row) throws -> AgendaItem {
        var settings = AgendaSettings(title: try row["title"])
        settings.description = try row["description"]
        settings.position = try row["position"]
        settings.startsAt = try row["starts_at"]
        settings.endsAt = try row["ends_at"]
        settings.presenterID = try row["presenter_id"]
        settings.meetingID = try row["meeting_id"]
        settings.status = try row["status"]
        let needIDs: [UUID] = try row["need_ids"]
        let needTitles: [String] = try row["need_titles"]
        settings.needIDs = needIDs
        let presenterName: String? = try row["presenter_name"]
        var presenter: PersonSummary?
        if let id = settings.presenterID, let name = presenterName {
            presenter = PersonSummary(id: id, displayName: name)
        }
        return AgendaItem(
            id: try row["id"], communityID: try row["community_id"], settings: settings, presenter: presenter,
            needs: zip(needIDs, needTitles).map { NeedReference(id: $0, title: $1) },
            createdBy: PersonSummary(id: try row["created_by"], displayName: try row["created_by_name"]),
            version: try row["version"], createdAt: try row["created_at"], updatedAt: try row["updated_at"])
    }

    static func event(_ row: Row) throws -> AgendaEvent {
        AgendaEvent(
            id: try row["id"], change: try row["change"], fields: try row["fields"],
            actor: PersonSummary(id: try row["actor_id"], displayName: try row["actor_name"]),
            occurredAt: try row["occurred_at"])
    }
}

extension AgendaStatus: PostgresTextDecodable {}
