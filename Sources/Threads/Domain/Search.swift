import AccessControl
import Foundation
import Needs
import Postgres

public enum SearchResultType: String, Sendable, CaseIterable {
    case thread, post, practice, need
}

/// What a search asks for. `status` is a thread's; `kind` a post's; `country` a need author's or a
/// practice's context (it says nothing of who wrote under the Chatham House rule).
public struct SearchQuery: Sendable, Equatable {
    public var text: String
    public var types: [SearchResultType] = []
    public var communityID: UUID?
    public var themes: [UUID] = []
    public var statuses: [ThreadStatus] = []
    public var kinds: [PostKind] = []
    public var countries: [String] = []

    public init(text: String) {
        self.text = text
    }
}

/// One match. The snippet is the matched text with `start` and `end` marking each match; the API
/// escapes it before it puts `<mark>` in their place.
public struct SearchResult: Sendable, Equatable {
    public static let matchStart: Character = "\u{E000}"
    public static let matchEnd: Character = "\u{E001}"

    public var type: SearchResultType
    public var id: UUID
    public var communityID: UUID
    public var threadID: UUID?
    public var title: String
    public var snippet: String
    public var rank: Double
    public var author: PersonSummary?
    public var createdAt: Date
}

/// Full-text search over what the caller may see: threads, posts, practice records and needs,
/// each through its own visibility predicate inside the one statement, ranked, in keyset pages.
public struct SearchService: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func search(_ query: SearchQuery, after: (rank: Double, id: UUID)?, limit: Int, for caller: Caller) throws
        -> [SearchResult]
    {
        var validation = Validation()
        validation.text(query.text, "q", length: 1...200)
        try validation.check()
        // A token searches what its scopes read (admin stands for all).
        func reads(_ scope: Scope) -> Bool { caller.scopes.map { $0.contains(scope) || $0.contains(.admin) } ?? true }
        var types = query.types.isEmpty ? SearchResultType.allCases : query.types
        if !reads(.threadsRead) { types.removeAll { $0 != .need } }
        if !reads(.needsRead) { types.removeAll { $0 == .need } }
        // A filter that says nothing of a type leaves that type out.
        if !query.statuses.isEmpty || !query.kinds.isEmpty { types.removeAll { $0 == .need } }
        if !query.kinds.isEmpty { types.removeAll { $0 == .thread } }
        if !query.countries.isEmpty { types.removeAll { $0 == .thread || $0 == .post } }
        guard !types.isEmpty else {
            try Policy.authorize(caller, .readThreads)
            return []
        }
        return try pool.withConnection { connection in
            try connection.query(
                SearchRepository.search(query, types: types, after: after, limit: limit, for: caller),
                decode: SearchRepository.result)
        }
    }
}

