import AccessControl
import Foundation
import HTTP
import Locking
import ServerTestSupport
import TestSupport
import Testing

@Suite struct MembershipTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func ids(_ result: HTTPResult, _ key: (([String: Any]) -> String?)) -> [String] {
        (result.json["data"] as? [[String: Any]] ?? []).compactMap(key)
    }

    private func accountIDs(_ result: HTTPResult) -> [String] {
        ids(result) { ($0["account"] as? [String: Any])?["id"] as? String }
    }

    @Test func anInvitationIsAnsweredOnceAndOnlyByTheInvitee() throws {
        let cop = try CommunityFixture(server)
        let guestList = try cop.person()
        let invitation = try cop.invite(guestList)
        // Nobody but the invitee and the convenors learns of it.
        #expect(try cop.send("GET", "/v1/invitations/\(invitation)", as: cop.member).status == 404)
        #expect(try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: cop.member).status == 404)
        #expect(try cop.send("GET", "/v1/invitations/\(invitation)", as: cop.convenor).status == 200)
        #expect(
            problemKind(try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: cop.convenor))
                == "invitee-only")
        let mine = try cop.send("GET", "/v1/me/invitations?status=pending", as: guestList)
        #expect(ids(mine) { $0["id"] as? String } == [invitation])
        // The community's inside is still closed before accepting.
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: guestList).status == 404)
        let accepted = try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: guestList)
        #expect(accepted.status == 200)
        #expect(accepted.json["role"] as? String == "member" && accepted.json["status"] as? String == "active")
        let again = try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: guestList)
        #expect(again.status == 409 && problemKind(again) == "invalid-transition")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: guestList).status == 200)
        // Inviting a member again, or twice while pending, conflicts.
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                    json: #"{"account_id":"\#(guestList.id)"}"#)) == "already-member")
        let other = try cop.person()
        _ = try cop.invite(other)
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                    json: #"{"account_id":"\#(other.id)"}"#)) == "invitation-pending")
        // Declined and revoked invitations are over.
        let declined = try cop.send(
            "POST", "/v1/invitations/\(try cop.invite(try cop.person()))/decline", as: cop.convenor)
        #expect(problemKind(declined) == "invitee-only")
        let third = try cop.person()
        let revocable = try cop.invite(third)
        #expect(try cop.send("POST", "/v1/invitations/\(revocable)/revoke", as: cop.member).status == 404)
        #expect(
            try cop.send("POST", "/v1/invitations/\(revocable)/revoke", as: cop.convenor).json["status"] as? String
                == "revoked")
        #expect(
            problemKind(try cop.send("POST", "/v1/invitations/\(revocable)/accept", as: third)) == "invalid-transition")
    }

    @Test func anUnknownEmailBecomesAnInvitedAccountThatActivatesAndAccepts() throws {
        let cop = try CommunityFixture(server)
        let email = "new-\(CommunityFixture.suffix())@example.org"
        let invitation = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"email":"\#(email)","display_name":"New Person","member_kind":"scholar","role":"member"}"#)
        #expect(invitation.status == 201)
        // The convenor holds no secret: the activation token waits for the address.
        #expect(!invitation.text.contains("pra_") && invitation.json["activation_token"] == nil)
        let activation = try server.secret(sentTo: email)
        #expect(
            try server.send(
                "POST", "/v1/account-activations",
                json: #"{"token":"\#(activation)","password":"correct horse battery"}"#
            )
            .status == 204)
        let session =
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
            .json["token"] as! String
        let accepted = try server.send(
            "POST", "/v1/invitations/\(invitation.json["id"] as! String)/accept", token: session)
        #expect(accepted.status == 200)
        #expect((accepted.json["account"] as? [String: Any])?["member_kind"] as? String == "scholar")
        // Accepted, the invitation names its account.
        let read = try cop.send("GET", "/v1/invitations/\(invitation.json["id"] as! String)", as: cop.convenor)
        #expect((read.json["account"] as? [String: Any])?["display_name"] as? String == "New Person")

        // A known email invites the existing account, and the convenor is answered exactly as for
        // an unknown one: the address as typed, no account, no token.
        let known = try cop.person()
        let knownEmail = try cop.send("GET", "/v1/me", as: known).json["email"] as! String
        let unknownEmail = "nobody-\(CommunityFixture.suffix())@example.org"
        let answers = try [knownEmail.uppercased(), unknownEmail].map { address in
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                json: #"{"email":"\#(address)","display_name":"Invitee","member_kind":"official"}"#)
        }
        for (answer, address) in zip(answers, [knownEmail.uppercased(), unknownEmail]) {
            #expect(answer.status == 201)
            #expect(answer.json["account"] is NSNull && answer.json["email"] as? String == address)
            #expect(!answer.text.contains("pra_") && !answer.text.contains(known.id))
        }
        #expect(Set(answers[0].json.keys) == Set(answers[1].json.keys))
        #expect(
            try server.send(
                "GET", "/v1/communities/\(cop.id)/invitations?status=pending&limit=100", token: cop.convenor.token
            )
            .text.contains(known.id) == false)
        // The person sees it among their own invitations, and it names them once they accept.
        let mine = try cop.send("GET", "/v1/me/invitations?status=pending", as: known)
        let theirs = try #require((mine.json["data"] as? [[String: Any]])?.first { $0["community"] != nil })
        #expect(theirs["id"] as? String == answers[0].json["id"] as? String)
        // The existing account is told by mail, without an activation link.
        let letters = try server.application.delivery.queued(to: knownEmail)
        #expect(letters.map(\.purpose) == ["invitation"] && MailLink.token(in: letters[0].text) == nil)
    }

    @Test func kindsOutsideTheCriteriaAreNotAdmitted() throws {
        let cop = try CommunityFixture(
            server, settings: #","allowed_member_kinds":["official","scholar","practitioner","vendor"]"#)
        let facilitator = try cop.person(kind: "facilitator")
        let refused = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"account_id":"\#(facilitator.id)"}"#)
        // A convenor learns only that the person does not meet the rules, not which rule.
        #expect(refused.status == 409 && problemKind(refused) == "not-admissible")
        let unknown = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"account_id":"0192f5c4-1b2a-7c3d-8e4f-1234567890ab"}"#)
        #expect(unknown.status == 409 && unknown.json["detail"] as? String == refused.json["detail"] as? String)
        let applied = try cop.send(
            "POST", "/v1/communities/\(cop.id)/applications", as: facilitator, json: #"{"answers":{}}"#)
        #expect(applied.status == 403 && problemKind(applied) == "member-kind-not-admitted")
        // An official invited, then made a facilitator by an admin before accepting, is not admitted.
        let official = try cop.person()
        let invitation = try cop.invite(official)
        let account = try server.send("GET", "/v1/accounts/\(official.id)", token: cop.admin)
        #expect(
            try server.send(
                "PATCH", "/v1/accounts/\(official.id)", token: cop.admin,
                headers: [("If-Match", account.header("ETag")!)], json: #"{"member_kind":"facilitator"}"#
            ).status == 200)
        let accepted = try cop.send("POST", "/v1/invitations/\(invitation)/accept", as: official)
        #expect(accepted.status == 403 && problemKind(accepted) == "member-kind-not-admitted")
    }

    @Test func applicationsAreDecidedOnceWithAReasonForRejection() throws {
        let cop = try CommunityFixture(server)
        // The open application is seen by its applicant and the convenors only.
        #expect(try cop.send("GET", "/v1/applications/\(cop.applicationID)", as: cop.applicant).status == 200)
        #expect(try cop.send("GET", "/v1/applications/\(cop.applicationID)", as: cop.member).status == 404)
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/applications", as: cop.applicant,
                    json: #"{"answers":{"again":"yes"}}"#)) == "application-pending")
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/applications", as: cop.member,
                    json: #"{"answers":{}}"#)) == "already-member")
        let listed = try cop.send("GET", "/v1/communities/\(cop.id)/applications?status=applied", as: cop.convenor)
        #expect(ids(listed) { $0["id"] as? String } == [cop.applicationID])
        #expect(try cop.send("POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.member).status == 404)
        #expect(try cop.send("POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.outsider).status == 404)
        let approved = try cop.send(
            "POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.convenor, json: #"{"role":"member"}"#)
        #expect(approved.status == 200 && approved.json["status"] as? String == "approved")
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/applications/\(cop.applicationID)/reject", as: cop.convenor,
                    json: #"{"reason":"late"}"#)) == "invalid-transition")
        #expect(
            try cop.send("GET", "/v1/communities/\(cop.id)/members/\(cop.applicant.id)", as: cop.member)
                .json["role"] as? String == "member")

        let second = try cop.person()
        let application =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/applications", as: second, json: #"{"answers":{"why":"x"}}"#
            )
            .json["id"] as! String
        // Input is checked before the precondition: an invalid reason is a 422 whatever If-Match says.
        let staleTag = [("If-Match", #""1-stale""#)]
        #expect(
            try cop.send(
                "POST", "/v1/applications/\(application)/reject", as: cop.convenor, json: #"{"reason":""}"#,
                headers: staleTag
            ).status == 422)
        #expect(
            try cop.send(
                "POST", "/v1/applications/\(application)/reject", as: cop.convenor, json: #"{"reason":"x"}"#,
                headers: staleTag
            ).status == 412)
        let rejected = try cop.send(
            "POST", "/v1/applications/\(application)/reject", as: cop.convenor, json: #"{"reason":"Officials only"}"#)
        #expect(
            rejected.json["status"] as? String == "rejected" && rejected.json["reason"] as? String == "Officials only")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: second).status == 404)

        // An invite-only community takes no applications.
        let closed = try server.send(
            "POST", "/v1/communities", token: cop.convenor.token,
            json: #"{"slug":"closed-\#(CommunityFixture.suffix())","name":"Closed","visibility":"listed"}"#)
        let refused = try cop.send(
            "POST", "/v1/communities/\(closed.json["id"] as! String)/applications", as: second, json: #"{"answers":{}}"#
        )
        #expect(refused.status == 403 && problemKind(refused) == "invitation-only")
    }

    @Test func observersComeOnlyWhereAllowedAndNeverWrite() throws {
        let cop = try CommunityFixture(server)
        let proposal = try cop.send(
            "POST", "/v1/communities/\(cop.id)/norms/amendments", as: cop.observer, json: #"{"text":"More"}"#)
        #expect(proposal.status == 403 && problemKind(proposal) == "observer-read-only")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.observer).status == 200)

        let closed = try server.send(
            "POST", "/v1/communities", token: cop.convenor.token,
            json: #"{"slug":"noobs-\#(CommunityFixture.suffix())","name":"No observers","join_policy":"apply"}"#)
        let closedID = closed.json["id"] as! String
        let person = try cop.person()
        let invited = try server.send(
            "POST", "/v1/communities/\(closedID)/invitations", token: cop.convenor.token,
            json: #"{"account_id":"\#(person.id)","role":"observer"}"#)
        #expect(invited.status == 422)
        let application =
            try cop.send("POST", "/v1/communities/\(closedID)/applications", as: person, json: #"{"answers":{}}"#)
            .json["id"] as! String
        #expect(
            try cop.send(
                "POST", "/v1/applications/\(application)/approve", as: cop.convenor, json: #"{"role":"observer"}"#
            )
            .status == 422)
    }

    @Test func theLastConvenorCannotLeaveOrBeDemoted() throws {
        let cop = try CommunityFixture(server)
        let base = "/v1/communities/\(cop.id)/members/\(cop.convenor.id)"
        let leaving = try cop.send("POST", "\(base)/leave", as: cop.convenor)
        #expect(leaving.status == 409 && problemKind(leaving) == "last-convenor")
        let demoted = try cop.send(
            "PATCH", base, as: cop.convenor, json: #"{"role":"member"}"#, headers: [("If-Match", "*")])
        #expect(demoted.status == 409 && problemKind(demoted) == "last-convenor")
        // With a second convenor, exactly one of two racing departures succeeds.
        let current = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(cop.member.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)/members/\(cop.member.id)", as: cop.convenor,
                json: #"{"role":"convenor"}"#, headers: [("If-Match", current.header("ETag")!)]
            ).status == 200)
        let statuses = Locked<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let person = index == 0 ? cop.convenor : cop.member
            let status =
                (try? cop.send("POST", "/v1/communities/\(cop.id)/members/\(person.id)/leave", as: person).status) ?? 0
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 }.sorted() == [200, 409])
        let convenors = try cop.send("GET", "/v1/communities/\(cop.id)/members?role=convenor", as: cop.vendor)
        #expect(accountIDs(convenors).count == 1)
    }

    @Test func suspensionAndLeavingCountOnTheNextRequest() throws {
        let cop = try CommunityFixture(server)
        let base = "/v1/communities/\(cop.id)/members/\(cop.member.id)"
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.member).status == 200)
        #expect(problemKind(try cop.send("POST", "\(base)/suspend", as: cop.vendor)) == "convenor-required")
        #expect(
            try cop.send("POST", "\(base)/suspend", as: cop.convenor, headers: [("If-Match", "\"stale\"")]).status
                == 412)
        let current = try cop.send("GET", base, as: cop.convenor)
        let suspended = try cop.send(
            "POST", "\(base)/suspend", as: cop.convenor, headers: [("If-Match", current.header("ETag")!)])
        #expect(suspended.json["status"] as? String == "suspended")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.member).status == 404)
        #expect(problemKind(try cop.send("POST", "\(base)/suspend", as: cop.convenor)) == "invalid-transition")
        // Members no longer see the suspended person; convenors find them by status.
        #expect(try cop.send("GET", base, as: cop.vendor).status == 404)
        let listed = try cop.send("GET", "/v1/communities/\(cop.id)/members?status=suspended", as: cop.convenor)
        #expect(accountIDs(listed) == [cop.member.id])
        #expect(
            problemKind(try cop.send("GET", "/v1/communities/\(cop.id)/members?status=suspended", as: cop.vendor))
                == "convenor-required")
        #expect(try cop.send("POST", "\(base)/reinstate", as: cop.convenor).json["status"] as? String == "active")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.member).status == 200)
        // Leaving is for oneself.
        #expect(problemKind(try cop.send("POST", "\(base)/leave", as: cop.convenor)) == "self-only")
        #expect(try cop.send("POST", "\(base)/leave", as: cop.member).json["status"] as? String == "left")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/norms", as: cop.member).status == 404)
        let mine = try cop.send("GET", "/v1/me/memberships", as: cop.member)
        #expect(ids(mine) { $0["status"] as? String } == ["left"])
        let audit = try cop.send(
            "GET", "/v1/communities/\(cop.id)/audit-events?target_id=\(cop.member.id)", as: cop.convenor)
        let actions = Set(ids(audit) { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["membership.suspended", "membership.reinstated", "membership.left"]))
    }

    @Test func guestsExpireAndDoNotSeeTheDirectory() throws {
        let cop = try CommunityFixture(server)
        let guest = try cop.person()
        #expect(
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                json: #"{"account_id":"\#(guest.id)","role":"guest"}"#
            ).status == 422)
        let end = Date().addingTimeInterval(2)
        try cop.admit(guest, role: "guest", extra: #","expires_at":"\#(Timestamp.format(end))""#)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)", as: guest).json["viewer_role"] as? String == "guest")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: guest).status == 404)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/norms", as: guest).status == 200)
        Thread.sleep(until: end.addingTimeInterval(0.5))
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/norms", as: guest).status == 404)
        // Their time up, they may be invited again.
        #expect(
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
                json: #"{"account_id":"\#(guest.id)"}"#
            ).status == 201)
    }

    @Test func theDirectoryFiltersAndShowsEmailsOnlyToConvenorsAndThePerson() throws {
        let (_, admin) = try server.admin()
        let ministry = try server.send(
            "POST", "/v1/organisations", token: admin,
            json: #"{"name":"Ministry of Finance","kind":"government","country":"GH","sector":"finance"}"#)
        let cop = try CommunityFixture(server)
        let official = try cop.person(
            extra:
                #","organisation_id":"\#(ministry.json["id"] as! String)","job_title":"Budget lead","expertise":["procurement"]"#
        )
        try cop.admit(official)
        let filtered = try cop.send(
            "GET", "/v1/communities/\(cop.id)/members?sector=finance&country=GH", as: cop.member)
        #expect(accountIDs(filtered) == [official.id])
        let entry = try #require((filtered.json["data"] as? [[String: Any]])?.first?["account"] as? [String: Any])
        #expect(entry["email"] is NSNull && entry["job_title"] as? String == "Budget lead")
        #expect(
            accountIDs(try cop.send("GET", "/v1/communities/\(cop.id)/members?expertise=procurement", as: cop.member))
                == [official.id])
        let kinds = try cop.send(
            "GET", "/v1/communities/\(cop.id)/members?kind=vendor&kind=scholar&limit=100", as: cop.member)
        #expect(Set(accountIDs(kinds)) == [cop.vendor.id, cop.observer.id])
        let byConvenor = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(official.id)", as: cop.convenor)
        #expect((byConvenor.json["account"] as? [String: Any])?["email"] is String)
        // The member unlists job title and expertise: others no longer see or find them.
        let me = try cop.send("GET", "/v1/me", as: official)
        #expect(
            try cop.send(
                "PATCH", "/v1/me", as: official, json: #"{"list_job_title":false,"list_expertise":false}"#,
                headers: [("If-Match", me.header("ETag")!)]
            ).status == 200)
        let hidden = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(official.id)", as: cop.member)
        #expect((hidden.json["account"] as? [String: Any])?["job_title"] is NSNull)
        #expect((hidden.json["account"] as? [String: Any])?["expertise"] is NSNull)
        #expect(
            accountIDs(try cop.send("GET", "/v1/communities/\(cop.id)/members?expertise=procurement", as: cop.member))
                .isEmpty)
        let own = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(official.id)", as: official)
        #expect((own.json["account"] as? [String: Any])?["job_title"] as? String == "Budget lead")
        // Paging walks every member once; outsiders get 404 and bad filters 400.
        var seen: [String] = []
        var path = "/v1/communities/\(cop.id)/members?limit=2"
        while true {
            let page = try cop.send("GET", path, as: cop.member)
            seen += accountIDs(page)
            guard let link = page.header("Link") else { break }
            path = String(link.dropFirst().prefix { $0 != ">" })
        }
        #expect(seen.count == 6 && Set(seen).count == 6)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members", as: cop.outsider).status == 404)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/members?country=ghana", as: cop.member).status == 400)
    }

    @Test func normsGateWritesUntilAcceptedAndAmendmentsBecomeVersions() throws {
        let cop = try CommunityFixture(server)
        // A second convenor who has not accepted a new version cannot manage members until they do.
        let current = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(cop.member.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)/members/\(cop.member.id)", as: cop.convenor,
                json: #"{"role":"convenor"}"#, headers: [("If-Match", current.header("ETag")!)]
            ).status == 200)
        let published = try cop.send(
            "POST", "/v1/communities/\(cop.id)/norms", as: cop.convenor, json: #"{"text":"2. Also this."}"#)
        #expect(published.json["version"] as? Int == 2 && published.json["accepted_at"] is String)
        let blocked = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.member,
            json: #"{"account_id":"\#(cop.outsider.id)"}"#)
        #expect(blocked.status == 403 && problemKind(blocked) == "norms-not-accepted")
        #expect(
            problemKind(try cop.send("POST", "/v1/communities/\(cop.id)/norms/1/acceptances", as: cop.member))
                == "not-current-version")
        try cop.acceptNorms(cop.member)
        #expect(
            problemKind(try cop.send("POST", "/v1/communities/\(cop.id)/norms/2/acceptances", as: cop.member))
                == "already-accepted")
        #expect(
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/invitations", as: cop.member,
                json: #"{"account_id":"\#(cop.outsider.id)"}"#
            ).status == 201)
        let accepted = try cop.send("GET", "/v1/communities/\(cop.id)/norms/2/acceptances", as: cop.vendor)
        #expect(Set(accountIDs(accepted)) == [cop.convenor.id, cop.member.id])

        // A newcomer who has not accepted still proposes; others endorse once; a convenor adopts.
        let proposal = try cop.send(
            "POST", "/v1/communities/\(cop.id)/norms/amendments", as: cop.newcomer,
            json: #"{"text":"3. Rotate chairs.","rationale":"fairness"}"#)
        #expect(proposal.status == 201)
        let amendment = proposal.json["id"] as! String
        #expect(
            problemKind(try cop.send("POST", "/v1/amendments/\(amendment)/endorsements", as: cop.newcomer))
                == "own-amendment")
        #expect(
            try cop.send("POST", "/v1/amendments/\(amendment)/endorsements", as: cop.vendor).json["endorsement_count"]
                as? Int == 1)
        #expect(
            problemKind(try cop.send("POST", "/v1/amendments/\(amendment)/endorsements", as: cop.vendor))
                == "already-endorsed")
        #expect(
            problemKind(try cop.send("POST", "/v1/amendments/\(amendment)/adopt", as: cop.vendor))
                == "convenor-required")
        #expect(try cop.send("POST", "/v1/amendments/\(amendment)/adopt", as: cop.outsider).status == 404)
        let adopted = try cop.send("POST", "/v1/amendments/\(amendment)/adopt", as: cop.convenor)
        #expect(adopted.json["status"] as? String == "adopted" && adopted.json["adopted_version"] as? Int == 3)
        let third = try cop.send("GET", "/v1/communities/\(cop.id)/norms/3", as: cop.vendor)
        #expect(third.json["text"] as? String == "3. Rotate chairs." && third.json["current"] as? Bool == true)
        #expect(third.json["accepted_at"] is NSNull)
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/amendments/\(amendment)/decline", as: cop.convenor,
                    json: #"{"reason":"late"}"#)) == "invalid-transition")
        // An amendment written against an older version cannot be adopted; a declined one carries its reason.
        let stale =
            try cop.send("POST", "/v1/communities/\(cop.id)/norms/amendments", as: cop.vendor, json: #"{"text":"old"}"#)
            .json["id"] as! String
        _ = try cop.send("POST", "/v1/communities/\(cop.id)/norms", as: cop.convenor, json: #"{"text":"4."}"#)
        #expect(
            problemKind(try cop.send("POST", "/v1/amendments/\(stale)/adopt", as: cop.convenor)) == "amendment-outdated"
        )
        let staleTag = [("If-Match", #""1-stale""#)]
        #expect(
            try cop.send("POST", "/v1/amendments/\(stale)/decline", as: cop.convenor, json: #"{}"#, headers: staleTag)
                .status == 422)
        #expect(
            try cop.send(
                "POST", "/v1/amendments/\(stale)/decline", as: cop.convenor, json: #"{"reason":"x"}"#, headers: staleTag
            ).status == 412)
        let declined = try cop.send(
            "POST", "/v1/amendments/\(stale)/decline", as: cop.convenor, json: #"{"reason":"Superseded"}"#)
        #expect(declined.json["decision_reason"] as? String == "Superseded")
        let versions = try cop.send("GET", "/v1/communities/\(cop.id)/norms", as: cop.observer)
        #expect(ids(versions) { ($0["version"] as? Int).map(String.init) } == ["4", "3", "2", "1"])
    }

    /// Membership's events are the community's: its convenors read them; a platform admin who
    /// is not one sees only the platform's events, and the chain still verifies whole.
    @Test func everyMembershipChangeIsAuditedForTheCommunitysConvenors() throws {
        let cop = try CommunityFixture(server)
        _ = try cop.send("POST", "/v1/applications/\(cop.applicationID)/approve", as: cop.convenor)
        let base = "/v1/communities/\(cop.id)/audit-events"
        let audit = try cop.send("GET", "\(base)?actor_id=\(cop.convenor.id)&limit=100", as: cop.convenor)
        let actions = ids(audit) { $0["action"] as? String }
        for action in ["community.created", "norms.published", "invitation.created", "application.approved"] {
            #expect(actions.contains(action), "\(action)")
        }
        let accepted = try cop.send("GET", "\(base)?actor_id=\(cop.member.id)", as: cop.convenor)
        #expect(
            Set(ids(accepted) { $0["action"] as? String }).isSuperset(of: ["invitation.accepted", "norms.accepted"]))
        // Not the admin's, who is no member: only platform events (the convenor's sign-in).
        let platform = try server.send(
            "GET", "/v1/audit-events?actor_id=\(cop.convenor.id)&limit=100", token: cop.admin)
        #expect(
            ids(platform) { $0["action"] as? String }.allSatisfy { action in
                ["session.", "account.", "token.", "organisation."].contains(where: action.hasPrefix)
            })
        #expect(!platform.text.contains(cop.id))
        #expect(try server.send("GET", base, token: cop.admin).status == 404)
        #expect(problemKind(try cop.send("GET", base, as: cop.member)) == "convenor-required")
        #expect(try cop.send("GET", base, as: cop.outsider).status == 404)
        // A circle's events are read by the convenors in it, not by the community's other convenors.
        let second = try cop.person()
        try cop.admit(second, role: "convenor")
        let circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        let inCircle = try cop.send("GET", "\(base)?target_id=\(circle)", as: cop.convenor)
        #expect(ids(inCircle) { $0["action"] as? String } == ["circle.created"])
        let outside = try cop.send("GET", "\(base)?target_id=\(circle)", as: second)
        #expect(outside.status == 200 && ids(outside) { $0["action"] as? String } == [])
        let verified = try server.send("GET", "/v1/audit-events/verify", token: cop.admin)
        #expect(verified.json["intact"] as? Bool == true, "\(verified.text)")
    }

    @Test func theExportHoldsMembershipAndErasureWipesWhatThePersonWrote() throws {
        let cop = try CommunityFixture(server)
        _ = try cop.send("POST", "/v1/me/declarations", as: cop.applicant, json: #"{"description":"Sells tablets"}"#)
        let export = try cop.send("GET", "/v1/me/export", as: cop.member)
        #expect((export.json["memberships"] as? [[String: Any]])?.map { $0["community_id"] as? String } == [cop.id])
        #expect((export.json["norm_acceptances"] as? [[String: Any]])?.first?["version"] as? Int == 1)
        let applicant = try cop.send("GET", "/v1/me/export", as: cop.applicant)
        #expect(
            (applicant.json["applications"] as? [[String: Any]])?.first?["answers"] as? [String: String] == [
                "motivation": "learn"
            ])
        #expect(
            (applicant.json["declarations"] as? [[String: Any]])?.first?["description"] as? String == "Sells tablets")

        #expect(try server.send("POST", "/v1/accounts/\(cop.applicant.id)/erase", token: cop.admin).status == 204)
        let application = try cop.send("GET", "/v1/applications/\(cop.applicationID)", as: cop.convenor)
        #expect(application.json["answers"] as? [String: String] == [:])
        #expect(try server.send("POST", "/v1/accounts/\(cop.member.id)/erase", token: cop.admin).status == 204)
        let members = try cop.send("GET", "/v1/communities/\(cop.id)/members?limit=100", as: cop.convenor)
        #expect(!accountIDs(members).contains(cop.member.id))
    }

    @Test func aCommercialInterestIsAdmittedOnlyWhereVendorsAre() throws {
        let cop = try CommunityFixture(server)
        let noVendors =
            try server.send(
                "POST", "/v1/communities", token: cop.convenor.token,
                json:
                    #"{"slug":"novendors-\#(CommunityFixture.suffix())","name":"Officials","join_policy":"apply","allowed_member_kinds":["official"]}"#
            )
            .json["id"] as! String
        let vendorOrganisation =
            try server.send(
                "POST", "/v1/organisations", token: cop.admin,
                json: #"{"name":"Tablets Ltd","kind":"vendor","country":"KE"}"#
            ).json["id"] as! String
        let employee = try cop.person(extra: #","organisation_id":"\#(vendorOrganisation)""#)
        let invited = try server.send(
            "POST", "/v1/communities/\(noVendors)/invitations", token: cop.convenor.token,
            json: #"{"account_id":"\#(employee.id)"}"#)
        #expect(invited.status == 409 && problemKind(invited) == "not-admissible")
        // A declared interest counts the same, when applying and again when approved.
        let declared = try cop.person()
        _ = try cop.send("POST", "/v1/me/declarations", as: declared, json: #"{"description":"Advises a vendor"}"#)
        #expect(
            problemKind(
                try server.send(
                    "POST", "/v1/communities/\(noVendors)/applications", token: declared.token,
                    json: #"{"answers":{}}"#)) == "member-kind-not-admitted")
        let later = try cop.person()
        let application =
            try server.send(
                "POST", "/v1/communities/\(noVendors)/applications", token: later.token,
                json: #"{"answers":{}}"#
            ).json["id"] as! String
        _ = try cop.send("POST", "/v1/me/declarations", as: later, json: #"{"description":"Joined a vendor"}"#)
        #expect(
            problemKind(try cop.send("POST", "/v1/applications/\(application)/approve", as: cop.convenor))
                == "not-admissible")
    }

    @Test func aSuspendedMemberIsReinstatedOnlyByAConvenor() throws {
        let cop = try CommunityFixture(server)
        _ = try cop.send("POST", "/v1/communities/\(cop.id)/members/\(cop.member.id)/suspend", as: cop.convenor)
        let applied = try cop.send(
            "POST", "/v1/communities/\(cop.id)/applications", as: cop.member, json: #"{"answers":{}}"#)
        #expect(applied.status == 409 && problemKind(applied) == "membership-suspended")
        let invited = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"account_id":"\#(cop.member.id)"}"#)
        #expect(invited.status == 409 && problemKind(invited) == "membership-suspended")
    }

    @Test func theOnlyConvenorIsNotErasedAndTokensReachOnlyTheirCommunitiesDeclarations() throws {
        let cop = try CommunityFixture(server)
        let erased = try server.send("POST", "/v1/accounts/\(cop.convenor.id)/erase", token: cop.admin)
        #expect(erased.status == 409 && problemKind(erased) == "last-convenor")
        // A token restricted to another community neither reads this one's declarations nor declares for all.
        let declared =
            try cop.send(
                "POST", "/v1/me/declarations", as: cop.member,
                json: #"{"description":"Consults","community_id":"\#(cop.id)"}"#
            ).json["id"] as! String
        let elsewhere =
            try server.send(
                "POST", "/v1/communities", token: cop.convenor.token,
                json: #"{"slug":"else-\#(CommunityFixture.suffix())","name":"Else"}"#
            ).json["id"] as! String
        let token = try cop.send(
            "POST", "/v1/tokens", as: cop.member,
            json: #"{"name":"narrow","scopes":["members:read","members:write"],"community_ids":["\#(elsewhere)"]}"#)
        let narrow = try #require(token.json["token"] as? String)
        #expect(try server.send("GET", "/v1/me/declarations/\(declared)", token: narrow).status == 404)
        #expect(try server.send("POST", "/v1/me/declarations/\(declared)/withdraw", token: narrow).status == 404)
        #expect(
            try server.send("POST", "/v1/me/declarations", token: narrow, json: #"{"description":"All"}"#).status == 422
        )
        #expect(try cop.send("GET", "/v1/me/declarations/\(declared)", as: cop.member).status == 200)
    }
}
