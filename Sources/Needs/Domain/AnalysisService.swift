import AccessControl
import Crypto
import Disclosure
import Foundation
import Postgres

/// The needs analysis, computed in SQL over the needs the caller may see: a fixed number of
/// statements whatever the size of the community. An analysis is kept for the next caller of
/// the same release (`AnalysisCache`), so a read that finds one runs a single statement of its own.
public struct AnalysisService: Sendable {
    let pool: ConnectionPool
    let audit = AuditLog()
    let cache = AnalysisCache()

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func analysis(in community: UUID, _ request: AnalysisRequest, for caller: Caller, from origin: RequestOrigin)
        throws -> NeedsAnalysis
    {
        try current(in: community, request, for: caller, from: origin).analysis
    }

    /// The analysis rendered by `render` (once per release and `format`).
    public func rendering(
        in community: UUID, _ request: AnalysisRequest, as format: String, for caller: Caller,
        from origin: RequestOrigin, _ render: (NeedsAnalysis) throws -> AnalysisRendering
    ) throws -> AnalysisRendering {
        let (release, analysis) = try current(in: community, request, for: caller, from: origin)
        if let rendering = cache.rendering(of: release, as: format) { return rendering }
        let rendering = try render(analysis)
        cache.store(rendering, of: analysis, release, as: format)
        return rendering
    }

    private func current(in community: UUID, _ request: AnalysisRequest, for caller: Caller, from origin: RequestOrigin)
        throws -> (release: AnalysisRelease, analysis: NeedsAnalysis)
    {
        try pool.withConnection { connection in
            let (context, row) = try CommunityAccess.authorize(
                caller, .readNeeds, in: community, on: connection,
                reading: AnalysisRepository.release(of: community, for: caller))
            if request.unsuppressed {
                guard context.role == .convenor else { throw AccessError.refused(.convenorRequired) }
                try connection.withTransaction { connection in
                    try audit.record(
                        "needs.analysis_unsuppressed", "community", community, by: caller, from: origin, on: connection)
                }
            }
            let release = try AnalysisRepository.release(row, of: community, request, for: caller)
            if let analysis = cache.analysis(of: release) { return (release, analysis) }
            let analysis = try compute(release, for: caller, on: connection)
            cache.store(analysis, of: release)
            return (release, analysis)
        }
    }

