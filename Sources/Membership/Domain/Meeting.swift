import AccessControl
import Foundation

public enum RecordingRule: String, Sendable, CaseIterable {
    case off
    case withConsent = "with_consent"
    case on
}
/// What recording comes to once attendees answered: with consent, a single refusal turns it off.
public enum EffectiveRecording: String, Sendable, CaseIterable { case off, pending, on }
public enum RSVPResponse: String, Sendable, CaseIterable { case yes, no, maybe }
/// What breakout groups are mixed by: each group gets as many different values as possible.
public enum MixDimension: String, Sendable, CaseIterable { case country, sector }

/// A meeting and its rules, stated before anyone joins.
public struct Meeting: Sendable, Equatable {
    public var id: UUID
    public var communityID: UUID
    public var circleID: UUID?
    public var title: String
    public var description: String
    public var startsAt: Date
    public var endsAt: Date
    public var timeZone: String
    public var recording: RecordingRule
    public var effectiveRecording: EffectiveRecording
    public var observersAllowed: Bool
    public var chathamHouse: Bool
    public var createdBy: PersonSummary
    /// The caller's own answer.
    public var viewerResponse: RSVPResponse?
    public var viewerRecordingConsent: Bool?
    public var yesCount: Int
    public var noCount: Int
    public var maybeCount: Int
    public var version: Int64
    public var createdAt: Date
}

public struct MeetingInput: Sendable {
    public var title: String
    public var description = ""
    public var startsAt: Date
    public var endsAt: Date
    public var timeZone: String
    public var circleID: UUID?
    /// nil: `off`.
    public var recording: RecordingRule?
    /// nil: the community's setting.
    public var observersAllowed: Bool?
    public var chathamHouse: Bool?
    public init(title: String, startsAt: Date, endsAt: Date, timeZone: String) {
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
    }
}

public struct RSVP: Sendable, Equatable {
    public var account: PersonSummary
    public var response: RSVPResponse
    public var recordingConsent: Bool?
    public var answeredAt: Date
}

public struct Attendance: Sendable, Equatable {
    public var account: PersonSummary
    public var markedBy: PersonSummary
    public var markedAt: Date
}

public struct BreakoutGroup: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var account: PersonSummary
        public var country: String?
        public var sector: String?
    }
    public var id: UUID
    public var meetingID: UUID
    public var name: String
    public var members: [Member]
    public var createdAt: Date
}
