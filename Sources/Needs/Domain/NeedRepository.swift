import AccessControl
import Foundation
import Postgres

/// SQL for needs and co-signs. Every read includes `Visibility.need` for the caller; the author's
/// country and sector are read as participation reads them (the account's country, else its
/// organisation's; the organisation's sector).
enum NeedRepository {
    static func columns(_ caller: Caller) -> SQL {
        """
        n.id, n.community_id, n.circle_id, n.author_id, author.display_name AS author_name, n.recorded_by,
        recorder.display_name AS recorded_by_name, n.source, n.consent_recorded_at, n.title, n.description,
        n.urgency::int AS urgency, n.status,
        ARRAY(SELECT th.id::text FROM need_themes nt JOIN themes th ON th.id = nt.theme_id
              WHERE nt.need_id = n.id ORDER BY lower(th.name), th.id) AS theme_ids,
        ARRAY(SELECT th.name FROM need_themes nt JOIN themes th ON th.id = nt.theme_id
              WHERE nt.need_id = n.id ORDER BY lower(th.name), th.id) AS theme_names,
        (SELECT count(*) FROM need_cosigns cs WHERE cs.need_id = n.id) AS cosign_count,
        EXISTS (SELECT 1 FROM need_cosigns cs WHERE cs.need_id = n.id AND cs.account_id = \(caller.accountID))
            AS cosigned_by_caller,
        CASE WHEN \(Visibility.convenor(of: "n.community_id", caller)) THEN n.convenor_notes END AS convenor_notes,
        \(agenda("id::text", caller)) AS agenda_ids, \(agenda("title", caller)) AS agenda_titles,
        \(agenda("status", caller)) AS agenda_statuses,
        n.version, n.created_at, n.updated_at
        """
    }

    /// One column of the agenda items that answer the need (alias `n`) and the caller may see, in
    /// agenda order.
    private static func agenda(_ column: SQL, _ caller: Caller) -> SQL {
        """
        ARRAY(SELECT ag.\(column) FROM agenda_item_needs an JOIN agenda_items ag ON ag.id = an.agenda_item_id
              WHERE an.need_id = n.id AND \(Visibility.agendaItem(caller)) ORDER BY ag.position, ag.id)
        """
    }

    static let sources: SQL = """
        needs n JOIN accounts author ON author.id = n.author_id JOIN accounts recorder ON recorder.id = n.recorded_by
        LEFT JOIN organisations author_org ON author_org.id = author.organisation_id
        """

    static func insert(
        _ id: UUID, in community: UUID, _ statement: NeedStatement, author: UUID, recordedBy: UUID, source: NeedSource
    ) -> SQL {
        """
        INSERT INTO needs (id, community_id, circle_id, author_id, recorded_by, source, consent_recorded_at, title,
                           description, urgency)
        VALUES (\(id), \(community), \(statement.circleID), \(author), \(recordedBy), \(source.rawValue),
                CASE WHEN \(source.rawValue) = 'interview' THEN now() END, \(statement.title), \(statement.description),
                \(statement.urgency))
        """
    }