/// The search statement. The matches of each type come from its GIN index; the visibility of a
/// thread is worked out once for each thread with a match (not once per matching post), a need's
/// for each matching need; then the page, and only for its rows the titles, names and snippets.
enum SearchRepository {
    static func search(
        _ query: SearchQuery, types: [SearchResultType], after: (rank: Double, id: UUID)?, limit: Int,
        for caller: Caller
    ) -> SQL {
        let tsquery: SQL = "websearch_to_tsquery('english', \(query.text))"
        let statuses = query.statuses.map(\.rawValue)
        let kinds = query.kinds.map(\.rawValue)
        func inCommunity(_ column: SQL) -> SQL {
            "(\(query.communityID)::uuid IS NULL OR \(column) = \(query.communityID))"
        }
        func wanted(_ type: SearchResultType) -> SQL { "\(types.contains(type))::boolean" }
        let postKind: SQL = "(cardinality(\(kinds)::text[]) = 0 OR p.kind = ANY(\(kinds)::text[]))"
        let marks = String([SearchResult.matchStart, SearchResult.matchEnd])
        let headline =
            "StartSel=\(SearchResult.matchStart), StopSel=\(SearchResult.matchEnd), MaxFragments=2, MaxWords=30, "
            + #"MinWords=8, FragmentDelimiter=" … ""#
        let sql: SQL = """
            WITH thread_hits AS MATERIALIZED (
                SELECT t.id, t.id AS thread_id, ts_rank_cd(t.search, \(tsquery))::float8 AS rank FROM threads t
                WHERE \(wanted(.thread)) AND t.search @@ \(tsquery) AND \(inCommunity("t.community_id"))),
            post_hits AS MATERIALIZED (
                SELECT p.id, p.thread_id, ts_rank_cd(p.search, \(tsquery))::float8 AS rank FROM posts p
                WHERE \(wanted(.post)) AND p.search @@ \(tsquery) AND \(inCommunity("p.community_id")) AND \(postKind)
                  AND \(Visibility.postWords(caller))),
            practice_hits AS MATERIALIZED (
                SELECT p.id, p.thread_id, ts_rank_cd(pr.search, \(tsquery))::float8 AS rank
                FROM practice_records pr JOIN posts p ON p.id = pr.post_id
                WHERE \(wanted(.practice)) AND pr.search @@ \(tsquery) AND \(inCommunity("pr.community_id")) AND \(postKind)
                  AND (cardinality(\(query.countries)::text[]) = 0 OR pr.context_country = ANY(\(query.countries)::text[]))
                  AND \(Visibility.postWords(caller))),
            seen AS MATERIALIZED (
                SELECT t.id FROM threads t
                WHERE t.id IN (SELECT thread_id FROM thread_hits UNION SELECT thread_id FROM post_hits
                               UNION SELECT thread_id FROM practice_hits)
                  AND \(Visibility.thread(caller))
                  AND (cardinality(\(query.themes)::uuid[]) = 0
                       OR EXISTS (SELECT 1 FROM thread_themes tt WHERE tt.thread_id = t.id
                                  AND tt.theme_id = ANY(\(query.themes)::uuid[])))
                  AND (cardinality(\(statuses)::text[]) = 0 OR t.status = ANY(\(statuses)::text[]))),
            need_hits AS MATERIALIZED (
                SELECT n.id, NULL::uuid AS thread_id, ts_rank_cd(n.search, \(tsquery))::float8 AS rank
                FROM needs n JOIN accounts need_author ON need_author.id = n.author_id
                LEFT JOIN organisations need_org ON need_org.id = need_author.organisation_id
                WHERE \(wanted(.need)) AND n.search @@ \(tsquery) AND \(inCommunity("n.community_id"))
                  AND \(Visibility.need(caller))
                  AND (cardinality(\(query.themes)::uuid[]) = 0
                       OR EXISTS (SELECT 1 FROM need_themes nt WHERE nt.need_id = n.id
                                  AND nt.theme_id = ANY(\(query.themes)::uuid[])))
                  AND (cardinality(\(query.countries)::text[]) = 0
                       OR coalesce(need_author.country, need_org.country) = ANY(\(query.countries)::text[]))),
            found AS (
                SELECT 'thread' AS type, h.* FROM thread_hits h JOIN seen ON seen.id = h.thread_id
                UNION ALL SELECT 'post', h.* FROM post_hits h JOIN seen ON seen.id = h.thread_id
                UNION ALL SELECT 'practice', h.* FROM practice_hits h JOIN seen ON seen.id = h.thread_id
                UNION ALL SELECT 'need', h.* FROM need_hits h),
            page AS (
                SELECT * FROM found
                WHERE (\(after?.id)::uuid IS NULL OR (found.rank, found.id) < (\(after?.rank)::float8, \(after?.id)::uuid))
                ORDER BY found.rank DESC, found.id DESC LIMIT \(limit)),
            shown AS (
                SELECT page.*, coalesce(n.community_id, t.community_id) AS community_id,
                       coalesce(n.created_at, p.created_at, t.created_at) AS created_at,
                       CASE page.type WHEN 'need' THEN n.title WHEN 'practice' THEN pr.intervention ELSE t.title END
                           AS title,
                       CASE page.type
                           WHEN 'need' THEN n.title || E'\\n' || n.description
                           WHEN 'thread' THEN t.title || E'\\n' || t.problem
                           WHEN 'post' THEN p.body
                           ELSE pr.intervention || E'\\n' || array_to_string(pr.negative_impacts || pr.missed_risks, E'\\n')
                       END AS document,
                       CASE page.type
                           WHEN 'need' THEN n.author_id
                           WHEN 'thread' THEN CASE WHEN t.created_by = \(caller.accountID) OR NOT t.chatham_house
                                                   THEN t.created_by END
                           ELSE CASE WHEN \(Visibility.authorNamed(caller)) THEN p.author_id END
                       END AS author_id
                FROM page LEFT JOIN threads t ON t.id = page.thread_id
                LEFT JOIN posts p ON p.id = page.id AND page.type IN ('post', 'practice')
                LEFT JOIN practice_records pr ON pr.post_id = page.id AND page.type = 'practice'
                LEFT JOIN needs n ON n.id = page.id AND page.type = 'need')
            SELECT shown.type, shown.id, shown.community_id, shown.thread_id, shown.title, shown.rank, shown.author_id,
                   (SELECT a.display_name FROM accounts a WHERE a.id = shown.author_id) AS author_name, shown.created_at,
                   ts_headline('english', translate(shown.document, \(marks), ''), \(tsquery), \(headline)) AS snippet
            FROM shown ORDER BY shown.rank DESC, shown.id DESC
            """
        return sql.plannedPerExecution()
    }

    static func result(_ row: Row) throws -> SearchResult {
        let author: UUID? = try row["author_id"]
        let name: String? = try row["author_name"]
        return SearchResult(
            type: try row["type"], id: try row["id"], communityID: try row["community_id"],
            threadID: try row["thread_id"], title: try row["title"], snippet: try row["snippet"],
            rank: try row["rank"], author: author.map { PersonSummary(id: $0, displayName: name ?? "") },
            createdAt: try row["created_at"])
    }
}

extension SearchResultType: PostgresTextDecodable {}
