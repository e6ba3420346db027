import APISupport
import AccessControl
import Foundation
import HTTP
import Membership

/// `/v1/communities/{id}/meetings` and `/v1/meetings`: parse, call the service, encode.
struct MeetingRoutes {
    let meetings: MeetingService

    static let keys: Set<String> = [
        "title", "description", "starts_at", "ends_at", "time_zone", "circle_id", "recording", "observers_allowed",
        "chatham_house",
    ]

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/meetings",
            signedIn({ _ in .manageMeetings }) { request, caller in
                let meeting = try meetings.schedule(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(
                        NewMeetingBody.self, from: request, allowedKeys: MeetingRoutes.keys)
                    var input = MeetingInput(
                        title: body.title, startsAt: body.starts_at, endsAt: body.ends_at, timeZone: body.time_zone)
                    input.description = body.description ?? ""
                    input.circleID = body.circle_id
                    input.recording = try body.recording.map { try choice(RecordingRule.self, $0, field: "recording") }
                    input.observersAllowed = body.observers_allowed
                    input.chathamHouse = body.chatham_house
                    return input
                }
                return try created(
                    MeetingBody(meeting: meeting), at: "/v1/meetings/\(meeting.id.uuidString.lowercased())",
                    tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/meetings",
            signedIn({ _ in .readMeetings }) { request, caller in
                let startsFrom = try timeFilter(request, "starts_from")
                let page = try PageRequest(request, filterKey: "starts_from=\(request.queryValue("starts_from") ?? "")")
                var after: (Date, UUID)?
                if let start = try page.position(0, as: Timestamp.parse),
                    let id = try page.position(1, as: UUID.init(uuidString:))
                {
                    after = (start, id)
                }
                let rows = try meetings.meetings(
                    in: try id(request), startsFrom: startsFrom, after: after, limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [Timestamp.format($0.startsAt), $0.id.uuidString] },
                    item: { MeetingBody(meeting: $0) })
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}",
            signedIn({ _ in .readMeetings }) { request, caller in
                let meeting = try meetings.meeting(try id(request), for: caller)
                return try single(MeetingBody(meeting: meeting), tag: tag(meeting.id, meeting.version), request)
            })
        router.add(
            "PATCH", "/v1/meetings/{id:uuid}",
            signedIn({ _ in .manageMeetings }) { request, caller in
                let meetingID = try id(request)
                let meeting = try meetings.update(
                    meetingID, ifVersion: { try EntityTag.requireMatch(request, current: tag(meetingID, $0)) },
                    by: caller,
                    from: origin(request)
                ) { input in
                    let patch = try MergePatch(request, allowedKeys: MeetingRoutes.keys)
                    input.title = try patch.string("title") ?? input.title
                    input.description = try patch.string("description") ?? input.description
                    input.startsAt = try patch.time("starts_at") ?? input.startsAt
                    input.endsAt = try patch.time("ends_at") ?? input.endsAt
                    input.timeZone = try patch.string("time_zone") ?? input.timeZone
                    if let circle = try patch.nullable("circle_id", { UUID(uuidString: $0 as? String ?? "") }) {
                        input.circleID = circle
                    }
                    input.recording =
                        try patch.string("recording").map { try choice(RecordingRule.self, $0, field: "recording") }
                        ?? input.recording
                    input.observersAllowed = try patch.bool("observers_allowed") ?? input.observersAllowed
                    input.chathamHouse = try patch.bool("chatham_house") ?? input.chathamHouse
                }
                return try changed(MeetingBody(meeting: meeting), tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "PUT", "/v1/meetings/{id:uuid}/rsvp",
            signedIn({ _ in .respondToMeetings }) { request, caller in
                let meeting = try meetings.respond(to: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(
                        RSVPRequestBody.self, from: request, allowedKeys: ["response", "recording_consent"])
                    return (try choice(RSVPResponse.self, body.response, field: "response"), body.recording_consent)
                }
                return try changed(MeetingBody(meeting: meeting), tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}/rsvps",
            signedIn({ _ in .readMeetings }) { request, caller in
                let page = try PageRequest(request)
                let rows = try meetings.rsvps(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: { RSVPBody(rsvp: $0) })
            })
        router.add(
            "PUT", "/v1/meetings/{id:uuid}/guests/{account_id:uuid}",
            signedIn({ _ in .manageMeetings }) { request, caller in
                try meetings.invite(
                    guest: try id(request, "account_id"), to: try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        router.add(
            "DELETE", "/v1/meetings/{id:uuid}/guests/{account_id:uuid}",
            signedIn({ _ in .manageMeetings }) { request, caller in
                try meetings.uninvite(
                    guest: try id(request, "account_id"), from: try id(request), by: caller, from: origin(request))
                return .noContent()
            })
        for (method, attended) in [("PUT", true), ("DELETE", false)] {
            router.add(
                method, "/v1/meetings/{id:uuid}/attendance/{account_id:uuid}",
                signedIn({ _ in .manageMeetings }) {
                    request, caller in
                    try meetings.mark(
                        try id(request, "account_id"), attended: attended, at: try id(request), by: caller,
                        from: origin(request))
                    return .noContent()
                })
        }
        router.add(
            "GET", "/v1/meetings/{id:uuid}/attendance",
            signedIn({ _ in .readMeetings }) { request, caller in
                let page = try PageRequest(request)
                let rows = try meetings.attendance(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] },
                    item: { AttendanceBody(attendance: $0) })
            })
        router.add(
            "POST", "/v1/meetings/{id:uuid}/breakouts",
            signedIn({ _ in .manageMeetings }) { request, caller in
                let meetingID = try id(request)
                let groups = try meetings.formBreakouts(in: meetingID, by: caller, from: origin(request)) {
                    try MeetingRoutes.breakoutPlan(request)
                }
                var response = try Response.json(BreakoutList(groups: groups), status: 201)
                response.headers.add("Location", "/v1/meetings/\(meetingID.uuidString.lowercased())/breakouts")
                return response
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}/breakouts",
            signedIn({ _ in .readMeetings }) { request, caller in
                try Response.json(BreakoutList(groups: try meetings.breakouts(of: try id(request), for: caller)))
            })
    }

    static func breakoutPlan(_ request: Request) throws -> MeetingService.BreakoutPlan {
        let body = try JSONCoding.decode(
            BreakoutPlanBody.self, from: request, allowedKeys: ["groups", "group_count", "mix_by"])
        switch (body.groups, body.group_count) {
        case (let groups?, nil):
            guard body.mix_by == nil else { throw Problem.validation(field: "mix_by", "goes with group_count only") }
            return .groups(groups.map { ($0.name, $0.account_ids) })
        case (nil, let count?):
            let dimensions = try (body.mix_by ?? ["country", "sector"]).enumerated().map {
                try choice(MixDimension.self, $0.element, field: "mix_by[\($0.offset)]")
            }
            return .mixed(count: count, by: dimensions)
        default:
            throw Problem.validation(field: "groups", "send exactly one of groups and group_count")
        }
    }
}

/// Every breakout group of a meeting, in one list.
struct BreakoutList: Encodable {
    let groups: [BreakoutGroup]

    enum Keys: String, CodingKey { case data, next_cursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(groups.map(BreakoutGroupBody.init), forKey: .data)
        try container.encodeNil(forKey: .next_cursor)
    }
}