    /// The themes, every aggregate in one pass, and the gaps: three statements.
    private func compute(_ release: AnalysisRelease, for caller: Caller, on connection: Connection) throws
        -> NeedsAnalysis
    {
        let community = release.community
        let request = release.request
        let configured = release.minCellSize
        let minimum = request.unsuppressed ? 1 : configured
        let themes = try connection.query(AnalysisRepository.themes(in: community, for: caller)) {
            ThemeSummary(id: try $0["id"], name: try $0["name"])
        }
        // One pass over the visible needs' links gives every aggregate; rows say which they are.
        var groups: [UUID: [PeopleBreakdown.Group]] = [:]
        var needCounts: [UUID: (needs: Int, urgency: Int)] = [:]
        var trendRows: [(theme: UUID, month: String, members: Int)] = []
        var emergingRows: [(theme: UUID, recent: Int, previous: Int)] = []
        for row in try connection.query(
            AnalysisRepository.aggregates(in: community, windowDays: request.windowDays, for: caller))
        {
            let theme: UUID = try row["theme_id"]
            switch try row["part"] as String {
            case "people":
                groups[theme, default: []].append(
                    PeopleBreakdown.Group(
                        sector: try row["sector"], country: try row["country"], kind: try row["kind"],
                        count: try row["count"]))
            case "needs": needCounts[theme] = (try row["count"], try row["extra"])
            case "trend": trendRows.append((theme, try row["month"], try row["count"]))
            default: emergingRows.append((theme, try row["count"], try row["extra"]))
            }
        }
        let figures = themes.map { theme in
            NeedsAnalysis.ThemeFigures(
                theme: theme, groups: groups[theme.id] ?? [], needs: needCounts[theme.id]?.needs ?? 0,
                urgencySum: needCounts[theme.id]?.urgency ?? 0, minimum: minimum)
        }
        .sorted { ($0.priority ?? -1, $1.theme.name) > ($1.priority ?? -1, $0.theme.name) }
        // A theme's monthly or windowed count can equal its total (everyone in one month):
        // where the theme's release hides its total, these stay hidden too.
        let hidden = Set(figures.filter { $0.people.total == nil }.map(\.theme.id))
        func published(_ count: Int, of theme: UUID) -> Int? {
            count == 0 || (SecondarySuppression.isPublishable(count, minimum: minimum) && !hidden.contains(theme))
                ? count : nil
        }
        let names = Dictionary(uniqueKeysWithValues: themes.map { ($0.id, $0) })
        let trend = trendRows.sorted { ($0.month, $0.theme.uuidString) < ($1.month, $1.theme.uuidString) }
            .filter { names[$0.theme] != nil }
            .map {
                NeedsAnalysis.TrendPoint(
                    month: $0.month, themeID: $0.theme, members: published($0.members, of: $0.theme))
            }
        let emerging = emergingRows.compactMap { row -> NeedsAnalysis.Emerging? in
            guard let theme = names[row.theme] else { return nil }
            return NeedsAnalysis.Emerging(
                theme: theme, recentMembers: published(row.recent, of: row.theme),
                previousMembers: published(row.previous, of: row.theme))
        }
        .sorted {
            ($0.growth ?? -1, $0.recentMembers ?? -1, $1.theme.name) > (
                $1.growth ?? -1, $1.recentMembers ?? -1, $0.theme.name
            )
        }
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

/// SQL for the analysis. Every statement starts from the needs the caller may see and that are
/// not withdrawn (`visible`), and the members behind them: each need's author and co-signers.
enum AnalysisRepository {
    /// What shapes the caller's analysis besides the data (`AnalysisRelease`): columns over the
    /// community's row (alias `c`), read with the caller's place in it.
    static func release(of community: UUID, for caller: Caller) -> SQL {
        let place: SQL = "\(community)::uuid"
        return """
            c.min_cell_size,
                   coalesce((SELECT version FROM analysis_versions WHERE scope = c.id::text), 0) AS community_version,
                   coalesce((SELECT version FROM analysis_versions WHERE scope = 'people'), 0) AS people_version,
                   \(Visibility.insideNotGuest(place, caller)) AS inside,
                   ARRAY(SELECT ci.id::text FROM circles ci WHERE ci.community_id = c.id AND \(Visibility.inCircle("ci.id", caller))
                         ORDER BY ci.id) AS circles,
                   \(Visibility.seesNeedsHiddenFromVendors(place, caller)) AS sees_hidden_from_vendors,
                   ARRAY(SELECT DISTINCT mt.id::text FROM agenda_items ag JOIN meetings mt ON mt.id = ag.meeting_id
                         WHERE ag.community_id = c.id AND \(Visibility.meeting(caller)) ORDER BY 1) AS meetings,
                   EXISTS (SELECT 1 FROM needs n WHERE n.community_id = c.id AND n.author_id = \(caller.accountID)
                           AND n.status <> 'withdrawn' AND \(Visibility.needForReaders(caller, in: place)) IS NOT TRUE)
                     AS sees_own_beyond
            """
    }

    static func release(_ row: Row, of community: UUID, _ request: AnalysisRequest, for caller: Caller) throws
        -> AnalysisRelease
    {
        AnalysisRelease(
            community: community, communityVersion: try row["community_version"],
            peopleVersion: try row["people_version"], minCellSize: try row["min_cell_size"], inside: try row["inside"],
            circles: try row["circles"], seesNeedsHiddenFromVendors: try row["sees_hidden_from_vendors"],
            meetings: try row["meetings"], author: try row["sees_own_beyond"] ? caller.accountID : nil,
            request: request)
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

    /// Every aggregate of the analysis in one statement, over one pass of the visible needs'
    /// links to their themes and people, each row named by `part`:
    /// - `people`: per theme, its distinct members by sector, country and organisation kind
    ///   (read as participation reads them), in `count`;
    /// - `needs`: per theme, its needs in `count` and the sum of their urgencies in `extra`;
    /// - `trend`: per theme and month (UTC) of the last twelve, the distinct members who wrote or
    ///   co-signed one of its needs then;
    /// - `emerging`: per theme, the distinct members active in the window just past (`count`)
    ///   and in the one before (`extra`).
    static func aggregates(in community: UUID, windowDays: Int, for caller: Caller) -> SQL {
        """
        WITH \(visible(in: community, for: caller)),
        links AS MATERIALIZED (
            SELECT nt.theme_id, p.account_id, p.at FROM people p JOIN need_themes nt ON nt.need_id = p.need_id),
        theme_people AS (SELECT DISTINCT theme_id, account_id FROM links)
        SELECT 'people' AS part, tp.theme_id, o.sector, coalesce(a.country, o.country) AS country, o.kind,
               NULL::text AS month, count(*) AS count, NULL::bigint AS extra
        FROM theme_people tp JOIN accounts a ON a.id = tp.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        GROUP BY tp.theme_id, o.sector, coalesce(a.country, o.country), o.kind
        UNION ALL
        SELECT 'needs', nt.theme_id, NULL, NULL, NULL, NULL, count(*), sum(v.urgency)::bigint
        FROM visible v JOIN need_themes nt ON nt.need_id = v.id
        GROUP BY nt.theme_id
        UNION ALL
        SELECT 'trend', theme_id, NULL, NULL, NULL, to_char(date_trunc('month', at AT TIME ZONE 'UTC'), 'YYYY-MM'),
               count(DISTINCT account_id), NULL
        FROM links
        WHERE at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '11 months'
        GROUP BY theme_id, 6
        UNION ALL
        SELECT 'emerging', theme_id, NULL, NULL, NULL, NULL,
               count(DISTINCT account_id) FILTER (WHERE at >= now() - make_interval(days => \(windowDays))),
               count(DISTINCT account_id) FILTER (WHERE at < now() - make_interval(days => \(windowDays))
                                                    AND at >= now() - make_interval(days => 2 * \(windowDays)))
        FROM links
        WHERE at >= now() - make_interval(days => 2 * \(windowDays))
        GROUP BY theme_id
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
