import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP

struct TokenBody: Encodable {
    let id: String
    let name: String
    let accountID: String
    @ExplicitNull var organisationID: String?
    let prefix: String
    let scopes: [String]
    @ExplicitNull var communityIDs: [String]?
    @ExplicitNull var expiresAt: Date?
    @ExplicitNull var lastUsedAt: Date?
    @ExplicitNull var revokedAt: Date?
    let createdAt: Date
    /// The secret: only in the answer that creates the token, left out otherwise.
    let token: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case accountID = "account_id"
        case organisationID = "organisation_id"
        case prefix, scopes
        case communityIDs = "community_ids"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
        case createdAt = "created_at"
        case token
    }

    init(_ token: APIToken, secret: String? = nil) {
        id = token.id.lowercasedString
        name = token.name
        accountID = token.accountID.lowercasedString
        organisationID = token.organisationID?.lowercasedString
        prefix = token.prefix
        scopes = token.scopes.map(\.rawValue)
        communityIDs = token.communityIDs?.map(\.lowercasedString)
        expiresAt = token.expiresAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
        createdAt = token.createdAt
        self.token = secret
    }

    init(_ issued: IssuedToken) {
        self.init(issued.token, secret: issued.secret)
    }
}

struct NewTokenBody: RequestBody {
    let name: String
    let scopes: [String]
    let communityIDs: [UUID]?
    let expiresAt: Date?
    let organisationID: UUID?
    let accountID: UUID?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, scopes
        case communityIDs = "community_ids"
        case expiresAt = "expires_at"
        case organisationID = "organisation_id"
        case accountID = "account_id"
    }
}

struct RotationBody: RequestBody {
    let overlapSeconds: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case overlapSeconds = "overlap_seconds"
    }
}