    /// The need's themes become exactly `themes`.
    static func link(_ id: UUID, to themes: [UUID]) -> SQL {
        """
        WITH unlinked AS (DELETE FROM need_themes WHERE need_id = \(id) AND NOT (theme_id = ANY(\(themes)::uuid[])))
        INSERT INTO need_themes (need_id, theme_id) SELECT \(id), unnest(\(themes)::uuid[]) ON CONFLICT DO NOTHING
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns(caller)) FROM \(sources) WHERE n.id = \(id) AND \(Visibility.need(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF n"
    }

    /// A page of the community's needs, in the query's order, after `position` (that order's key
    /// and the id of the last row shown). Planned for each execution's filters, as the directory
    /// is: a generic plan keeps every optional filter (bench/README.md, part 5).
    static func list(
        in community: UUID, _ query: NeedQuery, after position: (key: Int64?, id: UUID)?, limit: Int, for caller: Caller
    ) -> SQL {
        let key: SQL
        switch query.order {
        case .newest: key = "0::bigint"
        case .cosigned: key = "(SELECT count(*) FROM need_cosigns cs WHERE cs.need_id = n.id)"
        case .urgent: key = "n.urgency::bigint"
        }
        // Newest first is the id's order alone: a later page starts in the index (community_id, id)
        // where the last one ended, rather than reading every row before it.
        let after: SQL =
            query.order == .newest
            ? "\(SQL.keyset("n.id", before: position?.id))"
            : "(\(position?.id)::uuid IS NULL OR (\(key), n.id) < (\(position?.key)::bigint, \(position?.id)::uuid))"
        let sql: SQL = """
            SELECT \(columns(caller)), \(key) AS sort_key FROM \(sources)
            WHERE n.community_id = \(community) AND \(Visibility.need(caller, in: community))
              AND (cardinality(\(query.themes)::uuid[]) = 0
                   OR EXISTS (SELECT 1 FROM need_themes nt WHERE nt.need_id = n.id
                              AND nt.theme_id = ANY(\(query.themes)::uuid[])))
              AND (cardinality(\(query.countries)::text[]) = 0
                   OR coalesce(author.country, author_org.country) = ANY(\(query.countries)::text[]))
              AND (cardinality(\(query.sectors)::text[]) = 0 OR author_org.sector = ANY(\(query.sectors)::text[]))
              AND (cardinality(\(query.statuses.map(\.rawValue))::text[]) = 0
                   OR n.status = ANY(\(query.statuses.map(\.rawValue))::text[]))
              AND (\(query.minimumUrgency)::int IS NULL OR n.urgency >= \(query.minimumUrgency))
              AND (\(query.circleID)::uuid IS NULL OR n.circle_id = \(query.circleID))
              AND \(after)
            ORDER BY \(key) DESC, n.id DESC LIMIT \(limit)
            """
        return sql.plannedPerExecution()
    }

    static func update(_ id: UUID, _ change: NeedChange) -> SQL {
        """
        UPDATE needs SET title = \(change.statement.title), description = \(change.statement.description),
               urgency = \(change.statement.urgency), status = \(change.status.rawValue),
               convenor_notes = \(change.convenorNotes), version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    static func touch(_ id: UUID) -> SQL {
        "UPDATE needs SET version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    /// Returns a row only when the caller had not co-signed yet.
    static func cosign(_ id: UUID, by account: UUID) -> SQL {
        """
        INSERT INTO need_cosigns (need_id, account_id) VALUES (\(id), \(account)) ON CONFLICT DO NOTHING
        RETURNING account_id, (SELECT a.display_name FROM accounts a WHERE a.id = account_id), created_at
        """
    }

    static func withdrawCosign(_ id: UUID, by account: UUID) -> SQL {
        "DELETE FROM need_cosigns WHERE need_id = \(id) AND account_id = \(account) RETURNING 1"
    }

    /// Named only to a caller who sees the need as one of its readers (`Visibility.needForReaders`).
    static func cosigners(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT a.id AS account_id, a.display_name, cs.created_at FROM need_cosigns cs JOIN accounts a ON a.id = cs.account_id
        WHERE cs.need_id = \(id) AND \(SQL.keyset("a.id", after: after))
          AND EXISTS (SELECT 1 FROM needs n WHERE n.id = cs.need_id
                      AND \(Visibility.needForReaders(caller, in: "n.community_id")))
        ORDER BY a.id LIMIT \(limit)
        """
    }

    /// Whether `account` is a member or convenor of `community` now (`member`), and, for a
    /// `circle`, one of its eligible members (`in_circle`, true without one): who may write a
    /// need there, or present an agenda item.
    static func standing(of account: UUID, in community: UUID, circle: UUID? = nil) -> SQL {
        """
        SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = \(community) AND m.account_id = \(account)
                       AND m.role IN ('member', 'convenor') AND \(Visibility.isLive("m"))) AS member,
               (\(circle)::uuid IS NULL OR EXISTS (SELECT 1 FROM circles ci WHERE ci.id = \(circle)
                    AND ci.community_id = \(community) AND \(Visibility.inCircle("ci.id", account: "\(account)"))))
               AS in_circle
        """
    }

    static func need(_ row: Row) throws -> Need {
        let themeIDs: [UUID] = try row["theme_ids"]
        let themeNames: [String] = try row["theme_names"]
        let agendaIDs: [UUID] = try row["agenda_ids"]
        let agendaTitles: [String] = try row["agenda_titles"]
        let agendaStatuses: [AgendaStatus] = try row["agenda_statuses"]
        let agenda = zip(agendaIDs, zip(agendaTitles, agendaStatuses)).map {
            AgendaReference(id: $0, title: $1.0, status: $1.1)
        }
        return Need(
            id: try row["id"], communityID: try row["community_id"], circleID: try row["circle_id"],
            author: PersonSummary(id: try row["author_id"], displayName: try row["author_name"]),
            recordedBy: PersonSummary(id: try row["recorded_by"], displayName: try row["recorded_by_name"]),
            source: try row["source"], consentRecordedAt: try row["consent_recorded_at"], title: try row["title"],
            description: try row["description"], urgency: try row["urgency"], status: try row["status"],
            themes: zip(themeIDs, themeNames).map { ThemeSummary(id: $0, name: $1) },
            cosignCount: try row["cosign_count"], cosignedByCaller: try row["cosigned_by_caller"], agendaItems: agenda,
            convenorNotes: try row["convenor_notes"], version: try row["version"], createdAt: try row["created_at"],
            updatedAt: try row["updated_at"])
    }

    static func cosign(_ row: Row) throws -> Cosign {
        Cosign(
            account: PersonSummary(id: try row["account_id"], displayName: try row["display_name"]),
            createdAt: try row["created_at"])
    }
}

extension NeedSource: PostgresTextDecodable {}
extension NeedStatus: PostgresTextDecodable {}
