import APISupport
import Crypto
import Foundation
import HTTP
import Membership

struct DeclarationBody: Encodable {
    let id: String
    @ExplicitNull var communityID: String?
    let description: String
    let themeIDs: [String]
    let createdAt: Date
    @ExplicitNull var withdrawnAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case description
        case themeIDs = "theme_ids"
        case createdAt = "created_at"
        case withdrawnAt = "withdrawn_at"
    }

    init(_ declaration: Declaration) {
        id = declaration.id.lowercasedString
        communityID = declaration.communityID?.lowercasedString
        description = declaration.description
        themeIDs = declaration.themeIDs.map(\.lowercasedString)
        createdAt = declaration.createdAt
        withdrawnAt = declaration.withdrawnAt
    }
}

struct NewDeclarationBody: RequestBody {
    let description: String
    let communityID: UUID?
    let themeIDs: [UUID]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case description
        case communityID = "community_id"
        case themeIDs = "theme_ids"
    }
}
