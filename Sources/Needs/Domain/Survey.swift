import AccessControl
import Foundation

public enum QuestionKind: String, Sendable, CaseIterable {
    case text
    case singleChoice = "single_choice"
    case multiChoice = "multi_choice"
    /// 1 to 5.
    case scale
    /// Active themes of the community.
    case themePick = "theme_pick"
}

public struct Question: Sendable, Equatable {
    public var id: UUID
    public var kind: QuestionKind
    public var prompt: String
    public var options: [String]
    public var required: Bool

    public init(id: UUID, kind: QuestionKind, prompt: String, options: [String] = [], required: Bool = false) {
        self.id = id
        self.kind = kind
        self.prompt = prompt
        self.options = options
        self.required = required
    }
}

public struct Survey: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var settings: SurveySettings
    public var questions: [Question]
    /// Questions are fixed once anyone answered. Never published: the results say how many
    /// answered each question, under `min_cell_size`.
    public var responseCount: Int
    public var createdBy: PersonSummary
    public var version: Int64
    public var createdAt: Date
}

public struct SurveySettings: Sendable, Equatable {
    public var title: String
    public var description = ""
    public var circleID: UUID?
    public var opensAt: Date
    public var closesAt: Date

    public init(title: String, opensAt: Date, closesAt: Date) {
        self.title = title
        self.opensAt = opensAt
        self.closesAt = closesAt
    }
}

/// An answer as sent: its question and its value, checked against the question's kind.
public struct AnswerInput: Sendable, Equatable {
    public var questionID: UUID
    /// JSON text: a string, an integer, or an array of strings.
    public var value: String

    public init(questionID: UUID, value: String) {
        self.questionID = questionID
        self.value = value
    }
}

public struct SurveyResponse: Sendable, Equatable {
    public var id: UUID
    public var surveyID: UUID
    public var quoteConsent: Bool
    public var answers: [AnswerInput]
    public var updatedAt: Date
}

/// A question's results: respondents who answered, and the count of each option (nil when
/// suppressed). Free text is counted, never shown here.
public struct QuestionResult: Sendable, Equatable {
    public var question: Question
    public var answered: Int?
    public var options: [(value: String, count: Int?)]

    public static func == (left: Self, right: Self) -> Bool {
        left.question == right.question && left.answered == right.answered
            && left.options.map(\.value) == right.options.map(\.value)
            && left.options.map(\.count) == right.options.map(\.count)
    }
}

/// A free-text answer, for the convenors, from a respondent who consented to being quoted.
public struct QuotedAnswer: Sendable, Equatable {
    public var id: UUID
    public var questionID: UUID
    public var text: String
    public var respondent: PersonSummary
    public var codedNeedID: UUID?
    public var codedThemeID: UUID?
}
