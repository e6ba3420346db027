import APISupport
import Crypto
import Foundation
import Membership

/// A community: the card for outsiders and guests, every setting for members (with their
/// `viewer_role`). The settings are left out, not null, for the others: not theirs to see.
struct CommunityBody: Encodable {
    let id: String
    let slug: String
    let name: String
    let purpose: String
    let visibility: String
    let joinPolicy: String
    let criteria: String
    let allowedMemberKinds: [String]
    @ExplicitNull var viewerRole: String?
    let observersAllowed: Bool?
    let observerHistory: String?
    let chathamHouse: Bool?
    let recordingPolicy: String?
    let minCellSize: Int?
    let needsVisibleToVendors: Bool?
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, slug, name, purpose, visibility
        case joinPolicy = "join_policy"
        case criteria
        case allowedMemberKinds = "allowed_member_kinds"
        case viewerRole = "viewer_role"
        case observersAllowed = "observers_allowed"
        case observerHistory = "observer_history"
        case chathamHouse = "chatham_house"
        case recordingPolicy = "recording_policy"
        case minCellSize = "min_cell_size"
        case needsVisibleToVendors = "needs_visible_to_vendors"
        case createdAt = "created_at"
    }

    init(_ community: Community) {
        id = community.id.lowercasedString
        slug = community.slug
        name = community.name
        purpose = community.purpose
        visibility = community.visibility.rawValue
        joinPolicy = community.joinPolicy.rawValue
        criteria = community.criteria
        allowedMemberKinds = community.allowedMemberKinds.map(\.rawValue)
        viewerRole = community.viewerRole?.rawValue
        let member = community.viewerRole != nil && community.viewerRole != .guest
        observersAllowed = member ? community.observersAllowed : nil
        observerHistory = member ? community.observerHistory.rawValue : nil
        chathamHouse = member ? community.chathamHouse : nil
        recordingPolicy = member ? community.recordingPolicy.rawValue : nil
        minCellSize = member ? community.minCellSize : nil
        needsVisibleToVendors = member ? community.needsVisibleToVendors : nil
        createdAt = member ? community.createdAt : nil
    }
}
