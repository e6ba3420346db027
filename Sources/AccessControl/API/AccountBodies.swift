import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

/// An account as its holder and the platform's admins see it.
struct AccountBody: Encodable {
    let id: String
    let email: String
    let displayName: String
    @ExplicitNull var organisation: OrganisationBody?
    @ExplicitNull var jobTitle: String?
    @ExplicitNull var country: String?
    let memberKind: String
    let expertise: [String]
    let listJobTitle: Bool
    let listExpertise: Bool
    let locale: String
    let timeZone: String
    let digest: String
    let platformRole: String
    let canCreateCommunities: Bool
    let status: String
    @ExplicitNull var verifiedAt: Date?
    @ExplicitNull var verifiedBy: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email
        case displayName = "display_name"
        case organisation
        case jobTitle = "job_title"
        case country
        case memberKind = "member_kind"
        case expertise
        case listJobTitle = "list_job_title"
        case listExpertise = "list_expertise"
        case locale
        case timeZone = "time_zone"
        case digest
        case platformRole = "platform_role"
        case canCreateCommunities = "can_create_communities"
        case status
        case verifiedAt = "verified_at"
        case verifiedBy = "verified_by"
        case createdAt = "created_at"
    }

    init(_ account: Account) {
        id = account.id.lowercasedString
        email = account.email
        displayName = account.displayName
        organisation = account.organisation.map(OrganisationBody.init)
        jobTitle = account.jobTitle
        country = account.country
        memberKind = account.memberKind.rawValue
        expertise = account.expertise
        listJobTitle = account.listJobTitle
        listExpertise = account.listExpertise
        locale = account.locale
        timeZone = account.timeZone
        digest = account.digest.rawValue
        platformRole = account.platformRole.rawValue
        canCreateCommunities = account.canCreateCommunities
        status = account.status.rawValue
        verifiedAt = account.verifiedAt
        verifiedBy = account.verifiedBy?.lowercasedString
        createdAt = account.createdAt
    }
}

struct NewAccountBody: RequestBody {
    let email: String
    let displayName: String
    let password: String?
    let memberKind: String
    let organisationID: UUID?
    let jobTitle: String?
    let country: String?
    let expertise: [String]?
    let locale: String?
    let timeZone: String?
    let platformRole: String?
    let canCreateCommunities: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case email
        case displayName = "display_name"
        case password
        case memberKind = "member_kind"
        case organisationID = "organisation_id"
        case jobTitle = "job_title"
        case country, expertise, locale
        case timeZone = "time_zone"
        case platformRole = "platform_role"
        case canCreateCommunities = "can_create_communities"
    }
}
