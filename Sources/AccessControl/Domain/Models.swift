import Foundation

public enum MemberKind: String, Sendable, Codable, CaseIterable {
    case official, scholar, practitioner, vendor, facilitator
}

public enum PlatformRole: String, Sendable, Codable, CaseIterable {
    case admin, user
}

public enum AccountStatus: String, Sendable, Codable, CaseIterable {
    case invited, active, suspended, deleted
}

public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    case government, academic, practitioner, vendor, multilateral, other
}

public enum Sector: String, Sendable, Codable, CaseIterable {
    case education, finance, ict, communications, planning
    case scienceTechnology = "science_technology"
    case other
}

/// What an API token may do. A session may do all that its account may.
public enum Scope: String, Sendable, Codable, CaseIterable, Comparable {
    case communitiesRead = "communities:read"
    case communitiesWrite = "communities:write"
    case membersRead = "members:read"
    case membersWrite = "members:write"
    case threadsRead = "threads:read"
    case threadsWrite = "threads:write"
    case needsRead = "needs:read"
    case needsWrite = "needs:write"
    case webhooksManage = "webhooks:manage"
    case admin

    public static func < (a: Scope, b: Scope) -> Bool { a.rawValue < b.rawValue }
}

public struct Organisation: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var kind: OrganisationKind
    public var country: String
    public var sector: Sector?
    public var version: Int64
    public var createdAt: Date
}

public enum DigestFrequency: String, Sendable, CaseIterable {
    case off, daily, weekly
}

public struct Account: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var organisation: Organisation?
    public var jobTitle: String?
    public var country: String?
    public var memberKind: MemberKind
    public var expertise: [String]
    /// Whether the community directory shows the job title and expertise to other members.
    public var listJobTitle: Bool
    public var listExpertise: Bool
    public var locale: String
    public var timeZone: String
    /// How often the person is mailed a digest of unread notifications.
    public var digest: DigestFrequency
    public var platformRole: PlatformRole
    public var canCreateCommunities: Bool
    public var status: AccountStatus
    /// When a platform admin vouched for the member kind and organisation, and who (nil: at the
    /// command line, or before vouching was recorded); nil when nobody has: then they count only
    /// in the community whose convenor asserted them.
    public var verifiedAt: Date?
    public var verifiedBy: UUID?
    public var version: Int64
    public var createdAt: Date
}

public struct APIToken: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var accountID: UUID
    public var organisationID: UUID?
    public var prefix: String
    public var scopes: [Scope]
    public var communityIDs: [UUID]?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date
}

/// A token with its secret, as answered exactly once, at creation.
public struct IssuedToken: Sendable {
    public var token: APIToken
    public var secret: String
}

public struct IssuedSession: Sendable {
    public var id: UUID
    public var secret: String
    public var expiresAt: Date
}

/// A person as another member sees them: the short object embedded in every domain's responses.
public struct PersonSummary: Sendable, Equatable, Hashable {
    public var id: UUID
    public var displayName: String

    public init(id: UUID, displayName: String) {
        self.id = id
        self.displayName = displayName
    }
}
