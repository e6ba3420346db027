import APISupport
import Crypto
import Foundation
import HTTP
import Membership

/// A version of a community's norms, with the caller's acceptance and the count of acceptances.
struct NormsVersionBody: Encodable {
    let communityID: String
    let version: Int
    let text: String
    let publishedBy: PersonBody
    let publishedAt: Date
    let current: Bool
    @ExplicitNull var acceptedAt: Date?
    let acceptanceCount: Int

    enum CodingKeys: String, CodingKey {
        case communityID = "community_id"
        case version, text
        case publishedBy = "published_by"
        case publishedAt = "published_at"
        case current
        case acceptedAt = "accepted_at"
        case acceptanceCount = "acceptance_count"
    }

    init(_ norms: NormsVersion) {
        communityID = norms.communityID.lowercasedString
        version = norms.version
        text = norms.text
        publishedBy = PersonBody(norms.publishedBy)
        publishedAt = norms.publishedAt
        current = norms.isCurrent
        acceptedAt = norms.acceptedAt
        acceptanceCount = norms.acceptanceCount
    }
}

struct AcceptanceBody: Encodable {
    let communityID: String
    let version: Int
    let account: PersonBody
    let acceptedAt: Date

    enum CodingKeys: String, CodingKey {
        case communityID = "community_id"
        case version, account
        case acceptedAt = "accepted_at"
    }

    init(_ acceptance: NormsAcceptance) {
        communityID = acceptance.communityID.lowercasedString
        version = acceptance.version
        account = PersonBody(acceptance.account)
        acceptedAt = acceptance.acceptedAt
    }
}

struct AmendmentBody: Encodable {
    let id: String
    let communityID: String
    let baseVersion: Int
    let text: String
    let rationale: String
    let proposedBy: PersonBody
    let status: String
    @ExplicitNull var decisionReason: String?
    @ExplicitNull var decidedBy: PersonBody?
    @ExplicitNull var decidedAt: Date?
    @ExplicitNull var adoptedVersion: Int?
    let endorsementCount: Int
    let endorsed: Bool
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case baseVersion = "base_version"
        case text, rationale
        case proposedBy = "proposed_by"
        case status
        case decisionReason = "decision_reason"
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case adoptedVersion = "adopted_version"
        case endorsementCount = "endorsement_count"
        case endorsed
        case createdAt = "created_at"
    }

    init(_ amendment: Amendment) {
        id = amendment.id.lowercasedString
        communityID = amendment.communityID.lowercasedString
        baseVersion = amendment.baseVersion
        text = amendment.text
        rationale = amendment.rationale
        proposedBy = PersonBody(amendment.proposedBy)
        status = amendment.status.rawValue
        decisionReason = amendment.decisionReason
        decidedBy = amendment.decidedBy.map(PersonBody.init)
        decidedAt = amendment.decidedAt
        adoptedVersion = amendment.adoptedVersion
        endorsementCount = amendment.endorsementCount
        endorsed = amendment.endorsed
        createdAt = amendment.createdAt
    }
}

struct NormsTextBody: RequestBody {
    let text: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text
    }
}

struct NewAmendmentBody: RequestBody {
    let text: String
    let rationale: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, rationale
    }
}
