import APISupport
import AccessControl
import Crypto
import Foundation
import HTTP
import Membership

/// `/v1/communities/{id}/meetings` and `/v1/meetings`: parse, call the service, encode.
struct MeetingRoutes {
    let meetings: MeetingService

    func register(in router: inout Router) {
        router.add(
            "POST", "/v1/communities/{id:uuid}/meetings",
            signedIn({ _ in .manageMeetings }) { request, caller in
                let meeting = try meetings.schedule(in: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(NewMeetingBody.self, from: request)
                    var input = MeetingInput(
                        title: body.title, startsAt: body.startsAt, endsAt: body.endsAt, timeZone: body.timeZone)
                    input.description = body.description ?? ""
                    input.circleID = body.circleID
                    input.recording = try body.recording.map { try choice(RecordingRule.self, $0, field: "recording") }
                    input.observersAllowed = body.observersAllowed
                    input.chathamHouse = body.chathamHouse
                    return input
                }
                return try created(
                    MeetingBody(meeting), at: "/v1/meetings/\(meeting.id.lowercasedString)",
                    tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "GET", "/v1/communities/{id:uuid}/meetings",
            signedIn({ _ in .readMeetings }) { request, caller in
                let startsFrom = try timeFilter(request, "starts_from")
                let page = try PageRequest(
                    request, filterKey: "starts_from=\(try request.queryValue("starts_from") ?? "")")
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
                    item: MeetingBody.init)
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}",
            signedIn({ _ in .readMeetings }) { request, caller in
                let meeting = try meetings.meeting(try id(request), for: caller)
                return try single(MeetingBody(meeting), tag: tag(meeting.id, meeting.version), request)
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
                    let patch = try MergePatch(request, allowedKeys: NewMeetingBody.allowedKeys)
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
                return try changed(MeetingBody(meeting), tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "PUT", "/v1/meetings/{id:uuid}/rsvp",
            signedIn({ _ in .respondToMeetings }) { request, caller in
                let meeting = try meetings.respond(to: try id(request), by: caller, from: origin(request)) {
                    let body = try JSONCoding.decode(RSVPRequestBody.self, from: request)
                    return (try choice(RSVPResponse.self, body.response, field: "response"), body.recordingConsent)
                }
                return try changed(MeetingBody(meeting), tag: tag(meeting.id, meeting.version))
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}/rsvps",
            signedIn({ _ in .readMeetings }) { request, caller in
                let page = try PageRequest(request)
                let rows = try meetings.rsvps(
                    of: try id(request), after: try page.position(0, as: UUID.init(uuidString:)),
                    limit: page.fetchLimit, for: caller)
                return try page.response(
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: RSVPBody.init)
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
                    rows, for: request, position: { [$0.account.id.uuidString] }, item: AttendanceBody.init)
            })
        router.add(
            "POST", "/v1/meetings/{id:uuid}/breakouts",
            signedIn({ _ in .manageMeetings }) { request, caller in
                let meetingID = try id(request)
                let groups = try meetings.formBreakouts(in: meetingID, by: caller, from: origin(request)) {
                    try MeetingRoutes.breakoutPlan(request)
                }
                var response = try Response.json(BreakoutList(groups), status: 201)
                response.headers.add("Location", "/v1/meetings/\(meetingID.lowercasedString)/breakouts")
                return response
            })
        router.add(
            "GET", "/v1/meetings/{id:uuid}/breakouts",
            signedIn({ _ in .readMeetings }) { request, caller in
                try Response.json(BreakoutList(try meetings.breakouts(of: try id(request), for: caller)))
            })
    }

    static func breakoutPlan(_ request: Request) throws -> MeetingService.BreakoutPlan {
        let body = try JSONCoding.decode(BreakoutPlanBody.self, from: request)
        switch (body.groups, body.groupCount) {
        case (let groups?, nil):
            guard body.mixBy == nil else { throw Problem.validation(field: "mix_by", "goes with group_count only") }
            return .groups(groups.map { ($0.name, $0.accountIDs) })
        case (nil, let count?):
            let dimensions = try (body.mixBy ?? ["country", "sector"]).enumerated().map {
                try choice(MixDimension.self, $0.element, field: "mix_by[\($0.offset)]")
            }
            return .mixed(count: count, by: dimensions)
        default:
            throw Problem.validation(field: "groups", "send exactly one of groups and group_count")
        }
    }
}
