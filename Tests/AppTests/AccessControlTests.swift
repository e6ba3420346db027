import AccessControl
import Crypto
import Foundation
import HTTP
import Postgres
import TestSupport
import Testing

@testable import App

@Suite struct AccessControlTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8).lowercased())@example.org" }

    /// An account created by `admin`, with its session token.
    private func member(
        _ adminToken: String, kind: String = "official", organisationID: String? = nil
    ) throws -> (id: String, email: String, session: String) {
        let email = unique("member")
        let organisation = organisationID.map { #","organisation_id":"\#($0)""# } ?? ""
        let created = try server.send(
            "POST", "/v1/accounts", token: adminToken,
            json:
                #"{"email":"\#(email)","display_name":"Member","password":"correct horse battery","member_kind":"\#(kind)"\#(organisation)}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let login = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
        #expect(login.status == 201, "\(login.text)")
        return (created.json["id"] as! String, email, login.json["token"] as! String)
    }

    @Test func anAdminSetsUpOrganisationsAccountsAndSessions() throws {
        let (_, admin) = try server.admin()
        let organisation = try server.send(
            "POST", "/v1/organisations", token: admin,
            json: #"{"name":"Ministry of Education","kind":"government","country":"KE","sector":"education"}"#)
        #expect(organisation.status == 201)
        #expect(organisation.json["sector"] as? String == "education")
        let organisationID = try #require(organisation.json["id"] as? String)
        #expect(organisation.header("Location") == "/v1/organisations/\(organisationID)")

        // The admin scope stands for every scope: the admin token reads what members:read reads.
        #expect(try server.send("GET", "/v1/organisations/\(organisationID)", token: admin).status == 200)
        let person = try member(admin, organisationID: organisationID)
        let me = try server.send("GET", "/v1/me", token: person.session)
        #expect(me.status == 200)
        #expect(me.json["email"] as? String == person.email)
        #expect((me.json["organisation"] as? [String: Any])?["sector"] as? String == "education")
        #expect(me.json["platform_role"] as? String == "user")
        #expect(me.json["password"] == nil && me.json["password_hash"] == nil)
        #expect(me.header("Cache-Control") == "private, no-cache")
        let tag = try #require(me.header("ETag"))
        #expect(
            try server.send("GET", "/v1/me", token: person.session, headers: [("If-None-Match", tag)]).status == 304)

        #expect(try server.send("DELETE", "/v1/sessions/current", token: person.session).status == 204)
        let after = try server.send("GET", "/v1/me", token: person.session)
        #expect(after.status == 401)
        #expect(after.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
    }

    @Test func loginAnswersAlikeForUnknownEmailAndWrongPassword() throws {
        let (_, admin) = try server.admin()
        let person = try member(admin)
        let wrong = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(person.email)","password":"not the password!"}"#)
        let unknown = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(unique("nobody"))","password":"not the password!"}"#)
        #expect(wrong.status == 401 && unknown.status == 401)
        for key in ["type", "title", "detail", "status"] {
            #expect("\(wrong.json[key] ?? "")" == "\(unknown.json[key] ?? "")")
        }
        #expect(wrong.json["type"] as? String == "https://praxis.dev/problems/invalid-credentials")
        // Email case does not matter.
        let upper = try server.send(
            "POST", "/v1/sessions",
            json: #"{"email":"\#(person.email.uppercased())","password":"correct horse battery"}"#)
        #expect(upper.status == 201)
        #expect(upper.header("Cache-Control") == "no-store")
    }

    @Test func failedLoginsBackOffAlikeForEveryEmailAndThenExpire() throws {
        let (_, admin) = try server.admin()
        let person = try member(admin)
        let address = TestServer.uniqueAddress()
        func attempt(_ email: String, _ password: String, from: String) throws -> HTTPResult {
            try server.send(
                "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"\#(password)"}"#, from: from)
        }
        let nobody = unique("nobody")
        for _ in 0..<6 {
            #expect(try attempt(person.email, "wrong password!", from: address).status == 401)
            #expect(try attempt(nobody, "wrong password!", from: address).status == 401)
        }
        // Past the free failures: the pair waits, even with the right password, and an unknown
        // email waits the same.
        // Idempotency keys do not wash failures away: each keyed attempt still counts.
        let keyedAddress = TestServer.uniqueAddress()
        for index in 0..<6 {
            let keyed = try server.send(
                "POST", "/v1/sessions", headers: [("Idempotency-Key", "guess-\(index)")],
                json: #"{"email":"\#(person.email)","password":"wrong password!"}"#, from: keyedAddress)
            #expect(keyed.status == 401)
        }
        #expect(try attempt(person.email, "correct horse battery", from: keyedAddress).status == 429)
        let known = try attempt(person.email, "correct horse battery", from: address)
        let unknown = try attempt(nobody, "correct horse battery", from: address)
        #expect(known.status == 429 && unknown.status == 429)
        #expect(known.json["type"] as? String == "https://praxis.dev/problems/login-throttled")
        #expect(known.header("Retry-After") == unknown.header("Retry-After"))
        // Another address is not slowed down by this one's failures: nobody is locked out.
        #expect(try attempt(person.email, "correct horse battery", from: TestServer.uniqueAddress()).status == 201)
        Thread.sleep(forTimeInterval: Double(Int(known.header("Retry-After") ?? "2") ?? 2) + 0.2)
        #expect(try attempt(person.email, "correct horse battery", from: address).status == 201)
    }

    @Test func passwordsAreStoredAsArgon2idOnly() throws {
        let (_, admin) = try server.admin()
        let person = try member(admin)
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let hash: String = try owner.single(
            "SELECT password_hash FROM accounts WHERE id = \(person.id)::uuid")["password_hash"]
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,"))
        let read = try server.send("GET", "/v1/accounts/\(person.id)", token: admin)
        #expect(!read.text.contains("argon2") && !read.text.contains("correct horse"))
    }

    @Test func badValuesAre422AndChangeNothing() throws {
        let (_, admin) = try server.admin()
        let cases: [(String, String)] = [
            (#"{"name":"X","kind":"government","country":"KE"}"#, "sector"),
            (#"{"name":"X","kind":"vendor","country":"KE","sector":"ict"}"#, "sector"),
            (#"{"name":"X","kind":"vendor","country":"XX"}"#, "country"),
            (#"{"name":"X","kind":"shop","country":"KE"}"#, "kind"),
            (#"{"name":"","kind":"vendor","country":"KE"}"#, "name"),
        ]
        for (body, field) in cases {
            let result = try server.send("POST", "/v1/organisations", token: admin, json: body)
            #expect(result.status == 422, "\(body)")
            #expect((result.json["errors"] as? [[String: String]])?.first?["field"] == field, "\(body)")
        }
        let email = unique("dup")
        let account =
            #"{"email":"\#(email)","display_name":"A","password":"correct horse battery","member_kind":"scholar"}"#
        #expect(try server.send("POST", "/v1/accounts", token: admin, json: account).status == 201)
        let again = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: account.replacingOccurrences(of: email, with: email.uppercased()))
        #expect(again.status == 409)
        #expect(again.json["type"] as? String == "https://praxis.dev/problems/email-taken")
        let short = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: #"{"email":"\#(unique("short"))","display_name":"A","password":"too short","member_kind":"scholar"}"#)
        #expect((short.json["errors"] as? [[String: String]])?.first?["field"] == "password")
        for email in ["0@.", "a@b", "a b@c.org", ".a@c.org", "a@-c.org", "a@@c.org"] {
            let bad = try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(email)","display_name":"A","password":"correct horse battery","member_kind":"scholar"}"#
            )
            #expect((bad.json["errors"] as? [[String: String]])?.first?["field"] == "email", "\(email)")
        }
        let zone = try server.send(
            "POST", "/v1/accounts", token: admin,
            json:
                #"{"email":"\#(unique("zone"))","display_name":"A","password":"correct horse battery","member_kind":"scholar","time_zone":"Mars/Olympus"}"#
        )
        #expect((zone.json["errors"] as? [[String: String]])?.first?["field"] == "time_zone")
    }

    @Test func revokedExpiredAndSuspendedCredentialsAre401OnTheNextRequest() throws {
        let (_, admin) = try server.admin()
        let person = try member(admin)
        let tokenAnswer = try server.send(
            "POST", "/v1/tokens", token: person.session, json: #"{"name":"script","scopes":["members:read"]}"#)
        #expect(tokenAnswer.status == 201, "\(tokenAnswer.text)")
        let token = try #require(tokenAnswer.json["token"] as? String)
        #expect(token.hasPrefix("prx_"))
        #expect(try server.send("GET", "/v1/organisations", token: token).status == 200)

        // Suspension stops the account's sessions and tokens at once; reactivation restores them.
        let account = try server.send("GET", "/v1/accounts/\(person.id)", token: admin)
        let suspended = try server.send(
            "PATCH", "/v1/accounts/\(person.id)", token: admin, headers: [("If-Match", account.header("ETag")!)],
            json: #"{"status":"suspended"}"#)
        #expect(suspended.status == 200)
        #expect(try server.send("GET", "/v1/me", token: person.session).status == 401)
        #expect(try server.send("GET", "/v1/organisations", token: token).status == 401)
        _ = try server.send(
            "PATCH", "/v1/accounts/\(person.id)", token: admin, headers: [("If-Match", "*")],
            json: #"{"status":"active"}"#)
        // Sessions ended with the suspension; tokens come back with the account.
        #expect(try server.send("GET", "/v1/me", token: person.session).status == 401)
        #expect(try server.send("GET", "/v1/organisations", token: token).status == 200)
        let session =
            try server.send(
                "POST", "/v1/sessions", json: #"{"email":"\#(person.email)","password":"correct horse battery"}"#
            )
            .json["token"] as! String

        let tokenID = tokenAnswer.json["id"] as! String
        #expect(try server.send("DELETE", "/v1/tokens/\(tokenID)", token: session).status == 204)
        #expect(try server.send("GET", "/v1/organisations", token: token).status == 401)
        #expect(try server.send("DELETE", "/v1/tokens/\(tokenID)", token: session).status == 409)

        let soon = Date().addingTimeInterval(1.2)
        let expiring = try server.send(
            "POST", "/v1/tokens", token: session,
            json:
                #"{"name":"brief","scopes":["members:read"],"expires_at":"\#(ISO8601DateFormatter().string(from: soon.addingTimeInterval(0.5)))"}"#
        )
        let brief = try #require(expiring.json["token"] as? String)
        #expect(try server.send("GET", "/v1/organisations", token: brief).status == 200)
        Thread.sleep(forTimeInterval: 2.2)
        #expect(try server.send("GET", "/v1/organisations", token: brief).status == 401)

        // A lookalike with a broken checksum is refused without a lookup; garbage too.
        #expect(try server.send("GET", "/v1/me", token: String(token.dropLast()) + "x").status == 401)
        #expect(try server.send("GET", "/v1", headers: [("Authorization", "Basic abc")]).status == 401)
    }

    @Test func tokensShowTheirSecretOnceAndTellTheirOwnScopes() throws {
        let (account, admin) = try server.admin()
        let created = try server.send(
            "POST", "/v1/tokens", token: admin,
            json:
                #"{"name":"Research hub sync","scopes":["threads:read","needs:read"],"community_ids":["0192f5c4-1b2a-7c3d-8e4f-1234567890ab"]}"#
        )
        #expect(created.status == 201)
        #expect(created.header("Cache-Control") == "no-store")
        let secret = try #require(created.json["token"] as? String)
        let current = try server.send("GET", "/v1/tokens/current", token: secret)
        #expect(current.json["scopes"] as? [String] == ["needs:read", "threads:read"])
        #expect(current.json["community_ids"] as? [String] == ["0192f5c4-1b2a-7c3d-8e4f-1234567890ab"])
        #expect(current.json["account_id"] as? String == account.id.uuidString.lowercased())
        #expect(current.json["token"] == nil)
        let listed = try server.send("GET", "/v1/tokens", token: admin)
        #expect(!listed.text.contains(secret))
        #expect(
            (listed.json["data"] as? [[String: Any]])?.contains { $0["id"] as? String == created.json["id"] as? String }
                == true)
        // Only the digest is stored.
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let stored: String = try owner.single(
            "SELECT token_hash FROM api_tokens WHERE id = \(created.json["id"] as! String)::uuid")["token_hash"]
        #expect(stored.count == 64 && !stored.contains(secret))
        // Only a token with the admin scope creates tokens (an admin's own session may too).
        let minted = try server.send(
            "POST", "/v1/tokens", token: secret, json: #"{"name":"x","scopes":["threads:read"]}"#)
        #expect(minted.status == 403)
        #expect(minted.json["required_scope"] as? String == "admin")
        // A token issues tokens that expire no later than itself.
        let brief = try server.send(
            "POST", "/v1/tokens", token: admin,
            json:
                #"{"name":"brief admin","scopes":["admin"],"expires_at":"\#(Timestamp.format(Date().addingTimeInterval(3600)))"}"#
        )
        let briefSecret = try #require(brief.json["token"] as? String)
        let forever = try server.send(
            "POST", "/v1/tokens", token: briefSecret, json: #"{"name":"child","scopes":["members:read"]}"#)
        #expect((forever.json["errors"] as? [[String: String]])?.first?["field"] == "expires_at")
        let sooner = try server.send(
            "POST", "/v1/tokens", token: briefSecret,
            json:
                #"{"name":"child","scopes":["members:read"],"expires_at":"\#(Timestamp.format(Date().addingTimeInterval(600)))"}"#
        )
        #expect(sooner.status == 201)
        // Admin rights are not fenced into communities.
        let fenced = try server.send(
            "POST", "/v1/tokens", token: admin,
            json: #"{"name":"x","scopes":["admin"],"community_ids":["0192f5c4-1b2a-7c3d-8e4f-1234567890ab"]}"#)
        #expect((fenced.json["errors"] as? [[String: String]])?.first?["field"] == "community_ids")
    }

    @Test func sessionSecretsAreNotReplayed() throws {
        let (_, admin) = try server.admin()
        let person = try member(admin)
        let body = #"{"email":"\#(person.email)","password":"correct horse battery"}"#
        let address = TestServer.uniqueAddress()
        let first = try server.send(
            "POST", "/v1/sessions", headers: [("Idempotency-Key", "login-1")], json: body, from: address)
        #expect(first.status == 201)
        let replay = try server.send(
            "POST", "/v1/sessions", headers: [("Idempotency-Key", "login-1")], json: body, from: address)
        #expect(replay.status == 409)
        #expect(replay.json["type"] as? String == "https://praxis.dev/problems/idempotency-secret-not-replayable")
    }

    @Test func otherPeopleAndAdminOnlyThings() throws {
        let (_, admin) = try server.admin()
        let alice = try member(admin)
        let bob = try member(admin)
        #expect(try server.send("GET", "/v1/accounts/\(alice.id)", token: alice.session).status == 200)
        let hidden = try server.send("GET", "/v1/accounts/\(bob.id)", token: alice.session)
        let missing = try server.send("GET", "/v1/accounts/0192f5c4-1b2a-7c3d-8e4f-1234567890ab", token: alice.session)
        #expect(hidden.status == 404 && missing.status == 404)
        #expect(hidden.json["detail"] as? String == missing.json["detail"] as? String)
        let refused = try server.send(
            "POST", "/v1/organisations", token: alice.session, json: #"{"name":"X","kind":"other","country":"KE"}"#)
        #expect(refused.status == 403)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/admin-required")
        #expect(try server.send("GET", "/v1/accounts", token: alice.session).status == 403)
        #expect(try server.send("GET", "/v1/audit-events", token: alice.session).status == 403)
        #expect(
            try server.send("POST", "/v1/tokens", token: alice.session, json: #"{"name":"x","scopes":["admin"]}"#)
                .status == 422)
        // Check order: an invalid body to an admin-only endpoint is still 403, not 422.
        #expect(try server.send("POST", "/v1/organisations", token: alice.session, json: #"{"name":""}"#).status == 403)
        #expect(try server.send("GET", "/v1/me").status == 401)
    }

    /// Rows: every signed-in endpoint; cell: the scope a token needs. A route without a row fails.
    static let requiredScopes: [String: String?] = [
        "POST /v1/organisations": "admin",
        "GET /v1/organisations": "members:read",
        "GET /v1/organisations/{id}": "members:read",
        "POST /v1/accounts": "admin",
        "GET /v1/accounts": "admin",
        "GET /v1/accounts/{id}": "admin",
        "PATCH /v1/accounts/{id}": "admin",
        "POST /v1/accounts/{id}/password-reset": "admin",
        "POST /v1/accounts/{id}/erase": "admin",
        "GET /v1/me": nil,
        "PATCH /v1/me": "members:write",
        "POST /v1/me/password": nil,
        "GET /v1/me/sessions": nil,
        "DELETE /v1/me/sessions": nil,
        "DELETE /v1/me/sessions/{id}": nil,
        "GET /v1/me/export": nil,
        "DELETE /v1/sessions/current": nil,
        "POST /v1/tokens": "admin",
        "GET /v1/tokens": "admin",
        "GET /v1/tokens/current": nil,
        "GET /v1/tokens/{id}": "admin",
        "POST /v1/tokens/{id}/rotate": "admin",
        "DELETE /v1/tokens/{id}": "admin",
        "GET /v1/audit-events": "admin",
        "GET /v1/audit-events/verify": "admin",
        "POST /v1/communities": "communities:write",
        "GET /v1/communities": "communities:read",
        "GET /v1/communities/{id}": "communities:read",
        "PATCH /v1/communities/{id}": "communities:write",
        "GET /v1/communities/{id}/norms": "communities:read",
        "POST /v1/communities/{id}/norms": "communities:write",
        "GET /v1/communities/{id}/norms/{version}": "communities:read",
        "POST /v1/communities/{id}/norms/{version}/acceptances": "communities:write",
        "GET /v1/communities/{id}/norms/{version}/acceptances": "members:read",
        "GET /v1/communities/{id}/norms/amendments": "communities:read",
        "POST /v1/communities/{id}/norms/amendments": "communities:write",
        "GET /v1/amendments/{id}": "communities:read",
        "POST /v1/amendments/{id}/endorsements": "communities:write",
        "POST /v1/amendments/{id}/adopt": "communities:write",
        "POST /v1/amendments/{id}/decline": "communities:write",
        "POST /v1/communities/{id}/invitations": "members:write",
        "GET /v1/communities/{id}/invitations": "members:read",
        "GET /v1/me/invitations": "members:read",
        "GET /v1/invitations/{id}": "members:read",
        "POST /v1/invitations/{id}/accept": "members:write",
        "POST /v1/invitations/{id}/decline": "members:write",
        "POST /v1/invitations/{id}/revoke": "members:write",
        "POST /v1/communities/{id}/applications": "members:write",
        "GET /v1/communities/{id}/applications": "members:read",
        "GET /v1/applications/{id}": "members:read",
        "POST /v1/applications/{id}/approve": "members:write",
        "POST /v1/applications/{id}/reject": "members:write",
        "POST /v1/applications/{id}/withdraw": "members:write",
        "GET /v1/communities/{id}/members": "members:read",
        "GET /v1/me/memberships": "members:read",
        "GET /v1/communities/{id}/members/{account_id}": "members:read",
        "PATCH /v1/communities/{id}/members/{account_id}": "members:write",
        "POST /v1/communities/{id}/members/{account_id}/suspend": "members:write",
        "POST /v1/communities/{id}/members/{account_id}/reinstate": "members:write",
        "POST /v1/communities/{id}/members/{account_id}/leave": "members:write",
        "POST /v1/me/declarations": "members:write",
        "GET /v1/me/declarations": "members:read",
        "GET /v1/me/declarations/{id}": "members:read",
        "POST /v1/me/declarations/{id}/withdraw": "members:write",
        "GET /v1/communities/{id}/participation": "members:read",
        "POST /v1/communities/{id}/circles": "members:write",
        "GET /v1/communities/{id}/circles": "members:read",
        "GET /v1/circles/{id}": "members:read",
        "PATCH /v1/circles/{id}": "members:write",
        "GET /v1/circles/{id}/members": "members:read",
        "POST /v1/circles/{id}/members": "members:write",
        "GET /v1/circles/{id}/members/{account_id}": "members:read",
        "DELETE /v1/circles/{id}/members/{account_id}": "members:write",
        "GET /v1/circles/{id}/history": "members:read",
        "POST /v1/communities/{id}/meetings": "communities:write",
        "GET /v1/communities/{id}/meetings": "communities:read",
        "GET /v1/meetings/{id}": "communities:read",
        "PATCH /v1/meetings/{id}": "communities:write",
        "PUT /v1/meetings/{id}/rsvp": "communities:write",
        "GET /v1/meetings/{id}/rsvps": "communities:read",
        "PUT /v1/meetings/{id}/guests/{account_id}": "communities:write",
        "DELETE /v1/meetings/{id}/guests/{account_id}": "communities:write",
        "PUT /v1/meetings/{id}/attendance/{account_id}": "communities:write",
        "DELETE /v1/meetings/{id}/attendance/{account_id}": "communities:write",
        "GET /v1/meetings/{id}/attendance": "communities:read",
        "POST /v1/meetings/{id}/breakouts": "communities:write",
        "GET /v1/meetings/{id}/breakouts": "communities:read",
        "POST /v1/communities/{id}/members/import": "members:write",
        "GET /v1/member-imports/{id}": "members:read",
    ]

    @Test func everyEndpointEnforcesItsScope() throws {
        let anonymous: Set<String> = [
            "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "GET /v1", "POST /v1/sessions",
            "POST /v1/account-activations", "POST /v1/password-resets",
        ]
        let routes = Set(server.application.routes.map { "\($0.method) \($0.template)" })
            .subtracting(anonymous).filter { !$0.contains("/v1/test-") }
        #expect(routes == Set(Self.requiredScopes.keys), "every signed-in route needs a row in requiredScopes")

        let (_, admin) = try server.admin()
        let organisation = try server.send(
            "POST", "/v1/organisations", token: admin, json: #"{"name":"Hub","kind":"academic","country":"GH"}"#)
        let ids = [
            "{id}": organisation.json["id"] as! String, "{account_id}": "0192f5c4-1b2a-7c3d-8e4f-1234567890ab",
            "{version}": "1",
        ]
        for (route, scope) in Self.requiredScopes {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let method = parts[0]
            var path = parts[1]
            if path.hasPrefix("/v1/accounts/") || path.hasPrefix("/v1/tokens/{") {
                path = path.replacingOccurrences(of: "{id}", with: "0192f5c4-1b2a-7c3d-8e4f-1234567890ab")
            }
            for (placeholder, value) in ids { path = path.replacingOccurrences(of: placeholder, with: value) }
            let json = ["POST", "PATCH", "PUT"].contains(method) ? "{}" : nil
            // Every scope but the required one, and but admin, which stands for all of them.
            let allButRequired = Scope.allCases.map(\.rawValue).filter { $0 != scope && $0 != "admin" }
            let scopes = allButRequired.map { "\"\($0)\"" }.joined(separator: ",")
            let token =
                try server.send("POST", "/v1/tokens", token: admin, json: #"{"name":"matrix","scopes":[\#(scopes)]}"#)
                .json["token"] as! String
            let answer = try server.send(method, path, token: token, headers: [("If-Match", "*")], json: json)
            if let scope {
                #expect(answer.status == 403, "\(route) without \(scope)")
                #expect(answer.json["required_scope"] as? String == scope, "\(route)")
            } else {
                #expect(answer.json["type"] as? String != "https://praxis.dev/problems/insufficient-scope", "\(route)")
            }
        }
    }
}

@Suite struct AuditLogTests {
    @Test func theChainVerifiesAndTamperingIsFound() throws {
        let name = try TestEnvironment.createScratchDatabase(prefix: "audit")
        let ownerURL = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
        let server = try TestServer(
            databaseURL: TestEnvironment.url(TestEnvironment.databaseURL, database: name), withTestRoutes: false
        ) {
            $0.migrationDatabaseURL = ownerURL
        }
        _ = try server.application.migrate()
        let (admin, token) = try server.admin()
        for index in 0..<3 {
            _ = try server.send(
                "POST", "/v1/organisations", token: token,
                json: #"{"name":"Org \#(index)","kind":"other","country":"FR"}"#)
        }
        let intact = try server.send("GET", "/v1/audit-events/verify", token: token)
        #expect(intact.json["intact"] as? Bool == true)
        #expect(intact.json["checked"] as? Int == 5)
        let events = try server.send("GET", "/v1/audit-events?action=organisation.created", token: token)
        #expect((events.json["data"] as? [[String: Any]])?.count == 3)
        let firstOrganisation = (events.json["data"] as! [[String: Any]]).last!
        let byTarget = try server.send(
            "GET", "/v1/audit-events?target_type=organisation&target_id=\(firstOrganisation["target_id"] as! String)",
            token: token)
        #expect((byTarget.json["data"] as? [[String: Any]])?.count == 1)
        let future = try server.send("GET", "/v1/audit-events?since=2999-01-01T00:00:00Z", token: token)
        #expect((future.json["data"] as? [Any])?.isEmpty == true)
        let past = try server.send(
            "GET", "/v1/audit-events?until=2999-01-01T00:00:00Z&action=organisation.created", token: token)
        #expect((past.json["data"] as? [Any])?.count == 3)
        #expect(try server.send("GET", "/v1/audit-events?since=yesterday", token: token).status == 400)
        #expect(
            (events.json["data"] as? [[String: Any]])?.first?["actor_id"] as? String == admin.id.uuidString.lowercased()
        )
        let anchor = try #require(try AuditService(pool: server.application.pool).anchor())

        // The application role cannot change history.
        let app = try Connection(
            settings: ConnectionSettings(url: TestEnvironment.url(TestEnvironment.databaseURL, database: name)))
        #expect(throws: PostgresError.self) { try app.execute(script: "UPDATE audit_events SET action = 'x'") }
        #expect(throws: PostgresError.self) { try app.execute(script: "DELETE FROM audit_events") }
        #expect(throws: PostgresError.self) {
            try app.execute(script: "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        }

        // A superuser edits row 3: verify names it.
        let superuser = try Connection(
            settings: ConnectionSettings(url: TestEnvironment.url(TestEnvironment.superuserURL, database: name)))
        try superuser.execute(
            script: """
                ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
                UPDATE audit_events SET action = 'organisation.renamed' WHERE seq = 3;
                """)
        let broken = try server.send("GET", "/v1/audit-events/verify", token: token)
        #expect(broken.json["intact"] as? Bool == false)
        #expect(broken.json["first_broken_sequence"] as? Int == 3)

        // Rewriting every hash from row 3 on makes the chain consistent again, but not with the anchor.
        try superuser.execute(
            script: """
                DO $$
                DECLARE r record; previous text;
                BEGIN
                    SELECT hash INTO previous FROM audit_events WHERE seq = 2;
                    FOR r IN SELECT * FROM audit_events WHERE seq >= 3 ORDER BY seq LOOP
                        UPDATE audit_events SET previous_hash = previous,
                            hash = audit_event_hash(previous, r.id, r.occurred_at, r.actor_id, r.action, r.target_type,
                                                    r.target_id, r.request_id, r.details)
                        WHERE seq = r.seq RETURNING hash INTO previous;
                    END LOOP;
                END $$;
                ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
                """)
        #expect(try server.send("GET", "/v1/audit-events/verify", token: token).json["intact"] as? Bool == true)
        let against = try server.send("GET", "/v1/audit-events/verify?anchor=\(anchor)", token: token)
        #expect(against.json["intact"] as? Bool == false)
        #expect(against.json["anchor_matches"] as? Bool == false)
    }
}

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
        #expect(created.header("Cache-Control") == "no-store")
        let token = try #require(created.json["activation_token"] as? String)
        let expires = try #require((created.json["activation_expires_at"] as? String).flatMap(Timestamp.parse))
        #expect(abs(expires.timeIntervalSinceNow - 72 * 3600) < 120)
        // Not readable again anywhere.
        let read = try server.send("GET", "/v1/accounts/\(created.json["id"] as! String)", token: admin)
        #expect(read.json["activation_token"] == nil)
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
        #expect(reset.status == 201)
        #expect(reset.header("Cache-Control") == "no-store")
        let token = try #require(reset.json["reset_token"] as? String)
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

@Suite struct CredentialDetailTests {
    @Test func aLoginFloodIsRefusedRatherThanQueuedForever() throws {
        let hashing = PasswordHashing(maximumConcurrent: 1, maximumWait: 0.01)
        let outcomes = Box<[Bool]>([])
        let threads = (0..<4).map { _ in
            Thread {
                let accepted = (try? hashing.hash("a long enough passphrase")) != nil
                outcomes.mutate { $0.append(accepted) }
            }
        }
        for thread in threads { thread.start() }
        while outcomes.value.count < 4 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(outcomes.value.contains(true))
        #expect(outcomes.value.contains(false))
    }

    @Test func lastUseIsWrittenAtMostOnceAMinute() throws {
        let server = try TestServer()
        let (account, token) = try server.admin()
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        func lastUsed() throws -> String? {
            try owner.query("SELECT last_used_at::text AS last_used FROM api_tokens WHERE account_id = \(account.id)")
                .first.flatMap { try $0["last_used"] as String? }
        }
        #expect(try lastUsed() == nil)
        _ = try server.send("GET", "/v1/me", token: token)
        let first = try lastUsed()
        #expect(first != nil)
        for _ in 0..<3 { _ = try server.send("GET", "/v1/me", token: token) }
        #expect(try lastUsed() == first)
    }

    /// The token list, checked against a query written here, not the service's.
    @Test func tokenListsShowOnlyTheCallersOwn() throws {
        let server = try TestServer()
        let (_, admin) = try server.admin()
        var sessions: [(id: String, session: String)] = []
        for index in 0..<2 {
            let email = "oracle-\(index)-\(UUID().uuidString.prefix(6).lowercased())@example.org"
            let id =
                try server.send(
                    "POST", "/v1/accounts", token: admin,
                    json:
                        #"{"email":"\#(email)","display_name":"O","password":"correct horse battery","member_kind":"official"}"#
                ).json["id"] as! String
            let session =
                try server.send(
                    "POST", "/v1/sessions", json: #"{"email":"\#(email)","password":"correct horse battery"}"#
                )
                .json["token"] as! String
            for name in ["a", "b", "c"].prefix(index + 2) {
                _ = try server.send(
                    "POST", "/v1/tokens", token: session, json: #"{"name":"\#(name)","scopes":["members:read"]}"#)
            }
            sessions.append((id, session))
        }
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        for person in sessions {
            let expected = Set(
                try owner.query(
                    "SELECT id::text AS id FROM api_tokens WHERE account_id = \(person.id)::uuid AND revoked_at IS NULL"
                ) { try $0["id"] as String })
            var seen: Set<String> = []
            var path = "/v1/tokens?limit=1"
            while true {
                let page = try server.send("GET", path, token: person.session)
                seen.formUnion((page.json["data"] as! [[String: Any]]).map { $0["id"] as! String })
                guard let link = page.header("Link") else { break }
                path = String(link.dropFirst().prefix { $0 != ">" })
            }
            #expect(seen == expected)
            // Asking for someone else's list is not allowed.
            let other = sessions.first { $0.id != person.id }!
            #expect(try server.send("GET", "/v1/tokens?account_id=\(other.id)", token: person.session).status == 403)
        }
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
        let reset =
            try server.send("POST", "/v1/accounts/\(someone.id)/password-reset", token: admin).json["reset_token"]
            as! String
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
