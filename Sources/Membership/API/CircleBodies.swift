import APISupport
import Crypto
import Foundation
import HTTP
import Membership

struct CircleBody: Encodable {
    let id: String
    let communityID: String
    let name: String
    let description: String
    let governmentOnly: Bool
    let excludesVendors: Bool
    let memberCount: Int
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case name, description
        case governmentOnly = "government_only"
        case excludesVendors = "excludes_vendors"
        case memberCount = "member_count"
        case createdAt = "created_at"
    }

    init(_ circle: Circle) {
        id = circle.id.lowercasedString
        communityID = circle.communityID.lowercasedString
        name = circle.name
        description = circle.description
        governmentOnly = circle.governmentOnly
        excludesVendors = circle.excludesVendors
        memberCount = circle.memberCount
        createdAt = circle.createdAt
    }
}

struct CircleMemberBody: Encodable {
    let account: PersonBody
    let memberKind: String
    let addedBy: PersonBody
    let addedAt: Date

    enum CodingKeys: String, CodingKey {
        case account
        case memberKind = "member_kind"
        case addedBy = "added_by"
        case addedAt = "added_at"
    }

    init(_ member: CircleMember) {
        account = PersonBody(member.account)
        memberKind = member.memberKind.rawValue
        addedBy = PersonBody(member.addedBy)
        addedAt = member.addedAt
    }
}

/// An entry of a circle's history: who was added or removed, by whom.
struct CircleEventBody: Encodable {
    let id: String
    let account: PersonBody
    let change: String
    let actor: PersonBody
    let occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case id, account, change, actor
        case occurredAt = "occurred_at"
    }

    init(_ event: CircleEvent) {
        id = event.id.lowercasedString
        account = PersonBody(event.account)
        change = event.change.rawValue
        actor = PersonBody(event.actor)
        occurredAt = event.occurredAt
    }
}

/// A new circle; its members are also what a merge patch of a circle may change.
struct NewCircleBody: RequestBody {
    let name: String
    let description: String?
    let governmentOnly: Bool?
    let excludesVendors: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description
        case governmentOnly = "government_only"
        case excludesVendors = "excludes_vendors"
    }
}

struct AccountReferenceBody: RequestBody {
    let accountID: UUID

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accountID = "account_id"
    }
}
