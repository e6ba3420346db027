import AccessControl
import Crypto
import Disclosure
import Foundation
import Postgres

/// The needs analysis, computed in SQL over the needs the caller may see: a fixed number of
/// statements whatever the size of the community.
public struct AnalysisService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func analysis(in community: UUID, _ request: AnalysisRequest, for caller: Caller, from origin: RequestOrigin)
        throws -> NeedsAnalysis
    {
        try pool.withTransaction { connection in
            let context = try CommunityAccess.authorize(caller, .readNeeds, in: community, on: connection)
            if request.unsuppressed {
                guard context.role == .convenor else { throw AccessError.refused(.convenorRequired) }
                try audit.record(
                    "needs.analysis_unsuppressed", "community", community, by: caller, from: origin, on: connection)
            }
            let configured: Int = try connection.single(AnalysisRepository.minCellSize(of: community))["min_cell_size"]
            let minimum = request.unsuppressed ? 1 : configured
            let themes = try connection.query(AnalysisRepository.themes(in: community, for: caller)) {
                ThemeSummary(id: try $0["id"], name: try $0["name"])
            }
            var groups: [UUID: [PeopleBreakdown.Group]] = [:]
            for row in try connection.query(AnalysisRepository.people(in: community, for: caller)) {
                groups[try row["theme_id"], default: []].append(
                    PeopleBreakdown.Group(
                        sector: try row["sector"], country: try row["country"], kind: try row["kind"],
                        count: try row["members"]))
            }
            var needCounts: [UUID: (needs: Int, urgency: Int)] = [:]
            for row in try connection.query(AnalysisRepository.needCounts(in: community, for: caller)) {
                needCounts[try row["theme_id"]] = (try row["needs"], try row["urgency_sum"])
            }
            let figures = themes.map { theme in
                NeedsAnalysis.ThemeFigures(
                    theme: theme, groups: groups[theme.id] ?? [], needs: needCounts[theme.id]?.needs ?? 0,
                    urgencySum: needCounts[theme.id]?.urgency ?? 0, minimum: minimum)
            }
            .sorted { ($0.priority ?? -1, $1.theme.name) > ($1.priority ?? -1, $0.theme.name) }
            func published(_ count: Int) -> Int? { count == 0 || count >= minimum ? count : nil }
            let names = Dictionary(uniqueKeysWithValues: themes.map { ($0.id, $0) })
            let trend = try connection.query(AnalysisRepository.trend(in: community, for: caller)) { row in
                NeedsAnalysis.TrendPoint(
                    month: try row["month"], themeID: try row["theme_id"], members: published(try row["members"]))
            }
            .filter { names[$0.themeID] != nil }
            let emerging = try connection.query(
                AnalysisRepository.emerging(in: community, windowDays: request.windowDays, for: caller)
            ) { row -> NeedsAnalysis.Emerging? in
                guard let theme = names[try row["theme_id"]] else { return nil }
                return NeedsAnalysis.Emerging(
                    theme: theme, recentMembers: published(try row["recent"]),
                    previousMembers: published(try row["previous"]))
            }
            .compactMap { $0 }
            .sorted { ($0.growth ?? -1, $0.recentMembers ?? -1) > ($1.growth ?? -1, $1.recentMembers ?? -1) }
            let gaps = try connection.query(AnalysisRepository.gaps(in: community, for: caller)) { row in
                let themeIDs: [UUID] = try row["theme_ids"]
                let themeNames: [String] = try row["theme_names"]
                return NeedsAnalysis.Gap(
                    need: NeedSummary(
                        id: try row["id"], title: try row["title"], urgency: try row["urgency"],
                        cosignCount: try row["cosign_count"],
                        themes: zip(themeIDs, themeNames).map { ThemeSummary(id: $0, name: $1) }),
                    score: try row["score"])
            }
            return NeedsAnalysis(
                communityID: community, minCellSize: configured, suppressed: !request.unsuppressed,
                windowDays: request.windowDays, themes: figures, trend: trend, emerging: emerging, gaps: gaps)
        }
    }
}

/// SQL for the analysis. Every statement starts from the needs the caller may see and that are
/// not withdrawn (`visible`), and the members behind them: each need's author and co-signers.
enum AnalysisRepository {
    static func minCellSize(of community: UUID) -> SQL {
        "SELECT min_cell_size FROM communities WHERE id = \(community)"
    }

