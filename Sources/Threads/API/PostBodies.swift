import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Threads

/// A practice record in and out. Enumerations arrive as strings and are checked by `record()`,
/// so that a wrong value answers 422 listing the allowed ones.
struct PracticeBody: Codable {
    struct Context: Codable {
        var country: String?
        var level: String?
        var scale: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case country, level, scale
        }

        init(country: String?, level: String?, scale: String?) {
            self.country = country
            self.level = level
            self.scale = scale
        }

        init(from decoder: any Decoder) throws {
            try JSONCoding.refuseUnknownMembers(of: decoder, CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            country = try container.decodeIfPresent(String.self, forKey: .country)
            level = try container.decodeIfPresent(String.self, forKey: .level)
            scale = try container.decodeIfPresent(String.self, forKey: .scale)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ExplicitNull(wrappedValue: country), forKey: .country)
            try container.encode(ExplicitNull(wrappedValue: level), forKey: .level)
            try container.encode(ExplicitNull(wrappedValue: scale), forKey: .scale)
        }
    }

    struct Evidence: Codable {
        var title: String
        var url: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case title, url
        }

        init(title: String, url: String?) {
            self.title = title
            self.url = url
        }

        init(from decoder: any Decoder) throws {
            try JSONCoding.refuseUnknownMembers(of: decoder, CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decode(String.self, forKey: .title)
            url = try container.decodeIfPresent(String.self, forKey: .url)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title)
            try container.encode(ExplicitNull(wrappedValue: url), forKey: .url)
        }
    }

    var intervention: String
    var context: Context?
    var outcome: String
    var negativeImpacts: [String]?
    var missedRisks: [String]?
    var evidence: [Evidence]?
    var confidence: String
    var reviewDate: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case intervention, context, outcome, evidence, confidence
        case negativeImpacts = "negative_impacts"
        case missedRisks = "missed_risks"
        case reviewDate = "review_date"
    }

    init(_ record: PracticeRecord) {
        intervention = record.intervention
        context = Context(
            country: record.context.country, level: record.context.level, scale: record.context.scale?.rawValue)
        outcome = record.outcome.rawValue
        negativeImpacts = record.negativeImpacts
        missedRisks = record.missedRisks
        evidence = record.evidence.map { Evidence(title: $0.title, url: $0.url) }
        confidence = record.confidence.rawValue
        reviewDate = record.reviewDate
    }

    init(from decoder: any Decoder) throws {
        try JSONCoding.refuseUnknownMembers(of: decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        intervention = try container.decode(String.self, forKey: .intervention)
        context = try container.decodeIfPresent(Context.self, forKey: .context)
        outcome = try container.decode(String.self, forKey: .outcome)
        negativeImpacts = try container.decodeIfPresent([String].self, forKey: .negativeImpacts)
        missedRisks = try container.decodeIfPresent([String].self, forKey: .missedRisks)
        evidence = try container.decodeIfPresent([Evidence].self, forKey: .evidence)
        confidence = try container.decode(String.self, forKey: .confidence)
        reviewDate = try container.decodeIfPresent(String.self, forKey: .reviewDate)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(intervention, forKey: .intervention)
        try container.encode(context, forKey: .context)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(negativeImpacts ?? [], forKey: .negativeImpacts)
        try container.encode(missedRisks ?? [], forKey: .missedRisks)
        try container.encode(evidence ?? [], forKey: .evidence)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(ExplicitNull(wrappedValue: reviewDate), forKey: .reviewDate)
    }

    func record() throws -> PracticeRecord {
        PracticeRecord(
            intervention: intervention,
            context: PracticeContext(
                country: context?.country, level: context?.level,
                scale: try context?.scale.map { try choice(PracticeScale.self, $0, field: "practice.context.scale") }),
            outcome: try choice(PracticeOutcome.self, outcome, field: "practice.outcome"),
            negativeImpacts: negativeImpacts ?? [], missedRisks: missedRisks ?? [],
            evidence: (evidence ?? []).map { EvidenceReference(title: $0.title, url: $0.url) },
            confidence: try choice(Confidence.self, confidence, field: "practice.confidence"), reviewDate: reviewDate)
    }
}

struct EndorsementCountsBody: Encodable {
    let thisHelped: Int
    let weDidThisToo: Int

