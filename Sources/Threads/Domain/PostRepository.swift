import AccessControl
import Foundation
import Postgres

/// SQL for posts, their practice records, revisions and endorsements. Every read joins the thread
/// (alias `t`) through `Visibility.thread`; words reach the caller through `Visibility.postWords`
/// and an author's name through `Visibility.authorNamed`, inside the statement.
enum PostRepository {
    static func columns(_ caller: Caller) -> SQL {
        let words = Visibility.postWords(caller)
        let named = Visibility.authorNamed(caller)
        return """
            p.id, p.thread_id, p.community_id, p.kind, p.reply_to, p.on_the_record, p.revision, p.version, p.created_at,
            p.updated_at, p.hidden_reason,
            CASE WHEN p.deleted_at IS NOT NULL THEN 'deleted' WHEN p.hidden_at IS NOT NULL THEN 'hidden' ELSE 'visible' END
                AS state,
            CASE WHEN \(words) THEN p.body END AS body,
            CASE WHEN \(words) THEN \(practiceJSON("pr")) END AS practice,
            CASE WHEN \(named) THEN p.author_id END AS author_id,
            CASE WHEN \(named) THEN author.display_name END AS author_name,
            p.author_id = \(caller.accountID) AS written_by_caller,
            p.deleted_at IS NULL AND praxis_declared_interest(p.author_id, p.community_id,
                ARRAY(SELECT tt.theme_id FROM thread_themes tt WHERE tt.thread_id = t.id)) AS declared_interest,
            t.outcome_post_id IS NOT DISTINCT FROM p.id AS is_outcome,
            (SELECT count(*) FROM endorsements e WHERE e.post_id = p.id AND e.kind = 'this_helped') AS this_helped,
            (SELECT count(*) FROM endorsements e WHERE e.post_id = p.id AND e.kind = 'we_did_this_too') AS did_this_too,
            (SELECT e.kind FROM endorsements e WHERE e.post_id = p.id AND e.account_id = \(caller.accountID))
                AS my_endorsement
            """
    }

    /// A practice record (alias `alias`) as one JSON object, NULL when there is none.
    static func practiceJSON(_ alias: SQL) -> SQL {
        """
        CASE WHEN \(alias).post_id IS NOT NULL THEN json_build_object(
            'intervention', \(alias).intervention,
            'context', json_build_object('country', \(alias).context_country, 'level', \(alias).context_level,
                                         'scale', \(alias).context_scale),
            'outcome', \(alias).outcome, 'negative_impacts', \(alias).negative_impacts,
            'missed_risks', \(alias).missed_risks, 'evidence', \(alias).evidence, 'confidence', \(alias).confidence,
            'review_date', \(alias).review_date::text)::text END
        """
    }

