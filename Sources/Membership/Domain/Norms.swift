import AccessControl
import Foundation

public enum AmendmentStatus: String, Sendable, CaseIterable { case open, adopted, declined }

/// One published version of a community's charter.
public struct NormsVersion: Sendable, Equatable {
    public var communityID: UUID
    public var version: Int
    public var text: String
    public var publishedBy: PersonSummary
    public var publishedAt: Date
    public var isCurrent: Bool
    /// When the caller accepted this version (nil: not accepted).
    public var acceptedAt: Date?
    public var acceptanceCount: Int
}

/// Who accepted a version, and when.
public struct NormsAcceptance: Sendable, Equatable {
    public var communityID: UUID
    public var version: Int
    public var account: PersonSummary
    public var acceptedAt: Date
}

/// A member's proposal to replace the charter text, which convenors adopt or decline.
public struct Amendment: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var baseVersion: Int
    public var text: String
    public var rationale: String
    public var proposedBy: PersonSummary
    public var status: AmendmentStatus
    public var decisionReason: String?
    public var decidedBy: PersonSummary?
    public var decidedAt: Date?
    public var adoptedVersion: Int?
    public var endorsementCount: Int
    /// Whether the caller endorsed it.
    public var endorsed: Bool
    public var version: Int64
    public var createdAt: Date
}
