import AccessControl
import Foundation
import Needs
import Postgres

/// SQL for threads. Every read includes `Visibility.thread` for the caller; who opened a thread
/// under the Chatham House rule is read only by that person.
enum ThreadRepository {
    static func columns(_ caller: Caller) -> SQL {
        let named: SQL = "(t.created_by = \(caller.accountID) OR NOT t.chatham_house)"
        return """
            t.id, t.community_id, t.circle_id, t.meeting_id, t.title, t.problem, t.status, t.chatham_house,
            t.excludes_vendors, t.locked, t.outcome_post_id, t.post_count, t.version, t.created_at, t.updated_at,
            CASE WHEN \(named) THEN t.created_by END AS created_by,
            CASE WHEN \(named) THEN (SELECT a.display_name FROM accounts a WHERE a.id = t.created_by) END
                AS created_by_name,
            t.created_by = \(caller.accountID) AS created_by_caller,
            ARRAY(SELECT th.id::text FROM thread_themes tt JOIN themes th ON th.id = tt.theme_id
                  WHERE tt.thread_id = t.id ORDER BY lower(th.name), th.id) AS theme_ids,
            ARRAY(SELECT th.name FROM thread_themes tt JOIN themes th ON th.id = tt.theme_id
                  WHERE tt.thread_id = t.id ORDER BY lower(th.name), th.id) AS theme_names,
            \(needs("id::text", caller)) AS need_ids, \(needs("title", caller)) AS need_titles,
            \(agenda("id::text", caller)) AS agenda_ids, \(agenda("title", caller)) AS agenda_titles
            """
    }

    /// One column of the linked needs the caller may see.
    private static func needs(_ column: SQL, _ caller: Caller) -> SQL {
        """
        ARRAY(SELECT n.\(column) FROM thread_needs tn JOIN needs n ON n.id = tn.need_id
              WHERE tn.thread_id = t.id AND \(Visibility.need(caller)) ORDER BY n.id)
        """
    }

    /// One column of the linked agenda items the caller may see.
    private static func agenda(_ column: SQL, _ caller: Caller) -> SQL {
        """
        ARRAY(SELECT ag.\(column) FROM thread_agenda_items ta JOIN agenda_items ag ON ag.id = ta.agenda_item_id
              WHERE ta.thread_id = t.id AND \(Visibility.agendaItem(caller)) ORDER BY ag.position, ag.id)
        """
    }

    static func insert(
        _ id: UUID, in community: UUID, _ statement: ThreadStatement, _ setting: ThreadSetting, chathamHouse: Bool,
        by author: UUID
    ) -> SQL {
        """
        INSERT INTO threads (id, community_id, circle_id, meeting_id, title, problem, chatham_house, excludes_vendors,
                             created_by)
        VALUES (\(id), \(community), \(setting.circleID), \(setting.meetingID), \(statement.title), \(statement.problem),
                \(chathamHouse), \(setting.excludesVendors), \(author))
        """
    }

