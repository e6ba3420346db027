import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct CircleTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func circle(_ cop: CommunityFixture, _ flags: String = "") throws -> String {
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor,
            json: #"{"name":"Procurement officials"\#(flags)}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    private func add(_ cop: CommunityFixture, _ person: Person, to circle: String) throws -> HTTPResult {
        try cop.send(
            "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(person.id)"}"#)
    }

    /// Every way of reaching a circle, for `person`: each must agree on whether it exists.
    private func reaches(_ cop: CommunityFixture, _ person: Person, _ circle: String) throws -> Bool {
        let statuses = try ["", "/members", "/history"].map {
            try cop.send("GET", "/v1/circles/\(circle)\($0)", as: person).status
        }
        let listed = try cop.send("GET", "/v1/communities/\(cop.id)/circles?limit=100", as: person)
        let inList = (listed.json["data"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == circle }
        #expect(Set(statuses).count == 1 && (statuses[0] == 200) == inList, "\(statuses) \(inList)")
        return statuses[0] == 200
    }

    @Test func aVendorNeverSeesOrEntersAGovernmentOnlyCircle() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop, #","government_only":true,"excludes_vendors":true"#)
        let refused = try add(cop, cop.vendor, to: circle)
        #expect(refused.status == 409 && problemKind(refused) == "not-eligible")
        #expect(try !reaches(cop, cop.vendor, circle))
        #expect(problemKind(try add(cop, cop.observer, to: circle)) == "not-eligible")  // a scholar, not an official
        #expect(try add(cop, cop.member, to: circle).status == 201)
        #expect(try reaches(cop, cop.member, circle))
        // The member becomes a vendor: from the next request on, the circle does not exist for them.
        let account = try server.send("GET", "/v1/accounts/\(cop.member.id)", token: cop.admin)
        #expect(
            try server.send(
                "PATCH", "/v1/accounts/\(cop.member.id)", token: cop.admin,
                headers: [("If-Match", account.header("ETag")!)], json: #"{"member_kind":"vendor"}"#
            ).status == 200)
        #expect(try !reaches(cop, cop.member, circle))
        #expect(try cop.send("POST", "/v1/circles/\(circle)/members", as: cop.member, json: "{}").status == 404)
    }

    @Test func aDeclarationOrAConvenorsMarkClosesCirclesThatExcludeVendors() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop, #","excludes_vendors":true"#)
        #expect(try add(cop, cop.member, to: circle).status == 201)
        #expect(try add(cop, cop.newcomer, to: circle).status == 201)
        let declared = try cop.send(
            "POST", "/v1/me/declarations", as: cop.member,
            json: #"{"description":"Advises a tablet vendor","community_id":"\#(cop.id)"}"#)
        #expect(declared.status == 201)
        #expect(try !reaches(cop, cop.member, circle))
        let shown = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(cop.member.id)", as: cop.vendor)
        #expect(shown.json["commercial_interest"] as? Bool == true)
        #expect(
            try cop.send("POST", "/v1/me/declarations/\(declared.json["id"] as! String)/withdraw", as: cop.member)
                .status == 200)
        #expect(try reaches(cop, cop.member, circle))
        // A convenor marks an interest the newcomer did not declare.
        let current = try cop.send("GET", "/v1/communities/\(cop.id)/members/\(cop.newcomer.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)/members/\(cop.newcomer.id)", as: cop.convenor,
                json: #"{"commercial_interest":true}"#, headers: [("If-Match", current.header("ETag")!)]
            ).status == 200)
        #expect(try !reaches(cop, cop.newcomer, circle))
        // Declarations elsewhere do not count here; one without a community counts everywhere.
        let elsewhere =
            try server.send(
                "POST", "/v1/communities", token: cop.convenor.token,
                json: #"{"slug":"other-\#(CommunityFixture.suffix())","name":"Other"}"#
            ).json["id"] as! String
        #expect(
            try cop.send(
                "POST", "/v1/me/declarations", as: cop.member,
                json: #"{"description":"x","community_id":"\#(elsewhere)"}"#
            ).status == 422)
        #expect(
            try cop.send("POST", "/v1/me/declarations", as: cop.member, json: #"{"description":"Shares in a vendor"}"#)
                .status == 201)
        #expect(try !reaches(cop, cop.member, circle))
        let mine = try cop.send("GET", "/v1/me/declarations?include_withdrawn=true", as: cop.member)
        #expect((mine.json["data"] as? [[String: Any]])?.count == 2)
    }

    @Test func outsidersOfACircleIncludingAdminsLearnNothingOfIt() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop)
        for person in [cop.member, cop.observer, cop.vendor, cop.newcomer, cop.outsider, cop.applicant] {
            #expect(try !reaches(cop, person, circle))
        }
        // A platform admin outside the community, with an admin token, does not see it either.
        #expect(try server.send("GET", "/v1/circles/\(circle)", token: cop.admin).status == 404)
        #expect(try server.send("GET", "/v1/communities/\(cop.id)/circles", token: cop.admin).status == 404)
        // A member who is not in the circle cannot change it, nor add to it.
        #expect(
            try cop.send(
                "PATCH", "/v1/circles/\(circle)", as: cop.member, json: #"{"name":"x"}"#,
                headers: [("If-Match", "*")]
            ).status == 404)
        #expect(
            try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.member,
                json: #"{"account_id":"\#(cop.member.id)"}"#
            ).status == 404)
        // Only active members of the community can be added.
        #expect(problemKind(try add(cop, cop.outsider, to: circle)) == "not-eligible")
        #expect(problemKind(try add(cop, cop.applicant, to: circle)) == "not-eligible")
    }

    @Test func circleMembersReadItsHistoryAndACircleKeepsAMember() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop)
        #expect(try add(cop, cop.member, to: circle).status == 201)
        #expect(problemKind(try add(cop, cop.member, to: circle)) == "already-in-circle")
        #expect(try add(cop, cop.observer, to: circle).status == 201)
        // Members who are not convenors neither add nor remove others, but may leave.
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/circles/\(circle)/members", as: cop.member,
                    json: #"{"account_id":"\#(cop.vendor.id)"}"#)) == "convenor-required")
        #expect(
            try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.observer.id)", as: cop.member).status == 403)
        #expect(try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.member.id)", as: cop.member).status == 204)
        #expect(try !reaches(cop, cop.member, circle))
        #expect(
            try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.observer.id)", as: cop.convenor).status == 204)
        let history = try cop.send("GET", "/v1/circles/\(circle)/history", as: cop.convenor)
        let events = (history.json["data"] as? [[String: Any]] ?? []).map {
            "\(($0["account"] as? [String: Any])?["id"] as? String ?? "") \($0["change"] as? String ?? "") \(($0["actor"] as? [String: Any])?["id"] as? String ?? "")"
        }
        #expect(
            events == [
                "\(cop.convenor.id) added \(cop.convenor.id)", "\(cop.member.id) added \(cop.convenor.id)",
                "\(cop.observer.id) added \(cop.convenor.id)", "\(cop.member.id) removed \(cop.member.id)",
                "\(cop.observer.id) removed \(cop.convenor.id)",
            ])
        let last = try cop.send("DELETE", "/v1/circles/\(circle)/members/\(cop.convenor.id)", as: cop.convenor)
        #expect(last.status == 409 && problemKind(last) == "last-circle-member")
        // The rules cannot tighten past a current member.
        #expect(try add(cop, cop.vendor, to: circle).status == 201)
        let tightened = try cop.send(
            "PATCH", "/v1/circles/\(circle)", as: cop.convenor, json: #"{"excludes_vendors":true}"#,
            headers: [("If-Match", "*")])
        #expect(tightened.status == 409 && problemKind(tightened) == "members-not-eligible")
        #expect(try reaches(cop, cop.vendor, circle))
        // Leaving the community closes its circles on the next request.
        #expect(
            try cop.send("POST", "/v1/communities/\(cop.id)/members/\(cop.vendor.id)/leave", as: cop.vendor).status
                == 200)
        #expect(try cop.send("GET", "/v1/circles/\(circle)", as: cop.vendor).status == 404)
        // Coming back to the community does not bring the circle back.
        try cop.admit(cop.vendor, acceptingNorms: false)
        #expect(try cop.send("GET", "/v1/circles/\(circle)", as: cop.vendor).status == 404)
        let after = try cop.send("GET", "/v1/circles/\(circle)/history", as: cop.convenor)
        let latest = (after.json["data"] as? [[String: Any]])?.last
        #expect(
            (latest?["account"] as? [String: Any])?["id"] as? String == cop.vendor.id
                && latest?["change"] as? String == "removed")
    }

    @Test func anOfficialWithACommercialInterestStaysOutOfGovernmentOnlyCircles() throws {
        let cop = try CommunityFixture(server)
        let circle = try circle(cop, #","government_only":true"#)
        #expect(try add(cop, cop.member, to: circle).status == 201)
        #expect(
            try cop.send("POST", "/v1/me/declarations", as: cop.member, json: #"{"description":"Shares in a vendor"}"#)
                .status == 201)
        #expect(try !reaches(cop, cop.member, circle))
        let official = try cop.person()
        try cop.admit(official)
        _ = try cop.send("POST", "/v1/me/declarations", as: official, json: #"{"description":"Advises a vendor"}"#)
        #expect(problemKind(try add(cop, official, to: circle)) == "not-eligible")
    }
}
