import AccessControl
import Foundation
import ServerTestSupport
import TestSupport
import Testing

@Suite struct ProfileTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func person() throws -> (id: String, email: String, session: String, admin: String) {
        let (_, admin) = try server.admin()
        let email = "person-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let created = try server.send(
            "POST", "/v1/accounts", token: admin,
            json:
                #"{"email":"\#(email)","display_name":"P","password":"correct horse battery","member_kind":"scholar"}"#)
        let login = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
        return (created.json["id"] as! String, email, login.json["token"] as! String, admin)
    }

    private func logIn(_ email: String, _ password: String) throws -> HTTPResult {
        try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
    }

    @Test func aPersonEditsTheirProfileWithIfMatch() throws {
        let me = try person()
        let read = try server.send("GET", "/v1/me", token: me.session)
        #expect(try server.send("PATCH", "/v1/me", token: me.session, json: #"{"display_name":"Dr P"}"#).status == 428)
        let edited = try server.send(
            "PATCH", "/v1/me", token: me.session,
            headers: [("If-Match", read.header("ETag")!), ("If-None-Match", "*")],
            json: #"{"display_name":"Dr P","country":"GH","expertise":["procurement"],"job_title":null}"#)
        #expect(edited.status == 200)
        #expect(edited.json["display_name"] as? String == "Dr P")
        #expect(edited.json["country"] as? String == "GH")
        #expect(edited.json["job_title"] is NSNull)
        #expect(
            try server.send(
                "PATCH", "/v1/me", token: me.session, headers: [("If-Match", read.header("ETag")!)],
                json: #"{"display_name":"Again"}"#
            ).status == 412)
        #expect(
            try server.send(
                "PATCH", "/v1/me", token: me.session, headers: [("If-Match", "*")],
                json: #"{"platform_role":"admin"}"#
            ).status == 422)
    }

    @Test func changingThePasswordEndsOtherSessions() throws {
        let me = try person()
        let other = try logIn(me.email, "correct horse battery").json["token"] as! String
        let wrong = try server.send(
            "POST", "/v1/me/password", token: me.session,
            json: #"{"current_password":"not it at all","new_password":"a brand new passphrase"}"#)
        #expect(wrong.status == 422)
        #expect(try server.send("GET", "/v1/me", token: other).status == 200)
        let changed = try server.send(
            "POST", "/v1/me/password", token: me.session,
            json: #"{"current_password":"correct horse battery","new_password":"a brand new passphrase"}"#)
        #expect(changed.status == 204)
        #expect(try server.send("GET", "/v1/me", token: me.session).status == 200)
        #expect(try server.send("GET", "/v1/me", token: other).status == 401)
        #expect(try logIn(me.email, "correct horse battery").status == 401)
        #expect(try logIn(me.email, "a brand new passphrase").status == 201)
    }

    @Test func aPersonListsAndEndsTheirSessions() throws {
        let me = try person()
        let second = try logIn(me.email, "correct horse battery").json["token"] as! String
        let listed = try server.send("GET", "/v1/me/sessions", token: me.session)
        let sessions = try #require(listed.json["data"] as? [[String: Any]])
        #expect(sessions.count == 2)
        #expect(sessions.filter { $0["current"] as? Bool == true }.count == 1)
        let otherID = sessions.first { $0["current"] as? Bool == false }!["id"] as! String
        #expect(try server.send("DELETE", "/v1/me/sessions/\(otherID)", token: me.session).status == 204)
        #expect(try server.send("GET", "/v1/me", token: second).status == 401)
        #expect(try server.send("DELETE", "/v1/me/sessions/\(otherID)", token: me.session).status == 404)
        // Someone else's session is not visible.
        let stranger = try person()
        let theirs =
            (try server.send("GET", "/v1/me/sessions", token: stranger.session).json["data"] as! [[String: Any]])[0][
                "id"] as! String
        #expect(try server.send("DELETE", "/v1/me/sessions/\(theirs)", token: me.session).status == 404)
        #expect(try server.send("GET", "/v1/me", token: stranger.session).status == 200)
        let third = try logIn(me.email, "correct horse battery").json["token"] as! String
        #expect(try server.send("DELETE", "/v1/me/sessions", token: me.session).status == 204)
        #expect(try server.send("GET", "/v1/me", token: third).status == 401)
        #expect(try server.send("GET", "/v1/me", token: me.session).status == 200)
        // Tokens cannot manage a person's security.
        let token =
            try server.send("POST", "/v1/tokens", token: me.admin, json: #"{"name":"t","scopes":["members:read"]}"#)
            .json["token"] as! String
        let refused = try server.send("GET", "/v1/me/sessions", token: token)
        #expect(refused.status == 403)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/session-required")
    }

    @Test func theExportHoldsThePersonsDataAndNobodyElses() throws {
        let me = try person()
        let stranger = try person()
        _ = try server.send(
            "POST", "/v1/tokens", token: me.session, json: #"{"name":"mine","scopes":["members:read"]}"#)
        let export = try server.send("GET", "/v1/me/export", token: me.session)
        #expect(export.status == 200)
        #expect(export.header("Cache-Control") == "no-store")
        let document = export.json
        #expect((document["account"] as? [String: Any])?["email"] as? String == me.email)
        #expect((document["sessions"] as? [Any])?.count == 1)
        #expect(((document["tokens"] as? [[String: Any]])?.first)?["name"] as? String == "mine")
        #expect(!export.text.contains(stranger.email) && !export.text.contains(stranger.id))
        #expect(!export.text.contains("argon2") && !export.text.contains("token_hash"))
        let audit = try server.send(
            "GET", "/v1/audit-events?action=account.exported&actor_id=\(me.id)", token: me.admin)
        #expect((audit.json["data"] as? [Any])?.count == 1)
    }
}
