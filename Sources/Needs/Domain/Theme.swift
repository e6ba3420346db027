import AccessControl
import Foundation

public enum ThemeStatus: String, Sendable, CaseIterable {
    /// Suggested by a member, waiting for a convenor to accept or decline it.
    case suggested
    case active
    case declined
    /// Kept for the needs that name it; no new links.
    case retired
    /// Its links moved to `mergedInto`.
    case merged
}

/// One of a community's challenge areas.
public struct Theme: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var name: String
    public var description: String
    public var status: ThemeStatus
    public var mergedInto: UUID?
    public var declineReason: String?
    public var createdBy: PersonSummary
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// What a convenor sets on a theme (and a member on a suggestion).
public struct ThemeSettings: Sendable, Equatable {
    public var name: String
    public var description: String

    /// `name` is kept as people would read it: composed (NFC), every run of spaces of any kind
    /// one space, trimmed, so that names differing only there are one name.
    public init(name: String, description: String = "") {
        self.name = name.precomposedStringWithCanonicalMapping.split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
        self.description = description
    }
}

/// A theme as a need names it.
public struct ThemeSummary: Sendable, Equatable, Hashable {
    public var id: UUID
    public var name: String
}
