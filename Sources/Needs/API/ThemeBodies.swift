import APISupport
import Crypto
import Foundation
import HTTP
import Needs

struct ThemeBody: Encodable {
    let id: String
    let communityID: String
    let name: String
    let description: String
    let status: String
    /// The theme that took over a merged theme's links.
    @ExplicitNull var mergedInto: String?
    @ExplicitNull var declineReason: String?
    let createdBy: PersonBody
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case name, description, status
        case mergedInto = "merged_into"
        case declineReason = "decline_reason"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ theme: Theme) {
        id = theme.id.lowercasedString
        communityID = theme.communityID.lowercasedString
        name = theme.name
        description = theme.description
        status = theme.status.rawValue
        mergedInto = theme.mergedInto?.lowercasedString
        declineReason = theme.declineReason
        createdBy = PersonBody(theme.createdBy)
        createdAt = theme.createdAt
        updatedAt = theme.updatedAt
    }
}

/// A new theme (or a member's suggestion); its members are also what a merge patch may change,
/// with `status`.
struct NewThemeBody: RequestBody {
    let name: String
    let description: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description
    }
}

struct ThemeMergeBody: RequestBody {
    let into: UUID

    enum CodingKeys: String, CodingKey, CaseIterable {
        case into
    }
}
