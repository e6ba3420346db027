import AccessControl
import Foundation
import Postgres

/// What threads keep about a person: their posts, endorsements, flags and what they follow.
public enum ThreadsPersonalData {
    public static let personalData = PersonalData(export: export, erase: erase)

    static func export(_ account: UUID) -> SQL {
        """
        'posts', coalesce((SELECT json_agg(json_build_object(
            'id', p.id, 'thread_id', p.thread_id, 'kind', p.kind, 'body', p.body, 'on_the_record', p.on_the_record,
            'deleted', p.deleted_at IS NOT NULL, 'created_at', praxis_time(p.created_at),
            'practice', (SELECT \(PostRepository.practiceJSON("pr"))::json FROM practice_records pr
                         WHERE pr.post_id = p.id)) ORDER BY p.id)
            FROM posts p WHERE p.author_id = \(account)), '[]'),
        'endorsements', coalesce((SELECT json_agg(json_build_object(
            'post_id', e.post_id, 'kind', e.kind, 'created_at', praxis_time(e.created_at)) ORDER BY e.post_id)
            FROM endorsements e WHERE e.account_id = \(account)), '[]'),
        'post_flags', coalesce((SELECT json_agg(json_build_object(
            'post_id', f.post_id, 'reason', f.reason, 'status', f.status, 'created_at', praxis_time(f.created_at))
            ORDER BY f.id) FROM post_flags f WHERE f.account_id = \(account)), '[]'),
        'subscriptions', coalesce((SELECT json_agg(json_build_object(
            'type', s.subject_type, 'id', s.subject_id, 'created_at', praxis_time(s.created_at))
            ORDER BY s.subject_type, s.subject_id) FROM subscriptions s WHERE s.account_id = \(account)), '[]')
        """
    }

    /// The person's posts become tombstones (replies keep their place); their endorsements and
    /// subscriptions end; the reasons of their flags are wiped.
    static func erase(_ account: UUID) -> SQL {
        """
        WITH endorsements_removed AS (DELETE FROM endorsements WHERE account_id = \(account)),
             subscriptions_removed AS (DELETE FROM subscriptions WHERE account_id = \(account)),
             flags_wiped AS (UPDATE post_flags SET reason = 'Erased' WHERE account_id = \(account)),
             revisions_removed AS (DELETE FROM post_revisions r USING posts p
                                   WHERE r.post_id = p.id AND p.author_id = \(account)),
             practices_removed AS (DELETE FROM practice_records pr USING posts p
                                   WHERE pr.post_id = p.id AND p.author_id = \(account)),
             threads_changed AS (
                 UPDATE threads t
                 SET title = CASE WHEN t.created_by = \(account) THEN 'Erased' ELSE t.title END,
                     problem = CASE WHEN t.created_by = \(account) THEN '' ELSE t.problem END,
                     outcome_post_id = CASE WHEN outcome_author.id IS NULL THEN t.outcome_post_id END,
                     status = CASE WHEN outcome_author.id IS NOT NULL AND t.status = 'resolved' THEN 'open'
                                   ELSE t.status END,
                     version = t.version + 1
                 FROM threads target
                 LEFT JOIN posts outcome_author ON outcome_author.id = target.outcome_post_id
                                                AND outcome_author.author_id = \(account)
                 WHERE t.id = target.id AND (t.created_by = \(account) OR outcome_author.id IS NOT NULL))
        UPDATE posts SET body = '', deleted_at = coalesce(deleted_at, now()), version = version + 1, updated_at = now()
        WHERE author_id = \(account)
        """
    }
}
