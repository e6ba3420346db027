import APISupport
import AccessControl
import Crypto
import Foundation
import Membership

/// A membership: the community, the member's profile as the caller may see it, and its terms.
struct MemberBody: Encodable {
    /// The member's profile: fields the member keeps from the directory are null.
    struct Profile: Encodable {
        let id: String
        let displayName: String
        @ExplicitNull var email: String?
        @ExplicitNull var organisation: Organisation?
        @ExplicitNull var country: String?
        @ExplicitNull var sector: String?
        let memberKind: String
        @ExplicitNull var jobTitle: String?
        @ExplicitNull var expertise: [String]?

        enum CodingKeys: String, CodingKey {
            case id
            case displayName = "display_name"
            case email, organisation, country, sector
            case memberKind = "member_kind"
            case jobTitle = "job_title"
            case expertise
        }

        init(_ profile: MemberProfile) {
            id = profile.id.lowercasedString
            displayName = profile.displayName
            email = profile.email
            organisation = profile.organisation.map(Organisation.init)
            country = profile.country
            sector = profile.sector?.rawValue
            memberKind = profile.memberKind.rawValue
            jobTitle = profile.jobTitle
            expertise = profile.expertise
        }
    }

    struct Organisation: Encodable {
        let id: String
        let name: String
        let kind: String

        init(_ organisation: OrganisationSummary) {
            id = organisation.id.lowercasedString
            name = organisation.name
            kind = organisation.kind.rawValue
        }
    }

    let community: CommunitySummaryBody
    let account: Profile
    let role: String
    let status: String
    let joinedAt: Date
    @ExplicitNull var expiresAt: Date?
    let commercialInterest: Bool
    @ExplicitNull var acceptedNormsVersion: Int?

    enum CodingKeys: String, CodingKey {
        case community, account, role, status
        case joinedAt = "joined_at"
        case expiresAt = "expires_at"
        case commercialInterest = "commercial_interest"
        case acceptedNormsVersion = "accepted_norms_version"
    }

    init(_ member: Member) {
        community = CommunitySummaryBody(member.community)
        account = Profile(member.account)
        role = member.role.rawValue
        status = member.status.rawValue
        joinedAt = member.joinedAt
        expiresAt = member.expiresAt
        commercialInterest = member.commercialInterest
        acceptedNormsVersion = member.acceptedNormsVersion
    }
}
