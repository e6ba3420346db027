import APISupport
import AccessControl
import Foundation
import HTTP

// Request and response bodies of the access-control endpoints. Optional fields are written as
// `null` rather than left out, so that every response of a kind has the same members.

struct OrganisationBody: Encodable {
    let organisation: Organisation

    enum Keys: String, CodingKey { case id, name, kind, country, sector, created_at }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(organisation.id.uuidString.lowercased(), forKey: .id)
        try container.encode(organisation.name, forKey: .name)
        try container.encode(organisation.kind.rawValue, forKey: .kind)
        try container.encode(organisation.country, forKey: .country)
        try container.encode(organisation.sector?.rawValue, forKey: .sector)
        try container.encode(organisation.createdAt, forKey: .created_at)
    }
}

struct AccountBody: Encodable {
    let account: Account
    /// Only in the answer that creates an account without a password.
    var activation: (secret: String, expiresAt: Date)? = nil

    enum Keys: String, CodingKey {
        case id, email, display_name, organisation, job_title, country, member_kind, expertise, list_job_title,
            list_expertise
        case locale, time_zone
        case platform_role, can_create_communities, status, created_at
        case activation_token, activation_expires_at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(account.id.uuidString.lowercased(), forKey: .id)
        try container.encode(account.email, forKey: .email)
        try container.encode(account.displayName, forKey: .display_name)
        try container.encode(account.organisation.map(OrganisationBody.init), forKey: .organisation)
        try container.encode(account.jobTitle, forKey: .job_title)
        try container.encode(account.country, forKey: .country)
        try container.encode(account.memberKind.rawValue, forKey: .member_kind)
        try container.encode(account.expertise, forKey: .expertise)
        try container.encode(account.listJobTitle, forKey: .list_job_title)
        try container.encode(account.listExpertise, forKey: .list_expertise)
        try container.encode(account.locale, forKey: .locale)
        try container.encode(account.timeZone, forKey: .time_zone)
        try container.encode(account.platformRole.rawValue, forKey: .platform_role)
        try container.encode(account.canCreateCommunities, forKey: .can_create_communities)
        try container.encode(account.status.rawValue, forKey: .status)
        try container.encode(account.createdAt, forKey: .created_at)
        if let activation {
            try container.encode(activation.secret, forKey: .activation_token)
            try container.encode(activation.expiresAt, forKey: .activation_expires_at)
        }
    }
}

struct TokenBody: Encodable {
    let token: APIToken
    /// Present only in the answer that creates the token.
    var secret: String?

    enum Keys: String, CodingKey {
        case id, name, account_id, organisation_id, prefix, scopes, community_ids, expires_at, last_used_at, revoked_at
        case created_at, token
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(token.id.uuidString.lowercased(), forKey: .id)
        try container.encode(token.name, forKey: .name)
        try container.encode(token.accountID.uuidString.lowercased(), forKey: .account_id)
        try container.encode(token.organisationID?.uuidString.lowercased(), forKey: .organisation_id)
        try container.encode(token.prefix, forKey: .prefix)
        try container.encode(token.scopes.map(\.rawValue), forKey: .scopes)
        try container.encode(token.communityIDs?.map { $0.uuidString.lowercased() }, forKey: .community_ids)
        try container.encode(token.expiresAt, forKey: .expires_at)
        try container.encode(token.lastUsedAt, forKey: .last_used_at)
        try container.encode(token.revokedAt, forKey: .revoked_at)
        try container.encode(token.createdAt, forKey: .created_at)
        if let secret { try container.encode(secret, forKey: .token) }
    }
}

struct SessionBody: Encodable {
    let id: String
    let token: String
    let expires_at: Date
}

struct SessionInfoBody: Encodable {
    let id: String
    let created_at: Date
    let last_seen_at: Date
    let expires_at: Date
    let current: Bool

    init(_ session: SessionInfo) {
        id = session.id.uuidString.lowercased()
        created_at = session.createdAt
        last_seen_at = session.lastSeenAt
        expires_at = session.expiresAt
        current = session.current
    }
}

struct RedeemBody: Decodable {
    let token: String
    let password: String
}

struct ResetBody: Encodable {
    let reset_token: String
    let expires_at: Date
}

struct RotationBody: Decodable {
    let overlap_seconds: Int?
}

struct PasswordChangeBody: Decodable {
    let current_password: String
    let new_password: String
}

struct AuditEventBody: Encodable {
    let event: AuditEvent

    enum Keys: String, CodingKey {
        case id, sequence, occurred_at, actor_id, action, target_type, target_id, request_id, details, hash
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(event.id.uuidString.lowercased(), forKey: .id)
        try container.encode(event.sequence, forKey: .sequence)
        try container.encode(event.occurredAt, forKey: .occurred_at)
        try container.encode(event.actorID?.uuidString.lowercased(), forKey: .actor_id)
        try container.encode(event.action, forKey: .action)
        try container.encode(event.targetType, forKey: .target_type)
        try container.encode(event.targetID, forKey: .target_id)
        try container.encode(event.requestID, forKey: .request_id)
        try container.encode(JSONValue(parsing: event.details) ?? .object([:]), forKey: .details)
        try container.encode(event.hash, forKey: .hash)
    }
}

struct VerificationBody: Encodable {
    let verification: AuditVerification

    enum Keys: String, CodingKey { case intact, checked, first_broken_sequence, anchor_matches, head }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(verification.isIntact, forKey: .intact)
        try container.encode(verification.checked, forKey: .checked)
        try container.encode(verification.firstBrokenSequence, forKey: .first_broken_sequence)
        try container.encode(verification.anchorMatches, forKey: .anchor_matches)
        try container.encode(verification.head, forKey: .head)
    }
}

struct NewOrganisationBody: Decodable {
    let name: String
    let kind: String
    let country: String
    let sector: String?
}

struct NewAccountBody: Decodable {
    let email: String
    let display_name: String
    let password: String?
    let member_kind: String
    let organisation_id: UUID?
    let job_title: String?
    let country: String?
    let expertise: [String]?
    let locale: String?
    let time_zone: String?
    let platform_role: String?
    let can_create_communities: Bool?
}

struct LoginBody: Decodable {
    let email: String
    let password: String
}

struct NewTokenBody: Decodable {
    let name: String
    let scopes: [String]
    let community_ids: [UUID]?
    let expires_at: Date?
    let organisation_id: UUID?
    let account_id: UUID?
}
