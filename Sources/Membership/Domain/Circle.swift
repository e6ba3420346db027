import AccessControl
import Foundation

/// A circle of trust: a named sub-group of a community whose content only its members see.
public struct Circle: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var name: String
    public var description: String
    /// Admits only members of kind `official`.
    public var governmentOnly: Bool
    /// Admits nobody with a commercial interest.
    public var excludesVendors: Bool
    public var memberCount: Int
    public var version: Int64
    public var createdAt: Date
}

public struct CircleSettings: Sendable {
    public var name: String
    public var description = ""
    public var governmentOnly = false
    public var excludesVendors = false
    public init(name: String) { self.name = name }
}

public struct CircleMember: Sendable, Equatable {
    public var account: PersonSummary
    public var memberKind: MemberKind
    public var addedBy: PersonSummary
    public var addedAt: Date
}

public enum CircleChange: String, Sendable, CaseIterable { case added, removed }

/// One entry of a circle's membership history.
public struct CircleEvent: Sendable, Equatable {
    public var id: UUID
    public var account: PersonSummary
    public var change: CircleChange
    public var actor: PersonSummary
    public var occurredAt: Date
}
