import AccessControl
import Foundation

public enum AgendaStatus: String, Sendable, CaseIterable {
    case proposed, scheduled, done, dropped
}

/// A step from needs to a meeting or the programme.
public struct AgendaItem: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var settings: AgendaSettings
    public var presenter: PersonSummary?
    /// The needs it answers that the caller may see.
    public var needs: [NeedReference]
    public var createdBy: PersonSummary
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// A need as an agenda item names it, and an agenda item as a need names it.
public struct NeedReference: Sendable, Equatable {
    public var id: UUID
    public var title: String
}

public struct AgendaReference: Sendable, Equatable {
    public var id: UUID
    public var title: String
    public var status: AgendaStatus
}

/// What a convenor sets on an agenda item.
public struct AgendaSettings: Sendable, Equatable {
    public var title: String
    public var description = ""
    public var position = 0
    public var startsAt: Date?
    public var endsAt: Date?
    public var presenterID: UUID?
    public var meetingID: UUID?
    public var status = AgendaStatus.proposed
    public var needIDs: [UUID] = []

    public init(title: String) {
        self.title = title
    }
}

/// One change of an item: its fields as they became, who made it and when.
public struct AgendaEvent: Sendable, Equatable {
    public var id: UUID
    public var change: String
    public var fields: String
    public var actor: PersonSummary
    public var occurredAt: Date
}
