import AccessControl
import Foundation

public enum JoinPolicy: String, Sendable, CaseIterable {
    case inviteOnly = "invite_only"
    case apply
}
public enum CommunityVisibility: String, Sendable, CaseIterable { case listed, unlisted }
public enum ObserverHistory: String, Sendable, CaseIterable {
    case sinceJoined = "since_joined"
    case all
}
public enum RecordingPolicy: String, Sendable, CaseIterable {
    case never
    case withConsent = "with_consent"
    case always
}
public typealias MembershipRole = CommunityRole

/// A community of practice and its trust rules.
public struct Community: Sendable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
    public var purpose: String
    public var visibility: CommunityVisibility
    public var joinPolicy: JoinPolicy
    public var criteria: String
    public var allowedMemberKinds: [MemberKind]
    public var observersAllowed: Bool
    public var observerHistory: ObserverHistory
    public var chathamHouse: Bool
    public var recordingPolicy: RecordingPolicy
    public var minCellSize: Int
    public var needsVisibleToVendors: Bool
    public var version: Int64
    public var createdAt: Date
    /// The caller's role when they are an active member; nil for an outsider, who sees the card only.
    public var viewerRole: MembershipRole?
}

/// The settings a community is created with, or changed to.
public struct CommunitySettings: Sendable {
    public var slug: String
    public var name: String
    public var purpose = ""
    public var visibility = CommunityVisibility.unlisted
    public var joinPolicy = JoinPolicy.inviteOnly
    public var criteria = ""
    public var allowedMemberKinds = MemberKind.allCases
    public var observersAllowed = false
    public var observerHistory = ObserverHistory.sinceJoined
    public var chathamHouse = false
    public var recordingPolicy = RecordingPolicy.never
    public var minCellSize = 3
    public var needsVisibleToVendors = false

    public init(slug: String, name: String) {
        self.slug = slug
        self.name = name
    }

    init(_ community: Community) {
        slug = community.slug
        name = community.name
        purpose = community.purpose
        visibility = community.visibility
        joinPolicy = community.joinPolicy
        criteria = community.criteria
        allowedMemberKinds = community.allowedMemberKinds
        observersAllowed = community.observersAllowed
        observerHistory = community.observerHistory
        chathamHouse = community.chathamHouse
        recordingPolicy = community.recordingPolicy
        minCellSize = community.minCellSize
        needsVisibleToVendors = community.needsVisibleToVendors
    }
}