    enum CodingKeys: String, CodingKey {
        case thisHelped = "this_helped"
        case weDidThisToo = "we_did_this_too"
    }
}

struct PostBody: Encodable {
    let id: String
    let threadID: String
    let communityID: String
    let kind: String
    let state: String
    @ExplicitNull var body: String?
    @ExplicitNull var practice: PracticeBody?
    @ExplicitNull var replyToID: String?
    @ExplicitNull var author: PersonBody?
    let authorLabel: String
    let writtenByMe: Bool
    let declaredInterest: Bool
    let onTheRecord: Bool
    @ExplicitNull var hiddenReason: String?
    let isOutcome: Bool
    let endorsements: EndorsementCountsBody
    @ExplicitNull var myEndorsement: String?
    let revision: Int
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, state, body, practice, author, endorsements, revision
        case threadID = "thread_id"
        case communityID = "community_id"
        case replyToID = "reply_to_id"
        case authorLabel = "author_label"
        case writtenByMe = "written_by_me"
        case declaredInterest = "declared_interest"
        case onTheRecord = "on_the_record"
        case hiddenReason = "hidden_reason"
        case isOutcome = "is_outcome"
        case myEndorsement = "my_endorsement"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ post: Post) {
        id = post.id.lowercasedString
        threadID = post.threadID.lowercasedString
        communityID = post.communityID.lowercasedString
        kind = post.kind.rawValue
        state = post.state.rawValue
        body = post.body
        practice = post.practice.map(PracticeBody.init)
        replyToID = post.replyTo?.lowercasedString
        author = post.author.map(PersonBody.init)
        authorLabel = AuthorLabel.label(post.author)
        writtenByMe = post.writtenByCaller
        declaredInterest = post.declaredInterest
        onTheRecord = post.onTheRecord
        hiddenReason = post.hiddenReason
        isOutcome = post.isOutcome
        endorsements = EndorsementCountsBody(thisHelped: post.thisHelpedCount, weDidThisToo: post.weDidThisTooCount)
        myEndorsement = post.callerEndorsement?.rawValue
        revision = post.revision
        createdAt = post.createdAt
        updatedAt = post.updatedAt
    }
}

struct NewPostBody: RequestBody {
    let kind: String?
    let body: String
    let practice: PracticeBody?
    let replyToID: UUID?
    let onTheRecord: Bool?
    let mentionIDs: [UUID]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, body, practice
        case replyToID = "reply_to_id"
        case onTheRecord = "on_the_record"
        case mentionIDs = "mention_ids"
    }
}

struct RevisionBody: Encodable {
    let revision: Int
    let kind: String
    let body: String
    @ExplicitNull var practice: PracticeBody?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case revision, kind, body, practice
        case createdAt = "created_at"
    }

    init(_ revision: PostRevision) {
        self.revision = revision.revision
        kind = revision.kind.rawValue
        body = revision.body
        practice = revision.practice.map(PracticeBody.init)
        createdAt = revision.createdAt
    }
}

struct NewEndorsementBody: RequestBody {
    let kind: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind
    }
}

struct EndorsementBody: Encodable {
    @ExplicitNull var account: PersonBody?
    let kind: String
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case account, kind
        case createdAt = "created_at"
    }

    init(_ endorsement: Endorsement) {
        account = endorsement.account.map(PersonBody.init)
        kind = endorsement.kind.rawValue
        createdAt = endorsement.createdAt
    }
}

struct PracticeEntryBody: Encodable {
    let postID: String
    let threadID: String
    let threadTitle: String
    let kind: String
    let practice: PracticeBody
    @ExplicitNull var author: PersonBody?
    let authorLabel: String
    let declaredInterest: Bool
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case kind, practice, author
        case postID = "post_id"
        case threadID = "thread_id"
        case threadTitle = "thread_title"
        case authorLabel = "author_label"
        case declaredInterest = "declared_interest"
        case createdAt = "created_at"
    }

    init(_ entry: PracticeEntry) {
        postID = entry.postID.lowercasedString
        threadID = entry.threadID.lowercasedString
        threadTitle = entry.threadTitle
        kind = entry.kind.rawValue
        practice = PracticeBody(entry.record)
        author = entry.author.map(PersonBody.init)
        authorLabel = AuthorLabel.label(entry.author)
        declaredInterest = entry.declaredInterest
        createdAt = entry.createdAt
    }
}
