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

    /// A kind a convenor asserted counts in their community only: elsewhere, a government-only
    /// circle and a community admitting officials only want a platform admin's word for it.
    @Test func aConvenorCannotMakeAnOfficialForOtherCommunities() throws {
        let throwaway = try CommunityFixture(server)
        let cop = try CommunityFixture(server)
        let email = "minister-\(CommunityFixture.suffix())@example.org"
        let invited = try throwaway.send(
            "POST", "/v1/communities/\(throwaway.id)/invitations", as: throwaway.convenor,
            json: #"{"email":"\#(email)","display_name":"The Minister","member_kind":"official"}"#)
        #expect(invited.status == 201)
        let token = try server.secret(sentTo: email)
        #expect(
            try server.send(
                "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"correct horse battery"}"#
            ).status == 204)
        let session =
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
            .json["token"] as! String
        let me = try server.send("GET", "/v1/me", token: session)
        let person = Person(id: me.json["id"] as! String, token: session)
        #expect(me.json["member_kind"] as? String == "official" && me.json["verified_at"] is NSNull)
        // In the community that asserted it, the kind counts.
        #expect(
            try server.send("POST", "/v1/invitations/\(invited.json["id"] as! String)/accept", token: session).status
                == 200)

        // Elsewhere it does not: a government-only circle refuses an unverified official...
        try cop.admit(person)
        let circle =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor,
                json: #"{"name":"Ministers","government_only":true}"#
            ).json["id"] as! String
        let add = #"{"account_id":"\#(person.id)"}"#
        let refused = try cop.send("POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: add)
        #expect(refused.status == 409 && problemKind(refused) == "not-eligible")
        // ...and so does a community that admits officials only.
        let officials = try cop.send(
            "POST", "/v1/communities", as: cop.convenor,
            json:
                #"{"slug":"officials-\#(CommunityFixture.suffix())","name":"Officials","allowed_member_kinds":["official"]}"#
        )
        let officialsID = officials.json["id"] as! String
        _ = try cop.send("POST", "/v1/communities/\(officialsID)/norms", as: cop.convenor, json: #"{"text":"1."}"#)
        let invite = #"{"account_id":"\#(person.id)","role":"member"}"#
        let notAdmissible = try cop.send(
            "POST", "/v1/communities/\(officialsID)/invitations", as: cop.convenor, json: invite)
        #expect(notAdmissible.status == 409 && problemKind(notAdmissible) == "not-admissible")

        // A platform admin vouches for them: recorded, shown, and counted everywhere.
        let verified = try server.send("POST", "/v1/accounts/\(person.id)/verification", token: cop.admin)
        #expect(verified.status == 200 && verified.json["verified_at"] is String)
        #expect(
            verified.json["verified_by"] as? String
                == (try server.send("GET", "/v1/me", token: cop.admin).json["id"] as? String))
        #expect(try cop.send("POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: add).status == 201)
        #expect(
            try cop.send("POST", "/v1/communities/\(officialsID)/invitations", as: cop.convenor, json: invite).status
                == 201)
        let audit = try server.send(
            "GET", "/v1/audit-events?action=account.verified&target_id=\(person.id)", token: cop.admin)
        #expect((audit.json["data"] as? [[String: Any]])?.count == 1)
        #expect(try server.send("POST", "/v1/accounts/\(person.id)/verification", token: session).status == 403)
    }
}
