import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct ThemeTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func convenorsCurateThemesAndMembersSuggestThem() throws {
        let cop = try CommunityFixture(server)
        let procurement = try theme(cop, "Procurement")
        #expect(procurement.json["status"] as? String == "active")
        let taken = try cop.send(
            "POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor, json: #"{"name":"PROCUREMENT"}"#)
        #expect(taken.status == 409 && problemKind(taken) == "theme-name-taken")

        // A member's theme is a suggestion: only they and the convenors see it until it is accepted.
        let suggested = try cop.send(
            "POST", "/v1/communities/\(cop.id)/themes", as: cop.member, json: #"{"name":"Teacher training"}"#)
        #expect(suggested.status == 201 && suggested.json["status"] as? String == "suggested")
        let suggestion = suggested.json["id"] as! String
        #expect(try cop.send("GET", "/v1/themes/\(suggestion)", as: cop.observer).status == 404)
        #expect(try !listed(cop, suggestion, as: cop.observer) && listed(cop, suggestion, as: cop.convenor))
        let byMember = try cop.send("POST", "/v1/themes/\(suggestion)/accept", as: cop.member)
        #expect(byMember.status == 403 && problemKind(byMember) == "convenor-required")
        let accepted = try cop.send("POST", "/v1/themes/\(suggestion)/accept", as: cop.convenor)
        #expect(accepted.status == 200 && accepted.json["status"] as? String == "active")
        #expect(try listed(cop, suggestion, as: cop.observer))
        let again = try cop.send("POST", "/v1/themes/\(suggestion)/accept", as: cop.convenor)
        #expect(again.status == 409 && problemKind(again) == "invalid-transition")

        // A suggestion reserves no name: another member is not told it exists.
        let same = try cop.send(
            "POST", "/v1/communities/\(cop.id)/themes", as: cop.vendor, json: #"{"name":"cat VIDEOS"}"#)
        let other = try cop.send(
            "POST", "/v1/communities/\(cop.id)/themes", as: cop.member, json: #"{"name":"Cat videos"}"#)
        #expect(same.status == 201 && other.status == 201)
        // Names differing only in spaces or composition are one name.
        _ = try theme(cop, "Caf\u{E9}")
        for spelling in ["  Procurement ", "Procurement\u{A0}", "PROCUREMENT", "Cafe\u{301}"] {
            let again = try cop.send(
                "POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor, json: #"{"name":"\#(spelling)"}"#)
            #expect(again.status == 409, "\(spelling)")
        }
        let declined = try cop.send(
            "POST", "/v1/themes/\(other.json["id"] as! String)/decline", as: cop.convenor,
            json: #"{"reason":"Out of scope."}"#)
        #expect(declined.json["status"] as? String == "declined" && declined.json["decline_reason"] as? String != nil)

        // Observers read themes but do not suggest them; guests and outsiders do not see them.
        #expect(
            problemKind(
                try cop.send(
                    "POST", "/v1/communities/\(cop.id)/themes", as: cop.observer, json: #"{"name":"Observed"}"#))
                == "observer-read-only")
        #expect(try cop.send("GET", "/v1/themes/\(procurement.json["id"] as! String)", as: cop.outsider).status == 404)
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/themes", as: cop.outsider).status == 404)
    }

    @Test func aRetiredThemeTakesNoNewNeedsAndARenameKeepsNamesUnique() throws {
        let cop = try CommunityFixture(server)
        let id = try theme(cop, "Connectivity").json["id"] as! String
        _ = try theme(cop, "Devices")
        let current = try cop.send("GET", "/v1/themes/\(id)", as: cop.convenor)
        let clash = try cop.send(
            "PATCH", "/v1/themes/\(id)", as: cop.convenor, json: #"{"name":"devices"}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(clash.status == 409 && problemKind(clash) == "theme-name-taken")
        let retired = try cop.send(
            "PATCH", "/v1/themes/\(id)", as: cop.convenor, json: #"{"status":"retired"}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(retired.status == 200 && retired.json["status"] as? String == "retired")
        let refused = try need(cop, as: cop.member, themes: [id])
        #expect(refused.status == 422)
        #expect(fields(refused) == ["theme_ids[0]"])
        let stale = try cop.send(
            "PATCH", "/v1/themes/\(id)", as: cop.convenor, json: #"{"status":"active"}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(stale.status == 412)
    }

    /// Merging moves every link, in needs and in declarations of interest, and the old id then
    /// points to the theme that took over.
    @Test func aMergeKeepsEveryLink() throws {
        let cop = try CommunityFixture(server)
        let old = try theme(cop, "Device procurement").json["id"] as! String
        let kept = try theme(cop, "Procurement").json["id"] as! String
        let other = try theme(cop, "Connectivity").json["id"] as! String
        let onlyOld = try need(cop, as: cop.member, themes: [old]).json["id"] as! String
        let both = try need(cop, as: cop.member, themes: [old, kept, other]).json["id"] as! String
        let byConvenor = try need(cop, as: cop.convenor, themes: [kept])
        try #require(byConvenor.status == 201, "\(byConvenor.text)")
        let onlyKept = byConvenor.json["id"] as! String
        let before = try cop.send("GET", "/v1/needs/\(both)", as: cop.convenor).header("ETag")
        // (The declaration gives the member a commercial interest: others' needs are then hidden
        // from them, so the convenor reads the needs below.)
        let declaration = try cop.send(
            "POST", "/v1/me/declarations", as: cop.member,
            json:
                #"{"description":"Advises a ministry on devices","community_id":"\#(cop.id)","theme_ids":["\#(old)","\#(other)"]}"#
        )
        #expect(declaration.status == 201)

        let merged = try cop.send("POST", "/v1/themes/\(old)/merge", as: cop.convenor, json: #"{"into":"\#(kept)"}"#)
        #expect(merged.status == 200 && merged.json["status"] as? String == "merged")
        #expect(try cop.send("GET", "/v1/themes/\(old)", as: cop.member).json["merged_into"] as? String == kept)
        #expect(try themeIDs(cop, onlyOld) == [kept])
        #expect(try Set(themeIDs(cop, both)) == [kept, other] && themeIDs(cop, both).count == 2)
        #expect(try themeIDs(cop, onlyKept) == [kept])
        #expect(try cop.send("GET", "/v1/needs/\(both)", as: cop.convenor).header("ETag") != before)
        let declarations = try cop.send("GET", "/v1/me/declarations", as: cop.member)
        let named = (declarations.json["data"] as? [[String: Any]])?.first?["theme_ids"] as? [String]
        #expect(named == [kept, other])
        let filtered = try cop.send("GET", "/v1/communities/\(cop.id)/needs?theme=\(kept)&limit=100", as: cop.convenor)
        #expect(Set(ids(filtered)) == [onlyOld, both, onlyKept])

        let twice = try cop.send("POST", "/v1/themes/\(old)/merge", as: cop.convenor, json: #"{"into":"\#(kept)"}"#)
        #expect(twice.status == 409 && problemKind(twice) == "invalid-transition")
        let elsewhere = try CommunityFixture(server)
        let foreign = try theme(elsewhere, "Foreign").json["id"] as! String
        let across = try cop.send(
            "POST", "/v1/themes/\(other)/merge", as: cop.convenor, json: #"{"into":"\#(foreign)"}"#)
        #expect(across.status == 422 && fields(across) == ["into"])
    }

    /// A declaration of interest names themes of its own community that are in use.
    @Test func declarationsNameTheCommunitysActiveThemes() throws {
        let cop = try CommunityFixture(server)
        let active = try theme(cop, "Procurement").json["id"] as! String
        let elsewhere = try theme(try CommunityFixture(server), "Foreign").json["id"] as! String
        func declare(_ themes: [String]) throws -> HTTPResult {
            let list = themes.map { "\"\($0)\"" }.joined(separator: ",")
            return try cop.send(
                "POST", "/v1/me/declarations", as: cop.member,
                json: #"{"description":"Advises a vendor","community_id":"\#(cop.id)","theme_ids":[\#(list)]}"#)
        }
        for refused in [[UUID().uuidString.lowercased()], [elsewhere], [active, elsewhere]] {
            let answer = try declare(refused)
            #expect(answer.status == 422 && fields(answer) == ["theme_ids"], "\(refused)")
        }
        #expect(try declare([active]).status == 201)
    }

    private func listed(_ cop: CommunityFixture, _ theme: String, as person: Person) throws -> Bool {
        ids(try cop.send("GET", "/v1/communities/\(cop.id)/themes?limit=100", as: person)).contains(theme)
    }

    private func themeIDs(_ cop: CommunityFixture, _ need: String) throws -> [String] {
        let answer = try cop.send("GET", "/v1/needs/\(need)", as: cop.convenor)
        return (answer.json["themes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}

@Suite struct NeedTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func membersWriteAndCosignNeedsOnce() throws {
        let cop = try CommunityFixture(server)
        let procurement = try theme(cop, "Procurement").json["id"] as! String
        let written = try need(cop, as: cop.member, themes: [procurement], urgency: 5)
        #expect(written.status == 201 && written.header("Location") != nil)
        #expect(written.json["source"] as? String == "self" && written.json["urgency"] as? Int == 5)
        #expect((written.json["author"] as? [String: Any])?["id"] as? String == cop.member.id)
        #expect(written.json["convenor_notes"] is NSNull)
        let id = written.json["id"] as! String

        #expect(problemKind(try need(cop, as: cop.observer)) == "observer-read-only")
        #expect(problemKind(try need(cop, as: cop.newcomer)) == "norms-not-accepted")
        #expect(try need(cop, as: cop.outsider).status == 404)
        let invalid = try cop.send(
            "POST", "/v1/communities/\(cop.id)/needs", as: cop.member,
            json: #"{"title":"","urgency":6,"theme_ids":["\#(UUID().uuidString)"]}"#)
        #expect(invalid.status == 422 && Set(fields(invalid)) == ["title", "urgency"])

        let own = try cop.send("POST", "/v1/needs/\(id)/cosigns", as: cop.member)
        #expect(own.status == 409 && problemKind(own) == "own-need")
        let cosigned = try cop.send("POST", "/v1/needs/\(id)/cosigns", as: cop.convenor)
        #expect(cosigned.status == 201)
        let twice = try cop.send("POST", "/v1/needs/\(id)/cosigns", as: cop.convenor)
        #expect(twice.status == 409 && problemKind(twice) == "already-cosigned")
        #expect(problemKind(try cop.send("POST", "/v1/needs/\(id)/cosigns", as: cop.observer)) == "observer-read-only")
        let read = try cop.send("GET", "/v1/needs/\(id)", as: cop.convenor)
        #expect(read.json["cosign_count"] as? Int == 1 && read.json["cosigned_by_me"] as? Bool == true)
        #expect(
            ids(try cop.send("GET", "/v1/needs/\(id)/cosigns", as: cop.observer), key: "account") == [cop.convenor.id])
        let foreign = try cop.send("DELETE", "/v1/needs/\(id)/cosigns/\(cop.convenor.id)", as: cop.member)
        #expect(foreign.status == 403 && problemKind(foreign) == "self-only")
        #expect(try cop.send("DELETE", "/v1/needs/\(id)/cosigns/\(cop.convenor.id)", as: cop.convenor).status == 204)
        #expect(try cop.send("GET", "/v1/needs/\(id)", as: cop.member).json["cosign_count"] as? Int == 0)
    }

    /// A need in a circle exists only for the circle's members; members with a commercial
    /// interest see needs only where the community shows them to vendors; a withdrawn need only
    /// its author sees.
    @Test func needsAreSeenOnlyWhereTheRulesAllow() throws {
        let cop = try CommunityFixture(server)
        let circle = try cop.send(
            "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Treasury"}"#)
        let circleID = circle.json["id"] as! String
        #expect(
            try cop.send(
                "POST", "/v1/circles/\(circleID)/members", as: cop.convenor,
                json: #"{"account_id":"\#(cop.member.id)"}"#
            ).status == 201)
        let open = try need(cop, as: cop.member).json["id"] as! String
        let inCircle = try need(cop, as: cop.member, extra: #","circle_id":"\#(circleID)""#).json["id"] as! String
        let outside = try need(cop, as: cop.newcomerWithNorms(), extra: #","circle_id":"\#(circleID)""#)
        #expect(outside.status == 422 && fields(outside) == ["circle_id"])

        func sees(_ person: Person, _ need: String) throws -> Bool {
            let single = try cop.send("GET", "/v1/needs/\(need)", as: person).status
            let listed = ids(try cop.send("GET", "/v1/communities/\(cop.id)/needs?limit=100", as: person))
            #expect((single == 200) == listed.contains(need), "\(single) \(listed)")
            return single == 200
        }
        #expect(try sees(cop.convenor, inCircle) && sees(cop.member, inCircle))
        #expect(try !sees(cop.observer, inCircle) && sees(cop.observer, open))
        #expect(try cop.send("POST", "/v1/needs/\(inCircle)/cosigns", as: cop.observer).status == 404)
        // The vendor: not while the community keeps needs from vendors.
        #expect(try !sees(cop.vendor, open))
        let community = try cop.send("GET", "/v1/communities/\(cop.id)", as: cop.convenor)
        #expect(
            try cop.send(
                "PATCH", "/v1/communities/\(cop.id)", as: cop.convenor, json: #"{"needs_visible_to_vendors":true}"#,
                headers: [("If-Match", community.header("ETag")!)]
            ).status == 200)
        #expect(try sees(cop.vendor, open) && !sees(cop.vendor, inCircle))

        let current = try cop.send("GET", "/v1/needs/\(open)", as: cop.member)
        let withdrawn = try cop.send(
            "PATCH", "/v1/needs/\(open)", as: cop.member, json: #"{"status":"withdrawn"}"#,
            headers: [("If-Match", current.header("ETag")!)])
        #expect(withdrawn.status == 200)
        #expect(try sees(cop.member, open) && !sees(cop.convenor, open) && !sees(cop.observer, open))
    }

    /// A convenor records an interview's need in a member's name, only with their consent; the
    /// member owns its words, the convenor its notes.
    @Test func interviewsAreRecordedWithConsentAndTheMemberOwnsTheWords() throws {
        let cop = try CommunityFixture(server)
        let withoutConsent = try need(cop, as: cop.convenor, extra: #","member_id":"\#(cop.member.id)""#)
        #expect(withoutConsent.status == 422 && fields(withoutConsent) == ["consent"])
        let byMember = try need(cop, as: cop.vendor, extra: #","member_id":"\#(cop.member.id)","consent":true"#)
        #expect(byMember.status == 403 && problemKind(byMember) == "convenor-required")
        let ofOutsider = try need(cop, as: cop.convenor, extra: #","member_id":"\#(cop.outsider.id)","consent":true"#)
        #expect(ofOutsider.status == 422 && fields(ofOutsider) == ["member_id"])
        let recorded = try need(cop, as: cop.convenor, extra: #","member_id":"\#(cop.member.id)","consent":true"#)
        #expect(recorded.status == 201 && recorded.json["source"] as? String == "interview")
        #expect((recorded.json["author"] as? [String: Any])?["id"] as? String == cop.member.id)
        #expect((recorded.json["recorded_by"] as? [String: Any])?["id"] as? String == cop.convenor.id)
        #expect(recorded.json["consent_recorded_at"] is String)
        let id = recorded.json["id"] as! String

        var tag = recorded.header("ETag")!
        let rewrite = try cop.send(
            "PATCH", "/v1/needs/\(id)", as: cop.convenor, json: #"{"title":"Something else"}"#,
            headers: [("If-Match", tag)])
        #expect(rewrite.status == 403 && problemKind(rewrite) == "author-only")
        let noted = try cop.send(
            "PATCH", "/v1/needs/\(id)", as: cop.convenor,
            json: #"{"convenor_notes":"Follow up in March","status":"addressed"}"#,
            headers: [("If-Match", tag)])
        #expect(noted.status == 200 && noted.json["convenor_notes"] as? String == "Follow up in March")
        tag = noted.header("ETag")!
        let asMember = try cop.send("GET", "/v1/needs/\(id)", as: cop.member)
        #expect(asMember.json["convenor_notes"] is NSNull && asMember.json["status"] as? String == "addressed")
        let notes = try cop.send(
            "PATCH", "/v1/needs/\(id)", as: cop.member, json: #"{"convenor_notes":"mine"}"#,
            headers: [("If-Match", tag)])
        #expect(notes.status == 403 && problemKind(notes) == "convenor-required")
        let edited = try cop.send(
            "PATCH", "/v1/needs/\(id)", as: cop.member, json: #"{"title":"In my own words","urgency":2}"#,
            headers: [("If-Match", tag)])
        #expect(edited.status == 200 && edited.json["title"] as? String == "In my own words")
    }

    /// A person's needs and co-signs are in their export and wiped by their erasure; the
    /// community's audit log shows need events to its convenors, a circle's only to those in it.
    @Test func needsAreThePersonsDataAndTheCommunitysRecord() throws {
        let cop = try CommunityFixture(server)
        let id = try need(cop, as: cop.member).json["id"] as! String
        let other = try need(cop, as: cop.convenor).json["id"] as! String
        #expect(try cop.send("POST", "/v1/needs/\(other)/cosigns", as: cop.member).status == 201)
        let export = try cop.send("GET", "/v1/me/export", as: cop.member)
        #expect((export.json["needs"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect((export.json["need_cosigns"] as? [[String: Any]])?.map { $0["need_id"] as? String } == [other])

        let circle =
            try cop.send(
                "POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#
            ).json["id"] as! String
        let hidden = try need(cop, as: cop.convenor, extra: #","circle_id":"\#(circle)""#).json["id"] as! String
        let second = try cop.person()
        try cop.admit(second, role: "convenor")
        func audited(_ target: String, by person: Person) throws -> Bool {
            let events = try cop.send(
                "GET", "/v1/communities/\(cop.id)/audit-events?target_id=\(target)", as: person)
            return !((events.json["data"] as? [Any]) ?? []).isEmpty
        }
        #expect(try audited(id, by: second) && audited(hidden, by: cop.convenor))
        #expect(try !audited(hidden, by: second))
        // A convenor's token without `needs:read` reads the community's log, but not what it
        // could not read from the needs themselves.
        let membersOnly =
            try cop.send(
                "POST", "/v1/tokens", as: second, json: #"{"name":"members only","scopes":["members:read"]}"#
            ).json["token"] as! String
        let byToken = try server.send(
            "GET", "/v1/communities/\(cop.id)/audit-events?target_id=\(id)", token: membersOnly)
        #expect(byToken.status == 200 && (byToken.json["data"] as? [Any])?.isEmpty == true)

        #expect(try server.send("POST", "/v1/accounts/\(cop.member.id)/erase", token: cop.admin).status == 204)
        let erased = try cop.send("GET", "/v1/needs/\(id)", as: cop.convenor)
        #expect(erased.status == 404)
        #expect(try cop.send("GET", "/v1/needs/\(other)", as: cop.convenor).json["cosign_count"] as? Int == 0)
    }

    @Test func theListFiltersSortsAndPages() throws {
        let cop = try CommunityFixture(server)
        let devices = try theme(cop, "Devices").json["id"] as! String
        let low = try need(cop, as: cop.member, urgency: 1).json["id"] as! String
        let urgent = try need(cop, as: cop.member, themes: [devices], urgency: 5).json["id"] as! String
        let middle = try need(cop, as: cop.convenor, themes: [devices], urgency: 3).json["id"] as! String
        #expect(try cop.send("POST", "/v1/needs/\(low)/cosigns", as: cop.convenor).status == 201)
        #expect(try cop.send("POST", "/v1/needs/\(low)/cosigns", as: cop.newcomerWithNorms()).status == 201)
        #expect(try cop.send("POST", "/v1/needs/\(middle)/cosigns", as: cop.member).status == 201)

        func list(_ query: String) throws -> [String] {
            ids(try cop.send("GET", "/v1/communities/\(cop.id)/needs?\(query)", as: cop.convenor))
        }
        #expect(try list("") == [middle, urgent, low])
        #expect(try list("sort=urgent") == [urgent, middle, low])
        #expect(try list("sort=cosigned") == [low, middle, urgent])
        #expect(try list("min_urgency=3&theme=\(devices)") == [middle, urgent])
        #expect(try list("status=withdrawn").isEmpty)
        for sort in ["newest", "urgent", "cosigned"] {
            var seen: [String] = []
            var path = "/v1/communities/\(cop.id)/needs?sort=\(sort)&limit=1"
            while true {
                let page = try cop.send("GET", path, as: cop.convenor)
                seen += ids(page)
                guard let cursor = page.json["next_cursor"] as? String else { break }
                path = "/v1/communities/\(cop.id)/needs?sort=\(sort)&limit=1&cursor=\(cursor)"
            }
            #expect(seen == (try list("sort=\(sort)")), "\(sort)")
        }
        for bad in ["sort=loudest", "min_urgency=9", "theme=x", "country=kenya", "sector=cooking", "status=gone"] {
            #expect(try cop.send("GET", "/v1/communities/\(cop.id)/needs?\(bad)", as: cop.convenor).status == 400)
        }
        let cursor =
            try cop.send("GET", "/v1/communities/\(cop.id)/needs?limit=1", as: cop.convenor)
            .json["next_cursor"] as! String
        #expect(
            try cop.send("GET", "/v1/communities/\(cop.id)/needs?sort=urgent&cursor=\(cursor)", as: cop.convenor)
                .status == 400)
    }
}

func theme(_ cop: CommunityFixture, _ name: String) throws -> HTTPResult {
    let created = try cop.send(
        "POST", "/v1/communities/\(cop.id)/themes", as: cop.convenor, json: #"{"name":"\#(name)"}"#)
    try #require(created.status == 201, "\(created.text)")
    return created
}

func need(
    _ cop: CommunityFixture, as person: Person, themes: [String] = [], urgency: Int = 4, extra: String = ""
) throws -> HTTPResult {
    let themeList = themes.map { "\"\($0)\"" }.joined(separator: ",")
    return try cop.send(
        "POST", "/v1/communities/\(cop.id)/needs", as: person,
        json:
            #"{"title":"Comparing device procurement models","urgency":\#(urgency),"theme_ids":[\#(themeList)]\#(extra)}"#
    )
}

func ids(_ result: HTTPResult, key: String? = nil) -> [String] {
    (result.json["data"] as? [[String: Any]] ?? []).compactMap { item in
        guard let key else { return item["id"] as? String }
        return (item[key] as? [String: Any])?["id"] as? String
    }
}

func fields(_ result: HTTPResult) -> [String] {
    (result.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
}

extension CommunityFixture {
    /// The newcomer, once they accepted the norms.
    func newcomerWithNorms() throws -> Person {
        try acceptNorms(newcomer)
        return newcomer
    }
}