    /// The thread's links become exactly the statement's.
    static func link(_ id: UUID, _ statement: ThreadStatement) -> SQL {
        """
        WITH themes_unlinked AS (DELETE FROM thread_themes WHERE thread_id = \(id)
                                 AND NOT (theme_id = ANY(\(statement.themeIDs)::uuid[]))),
             themes_linked AS (INSERT INTO thread_themes (thread_id, theme_id)
                               SELECT \(id), unnest(\(statement.themeIDs)::uuid[]) ON CONFLICT DO NOTHING),
             needs_unlinked AS (DELETE FROM thread_needs WHERE thread_id = \(id)
                                AND NOT (need_id = ANY(\(statement.needIDs)::uuid[]))),
             needs_linked AS (INSERT INTO thread_needs (thread_id, need_id)
                              SELECT \(id), unnest(\(statement.needIDs)::uuid[]) ON CONFLICT DO NOTHING),
             agenda_unlinked AS (DELETE FROM thread_agenda_items WHERE thread_id = \(id)
                                 AND NOT (agenda_item_id = ANY(\(statement.agendaItemIDs)::uuid[])))
        INSERT INTO thread_agenda_items (thread_id, agenda_item_id)
        SELECT \(id), unnest(\(statement.agendaItemIDs)::uuid[]) ON CONFLICT DO NOTHING
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns(caller)) FROM threads t WHERE t.id = \(id) AND \(Visibility.thread(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF t"
    }

    /// A page of the community's threads, newest first, after the thread `after`.
    static func list(in community: UUID, _ query: ThreadQuery, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        let statuses = query.statuses.map(\.rawValue)
        let sql: SQL = """
            SELECT \(columns(caller)) FROM threads t
            WHERE t.community_id = \(community) AND \(Visibility.thread(caller))
              AND (cardinality(\(query.themes)::uuid[]) = 0
                   OR EXISTS (SELECT 1 FROM thread_themes tt WHERE tt.thread_id = t.id
                              AND tt.theme_id = ANY(\(query.themes)::uuid[])))
              AND (cardinality(\(statuses)::text[]) = 0 OR t.status = ANY(\(statuses)::text[]))
              AND (\(query.circleID)::uuid IS NULL OR t.circle_id = \(query.circleID))
              AND (\(query.meetingID)::uuid IS NULL OR t.meeting_id = \(query.meetingID))
              AND (\(query.needID)::uuid IS NULL
                   OR EXISTS (SELECT 1 FROM thread_needs tn WHERE tn.thread_id = t.id AND tn.need_id = \(query.needID)))
              AND (\(query.hasOutcome)::boolean IS NULL OR (t.outcome_post_id IS NOT NULL) = \(query.hasOutcome))
              AND \(SQL.keyset("t.id", before: after))
            ORDER BY t.id DESC LIMIT \(limit)
            """
        return sql.plannedPerExecution()
    }

    static func update(_ id: UUID, _ change: ThreadChange) -> SQL {
        """
        UPDATE threads SET title = \(change.statement.title), problem = \(change.statement.problem),
               status = \(change.status.rawValue), chatham_house = \(change.chathamHouse),
               excludes_vendors = \(change.excludesVendors), version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    static func setLocked(_ id: UUID, _ locked: Bool) -> SQL {
        "UPDATE threads SET locked = \(locked), version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    /// Marks `post` as the outcome (the thread is resolved), or with nil unmarks it (open again).
    static func setOutcome(_ id: UUID, _ post: UUID?) -> SQL {
        """
        UPDATE threads SET outcome_post_id = \(post), status = CASE WHEN \(post)::uuid IS NULL THEN 'open' ELSE 'resolved' END,
               version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// A post was added.
    static func counted(_ id: UUID) -> SQL {
        "UPDATE threads SET post_count = post_count + 1, version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    static func touch(_ id: UUID) -> SQL {
        "UPDATE threads SET version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    /// What a new thread takes from where it lives: the community's or the meeting's Chatham House
    /// default; whether the meeting and circle are the caller's to use (seen by them, in this
    /// community); and whether the caller has a commercial interest here.
    static func setting(_ setting: ThreadSetting, in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT coalesce((SELECT mt.chatham_house FROM meetings mt WHERE mt.id = \(setting.meetingID)),
                        (SELECT c.chatham_house FROM communities c WHERE c.id = \(community))) AS chatham_house,
               (\(setting.meetingID)::uuid IS NULL
                OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = \(setting.meetingID) AND mt.community_id = \(community)
                           AND \(Visibility.meeting(caller))
                           AND (\(setting.circleID)::uuid IS NULL OR mt.circle_id IS NULL
                                OR mt.circle_id = \(setting.circleID)))) AS meeting_usable,
               (\(setting.circleID)::uuid IS NULL
                OR EXISTS (SELECT 1 FROM circles ci WHERE ci.id = \(setting.circleID) AND ci.community_id = \(community)
                           AND \(Visibility.inCircle("ci.id", caller)))) AS circle_usable,
               praxis_commercial_interest(\(caller.accountID), \(community)) AS commercial_interest
        """
    }

    /// The needs and agenda items of `statement` newly linked that the caller does not see in
    /// this community, by field: a link to what one cannot see is refused as if it did not exist.
    static func unknownLinks(_ needs: [UUID], _ agendaItems: [UUID], in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT 'need_ids' AS field, wanted.position::int - 1 AS position FROM unnest(\(needs)::uuid[])
            WITH ORDINALITY AS wanted (id, position)
        WHERE NOT EXISTS (SELECT 1 FROM needs n WHERE n.id = wanted.id AND n.community_id = \(community)
                          AND \(Visibility.need(caller)))
        UNION ALL
        SELECT 'agenda_item_ids', wanted.position::int - 1 FROM unnest(\(agendaItems)::uuid[])
            WITH ORDINALITY AS wanted (id, position)
        WHERE NOT EXISTS (SELECT 1 FROM agenda_items ag WHERE ag.id = wanted.id AND ag.community_id = \(community)
                          AND \(Visibility.agendaItem(caller)))
        ORDER BY 1, 2
        """
    }

    /// The thread's links outside `seen`: those the caller cannot see, which a change keeps.
    static func linksUnseen(of id: UUID, seen needs: [UUID], _ agendaItems: [UUID]) -> SQL {
        """
        SELECT ARRAY(SELECT need_id::text FROM thread_needs WHERE thread_id = \(id)
                     AND NOT (need_id = ANY(\(needs)::uuid[]))) AS need_ids,
               ARRAY(SELECT agenda_item_id::text FROM thread_agenda_items WHERE thread_id = \(id)
                     AND NOT (agenda_item_id = ANY(\(agendaItems)::uuid[]))) AS agenda_item_ids
        """
    }

    /// The distinct people who wrote a post still standing, by sector, country and organisation kind.
    static func participation(of id: UUID) -> SQL {
        """
        SELECT o.sector, coalesce(a.country, o.country) AS country, o.kind, count(*)::int AS count
        FROM (SELECT DISTINCT p.author_id FROM posts p WHERE p.thread_id = \(id) AND p.deleted_at IS NULL) poster
        JOIN accounts a ON a.id = poster.author_id LEFT JOIN organisations o ON o.id = a.organisation_id
        GROUP BY o.sector, coalesce(a.country, o.country), o.kind
        """
    }

    static func minimumCellSize(of community: UUID) -> SQL {
        "SELECT min_cell_size FROM communities WHERE id = \(community)"
    }

    static func thread(_ row: Row) throws -> Thread {
        func items(_ ids: String, _ titles: String) throws -> [LinkedItem] {
            let ids: [UUID] = try row[ids]
            let titles: [String] = try row[titles]
            return zip(ids, titles).map { LinkedItem(id: $0, title: $1) }
        }
        let creator: UUID? = try row["created_by"]
        let creatorName: String? = try row["created_by_name"]
        return Thread(
            id: try row["id"], communityID: try row["community_id"], circleID: try row["circle_id"],
            meetingID: try row["meeting_id"], title: try row["title"], problem: try row["problem"],
            themes: try items("theme_ids", "theme_names"), needs: try items("need_ids", "need_titles"),
            agendaItems: try items("agenda_ids", "agenda_titles"), status: try row["status"],
            chathamHouse: try row["chatham_house"], excludesVendors: try row["excludes_vendors"],
            locked: try row["locked"], outcomePostID: try row["outcome_post_id"],
            createdBy: creator.map { PersonSummary(id: $0, displayName: creatorName ?? "") },
            createdByCaller: try row["created_by_caller"], postCount: try row["post_count"],
            version: try row["version"], createdAt: try row["created_at"],
            updatedAt: try row["updated_at"])
    }
}

extension ThreadStatus: PostgresTextDecodable {}
