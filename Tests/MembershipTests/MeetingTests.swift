import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

@Suite struct MeetingTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func schedule(
        _ cop: CommunityFixture, _ extra: String = "", as person: Person? = nil,
        endsAt: String = "2027-01-12T14:30:00.000Z",
        timeZone: String = "Africa/Nairobi"
    ) throws -> HTTPResult {
        try cop.send(
            "POST", "/v1/communities/\(cop.id)/meetings", as: person ?? cop.convenor,
            json: """
                {"title":"Procurement clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"\(endsAt)",
                 "time_zone":"\(timeZone)"\(extra)}
                """)
    }

    private func rsvp(_ cop: CommunityFixture, _ meeting: String, _ person: Person, _ body: String) throws -> HTTPResult
    {
        try cop.send("PUT", "/v1/meetings/\(meeting)/rsvp", as: person, json: body)
    }

    private func rules(_ result: HTTPResult) -> [String: Any] { result.json["rules"] as? [String: Any] ?? [:] }

    @Test func rulesAreBoundedByTheCommunityAndShownInEveryAnswer() throws {
        let cop = try CommunityFixture(server, settings: #","recording_policy":"with_consent","chatham_house":true"#)
        #expect(try schedule(cop, #","recording":"on""#).status == 422)
        #expect(try schedule(cop, timeZone: "Mars/Olympus").status == 422)
        #expect(try schedule(cop, endsAt: "2027-01-12T12:00:00.000Z").status == 422)
        #expect(try schedule(cop, endsAt: "300000-01-01T00:00:00Z").status == 422)
        #expect(
            try cop.send("GET", "/v1/communities/\(cop.id)/meetings?starts_from=300000-01-01T00:00:00Z", as: cop.member)
                .status == 400)
        #expect(problemKind(try schedule(cop, as: cop.member)) == "convenor-required")
        #expect(try schedule(cop, as: cop.outsider).status == 404)
        let created = try schedule(cop, #","recording":"with_consent""#)
        #expect(created.status == 201)
        #expect(
            rules(created)["chatham_house"] as? Bool == true && rules(created)["observers_allowed"] as? Bool == true)
        let id = created.json["id"] as! String
        #expect(
            rules(try cop.send("GET", "/v1/meetings/\(id)", as: cop.member))["recording"] as? String == "with_consent")
        // A single refusal of consent turns recording off; until everyone coming consents it is pending.
        #expect(
            rules(try rsvp(cop, id, cop.member, #"{"response":"yes","recording_consent":true}"#))["recording_effective"]
                as? String == "on")
        #expect(
            rules(try rsvp(cop, id, cop.vendor, #"{"response":"yes"}"#))["recording_effective"] as? String == "pending")
        let refused = try rsvp(cop, id, cop.convenor, #"{"response":"maybe","recording_consent":false}"#)
        #expect(rules(refused)["recording_effective"] as? String == "off")
        #expect((refused.json["rsvp_counts"] as? [String: Int]) == ["yes": 2, "no": 0, "maybe": 1])
        #expect((refused.json["viewer_rsvp"] as? [String: Any])?["recording_consent"] as? Bool == false)
        // Once people have answered, the rules stand.
        let fixed = try cop.send(
            "PATCH", "/v1/meetings/\(id)", as: cop.convenor, json: #"{"recording":"off"}"#, headers: [("If-Match", "*")]
        )
        #expect(fixed.status == 409 && problemKind(fixed) == "rules-fixed")
        #expect(
            try cop.send(
                "PATCH", "/v1/meetings/\(id)", as: cop.convenor, json: #"{"title":"Clinic"}"#,
                headers: [("If-Match", "*")]
            )
            .json["title"] as? String == "Clinic")
        // Consent is asked only where recording needs it.
        let plain = try schedule(cop).json["id"] as! String
        #expect(try rsvp(cop, plain, cop.member, #"{"response":"yes","recording_consent":true}"#).status == 422)
    }

    @Test func observersNeverAnswerAndSeeOnlyWhatTheyMayAndNewcomersAnswerAfterTheNorms() throws {
        let cop = try CommunityFixture(server)
        let open = try schedule(cop).json["id"] as! String
        let closed = try schedule(cop, #","observers_allowed":false"#).json["id"] as! String
        // The observer joined before both were scheduled: they see the open one, not the closed one.
        #expect(try cop.send("GET", "/v1/meetings/\(open)", as: cop.observer).status == 200)
        #expect(try cop.send("GET", "/v1/meetings/\(closed)", as: cop.observer).status == 404)
        let answer = try rsvp(cop, open, cop.observer, #"{"response":"yes"}"#)
        #expect(answer.status == 403 && problemKind(answer) == "observer-read-only")
        let newcomer = try rsvp(cop, open, cop.newcomer, #"{"response":"yes"}"#)
        #expect(newcomer.status == 403 && problemKind(newcomer) == "norms-not-accepted")
        try cop.acceptNorms(cop.newcomer)
        #expect(try rsvp(cop, open, cop.newcomer, #"{"response":"yes"}"#).status == 200)
        // A new observer does not see meetings from before they joined, unless the community shows all history.
        let late = try cop.person(kind: "scholar")
        try cop.admit(late, role: "observer")
        #expect(try cop.send("GET", "/v1/meetings/\(open)", as: late).status == 404)
        let listed = try cop.send("GET", "/v1/communities/\(cop.id)/meetings", as: late)
        #expect((listed.json["data"] as? [[String: Any]])?.isEmpty == true)
        let community = try cop.send("GET", "/v1/communities/\(cop.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)", as: cop.convenor, json: #"{"observer_history":"all"}"#,
                headers: [("If-Match", community.header("ETag")!)]
            ).status == 200)
        #expect(try cop.send("GET", "/v1/meetings/\(open)", as: late).status == 200)
        for person in [cop.outsider, cop.applicant] {
            #expect(try cop.send("GET", "/v1/meetings/\(open)", as: person).status == 404)
        }
    }

    @Test func guestsSeeOnlyTheMeetingsTheyAreInvitedTo() throws {
        let cop = try CommunityFixture(server)
        let first = try schedule(cop).json["id"] as! String
        let second = try schedule(cop).json["id"] as! String
        let guest = try cop.person()
        try cop.admit(
            guest, role: "guest", extra: #","expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))""#)
        #expect(
            problemKind(try cop.send("PUT", "/v1/meetings/\(first)/guests/\(cop.member.id)", as: cop.convenor))
                == "not-a-guest")
        #expect(try cop.send("PUT", "/v1/meetings/\(first)/guests/\(guest.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("GET", "/v1/meetings/\(first)", as: guest).status == 200)
        #expect(try cop.send("GET", "/v1/meetings/\(second)", as: guest).status == 404)
        let listed = try cop.send("GET", "/v1/communities/\(cop.id)/meetings", as: guest)
        #expect((listed.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [first])
        #expect(try rsvp(cop, first, guest, #"{"response":"yes"}"#).status == 200)
        // Nothing else of the community: not who answered or came, not the amendments, not its
        // settings; its current norms, to accept them, yes.
        for path in [
            "/v1/meetings/\(first)/rsvps", "/v1/meetings/\(first)/attendance", "/v1/meetings/\(first)/breakouts",
        ] {
            #expect(try cop.send("GET", path, as: guest).status == 404, "\(path)")
            #expect(try cop.send("GET", path, as: cop.member).status == 200, "\(path)")
        }
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/norms/amendments", as: guest).status == 404)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/norms", as: guest).status == 200)
        let card = try cop.send("GET", "/v1/communities/\(cop.id)", as: guest)
        #expect(card.json["viewer_role"] as? String == "guest")
        #expect(
            card.json["observers_allowed"] == nil && card.json["created_at"] == nil && card.json["min_cell_size"] == nil
        )
        #expect(try cop.send("DELETE", "/v1/meetings/\(first)/guests/\(guest.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("GET", "/v1/meetings/\(first)", as: guest).status == 404)
    }

    @Test func aMeetingInACircleExistsOnlyForTheCircle() throws {
        let cop = try CommunityFixture(server)
        let circle =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor,
                json: #"{"name":"Officials","government_only":true}"#
            ).json["id"] as! String
        #expect(
            try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#
            )
            .status == 201)
        let meeting = try schedule(cop, #","circle_id":"\#(circle)""#)
        #expect(meeting.status == 201 && meeting.json["circle_id"] as? String == circle)
        let id = meeting.json["id"] as! String
        #expect(try cop.send("GET", "/v1/meetings/\(id)", as: cop.member).status == 200)
        for person in [cop.vendor, cop.observer, cop.newcomer] {
            #expect(try cop.send("GET", "/v1/meetings/\(id)", as: person).status == 404)
            #expect(try rsvp(cop, id, person, #"{"response":"yes"}"#).status == 404)
        }
        #expect(try server.send("GET", "/v1/meetings/\(id)", token: cop.admin).status == 404)
        // Attendance is marked only for people who may take part.
        #expect(
            problemKind(try cop.send("PUT", "/v1/meetings/\(id)/attendance/\(cop.vendor.id)", as: cop.convenor))
                == "not-a-participant")
        #expect(try cop.send("PUT", "/v1/meetings/\(id)/attendance/\(cop.member.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("PUT", "/v1/meetings/\(id)/attendance/\(cop.member.id)", as: cop.member).status == 403)
        let attended = try cop.send("GET", "/v1/meetings/\(id)/attendance", as: cop.member)
        #expect(
            (attended.json["data"] as? [[String: Any]])?.compactMap {
                ($0["account"] as? [String: Any])?["id"] as? String
            } == [cop.member.id])
        // A circle that is not one of this community's, for the caller, is refused.
        #expect(try schedule(cop, #","circle_id":"0192f5c4-1b2a-7c3d-8e4f-1234567890ab""#).status == 422)
    }

    @Test func breakoutsMixCountriesAcrossGroups() throws {
        let cop = try CommunityFixture(server)
        var attendees: [(Person, String)] = []
        for country in ["KE", "KE", "KE", "GH", "GH", "GH"] {
            let person = try cop.person(extra: #","country":"\#(country)""#)
            try cop.admit(person)
            attendees.append((person, country))
        }
        let meeting = try schedule(cop).json["id"] as! String
        for (person, _) in attendees { #expect(try rsvp(cop, meeting, person, #"{"response":"yes"}"#).status == 200) }
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/meetings/\(meeting)/breakouts", as: cop.convenor,
                    json: #"{"group_count":7}"#)) == "not-enough-attendees")
        let formed = try cop.send(
            "POST", "/v1/meetings/\(meeting)/breakouts", as: cop.convenor,
            json: #"{"group_count":3,"mix_by":["country"]}"#)
        #expect(formed.status == 201)
        let groups = formed.json["data"] as? [[String: Any]] ?? []
        #expect(groups.count == 3)
        for group in groups {
            let countries = (group["members"] as? [[String: Any]] ?? []).compactMap { $0["country"] as? String }
            #expect(countries.sorted() == ["GH", "KE"], "\(countries)")
        }
        // Named groups take attendees only, each once; forming again replaces the groups.
        let outsider = cop.vendor.id
        #expect(
            try cop.send(
                "POST", "/v1/meetings/\(meeting)/breakouts", as: cop.convenor,
                json: #"{"groups":[{"name":"A","account_ids":["\#(outsider)"]}]}"#
            ).status == 422)
        let first = attendees[0].0.id
        #expect(
            try cop.send(
                "POST", "/v1/meetings/\(meeting)/breakouts", as: cop.convenor,
                json: #"{"groups":[{"name":"A","account_ids":["\#(first)"]},{"name":"B","account_ids":["\#(first)"]}]}"#
            ).status == 422)
        let named = try cop.send(
            "POST", "/v1/meetings/\(meeting)/breakouts", as: cop.convenor,
            json: #"{"groups":[{"name":"Solo","account_ids":["\#(first)"]}]}"#)
        #expect((named.json["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Solo"])
        #expect(
            (try cop.send("GET", "/v1/meetings/\(meeting)/breakouts", as: cop.member).json["data"] as? [[String: Any]])?
                .count == 1)
        #expect(
            problemKind(
                try cop.send("POST", "/v1/meetings/\(meeting)/breakouts", as: cop.member, json: #"{"group_count":1}"#))
                == "convenor-required")
    }
}