    /// The themes the analysis reports on: the community's active and retired ones.
    static func themes(in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT th.id, th.name FROM themes th
        WHERE th.community_id = \(community) AND th.status IN ('active', 'retired') AND \(Visibility.theme(caller))
        ORDER BY lower(th.name), th.id
        """
    }

    private static func visible(in community: UUID, for caller: Caller) -> SQL {
        """
        visible AS (
            SELECT n.id, n.author_id, n.urgency, n.created_at FROM needs n
            WHERE n.community_id = \(community) AND n.status <> 'withdrawn' AND \(Visibility.need(caller, in: community))),
        people AS (
            SELECT v.id AS need_id, v.author_id AS account_id, v.created_at AS at FROM visible v
            UNION ALL
            SELECT cs.need_id, cs.account_id, cs.created_at FROM need_cosigns cs JOIN visible v ON v.id = cs.need_id)
        """
    }

    /// Per theme, its distinct members counted by sector, country and organisation kind, read
    /// as participation reads them.
    static func people(in community: UUID, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller)),
        theme_people AS (
            SELECT DISTINCT nt.theme_id, p.account_id FROM people p JOIN need_themes nt ON nt.need_id = p.need_id)
        SELECT tp.theme_id, o.sector, coalesce(a.country, o.country) AS country, o.kind, count(*) AS members
        FROM theme_people tp JOIN accounts a ON a.id = tp.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        GROUP BY 1, 2, 3, 4
        """
    }

    static func needCounts(in community: UUID, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller))
        SELECT nt.theme_id, count(*) AS needs, sum(v.urgency)::bigint AS urgency_sum
        FROM visible v JOIN need_themes nt ON nt.need_id = v.id
        GROUP BY 1
        """
    }

    /// Distinct members per theme and month (UTC) over the last twelve months, a member counted in
    /// the months they wrote or co-signed one of its needs.
    static func trend(in community: UUID, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller))
        SELECT nt.theme_id, to_char(date_trunc('month', p.at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
               count(DISTINCT p.account_id) AS members
        FROM people p JOIN need_themes nt ON nt.need_id = p.need_id
        WHERE p.at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '11 months'
        GROUP BY 1, 2 ORDER BY 2, 1
        """
    }

    static func emerging(in community: UUID, windowDays: Int, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller))
        SELECT nt.theme_id,
               count(DISTINCT p.account_id) FILTER (WHERE p.at >= now() - make_interval(days => \(windowDays))) AS recent,
               count(DISTINCT p.account_id) FILTER (WHERE p.at < now() - make_interval(days => \(windowDays))
                                                      AND p.at >= now() - make_interval(days => 2 * \(windowDays)))
                   AS previous
        FROM people p JOIN need_themes nt ON nt.need_id = p.need_id
        WHERE p.at >= now() - make_interval(days => 2 * \(windowDays))
        GROUP BY 1
        """
    }

    /// The ten open needs with the highest `urgency × (1 + co-signs)` that no scheduled (or done)
    /// agenda item the caller sees answers. Needs marked `addressed` are answered too; problem
    /// threads will count once they exist.
    static func gaps(in community: UUID, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller))
        SELECT n.id, n.title, n.urgency::int AS urgency,
               (SELECT count(*) FROM need_cosigns cs WHERE cs.need_id = n.id) AS cosign_count,
               n.urgency * (1 + (SELECT count(*) FROM need_cosigns cs WHERE cs.need_id = n.id)) AS score,
               ARRAY(SELECT th.id::text FROM need_themes nt JOIN themes th ON th.id = nt.theme_id
                     WHERE nt.need_id = n.id ORDER BY lower(th.name), th.id) AS theme_ids,
               ARRAY(SELECT th.name FROM need_themes nt JOIN themes th ON th.id = nt.theme_id
                     WHERE nt.need_id = n.id ORDER BY lower(th.name), th.id) AS theme_names
        FROM needs n JOIN visible v ON v.id = n.id
        WHERE n.status = 'open'
          AND NOT EXISTS (SELECT 1 FROM agenda_item_needs an JOIN agenda_items ag ON ag.id = an.agenda_item_id
                          WHERE an.need_id = n.id AND ag.status IN ('scheduled', 'done') AND \(Visibility.agendaItem(caller)))
        ORDER BY score DESC, n.id DESC LIMIT 10
        """
    }
}