    static let sources: SQL = """
        posts p JOIN threads t ON t.id = p.thread_id JOIN accounts author ON author.id = p.author_id
        LEFT JOIN practice_records pr ON pr.post_id = p.id
        """

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns(caller)) FROM \(sources) WHERE p.id = \(id) AND \(Visibility.thread(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF p"
    }

    /// A page of the thread's posts in the order they were written, after the post `after`.
    static func list(in thread: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns(caller)) FROM \(sources)
        WHERE p.thread_id = \(thread) AND t.id = \(thread) AND \(Visibility.thread(caller))
          AND \(SQL.keyset("p.id", after: after))
        ORDER BY p.id LIMIT \(limit)
        """
    }

    static func insert(_ id: UUID, in thread: UUID, community: UUID, _ draft: PostDraft, by author: UUID) -> SQL {
        """
        INSERT INTO posts (id, thread_id, community_id, author_id, kind, body, reply_to, on_the_record)
        VALUES (\(id), \(thread), \(community), \(author), \(draft.kind.rawValue), \(draft.body), \(draft.replyTo),
                \(draft.onTheRecord))
        """
    }

    /// The post's practice record becomes `record` (none when nil).
    static func setPractice(_ post: UUID, in thread: UUID, community: UUID, _ record: PracticeRecord?) -> SQL {
        guard let record else { return "DELETE FROM practice_records WHERE post_id = \(post)" }
        let evidence = String(decoding: (try? JSONEncoder().encode(record.evidence)) ?? Data("[]".utf8), as: UTF8.self)
        return """
            INSERT INTO practice_records (post_id, thread_id, community_id, intervention, context_country, context_level,
                                          context_scale, outcome, negative_impacts, missed_risks, evidence, confidence,
                                          review_date)
            VALUES (\(post), \(thread), \(community), \(record.intervention), \(record.context.country),
                    \(record.context.level), \(record.context.scale?.rawValue), \(record.outcome.rawValue),
                    \(record.negativeImpacts)::text[], \(record.missedRisks)::text[], \(evidence)::jsonb,
                    \(record.confidence.rawValue), \(record.reviewDate)::date)
            ON CONFLICT (post_id) DO UPDATE SET intervention = EXCLUDED.intervention,
                context_country = EXCLUDED.context_country, context_level = EXCLUDED.context_level,
                context_scale = EXCLUDED.context_scale, outcome = EXCLUDED.outcome,
                negative_impacts = EXCLUDED.negative_impacts, missed_risks = EXCLUDED.missed_risks,
                evidence = EXCLUDED.evidence, confidence = EXCLUDED.confidence, review_date = EXCLUDED.review_date
            """
    }

    /// Keeps the post's current wording as a revision, then puts `change` in its place.
    static func revise(_ id: UUID, _ change: PostChange) -> SQL {
        """
        WITH kept AS (
            INSERT INTO post_revisions (post_id, revision, kind, body, practice, created_at)
            SELECT p.id, p.revision, p.kind, p.body, (SELECT \(practiceJSON("pr")) FROM practice_records pr
                                                       WHERE pr.post_id = p.id)::jsonb, p.updated_at
            FROM posts p WHERE p.id = \(id))
        UPDATE posts SET body = \(change.body), on_the_record = \(change.onTheRecord), revision = revision + 1,
               version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// Only the author's choice to be named changed: no new revision.
    static func setOnTheRecord(_ id: UUID, _ onTheRecord: Bool) -> SQL {
        "UPDATE posts SET on_the_record = \(onTheRecord), version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    /// Leaves a tombstone: the words, the practice record and the revisions go; replies stay.
    static func delete(_ id: UUID) -> SQL {
        """
        WITH revisions_removed AS (DELETE FROM post_revisions WHERE post_id = \(id)),
             practice_removed AS (DELETE FROM practice_records WHERE post_id = \(id))
        UPDATE posts SET body = '', deleted_at = now(), version = version + 1, updated_at = now() WHERE id = \(id)
        """
    }

    /// Whether `post` is a post of `thread` that is neither deleted nor hidden.
    static func standing(_ post: UUID?, in thread: UUID) -> SQL {
        """
        SELECT EXISTS (SELECT 1 FROM posts p WHERE p.id = \(post) AND p.thread_id = \(thread)
                       AND p.deleted_at IS NULL AND p.hidden_at IS NULL) AS standing
        """
    }

    /// The post's earlier wordings, when its words reach the caller.
    static func revisions(of id: UUID, after: Int?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT r.revision, r.kind, r.body, r.practice::text AS practice, r.created_at
        FROM post_revisions r JOIN posts p ON p.id = r.post_id JOIN threads t ON t.id = p.thread_id
        WHERE r.post_id = \(id) AND \(Visibility.thread(caller)) AND \(Visibility.postWords(caller))
          AND (\(after)::int IS NULL OR r.revision > \(after))
        ORDER BY r.revision LIMIT \(limit)
        """
    }

    /// Returns a row only when the caller had not endorsed the post yet.
    static func endorse(_ id: UUID, _ kind: EndorsementKind, by account: UUID) -> SQL {
        """
        INSERT INTO endorsements (post_id, account_id, kind) VALUES (\(id), \(account), \(kind.rawValue))
        ON CONFLICT DO NOTHING
        RETURNING account_id, (SELECT a.display_name FROM accounts a WHERE a.id = account_id) AS display_name, kind,
                  created_at
        """
    }

    /// Who wrote the post: for telling them, never for showing.
    static func authorOf(_ id: UUID) -> SQL {
        "SELECT author_id FROM posts WHERE id = \(id)"
    }

    /// An endorsement or a reveal changed what the post shows.
    static func touch(_ id: UUID) -> SQL {
        "UPDATE posts SET version = version + 1 WHERE id = \(id)"
    }

    static func withdrawEndorsement(_ id: UUID, by account: UUID) -> SQL {
        "DELETE FROM endorsements WHERE post_id = \(id) AND account_id = \(account) RETURNING 1"
    }

    /// Endorsers are named only outside the Chatham House rule (and each sees their own); pages are
    /// keyed by the endorsement's random id, which names nobody.
    static func endorsements(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        let named: SQL = "(NOT t.chatham_house OR e.account_id = \(caller.accountID))"
        return """
            SELECT e.id AS position, CASE WHEN \(named) THEN e.account_id END AS account_id,
                   CASE WHEN \(named) THEN a.display_name END AS display_name, e.kind, e.created_at
            FROM endorsements e JOIN accounts a ON a.id = e.account_id JOIN posts p ON p.id = e.post_id
            JOIN threads t ON t.id = p.thread_id
            WHERE e.post_id = \(id) AND \(Visibility.thread(caller)) AND \(SQL.keyset("e.id", after: after))
            ORDER BY e.id LIMIT \(limit)
            """
    }

    /// The author of the post replied to, and the mentioned people who may see the thread now.
    static func audience(replyTo: UUID?, mentions: [UUID], thread: UUID) -> SQL {
        """
        SELECT (SELECT p.author_id FROM posts p WHERE p.id = \(replyTo) AND p.deleted_at IS NULL) AS reply_author,
               ARRAY(SELECT m.id::text FROM unnest(\(mentions)::uuid[]) AS m (id)
                     WHERE EXISTS (SELECT 1 FROM memberships visible_m JOIN threads t ON t.id = \(thread)
                                   WHERE visible_m.account_id = m.id AND visible_m.community_id = t.community_id
                                     AND \(Visibility.isLive("visible_m")))) AS mentioned
        """
    }

    /// A page of the community's practice records, newest first, after the post `after`.
    static func practices(in community: UUID, _ query: PracticeQuery, after: UUID?, limit: Int, for caller: Caller)
        -> SQL
    {
        let outcomes = query.outcomes.map(\.rawValue)
        let kinds = query.kinds.map(\.rawValue)
        let sql: SQL = """
            SELECT p.id, p.thread_id, t.title AS thread_title, p.kind, p.created_at, \(practiceJSON("pr")) AS practice,
                   CASE WHEN \(Visibility.authorNamed(caller)) THEN p.author_id END AS author_id,
                   CASE WHEN \(Visibility.authorNamed(caller)) THEN author.display_name END AS author_name,
                   praxis_declared_interest(p.author_id, p.community_id,
                       ARRAY(SELECT tt.theme_id FROM thread_themes tt WHERE tt.thread_id = t.id)) AS declared_interest
            FROM practice_records pr JOIN posts p ON p.id = pr.post_id JOIN threads t ON t.id = pr.thread_id
            JOIN accounts author ON author.id = p.author_id
            WHERE pr.community_id = \(community) AND \(Visibility.thread(caller)) AND \(Visibility.postWords(caller))
              AND (cardinality(\(query.themes)::uuid[]) = 0
                   OR EXISTS (SELECT 1 FROM thread_themes tt WHERE tt.thread_id = t.id
                              AND tt.theme_id = ANY(\(query.themes)::uuid[])))
              AND (cardinality(\(outcomes)::text[]) = 0 OR pr.outcome = ANY(\(outcomes)::text[]))
              AND (cardinality(\(query.countries)::text[]) = 0 OR pr.context_country = ANY(\(query.countries)::text[]))
              AND (cardinality(\(kinds)::text[]) = 0 OR p.kind = ANY(\(kinds)::text[]))
              AND \(SQL.keyset("pr.post_id", before: after))
            ORDER BY pr.post_id DESC LIMIT \(limit)
            """
        return sql.plannedPerExecution()
    }

    static func practice(_ text: String?) throws -> PracticeRecord? {
        guard let text else { return nil }
        return try JSONDecoder().decode(PracticeRecord.self, from: Data(text.utf8))
    }

    static func person(_ row: Row) throws -> PersonSummary? {
        let id: UUID? = try row["author_id"]
        let name: String? = try row["author_name"]
        return id.map { PersonSummary(id: $0, displayName: name ?? "") }
    }

    static func post(_ row: Row) throws -> Post {
        Post(
            id: try row["id"], threadID: try row["thread_id"], communityID: try row["community_id"],
            kind: try row["kind"], body: try row["body"], practice: try practice(try row["practice"]),
            replyTo: try row["reply_to"], author: try person(row), writtenByCaller: try row["written_by_caller"],
            declaredInterest: try row["declared_interest"], onTheRecord: try row["on_the_record"],
            state: try row["state"], hiddenReason: try row["hidden_reason"], isOutcome: try row["is_outcome"],
            thisHelpedCount: try row["this_helped"], weDidThisTooCount: try row["did_this_too"],
            callerEndorsement: try row["my_endorsement"], revision: try row["revision"], version: try row["version"],
            createdAt: try row["created_at"], updatedAt: try row["updated_at"])
    }

    static func revision(_ row: Row) throws -> PostRevision {
        PostRevision(
            revision: try row["revision"], kind: try row["kind"], body: try row["body"],
            practice: try practice(try row["practice"]), createdAt: try row["created_at"])
    }

    static func endorsement(_ row: Row) throws -> Endorsement {
        let id: UUID? = try row["account_id"]
        let name: String? = try row["display_name"]
        return Endorsement(
            account: id.map { PersonSummary(id: $0, displayName: name ?? "") }, kind: try row["kind"],
            createdAt: try row["created_at"])
    }

    static func practiceEntry(_ row: Row) throws -> PracticeEntry {
        guard let record = try practice(try row["practice"]) else { throw AccessError.notFound }
        return PracticeEntry(
            postID: try row["id"], threadID: try row["thread_id"], threadTitle: try row["thread_title"],
            kind: try row["kind"], record: record, author: try person(row),
            declaredInterest: try row["declared_interest"], createdAt: try row["created_at"])
    }
}

extension PostKind: PostgresTextDecodable {}
extension PostState: PostgresTextDecodable {}
extension EndorsementKind: PostgresTextDecodable {}
