import Foundation
import ServerTestSupport
import TestSupport
import Testing

/// Search, lists and notifications never return or count what the caller may not see.
@Suite struct SearchVisibilityTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    func token(_ world: ThreadWorld, for person: Person, scopes: String, restrictedTo community: String? = nil) throws
        -> Person
    {
        let communities = community.map { #","community_ids":["\#($0)"]"# } ?? ""
        let issued = try world.cop.send(
            "POST", "/v1/tokens", as: person, json: #"{"name":"search","scopes":[\#(scopes)]\#(communities)}"#)
        try #require(issued.status == 201, "\(issued.text)")
        return Person(id: person.id, token: issued.json["token"] as! String)
    }

    @Test func wordsSaidInACircleAreFoundOnlyByItsMembers() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let word = "numbat" + String(CommunityFixture.suffix().filter(\.isLetter))
        let thread = try world.thread(title: "\(word) devices")
        _ = try world.post(thread, as: world.official, #"{"body":"The \#(word) pilot"}"#)
        _ = try world.post(
            thread, as: cop.member,
            #"{"kind":"risk","body":"x","practice":{"intervention":"\#(word) purchase","outcome":"negative","confidence":"high"}}"#
        )
        // A vendor-free thread outside the circle, with the word too.
        let vendorFree = try world.thread(inCircle: false, extra: #","excludes_vendors":true"#)
        _ = try world.post(vendorFree, as: cop.member, #"{"body":"\#(word) among officials"}"#)

        let found = try cop.send("GET", "/v1/search?q=\(word)", as: world.official)
        #expect(Set(items(found).map { $0["type"] as! String }) == ["thread", "post", "practice"])
        let elsewhere =
            try cop.send(
                "POST", "/v1/communities", as: cop.convenor,
                json: #"{"slug":"else-\#(CommunityFixture.suffix())","name":"Elsewhere"}"#
            ).json["id"] as! String
        let restricted = try token(world, for: world.official, scopes: #""threads:read""#, restrictedTo: elsewhere)
        let needsOnly = try token(world, for: world.official, scopes: #""needs:read""#)
        for (who, person) in [
            ("outsider", cop.outsider), ("non-circle member", world.bystander), ("restricted token", restricted),
            ("token without threads:read", needsOnly), ("observer", cop.observer),
        ] {
            let answer = try cop.send("GET", "/v1/search?q=\(word)", as: person)
            let inCircle = items(answer).filter {
                $0["thread_id"] as? String == thread || $0["id"] as? String == thread
            }
            #expect(answer.status == 200 && inCircle.isEmpty, "\(who): \(answer.text)")
        }
        // The vendor sees neither the circle's words nor the vendor-free thread's.
        let vendor = try cop.send("GET", "/v1/search?q=\(word)", as: cop.vendor)
        #expect(vendor.status == 200 && items(vendor).isEmpty, "\(vendor.text)")
        #expect(try cop.send("GET", "/v1/threads/\(vendorFree)", as: cop.vendor).status == 404)
        // The bystander finds the vendor-free thread's post, and only that.
        let bystander = try cop.send("GET", "/v1/search?q=\(word)", as: world.bystander)
        #expect(items(bystander).map { $0["thread_id"] as? String } == [vendorFree])

        // Pages carry what is visible only, whatever the cursor.
        let firstPage = try cop.send("GET", "/v1/search?q=\(word)&limit=1", as: world.official)
        let cursor = try #require(firstPage.json["next_cursor"] as? String)
        let secondPage = try cop.send("GET", "/v1/search?q=\(word)&limit=10&cursor=\(cursor)", as: world.official)
        #expect(secondPage.status == 200 && items(firstPage).count + items(secondPage).count == 4)
    }

    @Test func interestsAreLabelledAndAMemberWhoDeclaresOneLosesVendorFreeThreads() throws {
        let world = try ThreadWorld(server, chathamHouse: false)
        let cop = world.cop
        let open = try world.thread(inCircle: false)
        let vendorPost = try world.post(open, as: cop.vendor, #"{"body":"We can supply tablets"}"#)
        #expect(vendorPost["declared_interest"] as? Bool == true)
        let memberPost = try world.post(open, as: cop.member, #"{"body":"Thanks"}"#)
        #expect(memberPost["declared_interest"] as? Bool == false)
        let refused = try cop.send(
            "POST", "/v1/communities/\(cop.id)/threads", as: cop.vendor,
            json: #"{"title":"Only officials","excludes_vendors":true}"#)
        #expect(refused.status == 403 && problemKind(refused) == "commercial-interest")

        let vendorFree = try world.thread(as: world.bystander, inCircle: false, extra: #","excludes_vendors":true"#)
        _ = try world.post(vendorFree, as: world.bystander, #"{"body":"Among ourselves"}"#)
        #expect(try cop.send("GET", "/v1/threads/\(vendorFree)", as: world.bystander).status == 200)
        let declared = try cop.send(
            "POST", "/v1/me/declarations", as: world.bystander,
            json: #"{"community_id":"\#(cop.id)","description":"I advise a device maker"}"#)
        #expect(declared.status == 201, "\(declared.text)")
        // From the next request on, the thread is gone for them, even though they opened it.
        #expect(try cop.send("GET", "/v1/threads/\(vendorFree)", as: world.bystander).status == 404)
        let posted = try cop.send(
            "POST", "/v1/threads/\(vendorFree)/posts", as: world.bystander, json: #"{"body":"Hi"}"#)
        #expect(posted.status == 404)
        // Their posts elsewhere now carry the label.
        #expect(
            try world.post(open, as: world.bystander, #"{"body":"Declared"}"#)["declared_interest"] as? Bool == true)
    }

    @Test func participationWaitsForAChathamHouseThreadToBeArchived() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread(inCircle: false)
        for person in [cop.member, world.official, world.bystander, cop.convenor] {
            _ = try world.post(thread, as: person, #"{"body":"Said"}"#)
        }
        let early = try cop.send("GET", "/v1/threads/\(thread)/participation", as: cop.member)
        #expect(early.status == 409 && problemKind(early) == "thread-not-archived")
        _ = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"status":"archived"}"#,
            headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")])
        let figures = try cop.send("GET", "/v1/threads/\(thread)/participation", as: cop.member)
        #expect(figures.status == 200 && figures.json["people"] as? Int == 4)
        // One official of Rwanda: that cell is suppressed, and so is anything that gives it away.
        let countries = figures.json["by_country"] as! [[String: Any]]
        let rwanda = try #require(countries.first { $0["value"] as? String == "RW" })
        #expect(rwanda["people"] is NSNull && rwanda["suppressed"] as? Bool == true)
        let published = countries.compactMap { $0["people"] as? Int }
        #expect(published.count != countries.count - 1, "one suppressed cell next to a total gives it away")
    }
}
