import AccessControl
import Disclosure
import Foundation

public enum ThreadStatus: String, Sendable, CaseIterable {
    case open, exploring, resolved, archived
}

/// A reference to something a thread links, with the words it is known by.
public struct LinkedItem: Sendable, Equatable {
    public var id: UUID
    public var title: String
}

/// A shared problem that members work on together.
public struct Thread: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var circleID: UUID?
    public var meetingID: UUID?
    public var title: String
    public var problem: String
    public var themes: [LinkedItem]
    /// The linked needs and agenda items the caller may see.
    public var needs: [LinkedItem]
    public var agendaItems: [LinkedItem]
    public var status: ThreadStatus
    public var chathamHouse: Bool
    public var excludesVendors: Bool
    public var locked: Bool
    public var outcomePostID: UUID?
    /// Nil when the thread is under the Chatham House rule and the caller did not open it.
    public var createdBy: PersonSummary?
    public var createdByCaller: Bool
    public var postCount: Int
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// What a thread says and where it lives, as its author writes it.
public struct ThreadStatement: Sendable, Equatable {
    public var title: String
    public var problem: String
    public var themeIDs: [UUID]
    public var needIDs: [UUID]
    public var agendaItemIDs: [UUID]

    public init(
        title: String, problem: String = "", themeIDs: [UUID] = [], needIDs: [UUID] = [], agendaItemIDs: [UUID] = []
    ) {
        self.title = title
        self.problem = problem
        self.themeIDs = themeIDs
        self.needIDs = needIDs
        self.agendaItemIDs = agendaItemIDs
    }
}

/// Where a new thread lives and its rules; nil `chathamHouse` takes the meeting's or community's.
public struct ThreadSetting: Sendable, Equatable {
    public var circleID: UUID?
    public var meetingID: UUID?
    public var chathamHouse: Bool?
    public var excludesVendors: Bool

    public init(circleID: UUID? = nil, meetingID: UUID? = nil, chathamHouse: Bool? = nil, excludesVendors: Bool = false)
    {
        self.circleID = circleID
        self.meetingID = meetingID
        self.chathamHouse = chathamHouse
        self.excludesVendors = excludesVendors
    }
}

/// What a change of a thread may touch.
public struct ThreadChange: Sendable, Equatable {
    public var statement: ThreadStatement
    public var status: ThreadStatus
    public var chathamHouse: Bool
    public var excludesVendors: Bool
}

/// The filters of a community's threads list.
public struct ThreadQuery: Sendable, Equatable {
    public var themes: [UUID] = []
    public var statuses: [ThreadStatus] = []
    public var circleID: UUID?
    public var meetingID: UUID?
    public var needID: UUID?
    public var hasOutcome: Bool?

    public init() {}
}

/// Who posted in a thread, counted by country, region, sector and organisation kind, with small
/// cells suppressed (`PeopleBreakdown`).
public struct ThreadParticipation: Sendable, Equatable {
    public var minimumCellSize: Int
    public var breakdown: PeopleBreakdown
}
