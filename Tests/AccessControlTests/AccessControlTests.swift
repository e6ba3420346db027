import AccessControl
import Foundation
import HTTP
import Postgres
import ServerTestSupport
import TestSupport
import Testing

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
        // Only ASCII case: a Turkish dotted capital I (or any other non-ASCII spelling) is no
        // spelling of the address, so it is neither a fresh throttle bucket nor a way in.
        let victim = unique("victim")
        #expect(
            try server.send(
                "POST", "/v1/accounts", token: admin,
                json:
                    #"{"email":"\#(victim)","display_name":"V","password":"correct horse battery","member_kind":"official"}"#
            ).status == 201)
        let turkish = victim.replacingOccurrences(of: "victim", with: "vİctim")
        let lookalike = try server.send(
            "POST", "/v1/sessions", json: #"{"email":"\#(turkish)","password":"correct horse battery"}"#)
        #expect(lookalike.status == 401, "\(turkish): \(lookalike.status)")
        #expect(EmailAddress.normalized(" Vİctim@Example.org") == nil)
        #expect(EmailAddress.normalized(" Victim@Example.ORG ") == "victim@example.org")
    }

    /// "Try again later" is never kept under an Idempotency-Key: the retry runs, and is told when.
    @Test func aThrottledLoginIsNotReplayedUnderItsKey() throws {
        let address = TestServer.uniqueAddress()
        let email = unique("throttled")
        let body = #"{"email":"\#(email)","password":"not the password!"}"#
        var throttled: HTTPResult?
        for _ in 0..<8 {
            let answer = try server.send("POST", "/v1/sessions", json: body, from: address)
            if answer.status == 429 {
                throttled = answer
                break
            }
        }
        #expect(throttled != nil)
        let key = [("Idempotency-Key", UUID().uuidString)]
        let first = try server.send("POST", "/v1/sessions", headers: key, json: body, from: address)
        let retry = try server.send("POST", "/v1/sessions", headers: key, json: body, from: address)
        #expect(first.status == 429 && retry.status == 429)
        #expect(retry.header("Idempotent-Replayed") == nil && retry.header("Retry-After") != nil)
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
        for _ in 0..<5 {
            #expect(try attempt(person.email, "wrong password!", from: address).status == 401)
            #expect(try attempt(nobody, "wrong password!", from: address).status == 401)
        }
        // Past the free failures: the pair waits, even with the right password, and an unknown
        // email waits the same.
        // Idempotency keys do not wash failures away: each keyed attempt still counts.
        let keyedAddress = TestServer.uniqueAddress()
        for index in 0..<5 {
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
            // Text that displays as other text, or shows nothing.
            ("{\"name\":\"Ministry of \u{202E}noitacudE\",\"kind\":\"vendor\",\"country\":\"KE\"}", "name"),
            ("{\"name\":\"Mini\u{200B}stry\",\"kind\":\"vendor\",\"country\":\"KE\"}", "name"),
            ("{\"name\":\"\u{2067}Ministry\u{2069}\",\"kind\":\"vendor\",\"country\":\"KE\"}", "name"),
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
}
