import APISupport
import Crypto
import Foundation
import HTTP
import Membership

struct InvitationBody: Encodable {
    let id: String
    let community: CommunitySummaryBody
    /// Null for an invitation by email until it is accepted.
    @ExplicitNull var account: PersonBody?
    @ExplicitNull var email: String?
    let role: String
    @ExplicitNull var membershipExpiresAt: Date?
    let message: String
    let invitedBy: PersonBody
    let status: String
    let expiresAt: Date
    @ExplicitNull var decidedAt: Date?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, community, account, email, role
        case membershipExpiresAt = "membership_expires_at"
        case message
        case invitedBy = "invited_by"
        case status
        case expiresAt = "expires_at"
        case decidedAt = "decided_at"
        case createdAt = "created_at"
    }

    init(_ invitation: Invitation) {
        id = invitation.id.lowercasedString
        community = CommunitySummaryBody(invitation.community)
        account = invitation.account.map(PersonBody.init)
        email = invitation.email
        role = invitation.role.rawValue
        membershipExpiresAt = invitation.membershipExpiresAt
        message = invitation.message
        invitedBy = PersonBody(invitation.invitedBy)
        status = invitation.status.rawValue
        expiresAt = invitation.expiresAt
        decidedAt = invitation.decidedAt
        createdAt = invitation.createdAt
    }
}

/// An invitation names an existing account, or an email (with the new account's details).
struct NewInvitationBody: RequestBody {
    let accountID: UUID?
    let email: String?
    let displayName: String?
    let memberKind: String?
    let role: String?
    let expiresAt: Date?
    let message: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accountID = "account_id"
        case email
        case displayName = "display_name"
        case memberKind = "member_kind"
        case role
        case expiresAt = "expires_at"
        case message
    }
}

/// The token of an invitation message's decline link.
struct InvitationDeclineBody: RequestBody {
    let token: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case token
    }
}
