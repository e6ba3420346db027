import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

/// A community under the Chatham House rule with a circle the member and a second official are
/// in (the convenor made it, so is in it too); `bystander` is a member outside the circle.
struct ThreadWorld {
    let cop: CommunityFixture
    let official: Person
    let bystander: Person
    let circle: String

    init(_ server: TestServer, chathamHouse: Bool = true) throws {
        cop = try CommunityFixture(server, settings: #","chatham_house":\#(chathamHouse)"#)
        official = try cop.person(extra: #","country":"RW""#)
        try cop.admit(official)
        bystander = try cop.person()
        try cop.admit(bystander)
        circle =
            try cop.send("POST", "/v1/communities/\(cop.id)/circles", as: cop.convenor, json: #"{"name":"Inner"}"#)
            .json["id"] as! String
        for person in [cop.member, official] {
            let added = try cop.send(
                "POST", "/v1/circles/\(circle)/members", as: cop.convenor, json: #"{"account_id":"\#(person.id)"}"#)
            try #require(added.status == 201, "\(added.text)")
        }
    }

    func thread(
        as person: Person? = nil, title: String = "Device procurement: lease or buy?", inCircle: Bool = true,
        extra: String = ""
    ) throws -> String {
        let circleMember = inCircle ? #","circle_id":"\#(circle)""# : ""
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/threads", as: person ?? cop.member,
            json: #"{"title":"\#(title)","problem":"4,000 schools"\#(circleMember)\#(extra)}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    func post(_ thread: String, as person: Person, _ json: String) throws -> [String: Any] {
        let created = try cop.send("POST", "/v1/threads/\(thread)/posts", as: person, json: json)
        try #require(created.status == 201, "\(created.text)")
        return created.json
    }

    static let practice =
        #"{"kind":"practice","body":"We leased tablets with a maintenance SLA.","practice":{"intervention":"Leasing tablets with a maintenance SLA","context":{"country":"RW","level":"primary","scale":"national"},"outcome":"positive","evidence":[{"title":"Pilot evaluation","url":"https://example.org/pilot.pdf"}],"confidence":"medium"}}"#
    static let risk =
        #"{"kind":"risk","body":"Our bulk purchase skipped the security review.","practice":{"intervention":"Bulk tablet purchase","outcome":"negative","missed_risks":["Devices shipped with default admin passwords"],"confidence":"high"}}"#
}

func items(_ result: HTTPResult) -> [[String: Any]] { result.json["data"] as? [[String: Any]] ?? [] }

@Suite struct ThreadTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func twoOfficialsGoFromAProblemToAnOutcomeThatSearchFinds() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread()
        let opened = try cop.send("GET", "/v1/threads/\(thread)", as: world.official)
        #expect(opened.json["chatham_house"] as? Bool == true && opened.json["status"] as? String == "open")
        #expect(opened.json["created_by"] is NSNull && opened.json["created_by_label"] as? String == "a participant")
        let own = try cop.send("GET", "/v1/threads/\(thread)", as: cop.member)
        #expect((own.json["created_by"] as? [String: Any])?["id"] as? String == cop.member.id)

        let practice = try world.post(thread, as: world.official, ThreadWorld.practice)["id"] as! String
        let risk = try world.post(
            thread, as: cop.member,
            ThreadWorld.risk.replacingOccurrences(
                of: #""kind":"risk""#, with: #""kind":"risk","reply_to_id":"\#(practice)""#))
        #expect(risk["reply_to_id"] as? String == practice && risk["written_by_me"] as? Bool == true)
        #expect((risk["author"] as? [String: Any])?["id"] as? String == cop.member.id)

        // The official was told of the reply, without a name.
        let notices = try cop.send("GET", "/v1/me/notifications", as: world.official)
        let reply = try #require(items(notices).first { $0["kind"] as? String == "post.replied" })
        #expect(reply["subject_id"] as? String == risk["id"] as? String)
        #expect(!notices.text.contains(cop.member.id))

        // Endorsed once, never by its author; then the outcome.
        let endorsed = try cop.send(
            "POST", "/v1/posts/\(practice)/endorsements", as: cop.member, json: #"{"kind":"we_did_this_too"}"#)
        #expect(endorsed.status == 201)
        let twice = try cop.send(
            "POST", "/v1/posts/\(practice)/endorsements", as: cop.member, json: #"{"kind":"this_helped"}"#)
        #expect(twice.status == 409 && problemKind(twice) == "already-endorsed")
        let ownEndorsement = try cop.send(
            "POST", "/v1/posts/\(practice)/endorsements", as: world.official, json: #"{"kind":"this_helped"}"#)
        #expect(ownEndorsement.status == 409 && problemKind(ownEndorsement) == "own-post")
        let notTheirs = try cop.send(
            "POST", "/v1/threads/\(thread)/outcome", as: world.official, json: #"{"post_id":"\#(practice)"}"#)
        #expect(notTheirs.status == 403 && problemKind(notTheirs) == "author-only")
        let resolved = try cop.send(
            "POST", "/v1/threads/\(thread)/outcome", as: cop.member, json: #"{"post_id":"\#(practice)"}"#)
        #expect(resolved.status == 200 && resolved.json["status"] as? String == "resolved")
        #expect(resolved.json["outcome_post_id"] as? String == practice)
        let second = try cop.send(
            "POST", "/v1/threads/\(thread)/outcome", as: cop.convenor, json: #"{"post_id":"\#(risk["id"]!)"}"#)
        #expect(second.status == 409 && problemKind(second) == "outcome-exists")
        let reopened = try cop.send("DELETE", "/v1/threads/\(thread)/outcome", as: cop.convenor)
        #expect(reopened.status == 200 && reopened.json["status"] as? String == "open")
        #expect(try cop.send("DELETE", "/v1/threads/\(thread)/outcome", as: cop.convenor).status == 409)
        _ = try cop.send("POST", "/v1/threads/\(thread)/outcome", as: cop.member, json: #"{"post_id":"\#(practice)"}"#)

        // What did harm elsewhere, in one request, and the thread found later.
        let harmful = try cop.send("GET", "/v1/communities/\(cop.id)/practices?outcome=negative", as: world.official)
        #expect(
            items(harmful).map { ($0["practice"] as! [String: Any])["intervention"] as! String } == [
                "Bulk tablet purchase"
            ])
        let found = try cop.send("GET", "/v1/search?q=tablets&community_id=\(cop.id)", as: world.official)
        #expect(Set(items(found).map { $0["type"] as! String }) == ["post", "practice"])
        #expect(items(found).allSatisfy { ($0["snippet_html"] as? String)?.contains("<mark>") == true })
        let outcomes = try cop.send("GET", "/v1/communities/\(cop.id)/threads?has_outcome=true", as: world.official)
        #expect(items(outcomes).map { $0["id"] as! String } == [thread])

        // Nobody outside the circle learns that any of it exists.
        for person in [world.bystander, cop.outsider, cop.observer, cop.vendor] {
            #expect(try cop.send("GET", "/v1/threads/\(thread)", as: person).status == 404)
            #expect(try cop.send("GET", "/v1/posts/\(practice)", as: person).status == 404)
            #expect(try cop.send("GET", "/v1/threads/\(thread)/posts", as: person).status == 404)
            let search = try cop.send("GET", "/v1/search?q=tablets", as: person)
            #expect(search.status == 200 && items(search).isEmpty)
        }
        let practices = try cop.send("GET", "/v1/communities/\(cop.id)/practices", as: world.bystander)
        #expect(practices.status == 200 && items(practices).isEmpty)
        let threads = try cop.send("GET", "/v1/communities/\(cop.id)/threads", as: world.bystander)
        #expect(threads.status == 200 && items(threads).isEmpty)
    }

    /// Every path that carries a post under the Chatham House rule names its author to nobody but
    /// them, until they put it on the record.
    @Test func theChathamHouseRuleHoldsOnEveryPath() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread()
        let word = "quokka" + String(CommunityFixture.suffix().filter(\.isLetter))
        let post =
            try world.post(
                thread, as: world.official,
                ThreadWorld.practice.replacingOccurrences(of: "We leased tablets", with: "We leased \(word) tablets")
            )["id"] as! String
        _ = try cop.send(
            "PATCH", "/v1/posts/\(post)", as: world.official, json: #"{"body":"We leased \#(word) tablets, twice."}"#,
            headers: [("If-Match", "*"), ("Content-Type", "application/merge-patch+json")])
        _ = try cop.send(
            "POST", "/v1/posts/\(post)/endorsements", as: cop.member, json: #"{"kind":"this_helped"}"#)
        let reader = cop.convenor
        let paths = [
            "/v1/posts/\(post)", "/v1/threads/\(thread)/posts", "/v1/posts/\(post)/revisions",
            "/v1/posts/\(post)/endorsements", "/v1/communities/\(cop.id)/practices", "/v1/search?q=\(word)",
            "/v1/me/notifications",
        ]
        for path in paths {
            let answer = try cop.send("GET", path, as: reader)
            #expect(answer.status == 200, "\(path)")
            #expect(!answer.text.contains(world.official.id), "\(path) names the author")
        }
        // Endorsers are not named either (but each sees their own).
        let endorsements = try cop.send("GET", "/v1/posts/\(post)/endorsements", as: world.official)
        #expect(items(endorsements).first?["account"] is NSNull)
        #expect(!endorsements.text.contains(cop.member.id))
        // Nor by a page's cursor.
        _ = try cop.send("POST", "/v1/posts/\(post)/endorsements", as: cop.convenor, json: #"{"kind":"this_helped"}"#)
        let firstPage = try cop.send("GET", "/v1/posts/\(post)/endorsements?limit=1", as: world.official)
        let next = try #require(firstPage.json["next_cursor"] as? String)
        let cursor = try #require(Cursor.decode(next))
        #expect(
            !cursor.position.contains { [cop.member.id, cop.convenor.id].contains($0.lowercased()) },
            "the cursor names an endorser")
        let shown = try cop.send("GET", "/v1/posts/\(post)", as: reader)
        #expect(shown.json["author"] is NSNull && shown.json["author_label"] as? String == "a participant")
        // The author chooses to be named.
        let named = try cop.send(
            "PATCH", "/v1/posts/\(post)", as: world.official, json: #"{"on_the_record":true}"#,
            headers: [("If-Match", "*"), ("Content-Type", "application/merge-patch+json")])
        #expect(named.status == 200)
        let onRecord = try cop.send("GET", "/v1/posts/\(post)", as: reader)
        #expect((onRecord.json["author"] as? [String: Any])?["id"] as? String == world.official.id)

        // The audit log tells the convenors what happened, not who opened the thread.
        let audit = try cop.send("GET", "/v1/communities/\(cop.id)/audit-events?limit=100", as: cop.convenor)
        let created = try #require(items(audit).first { $0["action"] as? String == "thread.created" })
        #expect(created["actor_id"] is NSNull)
    }

    @Test func revisionsTombstonesAndConditionalChanges() throws {
        let world = try ThreadWorld(server, chathamHouse: false)
        let cop = world.cop
        let thread = try world.thread(inCircle: false)
        let first = try world.post(thread, as: cop.member, #"{"body":"First words"}"#)
        let postID = first["id"] as! String
        let reply = try world.post(thread, as: world.official, #"{"body":"A reply","reply_to_id":"\#(postID)"}"#)
        // Outside the Chatham House rule authors are named.
        #expect((reply["author"] as? [String: Any])?["id"] as? String == world.official.id)

        let patch = [("Content-Type", "application/merge-patch+json")]
        #expect(
            try cop.send("PATCH", "/v1/posts/\(postID)", as: cop.member, json: #"{"body":"x"}"#, headers: patch).status
                == 428)
        let stale = try cop.send(
            "PATCH", "/v1/posts/\(postID)", as: cop.member, json: #"{"body":"x"}"#,
            headers: patch + [("If-Match", #"W/"stale""#)])
        #expect(stale.status == 412)
        let current = try cop.send("GET", "/v1/posts/\(postID)", as: cop.member)
        let etag = try #require(current.header("ETag"))
        let edited = try cop.send(
            "PATCH", "/v1/posts/\(postID)", as: cop.member, json: #"{"body":"Second words"}"#,
            headers: patch + [("If-Match", etag)])
        #expect(edited.status == 200 && edited.json["revision"] as? Int == 2)
        let byOther = try cop.send(
            "PATCH", "/v1/posts/\(postID)", as: world.official, json: #"{"body":"Mine now"}"#,
            headers: patch + [("If-Match", "*")])
        #expect(byOther.status == 403 && problemKind(byOther) == "author-only")
        let revisions = try cop.send("GET", "/v1/posts/\(postID)/revisions", as: world.official)
        #expect(items(revisions).map { $0["body"] as! String } == ["First words"])

        // Deleting leaves a tombstone: the reply keeps its place, the words and revisions go.
        #expect(try cop.send("DELETE", "/v1/posts/\(postID)", as: cop.member).status == 204)
        let page = try cop.send("GET", "/v1/threads/\(thread)/posts", as: world.official)
        let tombstone = try #require(items(page).first { $0["id"] as? String == postID })
        #expect(tombstone["state"] as? String == "deleted" && tombstone["body"] is NSNull)
        #expect(tombstone["author"] is NSNull)
        #expect(items(page).contains { $0["reply_to_id"] as? String == postID })
        #expect(items(try cop.send("GET", "/v1/posts/\(postID)/revisions", as: cop.member)).isEmpty)
        #expect(try cop.send("DELETE", "/v1/posts/\(postID)", as: cop.member).status == 404)

        // A thread's PATCH needs If-Match; a locked thread takes no posts.
        let threadPatch = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"status":"exploring"}"#,
            headers: patch + [("If-Match", #"W/"stale""#)])
        #expect(threadPatch.status == 412)
        #expect(try cop.send("POST", "/v1/threads/\(thread)/lock", as: cop.member).status == 403)
        #expect(try cop.send("POST", "/v1/threads/\(thread)/lock", as: cop.convenor).status == 200)
        let locked = try cop.send("POST", "/v1/threads/\(thread)/posts", as: world.official, json: #"{"body":"Hello"}"#)
        #expect(locked.status == 409 && problemKind(locked) == "thread-locked")
        #expect(try cop.send("POST", "/v1/threads/\(thread)/unlock", as: cop.convenor).status == 200)
        let archived = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"status":"archived"}"#,
            headers: patch + [("If-Match", "*")])
        #expect(archived.json["status"] as? String == "archived")
        let late = try cop.send("POST", "/v1/threads/\(thread)/posts", as: world.official, json: #"{"body":"Hello"}"#)
        #expect(late.status == 409 && problemKind(late) == "thread-archived")
    }

    @Test func aThreadsRulesOnlyBecomeStricterOnceSomeonePosted() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread(inCircle: false)
        let patch = [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")]
        let loosened = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"chatham_house":false}"#, headers: patch)
        #expect(loosened.status == 200 && loosened.json["chatham_house"] as? Bool == false)
        _ = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"chatham_house":true}"#, headers: patch)
        _ = try world.post(thread, as: world.official, #"{"body":"Said under the rule"}"#)
        let refused = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.convenor, json: #"{"chatham_house":false}"#, headers: patch)
        #expect(refused.status == 409 && problemKind(refused) == "only-stricter")
        let resolved = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: cop.member, json: #"{"status":"resolved"}"#, headers: patch)
        #expect(resolved.status == 422)
        let notTheirs = try cop.send(
            "PATCH", "/v1/threads/\(thread)", as: world.official, json: #"{"title":"Mine"}"#, headers: patch)
        #expect(notTheirs.status == 403 && problemKind(notTheirs) == "author-only")
    }

    @Test func postsAreValidatedAndBadOnesChangeNothing() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread()
        let cases: [(String, String)] = [
            (#"{"kind":"practice","body":"No record"}"#, "practice"),
            (
                #"{"kind":"comment","body":"x","practice":{"intervention":"x","outcome":"positive","confidence":"low"}}"#,
                "practice"
            ),
            (
                #"{"kind":"risk","body":"x","practice":{"intervention":"x","outcome":"great","confidence":"low"}}"#,
                "practice.outcome"
            ),
            (
                #"{"kind":"risk","body":"x","practice":{"intervention":"x","outcome":"negative","confidence":"low","colour":"red"}}"#,
                "practice.colour"
            ),
            (
                #"{"kind":"risk","body":"x","practice":{"intervention":"x","outcome":"negative","confidence":"low","evidence":[{"title":"t","url":"javascript:alert(1)"}]}}"#,
                "practice.evidence[0].url"
            ),
            (
                #"{"kind":"risk","body":"x","practice":{"intervention":"x","outcome":"negative","confidence":"low","review_date":"2027-02-30"}}"#,
                "practice.review_date"
            ),
            (#"{"body":"bell \u0007"}"#, "body"),
            (#"{"body":""}"#, "body"),
            (#"{"kind":"rant","body":"x"}"#, "kind"),
            (#"{"body":"x","reply_to_id":"0192f5c4-1b2a-7c3d-8e4f-1234567890ab"}"#, "reply_to_id"),
        ]
        for (body, field) in cases {
            let answer = try cop.send("POST", "/v1/threads/\(thread)/posts", as: cop.member, json: body)
            #expect(answer.status == 422, "\(body): \(answer.text)")
            let fields = (answer.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains(field), "\(body): \(answer.text)")
        }
        #expect(items(try cop.send("GET", "/v1/threads/\(thread)/posts", as: cop.member)).isEmpty)
    }

    @Test func snippetsEscapeWhatPeopleWrote() throws {
        let world = try ThreadWorld(server)
        let thread = try world.thread()
        let word = "wombat" + String(CommunityFixture.suffix().filter(\.isLetter))
        _ = try world.post(
            thread, as: world.cop.member,
            #"{"body":"Costs 5 < 6 & more for \#(word) devices <script>alert(1)</script> \"quoted\""}"#)
        let found = try world.cop.send("GET", "/v1/search?q=\(word)", as: world.official)
        let snippet = try #require(items(found).first?["snippet_html"] as? String)
        #expect(snippet.contains("5 &lt; 6 &amp; more") && snippet.contains("<mark>\(word)</mark>"), "\(snippet)")
        #expect(
            snippet.replacingOccurrences(of: "<mark>", with: "").replacingOccurrences(of: "</mark>", with: "")
                .allSatisfy { $0 != "<" && $0 != ">" && $0 != "\"" }, "\(snippet)")
    }
}
