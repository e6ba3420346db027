import APISupport
import Crypto
import Foundation
import HTTP
import Membership

struct InvitationBody: Encodable {
    let id: String
    let community: CommunitySummaryBody
    let account: PersonBody
    let role: String
    @ExplicitNull var membershipExpiresAt: Date?
    let message: String
    let invitedBy: PersonBody
    let status: String
    let expiresAt: Date
    @ExplicitNull var decidedAt: Date?
    let createdAt: Date
    /// Only in the answer that created an account for an unknown email: left out otherwise.
    let activationToken: String?
    let activationExpiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, community, account, role
        case membershipExpiresAt = "membership_expires_at"
        case message
        case invitedBy = "invited_by"
        case status
        case expiresAt = "expires_at"
        case decidedAt = "decided_at"
        case createdAt = "created_at"
        case activationToken = "activation_token"
        case activationExpiresAt = "activation_expires_at"
    }

    init(_ invitation: Invitation, activation: (secret: String, expiresAt: Date)? = nil) {
        id = invitation.id.lowercasedString
        community = CommunitySummaryBody(invitation.community)
        account = PersonBody(invitation.account)
        role = invitation.role.rawValue
        membershipExpiresAt = invitation.membershipExpiresAt
        message = invitation.message
        invitedBy = PersonBody(invitation.invitedBy)
        status = invitation.status.rawValue
        expiresAt = invitation.expiresAt
        decidedAt = invitation.decidedAt
        createdAt = invitation.createdAt
        activationToken = activation?.secret
        activationExpiresAt = activation?.expiresAt
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
