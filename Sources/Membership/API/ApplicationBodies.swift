import APISupport
import Crypto
import Foundation
import HTTP
import Membership

struct ApplicationBody: Encodable {
    let id: String
    let community: CommunitySummaryBody
    let account: PersonBody
    let answers: [String: String]
    let status: String
    @ExplicitNull var role: String?
    @ExplicitNull var reason: String?
    @ExplicitNull var decidedBy: PersonBody?
    @ExplicitNull var decidedAt: Date?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, community, account, answers, status, role, reason
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case createdAt = "created_at"
    }

    /// Throws when the stored answers are not an object of strings.
    init(_ application: MembershipApplication) throws {
        id = application.id.lowercasedString
        community = CommunitySummaryBody(application.community)
        account = PersonBody(application.account)
        answers = try JSONDecoder().decode([String: String].self, from: Data(application.answers.utf8))
        status = application.status.rawValue
        role = application.role?.rawValue
        reason = application.reason
        decidedBy = application.decidedBy.map(PersonBody.init)
        decidedAt = application.decidedAt
        createdAt = application.createdAt
    }
}

struct NewApplicationBody: RequestBody {
    let answers: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case answers
    }
}

/// The optional body of an approval: the role the applicant gets.
struct ApprovalBody: RequestBody {
    let role: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role
    }
}
