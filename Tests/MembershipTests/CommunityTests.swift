import AccessControl
import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

@Suite struct CommunityTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func person(_ admin: String, creator: Bool = false) throws -> Person {
        try CommunityFixture.person(server, admin, creator: creator)
    }

    private func create(_ token: String, _ extra: String = "") throws -> HTTPResult {
        let slug = "cop-\(UUID().uuidString.prefix(8).lowercased())"
        return try server.send(
            "POST", "/v1/communities", token: token, json: #"{"slug":"\#(slug)","name":"EdTech Reform CoP"\#(extra)}"#)
    }

    @Test func creatorsBecomeConvenorsAndOthersMayNotCreate() throws {
        let (_, admin) = try server.admin()
        let convenor = try person(admin, creator: true)
        let created = try create(convenor.token, #","purpose":"Reform","join_policy":"apply","min_cell_size":5"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["viewer_role"] as? String == "convenor")
        #expect(created.json["min_cell_size"] as? Int == 5)
        #expect(created.json["observer_history"] as? String == "since_joined")
        let plain = try person(admin)
        let refused = try create(plain.token)
        #expect(refused.status == 403)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/cannot-create-communities")
        #expect(
            (try create(convenor.token, #","min_cell_size":2"#).json["errors"] as? [[String: String]])?.first?["field"]
                == "min_cell_size")
        let slug = created.json["slug"] as! String
        let taken = try server.send(
            "POST", "/v1/communities", token: convenor.token, json: #"{"slug":"\#(slug)","name":"Again"}"#)
        #expect(taken.status == 409)
        func named(_ name: String) throws -> HTTPResult {
            try server.send(
                "POST", "/v1/communities", token: convenor.token,
                json: "{\"slug\":\"named-\(UUID().uuidString.prefix(8).lowercased())\",\"name\":\"\(name)\"}")
        }
        let spoofed = try named("EdTech \u{202E}PoC")
        #expect(spoofed.status == 422 && spoofed.text.contains("\"name\""), "\(spoofed.text)")
        // A zero-width non-joiner is part of Persian writing, not a trick.
        #expect(try named("\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}").status == 201)
    }

    /// What an outsider sees, computed here from the settings, against what the server lists:
    /// listed communities in the list; an unlisted one open to applications only by its id.
    @Test func outsidersListOnlyListedCommunitiesAndReadOpenCardsById() throws {
        let (_, admin) = try server.admin()
        let convenor = try person(admin, creator: true)
        var expectedVisible: Set<String> = []
        var expectedListed: Set<String> = []
        var hidden: [String] = []
        for visibility in ["listed", "unlisted"] {
            for policy in ["invite_only", "apply"] {
                let community = try create(
                    convenor.token, #","visibility":"\#(visibility)","join_policy":"\#(policy)""#)
                let id = community.json["id"] as! String
                if visibility == "listed" || policy == "apply" { expectedVisible.insert(id) } else { hidden.append(id) }
                if visibility == "listed" { expectedListed.insert(id) }
            }
        }
        let outsider = try person(admin)
        var seen: Set<String> = []
        var path = "/v1/communities?limit=100"
        while true {
            let page = try server.send("GET", path, token: outsider.token)
            for item in page.json["data"] as! [[String: Any]] {
                seen.insert(item["id"] as! String)
                #expect(item["viewer_role"] is NSNull)
                #expect(item["observers_allowed"] == nil && item["min_cell_size"] == nil)
            }
            guard let link = page.header("Link") else { break }
            path = String(link.dropFirst().prefix { $0 != ">" })
        }
        let ours = seen.intersection(expectedVisible.union(hidden))
        #expect(ours == expectedListed)
        for id in expectedVisible {
            #expect(try server.send("GET", "/v1/communities/\(id)", token: outsider.token).status == 200)
        }
        let unknown = try server.send(
            "GET", "/v1/communities/0192f5c4-1b2a-7c3d-8e4f-1234567890ab", token: outsider.token)
        let invisible = try server.send("GET", "/v1/communities/\(hidden[0])", token: outsider.token)
        #expect(invisible.status == 404 && unknown.status == 404)
        #expect(invisible.json["detail"] as? String == unknown.json["detail"] as? String)
        // Members see everything of theirs.
        let mine = try server.send("GET", "/v1/communities?member=true&limit=100", token: convenor.token)
        #expect(
            Set((mine.json["data"] as! [[String: Any]]).map { $0["id"] as! String }) == expectedVisible.union(hidden))
        #expect(try server.send("GET", "/v1/communities?member=maybe", token: convenor.token).status == 400)
    }

    @Test func aTokenRestrictedToCommunitiesReachesOnlyThose() throws {
        let (_, admin) = try server.admin()
        let convenor = try person(admin, creator: true)
        let first = try create(convenor.token, #","visibility":"listed""#).json["id"] as! String
        let second = try create(convenor.token, #","visibility":"listed""#).json["id"] as! String
        let token =
            try server.send(
                "POST", "/v1/tokens", token: convenor.token,
                json: #"{"name":"one community","scopes":["communities:read"],"community_ids":["\#(first)"]}"#
            ).json["token"] as! String
        #expect(try server.send("GET", "/v1/communities/\(first)", token: token).status == 200)
        #expect(try server.send("GET", "/v1/communities/\(second)", token: token).status == 404)
        let listed = try server.send("GET", "/v1/communities?limit=100", token: token)
        #expect((listed.json["data"] as! [[String: Any]]).map { $0["id"] as! String } == [first])
    }

    @Test func onlyConvenorsChangeACommunityAndCellSizeChangesAreAudited() throws {
        let (_, admin) = try server.admin()
        let convenor = try person(admin, creator: true)
        let created = try create(convenor.token, #","visibility":"listed""#)
        let id = created.json["id"] as! String
        let tag = try #require(created.header("ETag"))
        let changed = try server.send(
            "PATCH", "/v1/communities/\(id)", token: convenor.token, headers: [("If-Match", tag)],
            json: #"{"min_cell_size":4}"#)
        #expect(changed.status == 200)
        #expect(changed.json["min_cell_size"] as? Int == 4)
        #expect(
            try server.send(
                "PATCH", "/v1/communities/\(id)", token: convenor.token, headers: [("If-Match", tag)],
                json: #"{"name":"Stale"}"#
            ).status == 412)
        #expect(
            try server.send(
                "PATCH", "/v1/communities/\(id)", token: convenor.token, headers: [("If-Match", "*")],
                json: #"{"min_cell_size":2}"#
            ).status == 422)
        let outsider = try person(admin)
        let refused = try server.send(
            "PATCH", "/v1/communities/\(id)", token: outsider.token, headers: [("If-Match", "*")],
            json: #"{"name":"Mine now"}"#)
        #expect(refused.status == 403)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/convenor-required")
        let hidden = try create(convenor.token).json["id"] as! String
        #expect(
            try server.send(
                "PATCH", "/v1/communities/\(hidden)", token: outsider.token, headers: [("If-Match", "*")],
                json: #"{"name":"x"}"#
            ).status == 404)
        let audit = try server.send(
            "GET", "/v1/communities/\(id)/audit-events?action=community.updated", token: convenor.token)
        let event = (audit.json["data"] as? [[String: Any]])?.first { $0["target_id"] as? String == id }
        #expect((event?["details"] as? [String: Any])?["min_cell_size_from"] as? Int == 3)
        #expect((event?["details"] as? [String: Any])?["min_cell_size_to"] as? Int == 4)
    }
}
