import AccessControl
import Foundation

public enum PostKind: String, Sendable, CaseIterable {
    case comment, question, practice, risk, evidence

    /// Practice and risk posts carry a practice record; no other kind does.
    public var carriesPractice: Bool { self == .practice || self == .risk }
}

public enum PostState: String, Sendable, CaseIterable {
    case visible, hidden, deleted
}

public enum EndorsementKind: String, Sendable, CaseIterable {
    case thisHelped = "this_helped"
    case weDidThisToo = "we_did_this_too"
}

public enum PracticeOutcome: String, Sendable, CaseIterable, Codable {
    case positive, negative, mixed, unknown
}

public enum PracticeScale: String, Sendable, CaseIterable, Codable {
    case local, regional, national, international
}

public enum Confidence: String, Sendable, CaseIterable, Codable {
    case low, medium, high
}

/// Where a practice was tried.
public struct PracticeContext: Sendable, Equatable, Codable {
    public var country: String?
    public var level: String?
    public var scale: PracticeScale?

    public init(country: String? = nil, level: String? = nil, scale: PracticeScale? = nil) {
        self.country = country
        self.level = level
        self.scale = scale
    }
}

public struct EvidenceReference: Sendable, Equatable, Codable {
    public var title: String
    public var url: String?

    public init(title: String, url: String? = nil) {
        self.title = title
        self.url = url
    }
}

/// What was tried, where, how it went, what it harmed and what was missed.
public struct PracticeRecord: Sendable, Equatable, Codable {
    public var intervention: String
    public var context: PracticeContext
    public var outcome: PracticeOutcome
    public var negativeImpacts: [String]
    public var missedRisks: [String]
    public var evidence: [EvidenceReference]
    public var confidence: Confidence
    /// A calendar date, `YYYY-MM-DD`.
    public var reviewDate: String?

    enum CodingKeys: String, CodingKey {
        case intervention, context, outcome, evidence, confidence
        case negativeImpacts = "negative_impacts"
        case missedRisks = "missed_risks"
        case reviewDate = "review_date"
    }

    public init(
        intervention: String, context: PracticeContext = PracticeContext(), outcome: PracticeOutcome,
        negativeImpacts: [String] = [], missedRisks: [String] = [], evidence: [EvidenceReference] = [],
        confidence: Confidence, reviewDate: String? = nil
    ) {
        self.intervention = intervention
        self.context = context
        self.outcome = outcome
        self.negativeImpacts = negativeImpacts
        self.missedRisks = missedRisks
        self.evidence = evidence
        self.confidence = confidence
        self.reviewDate = reviewDate
    }
}

/// A post as the caller may see it: `author` is nil where the Chatham House rule hides it, `body`
/// and `practice` nil when the post is deleted, or hidden from the caller.
public struct Post: Sendable, Equatable {
    public var id: UUID
    public var threadID: UUID
    public var communityID: UUID
    public var kind: PostKind
    public var body: String?
    public var practice: PracticeRecord?
    public var replyTo: UUID?
    public var author: PersonSummary?
    public var writtenByCaller: Bool
    /// The author has a commercial interest touching the thread's themes (a yes or no, never a name).
    public var declaredInterest: Bool
    public var onTheRecord: Bool
    public var state: PostState
    public var hiddenReason: String?
    public var isOutcome: Bool
    public var thisHelpedCount: Int
    public var weDidThisTooCount: Int
    public var callerEndorsement: EndorsementKind?
    public var revision: Int
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// What a post says, as its author writes it.
public struct PostDraft: Sendable, Equatable {
    public var kind: PostKind
    public var body: String
    public var practice: PracticeRecord?
    public var replyTo: UUID?
    public var onTheRecord: Bool
    /// People to tell of the post (`@mentions`); those who cannot see the thread are not told.
    public var mentions: [UUID]

    public init(
        kind: PostKind, body: String, practice: PracticeRecord? = nil, replyTo: UUID? = nil, onTheRecord: Bool = false,
        mentions: [UUID] = []
    ) {
        self.kind = kind
        self.body = body
        self.practice = practice
        self.replyTo = replyTo
        self.onTheRecord = onTheRecord
        self.mentions = mentions
    }
}

/// What an edit may touch.
public struct PostChange: Sendable, Equatable {
    public var body: String
    public var practice: PracticeRecord?
    public var onTheRecord: Bool
}

/// An earlier wording of a post.
public struct PostRevision: Sendable, Equatable {
    public var revision: Int
    public var kind: PostKind
    public var body: String
    public var practice: PracticeRecord?
    public var createdAt: Date
}

public struct Endorsement: Sendable, Equatable {
    /// Nil in a Chatham House thread, unless it is the caller's own.
    public var account: PersonSummary?
    public var kind: EndorsementKind
    public var createdAt: Date
}

/// A practice record as the community's practice list shows it, with its post's attribution.
public struct PracticeEntry: Sendable, Equatable {
    public var postID: UUID
    public var threadID: UUID
    public var threadTitle: String
    public var kind: PostKind
    public var record: PracticeRecord
    public var author: PersonSummary?
    public var declaredInterest: Bool
    public var createdAt: Date
}

/// The filters of a community's practice list.
public struct PracticeQuery: Sendable, Equatable {
    public var themes: [UUID] = []
    public var outcomes: [PracticeOutcome] = []
    public var countries: [String] = []
    public var kinds: [PostKind] = []

    public init() {}
}
