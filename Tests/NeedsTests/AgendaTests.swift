import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct AgendaTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func notifications(_ person: Person, _ cop: CommunityFixture) throws -> [[String: Any]] {
        let answer = try cop.send("GET", "/v1/me/notifications?unread=true", as: person)
        try #require(answer.status == 200, "\(answer.text)")
        return answer.json["data"] as? [[String: Any]] ?? []
    }

    /// From needs to an agenda: a convenor schedules an item that answers a need; its author and
    /// co-signers are told, the need shows the item, and it is no longer a gap.
    @Test func schedulingANeedTellsThePeopleBehindIt() throws {
        let cop = try CommunityFixture(server)
        let cosigner = try cop.person()
        try cop.admit(cosigner)
        let need = try need(cop, as: cop.member, urgency: 5).json["id"] as! String
        #expect(try cop.send("POST", "/v1/needs/\(need)/cosigns", as: cosigner).status == 201)
        let meeting =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/meetings", as: cop.convenor,
                json:
                    #"{"title":"Clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:00:00.000Z","time_zone":"UTC"}"#
            ).json["id"] as! String
        let proposed = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json:
                #"{"title":"Procurement models","need_ids":["\#(need)"],"meeting_id":"\#(meeting)","presenter_id":"\#(cop.member.id)"}"#
        )
        #expect(proposed.status == 201 && proposed.json["status"] as? String == "proposed", "\(proposed.text)")
        let item = proposed.json["id"] as! String
        #expect(try notifications(cop.member, cop).isEmpty)
        let gaps = try cop.send("GET", "/v1/communities/\(cop.id)/needs/analysis", as: cop.convenor)
        #expect((gaps.json["gaps"] as? [[String: Any]])?.count == 1)

        let scheduled = try cop.send(
            "PATCH", "/v1/agenda/\(item)", as: cop.convenor,
            json:
                #"{"status":"scheduled","starts_at":"2027-01-12T13:10:00.000Z","ends_at":"2027-01-12T13:40:00.000Z"}"#,
            headers: [("If-Match", proposed.header("ETag")!)])
        #expect(scheduled.status == 200, "\(scheduled.text)")
        for person in [cop.member, cosigner] {
            let told = try notifications(person, cop)
            #expect(told.count == 1 && told.first?["kind"] as? String == "agenda_item.scheduled")
            #expect(told.first?["subject_id"] as? String == item)
        }
        #expect(try notifications(cop.convenor, cop).isEmpty)
        let answered = try cop.send("GET", "/v1/needs/\(need)", as: cop.member)
        #expect((answered.json["agenda_items"] as? [[String: Any]])?.first?["status"] as? String == "scheduled")
        let after = try cop.send("GET", "/v1/communities/\(cop.id)/needs/analysis", as: cop.convenor)
        #expect((after.json["gaps"] as? [[String: Any]])?.isEmpty == true)

        let history = try cop.send("GET", "/v1/agenda/\(item)/history", as: cop.observer)
        let changes = (history.json["data"] as? [[String: Any]] ?? []).compactMap { $0["change"] as? String }
        #expect(changes == ["created", "updated"])
        let last = (history.json["data"] as? [[String: Any]])?.last?["fields"] as? [String: Any]
        #expect(last?["status"] as? String == "scheduled")

        // Reading marks it read; the list of unread ones is then empty.
        let note = try #require(try notifications(cop.member, cop).first?["id"] as? String)
        let read = try cop.send("POST", "/v1/me/notifications/\(note)/read", as: cop.member)
        #expect(read.status == 200 && read.json["read_at"] is String)
        #expect(try notifications(cop.member, cop).isEmpty)
        #expect(try cop.send("POST", "/v1/me/notifications/\(note)/read", as: cosigner).status == 404)
    }

    @Test func agendaItemsAreValidatedAndForConvenorsToChange() throws {
        let cop = try CommunityFixture(server)
        let elsewhere = try CommunityFixture(server)
        let foreign = try need(elsewhere, as: elsewhere.member).json["id"] as! String
        let invalid = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"","need_ids":["\#(foreign)"],"presenter_id":"\#(cop.outsider.id)","status":"maybe"}"#)
        #expect(invalid.status == 422)
        let byMember = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.member, json: #"{"title":"Mine"}"#)
        #expect(byMember.status == 403 && problemKind(byMember) == "convenor-required")
        let refused = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"Ok","need_ids":["\#(foreign)"],"presenter_id":"\#(cop.outsider.id)"}"#)
        #expect(refused.status == 422 && Set(fields(refused)) == ["need_ids[0]", "presenter_id"])
        #expect(
            try cop.send("POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor, json: #"{"title":"Ok"}"#).status
                == 201)
        // Presenters are members or convenors: not observers, not guests.
        let observed = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"Ok","presenter_id":"\#(cop.observer.id)"}"#)
        #expect(observed.status == 422 && fields(observed) == ["presenter_id"])
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/agenda", as: cop.outsider).status == 404)
        #expect(ids(try cop.send("GET", "/v1/communities/\(cop.id)/agenda", as: cop.observer)).count == 1)
    }

    /// Whoever leaves a circle leaves its activity behind: their own need there stays theirs but
    /// names none of its co-signers, the circle's members drop out of their peers, and an open
    /// agenda item that schedules a circle need they backed is not announced to them.
    @Test func leavingACircleLeavesItsActivityBehind() throws {
        let cop = try CommunityFixture(server)
        let theme =
            try cop.send("POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor, json: #"{"name":"Devices"}"#)
            .json["id"] as! String
        let circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        let leaver = try cop.person(extra: #","country":"FR""#)
        let insider = try cop.person(extra: #","country":"KE""#)
        for person in [leaver, insider] {
            try cop.admit(person)
            let added = try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(person.id)"}"#)
            try #require(added.status == 201, "\(added.text)")
        }
        let inCircle = #","circle_id":"\#(circle)""#
        let own = try need(cop, as: leaver, themes: [theme], extra: inCircle).json["id"] as! String
        #expect(try cop.send("POST", "/v1/needs/\(own)/cosigns", as: insider).status == 201)
        let backed = try need(cop, as: insider, themes: [theme], extra: inCircle).json["id"] as! String
        #expect(try cop.send("POST", "/v1/needs/\(backed)/cosigns", as: leaver).status == 201)
        func peers(_ person: Person) throws -> [String] {
            let answer = try cop.send("GET", "/v1/me/peers?community_id=\(cop.id)", as: person)
            return (answer.json["data"] as? [[String: Any]] ?? []).compactMap {
                ($0["account"] as? [String: Any])?["id"] as? String
            }
        }
        #expect(try peers(leaver) == [insider.id])
        #expect(
            try cop.send("DELETE", "/v1/circles/\(circle)/members/\(leaver.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("GET", "/v1/needs/\(own)", as: leaver).status == 200)
        func cosigners(as person: Person) throws -> Int? {
            (try cop.send("GET", "/v1/needs/\(own)/cosigns", as: person).json["data"] as? [Any])?.count
        }
        #expect(try cosigners(as: leaver) == 0 && cosigners(as: insider) == 1)
        #expect(try peers(leaver).isEmpty)
        let item = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"Open item","need_ids":["\#(backed)"],"status":"scheduled"}"#)
        try #require(item.status == 201, "\(item.text)")
        #expect(try notifications(insider, cop).contains { $0["kind"] as? String == "agenda_item.scheduled" })
        #expect(try !notifications(leaver, cop).contains { $0["kind"] as? String == "agenda_item.scheduled" })
    }

    /// A notification whose subject the person can no longer see is not shown: told that an item
    /// of a circle's meeting answers their need, a member who leaves the circle no longer reads
    /// it. A member told of a need recorded in their name in an interview reads that; a token
    /// without `needs:read` reads neither.
    @Test func notificationsFollowWhatThePersonMaySeeNow() throws {
        let cop = try CommunityFixture(server)
        let recorded = try need(cop, as: cop.convenor, extra: #","member_id":"\#(cop.member.id)","consent":true"#)
        #expect(recorded.status == 201)
        let told = try notifications(cop.member, cop)
        #expect(told.count == 1 && told.first?["kind"] as? String == "need.recorded")
        #expect(told.first?["subject_id"] as? String == recorded.json["id"] as? String)
        let scopes = #""communities:read","members:read""#
        let token =
            try cop.send(
                "POST", "/v1/tokens", as: cop.member, json: #"{"name":"no needs","scopes":[\#(scopes)]}"#
            ).json["token"] as! String
        let byToken = try server.send("GET", "/v1/me/notifications", token: token)
        #expect(byToken.status == 200 && (byToken.json["data"] as? [Any])?.isEmpty == true)

        let circle =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#
            ).json["id"] as! String
        #expect(
            try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(cop.member.id)"}"#
            ).status == 201)
        let meeting =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/meetings", as: cop.convenor,
                json:
                    #"{"title":"Inner clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:00:00.000Z","time_zone":"UTC","circle_id":"\#(circle)"}"#
            ).json["id"] as! String
        let own = try need(cop, as: cop.member).json["id"] as! String
        // Someone outside the circle who co-signed is never told of the circle's item.
        let outsider = try cop.person()
        try cop.admit(outsider)
        #expect(try cop.send("POST", "/v1/needs/\(own)/cosigns", as: outsider).status == 201)
        let item = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"Inner item","need_ids":["\#(own)"],"meeting_id":"\#(meeting)","status":"scheduled"}"#)
        #expect(item.status == 201, "\(item.text)")
        // The need recorded, the circle joined, the item scheduled.
        #expect(try notifications(cop.member, cop).count == 3)
        #expect(try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.member.id)", as: cop.member).status == 204)
        let now = try notifications(cop.member, cop)
        #expect(now.count == 1 && now.first?["kind"] as? String == "need.recorded")
        #expect(try cop.send("GET", "/v1/agenda/\(item.json["id"] as! String)", as: cop.member).status == 404)
        let export = try cop.send("GET", "/v1/me/export", as: cop.member)
        #expect((export.json["notifications"] as? [Any])?.count == 3)
        let outsiders = try cop.send("GET", "/v1/me/export", as: outsider)
        #expect((outsiders.json["notifications"] as? [Any])?.isEmpty == true)

        // An item's history names its circle meeting only to those who see the meeting.
        let moved = try cop.send(
            "POST", "/v1/communities/\(cop.id)/agenda", as: cop.convenor,
            json: #"{"title":"Moved","meeting_id":"\#(meeting)"}"#)
        let untied = try cop.send(
            "PATCH", "/v1/agenda/\(moved.json["id"] as! String)", as: cop.convenor, json: #"{"meeting_id":null}"#,
            headers: [("If-Match", moved.header("ETag")!)])
        #expect(untied.status == 200)
        let history = try cop.send("GET", "/v1/agenda/\(moved.json["id"] as! String)/history", as: cop.member)
        let meetings = (history.json["data"] as? [[String: Any]] ?? []).map {
            ($0["fields"] as? [String: Any])?["meeting_id"]
        }
        #expect(meetings.count == 2 && meetings.allSatisfy { $0 is NSNull })
        let inside = try cop.send("GET", "/v1/agenda/\(moved.json["id"] as! String)/history", as: cop.convenor)
        #expect(
            ((inside.json["data"] as? [[String: Any]])?.first?["fields"] as? [String: Any])?["meeting_id"] as? String
                == meeting)
    }
}
