import AccessControl
import Foundation
import Postgres

/// What needs analysis keeps about a person: the needs in their name and their co-signs.
public enum NeedsPersonalData {
    public static let personalData = PersonalData(export: export, erase: erase)

    static func export(_ account: UUID) -> SQL {
        """
        'needs', coalesce((SELECT json_agg(json_build_object(
            'id', n.id, 'community_id', n.community_id, 'circle_id', n.circle_id, 'title', n.title,
            'description', n.description, 'urgency', n.urgency, 'source', n.source, 'status', n.status,
            'consent_recorded_at', praxis_time(n.consent_recorded_at), 'created_at', praxis_time(n.created_at),
            'theme_ids', ARRAY(SELECT nt.theme_id FROM need_themes nt WHERE nt.need_id = n.id ORDER BY nt.theme_id))
            ORDER BY n.id)
            FROM needs n WHERE n.author_id = \(account)), '[]'),
        'need_cosigns', coalesce((SELECT json_agg(json_build_object(
            'need_id', cs.need_id, 'created_at', praxis_time(cs.created_at)) ORDER BY cs.need_id)
            FROM need_cosigns cs WHERE cs.account_id = \(account)), '[]'),
        'survey_responses', coalesce((SELECT json_agg(json_build_object(
            'survey_id', r.survey_id, 'quote_consent', r.quote_consent, 'updated_at', praxis_time(r.updated_at),
            'answers', (SELECT coalesce(json_agg(json_build_object('question_id', a.question_id, 'value', a.value)
                                                 ORDER BY a.question_id), '[]')
                        FROM survey_answers a WHERE a.response_id = r.id)) ORDER BY r.survey_id)
            FROM survey_responses r WHERE r.account_id = \(account)), '[]')
        """
    }

    /// The needs in the person's name are wiped and withdrawn; their co-signs and survey answers end.
    static func erase(_ account: UUID) -> SQL {
        """
        WITH cosigns_withdrawn AS (DELETE FROM need_cosigns WHERE account_id = \(account)),
             responses_removed AS (DELETE FROM survey_responses WHERE account_id = \(account))
        UPDATE needs SET title = 'Erased', description = '', convenor_notes = '', status = 'withdrawn',
               version = version + 1, updated_at = now()
        WHERE author_id = \(account)
        """
    }
}
