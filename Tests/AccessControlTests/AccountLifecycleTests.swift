import AccessControl
import Crypto
import Foundation
import HTTP
import Postgres
import ServerTestSupport
import TestSupport
import Testing

@Suite struct AccountLifecycleTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func anInvitedPersonActivatesOnceWithinTheTokensLife() throws {
        let (_, admin) = try server.admin()
        let email = "invited-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let created = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: #"{"email":"\#(email)","display_name":"New","member_kind":"practitioner"}"#)
        #expect(created.status == 201)
        #expect(created.json["status"] as? String == "invited")
        // The admin who created the account never holds its activation token: it waits for the
        // person's address, valid for 72 hours.
        #expect(!created.text.contains("pra_") && created.json["activation_token"] == nil)
        let token = try server.secret(sentTo: email)
        let message = try #require(try server.application.delivery.queued(to: email).last)
        #expect(message.purpose == "activation" && message.recipient == email)
        let expires = try #require(
            try server.application.pool.withConnection {
                try $0.single("SELECT expires_at FROM account_tokens WHERE token_hash = \(Secrets.digest(token))")
            }["expires_at"] as Date?)
        #expect(abs(expires.timeIntervalSinceNow - 72 * 3600) < 120)
        #expect(
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"chosen passphrase"}"#)
                .status == 401)
        let redeemed = try server.send(
            "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"chosen passphrase"}"#)
        #expect(redeemed.status == 204)
        #expect(
            try server.send(
                "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"another passphrase"}"#
            ).status == 422)
        #expect(
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"chosen passphrase"}"#)
                .status == 201)
        // An activation token is not a reset token.
        #expect(
            try server.send(
                "POST", "/v1/password-resets", json: #"{"token":"\#(token)","password":"another passphrase"}"#
            ).status == 422)
    }

    @Test func aResetEndsSessionsAndIsSpentOnce() throws {
        let (_, admin) = try server.admin()
        let email = "reset-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let id =
            try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(email)","display_name":"R","password":"first passphrase","member_kind":"official"}"#
            ).json["id"] as! String
        let session =
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"first passphrase"}"#).json[
                "token"] as! String
        let reset = try server.send("POST", "/v1/accounts/\(id)/password-reset", token: admin)
        // The admin is told when it expires; the token itself goes to the person's address.
        #expect(reset.status == 202 && reset.json["expires_at"] is String && !reset.text.contains("pra_"))
        let token = try server.secret(sentTo: email)
        #expect(try server.send("GET", "/v1/me", token: session).status == 401)
        // The old password stops working at once.
        #expect(
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"first passphrase"}"#)
                .status == 401)
        #expect(
            try server.send("POST", "/v1/password-resets", json: #"{"token":"\#(token)","password":"short"}"#).status
                == 422)
        #expect(
            try server.send(
                "POST", "/v1/password-resets", json: #"{"token":"\#(token)","password":"second passphrase"}"#
            ).status == 204)
        #expect(
            try server.send(
                "POST", "/v1/password-resets", json: #"{"token":"\#(token)","password":"third passphrase"}"#
            ).status == 422)
        #expect(
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"second passphrase"}"#)
                .status == 201)
        let audit = try server.send("GET", "/v1/audit-events?action=account.reset_issued", token: admin)
        #expect((audit.json["data"] as? [[String: Any]])?.contains { $0["target_id"] as? String == id } == true)
    }

    @Test func erasureWipesTheProfileAndEndsEveryCredential() throws {
        let (_, admin) = try server.admin()
        let email = "erase-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let id =
            try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(email)","display_name":"Erin","password":"first passphrase","member_kind":"official","country":"KE","job_title":"Director"}"#
            ).json["id"] as! String
        let session =
            try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"first passphrase"}"#).json[
                "token"] as! String
        let token =
            try server.send("POST", "/v1/tokens", token: session, json: #"{"name":"t","scopes":["members:read"]}"#)
            .json["token"] as! String
        #expect(try server.send("POST", "/v1/accounts/\(id)/erase", token: admin).status == 204)
        #expect(try server.send("GET", "/v1/me", token: session).status == 401)
        #expect(try server.send("GET", "/v1/organisations", token: token).status == 401)
        let wiped = try server.send("GET", "/v1/accounts/\(id)", token: admin)
        #expect(wiped.json["status"] as? String == "deleted")
        #expect(wiped.json["display_name"] as? String == "Former member")
        #expect(wiped.json["job_title"] is NSNull && wiped.json["country"] is NSNull)
        #expect(!wiped.text.contains(email) && !wiped.text.contains("Erin"))
        #expect(try server.send("POST", "/v1/accounts/\(id)/erase", token: admin).status == 409)
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let addresses: Int = try owner.single(
            """
            SELECT count(*) AS addresses FROM audit_event_addresses x JOIN audit_events e ON e.id = x.event_id
            WHERE e.actor_id = \(id)::uuid
            """)["addresses"]
        #expect(addresses == 0)
        // The email is free again.
        #expect(
            try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(email)","display_name":"New","password":"first passphrase","member_kind":"official"}"#
            ).status == 201)
    }

    @Test func rotationIssuesASuccessorAndTheOldSecretWorksForTheOverlap() throws {
        let (_, admin) = try server.admin()
        let created = try server.send(
            "POST", "/v1/tokens", token: admin, json: #"{"name":"partner","scopes":["members:read"]}"#)
        let old = created.json["token"] as! String
        let rotated = try server.send(
            "POST", "/v1/tokens/\(created.json["id"] as! String)/rotate", token: admin, json: #"{"overlap_seconds":1}"#)
        #expect(rotated.status == 201)
        let successor = try #require(rotated.json["token"] as? String)
        #expect(rotated.json["scopes"] as? [String] == ["members:read"])
        #expect(rotated.json["name"] as? String == "partner")
        #expect(try server.send("GET", "/v1/organisations", token: old).status == 200)
        Thread.sleep(forTimeInterval: 1.3)
        #expect(try server.send("GET", "/v1/organisations", token: old).status == 401)
        #expect(try server.send("GET", "/v1/organisations", token: successor).status == 200)
        let again = try server.send(
            "POST", "/v1/tokens/\(created.json["id"] as! String)/rotate", token: admin, json: #"{"overlap_seconds":1}"#)
        #expect(again.status == 409)
        let tooLong = try server.send(
            "POST", "/v1/tokens/\(rotated.json["id"] as! String)/rotate", token: admin,
            json: #"{"overlap_seconds":99999999}"#)
        #expect(tooLong.status == 422)
    }
}

/// Expiry, forced by moving stored times into the past as the database owner.
@Suite struct ExpiryTests {
    let server: TestServer
    let owner: Connection
    init() throws {
        server = try TestServer()
        owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
    }

    private func person(_ admin: String) throws -> (id: String, email: String) {
        let email = "expiry-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let id =
            try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(email)","display_name":"E","password":"correct horse battery","member_kind":"official"}"#
            ).json["id"] as! String
        return (id, email)
    }

    private func logIn(_ email: String) throws -> HTTPResult {
        try server.send("POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
    }

    @Test func sessionsEndAfterTheIdleAndTheAbsoluteLimit() throws {
        let (_, admin) = try server.admin()
        let someone = try person(admin)
        let idle = try logIn(someone.email).json["token"] as! String
        let old = try logIn(someone.email).json["token"] as! String
        let fresh = try logIn(someone.email).json["token"] as! String
        func age(_ secret: String, hours: Int) -> SQL {
            """
            UPDATE sessions SET last_seen_at = now() - make_interval(hours => \(hours))
            WHERE token_hash = \(Secrets.digest(secret))
            """
        }
        try owner.query(age(idle, hours: 13))
        try owner.query(
            "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = \(Secrets.digest(old))")
        try owner.query(age(fresh, hours: 11))
        #expect(try server.send("GET", "/v1/me", token: idle).status == 401)
        #expect(try server.send("GET", "/v1/me", token: old).status == 401)
        #expect(try server.send("GET", "/v1/me", token: fresh).status == 200)
    }

    @Test func oneTimeTokensExpire() throws {
        let (_, admin) = try server.admin()
        let someone = try person(admin)
        #expect(try server.send("POST", "/v1/accounts/\(someone.id)/password-reset", token: admin).status == 202)
        let reset = try server.secret(sentTo: someone.email)
        try owner.query(
            """
            UPDATE account_tokens SET expires_at = now() - interval '1 second'
            WHERE token_hash = \(Secrets.digest(reset))
            """)
        let late = try server.send(
            "POST", "/v1/password-resets", json: #"{"token":"\#(reset)","password":"too late passphrase"}"#)
        #expect(late.status == 422)
        #expect((late.json["errors"] as? [[String: String]])?.first?["field"] == "token")
    }

    @Test func invitedAndSuspendedAccountsGetTheSameLoginAnswerAsAWrongPassword() throws {
        let (_, admin) = try server.admin()
        let suspended = try person(admin)
        _ = try server.send(
            "PATCH", "/v1/accounts/\(suspended.id)", token: admin, headers: [("If-Match", "*")],
            json: #"{"status":"suspended"}"#)
        let invitedEmail = "invited-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        _ = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: #"{"email":"\#(invitedEmail)","display_name":"I","member_kind":"official"}"#)
        let answers = [
            try logIn(suspended.email), try logIn(invitedEmail), try logIn("nobody-\(UUID().uuidString)@example.org"),
        ]
        #expect(answers.allSatisfy { $0.status == 401 })
        #expect(Set(answers.map { "\($0.json["type"] ?? "")|\($0.json["detail"] ?? "")" }).count == 1)
    }
}
