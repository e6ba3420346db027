import AccessControl
import Foundation
import Postgres

/// SQL for surveys, their questions, responses and answers. Every read of a survey includes
/// `Visibility.survey`.
enum SurveyRepository {
    static let columns: SQL = """
        sv.id, sv.community_id, sv.circle_id, sv.title, sv.description, sv.opens_at, sv.closes_at, sv.created_by,
        creator.display_name AS created_by_name, sv.version, sv.created_at,
        (SELECT count(*) FROM survey_responses r WHERE r.survey_id = sv.id) AS response_count
        """

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM surveys sv JOIN accounts creator ON creator.id = sv.created_by
        WHERE sv.id = \(id) AND \(Visibility.survey(caller))
        """
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL { "\(find(id, for: caller)) FOR UPDATE OF sv" }

    static func list(in community: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT \(columns) FROM surveys sv JOIN accounts creator ON creator.id = sv.created_by
        WHERE sv.community_id = \(community) AND \(Visibility.survey(caller)) AND \(SQL.keyset("sv.id", after: after))
        ORDER BY sv.id LIMIT \(limit)
        """
    }

    static func questions(of surveys: [UUID]) -> SQL {
        """
        SELECT q.survey_id, q.id, q.kind, q.prompt, q.options, q.required FROM survey_questions q
        WHERE q.survey_id = ANY(\(surveys)::uuid[]) ORDER BY q.survey_id, q.position
        """
    }

    static func insert(_ id: UUID, in community: UUID, _ settings: SurveySettings, by creator: UUID) -> SQL {
        """
        INSERT INTO surveys (id, community_id, circle_id, title, description, opens_at, closes_at, created_by)
        VALUES (\(id), \(community), \(settings.circleID), \(settings.title), \(settings.description),
                \(settings.opensAt), \(settings.closesAt), \(creator))
        """
    }

    static func update(_ id: UUID, to settings: SurveySettings) -> SQL {
        """
        UPDATE surveys SET title = \(settings.title), description = \(settings.description), opens_at = \(settings.opensAt),
               closes_at = \(settings.closesAt), version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// Its own statement: a delete in the same statement as the insert leaves the old positions
    /// in the unique index the insert checks.
    static func removeQuestions(of survey: UUID) -> SQL {
        "DELETE FROM survey_questions WHERE survey_id = \(survey)"
    }

    static func insertQuestions(of survey: UUID, _ questions: [Question]) -> SQL {
        """
        INSERT INTO survey_questions (id, survey_id, position, kind, prompt, options, required)
        SELECT q.id, \(survey), q.position, q.kind, q.prompt, ARRAY(SELECT jsonb_array_elements_text(q.options)), q.required
        FROM unnest(\(questions.map(\.id))::uuid[], \(questions.map(\.kind.rawValue))::text[],
                    \(questions.map(\.prompt))::text[], \(questions.map { Self.json($0.options) })::jsonb[],
                    \(questions.map(\.required))::boolean[])
             WITH ORDINALITY AS q (id, kind, prompt, options, required, position)
        """
    }

    static func json(_ strings: [String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The caller's response (created when absent, its consent set), returning its id and whether it is new.
    static func upsertResponse(_ id: UUID, to survey: UUID, by account: UUID, quoteConsent: Bool) -> SQL {
        """
        INSERT INTO survey_responses (id, survey_id, account_id, quote_consent) VALUES (\(id), \(survey), \(account), \(quoteConsent))
        ON CONFLICT (survey_id, account_id) DO UPDATE SET quote_consent = EXCLUDED.quote_consent, updated_at = now()
        RETURNING id, (xmax = 0) AS created
        """
    }

    /// The response's answers become exactly `answers` (coding kept where an answer stays).
    static func replaceAnswers(of response: UUID, with answers: [AnswerInput], ids: [UUID]) -> SQL {
        """
        WITH removed AS (DELETE FROM survey_answers WHERE response_id = \(response)
                         AND NOT (question_id = ANY(\(answers.map(\.questionID))::uuid[])))
        INSERT INTO survey_answers (id, response_id, question_id, value)
        SELECT a.id, \(response), a.question_id, a.value::jsonb
        FROM unnest(\(ids)::uuid[], \(answers.map(\.questionID))::uuid[], \(answers.map(\.value))::text[]) AS a (id, question_id, value)
        ON CONFLICT (response_id, question_id) DO UPDATE SET value = EXCLUDED.value
        """
    }

    static func response(of survey: UUID, by account: UUID) -> SQL {
        """
        SELECT r.id, r.survey_id, r.quote_consent, r.updated_at,
               ARRAY(SELECT a.question_id::text FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
                     WHERE a.response_id = r.id ORDER BY q.position) AS question_ids,
               ARRAY(SELECT a.value::text FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
                     WHERE a.response_id = r.id ORDER BY q.position) AS answer_values
        FROM survey_responses r WHERE r.survey_id = \(survey) AND r.account_id = \(account)
        """
    }

    static func answered(in survey: UUID) -> SQL {
        """
        SELECT a.question_id, count(*) AS answered FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
        WHERE r.survey_id = \(survey) GROUP BY 1
        """
    }

    /// Per question and option (a choice, a scale value, a theme id), the respondents who chose it.
    static func optionCounts(in survey: UUID) -> SQL {
        """
        SELECT a.question_id, coalesce(chosen.value, a.value #>> '{}') AS option, count(*) AS chosen
        FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
        JOIN survey_questions q ON q.id = a.question_id AND q.kind <> 'text'
        LEFT JOIN LATERAL jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE '[]'::jsonb END) AS chosen (value) ON true
        WHERE r.survey_id = \(survey)
        GROUP BY 1, 2
        """
    }

    static func quoted(in survey: UUID, question: UUID?, after: UUID?, limit: Int) -> SQL {
        """
        SELECT a.id, a.question_id, a.value #>> '{}' AS text, r.account_id, acc.display_name, a.coded_need_id, a.coded_theme_id
        FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
        JOIN survey_questions q ON q.id = a.question_id AND q.kind = 'text'
        JOIN accounts acc ON acc.id = r.account_id
        WHERE r.survey_id = \(survey) AND r.quote_consent AND (\(question)::uuid IS NULL OR a.question_id = \(question))
          AND \(SQL.keyset("a.id", after: after))
        ORDER BY a.id LIMIT \(limit)
        """
    }

    /// A quotable free-text answer and its survey, locked for coding.
    static func quotable(_ answer: UUID) -> SQL {
        """
        SELECT a.id, a.question_id, a.value #>> '{}' AS text, r.account_id, acc.display_name, a.coded_need_id,
               a.coded_theme_id, r.survey_id
        FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
        JOIN survey_questions q ON q.id = a.question_id AND q.kind = 'text'
        JOIN accounts acc ON acc.id = r.account_id
        WHERE a.id = \(answer) AND r.quote_consent
        FOR UPDATE OF a
        """
    }

    static func markCoded(_ answer: UUID, need: UUID?, theme: UUID?) -> SQL {
        "UPDATE survey_answers SET coded_need_id = \(need), coded_theme_id = \(theme) WHERE id = \(answer)"
    }

    static func survey(_ row: Row, questions: [Question]) throws -> Survey {
        var settings = SurveySettings(
            title: try row["title"], opensAt: try row["opens_at"], closesAt: try row["closes_at"])
        settings.description = try row["description"]
        settings.circleID = try row["circle_id"]
        return Survey(
            id: try row["id"], communityID: try row["community_id"], settings: settings, questions: questions,
            responseCount: try row["response_count"],
            createdBy: PersonSummary(id: try row["created_by"], displayName: try row["created_by_name"]),
            version: try row["version"], createdAt: try row["created_at"])
    }

    static func question(_ row: Row) throws -> Question {
        Question(
            id: try row["id"], kind: try row["kind"], prompt: try row["prompt"], options: try row["options"],
            required: try row["required"])
    }

    static func quotedAnswer(_ row: Row) throws -> QuotedAnswer {
        QuotedAnswer(
            id: try row["id"], questionID: try row["question_id"], text: try row["text"],
            respondent: PersonSummary(id: try row["account_id"], displayName: try row["display_name"]),
            codedNeedID: try row["coded_need_id"], codedThemeID: try row["coded_theme_id"])
    }
}

extension QuestionKind: PostgresTextDecodable {}
