import Foundation
import HTTP
import Postgres
import ServerTestSupport
import TestSupport
import Testing

/// Every door into a community checks the person and their role as the rules are now, and
/// every grant ends with the membership that carried it.
@Suite struct AdmissionTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func patchCommunity(_ cop: CommunityFixture, _ json: String) throws {
        let current = try cop.send("GET", "/v1/communities/\(cop.id)", as: cop.convenor)
        let changed = try cop.send(
            "PATCH", "/v1/communities/\(cop.id)", as: cop.convenor, json: json,
            headers: [("If-Match", current.header("ETag")!)])
        try #require(changed.status == 200, "\(changed.text)")
    }

    private func circle(_ cop: CommunityFixture, with person: Person) throws -> String {
        let circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        let added = try cop.send(
            "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(person.id)"}"#)
        try #require(added.status == 201, "\(added.text)")
        return circle
    }

    @Test func acceptingChecksTheRoleAsTheRulesAreNow() throws {
        let cop = try CommunityFixture(server)
        let person = try cop.person()
        let invitation = try cop.invite(person, role: "observer")
        try patchCommunity(cop, #"{"observers_allowed":false}"#)
        let accepted = try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: person)
        #expect(accepted.status == 409 && problemKind(accepted) == "role-not-admitted")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: person).status == 404)
    }

    @Test func reinstatingChecksThePersonAsTheyAreNow() throws {
        let cop = try CommunityFixture(server)
        try patchCommunity(
            cop, #"{"allowed_member_kinds":["official","scholar","practitioner","vendor"]}"#)
        let base = "/v1/communities/\(cop.id)/members/\(cop.member.id)"
        #expect(try cop.send("POST", "\(base)/suspend", as: cop.convenor).status == 200)
        // While suspended, the person's kind became one the community does not admit.
        let account = try server.send("GET", "/v1/accounts/\(cop.member.id)", token: cop.admin)
        #expect(
            try server.send(
                "PATCH", "/v1/accounts/\(cop.member.id)", token: cop.admin,
                headers: [("If-Match", account.header("ETag")!)], json: #"{"member_kind":"facilitator"}"#
            ).status == 200)
        let reinstated = try cop.send("POST", "\(base)/reinstate", as: cop.convenor)
        #expect(reinstated.status == 409 && problemKind(reinstated) == "not-admissible")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.member).status == 404)
    }

    @Test func aGuestWhoseTimeIsUpComesBackWithoutTheOldMeetings() throws {
        let cop = try CommunityFixture(server)
        let meeting =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/meetings", as: cop.convenor,
                json:
                    #"{"title":"Clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:00:00.000Z","time_zone":"UTC"}"#
            ).json["id"] as! String
        let guest = try cop.person()
        let later = #","expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))""#
        try cop.admit(guest, role: "guest", extra: later)
        #expect(try cop.send("PUT", "/v1/meetings/\(meeting)/guests/\(guest.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("GET", "/v1/meetings/\(meeting)", as: guest).status == 200)
        // The guest's time runs out; invited again, they start from nothing.
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        try owner.query(
            """
            UPDATE memberships SET expires_at = now() - interval '1 second'
            WHERE community_id = \(cop.id)::uuid AND account_id = \(guest.id)::uuid
            """)
        #expect(try cop.send("GET", "/v1/meetings/\(meeting)", as: guest).status == 404)
        try cop.admit(guest, role: "guest", acceptingNorms: false, extra: later)
        #expect(try cop.send("GET", "/v1/meetings/\(meeting)", as: guest).status == 404)
    }

    @Test func aMemberMadeAGuestLosesTheirCirclesForGood() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop, with: cop.member)
        let base = "/v1/communities/\(cop.id)/members/\(cop.member.id)"
        let later = Timestamp.format(Date().addingTimeInterval(3600))
        #expect(
            try cop.send(
                "PATCH", base, as: cop.convenor, json: #"{"role":"guest","expires_at":"\#(later)"}"#,
                headers: [("If-Match", "*")]
            ).status == 200)
        #expect(try cop.send("GET", "/v1/circles/\(circle)", as: cop.member).status == 404)
        #expect(
            try cop.send(
                "PATCH", base, as: cop.convenor, json: #"{"role":"member"}"#, headers: [("If-Match", "*")]
            ).status == 200)
        #expect(try cop.send("GET", "/v1/circles/\(circle)", as: cop.member).status == 404)
        let history = try cop.send("GET", "/v1/circles/\(circle)/history", as: cop.convenor)
        #expect(history.text.contains("removed"), "\(history.text)")
    }

    /// A kind as typed for an email is checked as input, the same whether or not the address has
    /// an account, and no account of a kind the community does not admit is created.
    @Test func anEmailInvitationOfAKindNotAdmittedIsRefusedAlike() throws {
        let cop = try CommunityFixture(server)
        try patchCommunity(cop, #"{"allowed_member_kinds":["official","scholar","practitioner","vendor"]}"#)
        let known = try cop.send("GET", "/v1/me", as: cop.outsider).json["email"] as! String
        let unknown = "never-\(CommunityFixture.suffix())@example.org"
        let answers = try [known, unknown].map { email in
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                json: #"{"email":"\#(email)","member_kind":"facilitator"}"#)
        }
        for answer in answers {
            #expect(answer.status == 422 && answer.text.contains("member_kind"), "\(answer.text)")
        }
        #expect(answers[0].json["errors"] as? [[String: String]] == answers[1].json["errors"] as? [[String: String]])
        let created = try server.application.pool.withConnection {
            try $0.query("SELECT 1 FROM accounts WHERE email = \(unknown)")
        }
        #expect(created.isEmpty)
    }
}
