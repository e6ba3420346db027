import APISupport
import Crypto
import Foundation
import HTTP
import Needs

struct QuestionBody: Encodable {
    let id: String
    let kind: String
    let prompt: String
    let options: [String]
    let required: Bool

    init(_ question: Question) {
        id = question.id.lowercasedString
        kind = question.kind.rawValue
        prompt = question.prompt
        options = question.options
        required = question.required
    }
}

struct SurveyBody: Encodable {
    let id: String
    let communityID: String
    @ExplicitNull var circleID: String?
    let title: String
    let description: String
    let opensAt: Date
    let closesAt: Date
    let questions: [QuestionBody]
    /// Whether anyone answered (the questions are then fixed); how many is for the results to
    /// say, under `min_cell_size`, where a count published beside them could pin a small one.
    let questionsLocked: Bool
    let createdBy: PersonBody
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, title, description, questions
        case communityID = "community_id"
        case circleID = "circle_id"
        case opensAt = "opens_at"
        case closesAt = "closes_at"
        case questionsLocked = "questions_locked"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    init(_ survey: Survey) {
        id = survey.id.lowercasedString
        communityID = survey.communityID.lowercasedString
        circleID = survey.settings.circleID?.lowercasedString
        title = survey.settings.title
        description = survey.settings.description
        opensAt = survey.settings.opensAt
        closesAt = survey.settings.closesAt
        questions = survey.questions.map(QuestionBody.init)
        questionsLocked = survey.responseCount > 0
        createdBy = PersonBody(survey.createdBy)
        createdAt = survey.createdAt
    }
}

struct NewQuestionBody: RequestBody {
    let kind: String
    let prompt: String
    let options: [String]?
    let required: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, prompt, options, required
    }
}

struct NewSurveyBody: RequestBody {
    let title: String
    let description: String?
    let circleID: UUID?
    let opensAt: Date
    let closesAt: Date
    let questions: [NewQuestionBody]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, questions
        case circleID = "circle_id"
        case opensAt = "opens_at"
        case closesAt = "closes_at"
    }
}

struct AnswerBody: Codable {
    let questionID: UUID
    let value: JSONValue

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(questionID.lowercasedString, forKey: .questionID)
        try container.encode(value, forKey: .value)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case questionID = "question_id"
        case value
    }
}

struct ResponseInputBody: RequestBody {
    let answers: [AnswerBody]
    let quoteConsent: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case answers
        case quoteConsent = "quote_consent"
    }
}

struct ResponseBody: Encodable {
    let id: String
    let surveyID: String
    let quoteConsent: Bool
    let answers: [AnswerBody]
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, answers
        case surveyID = "survey_id"
        case quoteConsent = "quote_consent"
        case updatedAt = "updated_at"
    }

    init(_ response: SurveyResponse) {
        id = response.id.lowercasedString
        surveyID = response.surveyID.lowercasedString
        quoteConsent = response.quoteConsent
        answers = response.answers.map {
            AnswerBody(questionID: $0.questionID, value: JSONValue(parsing: $0.value) ?? .null)
        }
        updatedAt = response.updatedAt
    }
}

struct ResultsBody: Encodable {
    struct Option: Encodable {
        let value: String
        @ExplicitNull var count: Int?
        let suppressed: Bool
    }

    struct Result: Encodable {
        let question: QuestionBody
        @ExplicitNull var answered: Int?
        let suppressed: Bool
        let options: [Option]
    }

    let surveyID: String
    let minCellSize: Int
    let suppressionMethod = "secondary_suppression"
    let results: [Result]

    enum CodingKeys: String, CodingKey {
        case results
        case surveyID = "survey_id"
        case minCellSize = "min_cell_size"
        case suppressionMethod = "suppression_method"
    }

    init(survey: UUID, minimum: Int, results: [QuestionResult]) {
        surveyID = survey.lowercasedString
        minCellSize = minimum
        self.results = results.map { result in
            Result(
                question: QuestionBody(result.question), answered: result.answered, suppressed: result.answered == nil,
                options: result.options.map { Option(value: $0.value, count: $0.count, suppressed: $0.count == nil) })
        }
    }
}

struct QuotedAnswerBody: Encodable {
    let id: String
    let questionID: String
    let text: String
    let respondent: PersonBody
    @ExplicitNull var codedNeedID: String?
    @ExplicitNull var codedThemeID: String?

    enum CodingKeys: String, CodingKey {
        case id, text, respondent
        case questionID = "question_id"
        case codedNeedID = "coded_need_id"
        case codedThemeID = "coded_theme_id"
    }

    init(_ answer: QuotedAnswer) {
        id = answer.id.lowercasedString
        questionID = answer.questionID.lowercasedString
        text = answer.text
        respondent = PersonBody(answer.respondent)
        codedNeedID = answer.codedNeedID?.lowercasedString
        codedThemeID = answer.codedThemeID?.lowercasedString
    }
}

struct CodingBody: RequestBody {
    struct NeedPart: Decodable {
        let title: String
        let description: String?
        let urgency: Int
        let themeIDs: [UUID]?

        enum CodingKeys: String, CodingKey {
            case title, description, urgency
            case themeIDs = "theme_ids"
        }
    }

    let need: NeedPart?
    let theme: NewThemeBody?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case need, theme
    }
}
