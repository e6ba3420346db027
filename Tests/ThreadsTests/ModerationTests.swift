import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct ModerationTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func flagsReachTheConvenorsWhoHideAndShowPosts() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let thread = try world.thread(inCircle: false)
        let post = try world.post(thread, as: world.official, #"{"body":"Something out of line"}"#)["id"] as! String
        let flagged = try cop.send(
            "POST", "/v1/posts/\(post)/flags", as: cop.member, json: #"{"reason":"Names a colleague"}"#)
        #expect(flagged.status == 201, "\(flagged.text)")
        let again = try cop.send("POST", "/v1/posts/\(post)/flags", as: cop.member, json: #"{"reason":"Again"}"#)
        #expect(again.status == 409 && problemKind(again) == "already-flagged")
        #expect(try cop.send("GET", "/v1/communities/\(cop.id)/flags", as: cop.member).status == 403)
        let queue = try cop.send("GET", "/v1/communities/\(cop.id)/flags?status=open", as: cop.convenor)
        #expect(items(queue).map { $0["post_id"] as? String } == [post])

        let hidden = try cop.send(
            "POST", "/v1/posts/\(post)/hide", as: cop.convenor, json: #"{"reason":"Names a colleague"}"#)
        #expect(hidden.status == 200 && hidden.json["state"] as? String == "hidden")
        let seen = try cop.send("GET", "/v1/posts/\(post)", as: world.bystander)
        #expect(seen.json["body"] is NSNull && seen.json["hidden_reason"] as? String == "Names a colleague")
        #expect(try cop.send("GET", "/v1/posts/\(post)", as: world.official).json["body"] as? String != nil)
        let told = try cop.send("GET", "/v1/me/notifications", as: world.official)
        #expect(items(told).contains { $0["kind"] as? String == "post.hidden" })
        #expect(items(try cop.send("GET", "/v1/communities/\(cop.id)/flags?status=open", as: cop.convenor)).isEmpty)
        let twice = try cop.send("POST", "/v1/posts/\(post)/hide", as: cop.convenor, json: #"{"reason":"x"}"#)
        #expect(twice.status == 409 && problemKind(twice) == "already-hidden")
        let shown = try cop.send("POST", "/v1/posts/\(post)/unhide", as: cop.convenor)
        #expect(shown.status == 200 && shown.json["state"] as? String == "visible")
        let audit = try cop.send("GET", "/v1/communities/\(cop.id)/audit-events?limit=100", as: cop.convenor)
        let actions = Set(items(audit).compactMap { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["post.flagged", "post.hidden", "post.unhidden"]))
    }

    @Test func aRevealNeedsASecondConvenorAndShowsTheNameToTheAskerAlone() throws {
        let world = try ThreadWorld(server)
        let cop = world.cop
        let second = try cop.person()
        try cop.admit(second, role: "convenor")
        let thread = try world.thread(inCircle: false)
        let post = try world.post(thread, as: world.official, #"{"body":"A threat"}"#)["id"] as! String
        let asked = try cop.send(
            "POST", "/v1/posts/\(post)/reveals", as: cop.convenor, json: #"{"reason":"A threat against a member"}"#)
        #expect(asked.status == 201, "\(asked.text)")
        let reveal = asked.json["id"] as! String
        #expect(asked.json["author"] is NSNull && asked.json["status"] as? String == "pending")
        let byAsker = try cop.send("POST", "/v1/reveals/\(reveal)/approve", as: cop.convenor)
        #expect(byAsker.status == 403 && problemKind(byAsker) == "second-convenor-required")
        #expect(try cop.send("POST", "/v1/reveals/\(reveal)/approve", as: cop.member).status == 404)
        let approved = try cop.send("POST", "/v1/reveals/\(reveal)/approve", as: second)
        #expect(approved.status == 200 && approved.json["author"] is NSNull)
        #expect(try cop.send("POST", "/v1/reveals/\(reveal)/decline", as: second).status == 409)

        let forAsker = try cop.send("GET", "/v1/reveals/\(reveal)", as: cop.convenor)
        #expect((forAsker.json["author"] as? [String: Any])?["id"] as? String == world.official.id)
        let postForAsker = try cop.send("GET", "/v1/posts/\(post)", as: cop.convenor)
        #expect((postForAsker.json["author"] as? [String: Any])?["id"] as? String == world.official.id)
        for person in [second, cop.member, world.bystander] {
            let answer = try cop.send("GET", "/v1/posts/\(post)", as: person)
            #expect(answer.json["author"] is NSNull)
            #expect(!answer.text.contains(world.official.id))
        }
        #expect(!(try cop.send("GET", "/v1/reveals/\(reveal)", as: second).text.contains(world.official.id)))
        let told = try cop.send("GET", "/v1/me/notifications", as: world.official)
        #expect(items(told).contains { $0["kind"] as? String == "post.author_revealed" })
        // A convenor demoted to member no longer sees the name.
        let demoted = try cop.send(
            "PATCH", "/v1/communities/\(cop.id)/members/\(cop.convenor.id)", as: second, json: #"{"role":"member"}"#,
            headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "*")])
        #expect(demoted.status == 200, "\(demoted.text)")
        #expect(try cop.send("GET", "/v1/posts/\(post)", as: cop.convenor).json["author"] is NSNull)
    }
}
