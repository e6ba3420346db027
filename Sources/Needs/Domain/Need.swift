import AccessControl
import Foundation

public enum NeedSource: String, Sendable, CaseIterable {
    /// Written by the member.
    case `self`
    /// Coded by a convenor from the member's survey answer.
    case survey
    /// Recorded by a convenor in an intake interview, with the member's consent.
    case interview
}

public enum NeedStatus: String, Sendable, CaseIterable {
    case open, addressed, withdrawn
}

/// A challenge statement: what a member faces, attributed to them.
public struct Need: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var circleID: UUID?
    public var author: PersonSummary
    /// Who wrote it down: the author, or the convenor who recorded it.
    public var recordedBy: PersonSummary
    public var source: NeedSource
    public var consentRecordedAt: Date?
    public var title: String
    public var description: String
    public var urgency: Int
    public var status: NeedStatus
    public var themes: [ThemeSummary]
    public var cosignCount: Int
    public var cosignedByCaller: Bool
    /// The agenda items that answer it, that the caller may see.
    public var agendaItems: [AgendaReference]
    /// Only for the community's convenors; nil for everyone else.
    public var convenorNotes: String?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// What a need says, as its author (or a convenor recording it) writes it.
public struct NeedStatement: Sendable, Equatable {
    public var title: String
    public var description: String
    public var themeIDs: [UUID]
    public var urgency: Int
    public var circleID: UUID?

    public init(title: String, description: String = "", themeIDs: [UUID] = [], urgency: Int, circleID: UUID? = nil) {
        self.title = title
        self.description = description
        self.themeIDs = themeIDs
        self.urgency = urgency
        self.circleID = circleID
    }
}

/// A convenor's record of a need heard in an intake interview, on a member's behalf.
public struct InterviewRecord: Sendable, Equatable {
    public var member: UUID
    /// The member agreed that the need be recorded in their name.
    public var consent: Bool

    public init(member: UUID, consent: Bool) {
        self.member = member
        self.consent = consent
    }
}

/// The filters and order of a community's needs list.
public struct NeedQuery: Sendable, Equatable {
    public enum Order: String, Sendable, CaseIterable {
        case newest
        /// Most co-signed first.
        case cosigned
        /// Most urgent first.
        case urgent
    }

    public var themes: [UUID] = []
    public var countries: [String] = []
    public var sectors: [String] = []
    public var statuses: [NeedStatus] = []
    public var minimumUrgency: Int?
    public var circleID: UUID?
    public var order: Order = .newest

    public init() {}
}

/// What a change of a need may touch: the author's statement and status, a convenor's notes.
public struct NeedChange: Sendable, Equatable {
    public var statement: NeedStatement
    public var status: NeedStatus
    public var convenorNotes: String
}

/// A member who co-signed a need ("we face this too").
public struct Cosign: Sendable, Equatable {
    public var account: PersonSummary
    public var createdAt: Date
}
