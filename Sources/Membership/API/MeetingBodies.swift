import APISupport
import Crypto
import Foundation
import HTTP
import Membership

/// A meeting with its rules, the caller's RSVP (null when none) and the counts of answers.
struct MeetingBody: Encodable {
    struct Rules: Encodable {
        let recording: String
        let recordingEffective: String
        let observersAllowed: Bool
        let chathamHouse: Bool

        enum CodingKeys: String, CodingKey {
            case recording
            case recordingEffective = "recording_effective"
            case observersAllowed = "observers_allowed"
            case chathamHouse = "chatham_house"
        }
    }

    struct ViewerRSVP: Encodable {
        let response: String
        @ExplicitNull var recordingConsent: Bool?

        enum CodingKeys: String, CodingKey {
            case response
            case recordingConsent = "recording_consent"
        }
    }

    struct Counts: Encodable {
        let yes: Int
        let no: Int
        let maybe: Int
    }

    let id: String
    let communityID: String
    @ExplicitNull var circleID: String?
    let title: String
    let description: String
    let startsAt: Date
    let endsAt: Date
    let timeZone: String
    let rules: Rules
    let createdBy: PersonBody
    @ExplicitNull var viewerRSVP: ViewerRSVP?
    let rsvpCounts: Counts
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case communityID = "community_id"
        case circleID = "circle_id"
        case title, description
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case timeZone = "time_zone"
        case rules
        case createdBy = "created_by"
        case viewerRSVP = "viewer_rsvp"
        case rsvpCounts = "rsvp_counts"
        case createdAt = "created_at"
    }

    init(_ meeting: Meeting) {
        id = meeting.id.lowercasedString
        communityID = meeting.communityID.lowercasedString
        circleID = meeting.circleID?.lowercasedString
        title = meeting.title
        description = meeting.description
        startsAt = meeting.startsAt
        endsAt = meeting.endsAt
        timeZone = meeting.timeZone
        rules = Rules(
            recording: meeting.recording.rawValue, recordingEffective: meeting.effectiveRecording.rawValue,
            observersAllowed: meeting.observersAllowed, chathamHouse: meeting.chathamHouse)
        createdBy = PersonBody(meeting.createdBy)
        viewerRSVP = meeting.viewerResponse.map {
            ViewerRSVP(response: $0.rawValue, recordingConsent: meeting.viewerRecordingConsent)
        }
        rsvpCounts = Counts(yes: meeting.yesCount, no: meeting.noCount, maybe: meeting.maybeCount)
        createdAt = meeting.createdAt
    }
}

struct RSVPBody: Encodable {
    let account: PersonBody
    let response: String
    @ExplicitNull var recordingConsent: Bool?
    let answeredAt: Date

    enum CodingKeys: String, CodingKey {
        case account, response
        case recordingConsent = "recording_consent"
        case answeredAt = "answered_at"
    }

    init(_ rsvp: RSVP) {
        account = PersonBody(rsvp.account)
        response = rsvp.response.rawValue
        recordingConsent = rsvp.recordingConsent
        answeredAt = rsvp.answeredAt
    }
}

struct AttendanceBody: Encodable {
    let account: PersonBody
    let markedBy: PersonBody
    let markedAt: Date

    enum CodingKeys: String, CodingKey {
        case account
        case markedBy = "marked_by"
        case markedAt = "marked_at"
    }

    init(_ attendance: Attendance) {
        account = PersonBody(attendance.account)
        markedBy = PersonBody(attendance.markedBy)
        markedAt = attendance.markedAt
    }
}

struct BreakoutGroupBody: Encodable {
    struct Member: Encodable {
        let account: PersonBody
        @ExplicitNull var country: String?
        @ExplicitNull var sector: String?

        init(_ member: BreakoutGroup.Member) {
            account = PersonBody(member.account)
            country = member.country
            sector = member.sector
        }
    }

    let id: String
    let meetingID: String
    let name: String
    let members: [Member]
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case meetingID = "meeting_id"
        case name, members
        case createdAt = "created_at"
    }

    init(_ group: BreakoutGroup) {
        id = group.id.lowercasedString
        meetingID = group.meetingID.lowercasedString
        name = group.name
        members = group.members.map(Member.init)
        createdAt = group.createdAt
    }
}

/// Every breakout group of a meeting, in one list: the shape of a page, without a next one.
struct BreakoutList: Encodable {
    let data: [BreakoutGroupBody]
    @ExplicitNull var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    init(_ groups: [BreakoutGroup]) {
        data = groups.map(BreakoutGroupBody.init)
        nextCursor = nil
    }
}

/// A new meeting; its members are also what a merge patch of a meeting may change.
struct NewMeetingBody: RequestBody {
    let title: String
    let description: String?
    let startsAt: Date
    let endsAt: Date
    let timeZone: String
    let circleID: UUID?
    let recording: String?
    let observersAllowed: Bool?
    let chathamHouse: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case timeZone = "time_zone"
        case circleID = "circle_id"
        case recording
        case observersAllowed = "observers_allowed"
        case chathamHouse = "chatham_house"
    }
}

struct RSVPRequestBody: RequestBody {
    let response: String
    let recordingConsent: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case response
        case recordingConsent = "recording_consent"
    }
}

/// Breakouts as named groups, or as a count of groups mixed by some dimensions.
struct BreakoutPlanBody: RequestBody {
    struct Group: Decodable {
        let name: String
        let accountIDs: [UUID]

        enum CodingKeys: String, CodingKey {
            case name
            case accountIDs = "account_ids"
        }
    }

    let groups: [Group]?
    let groupCount: Int?
    let mixBy: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case groups
        case groupCount = "group_count"
        case mixBy = "mix_by"
    }
}
