import AccessControl
import Crypto
import Foundation
import Locking
import Postgres
import ServerTestSupport
import TestSupport
import Testing

@Suite struct CredentialDetailTests {
    @Test func aLoginFloodIsRefusedRatherThanQueuedForever() throws {
        let hashing = PasswordHashing(maximumConcurrent: 1, maximumWait: 0.01)
        let outcomes = Locked<[Bool]>([])
        let threads = (0..<4).map { _ in
            Thread {
                let accepted = (try? hashing.hash("a long enough passphrase")) != nil
                outcomes.withLock { $0.append(accepted) }
            }
        }
        for thread in threads { thread.start() }
        while outcomes.withLock { $0 }.count < 4 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(outcomes.withLock { $0 }.contains(true))
        #expect(outcomes.withLock { $0 }.contains(false))
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

/// A token's secret reaches only the person it acts as, and a token is worth no more than its
/// account's rights are now.
@Suite struct TokenOwnershipTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func person(_ admin: String) throws -> (id: String, session: String) {
        let person = try CommunityFixture.person(server, admin)
        return (person.id, person.token)
    }

    @Test func anAdminNeitherMintsNorRotatesSomeoneElsesToken() throws {
        let (_, admin) = try server.admin()
        let convenor = try person(admin)
        let minted = try server.send(
            "POST", "/v1/tokens", token: admin,
            json: #"{"name":"as them","scopes":["members:read"],"account_id":"\#(convenor.id)"}"#)
        #expect(minted.status == 403 && minted.json["type"] as? String == "https://praxis.dev/problems/own-tokens-only")
        #expect(!minted.text.contains("prx_"))
        let theirs = try server.send(
            "POST", "/v1/tokens", token: convenor.session, json: #"{"name":"mine","scopes":["members:read"]}"#)
        let id = theirs.json["id"] as! String
        let rotated = try server.send("POST", "/v1/tokens/\(id)/rotate", token: admin, json: #"{"overlap_seconds":0}"#)
        #expect(rotated.status == 403 && !rotated.text.contains("prx_"))
        // Their token still works: the refused rotation ended nothing.
        #expect(try server.send("GET", "/v1/tokens/current", token: theirs.json["token"] as! String).status == 200)
        // An admin still lists and revokes it.
        let listed = try server.send("GET", "/v1/tokens?account_id=\(convenor.id)", token: admin)
        #expect((listed.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect(try server.send("DELETE", "/v1/tokens/\(id)", token: admin).status == 204)
    }

    @Test func aDemotedAdminsAdminTokensEndAndGrantNothing() throws {
        let (_, admin) = try server.admin()
        let (demoted, demotedToken) = try server.admin()
        // A second admin-scoped token, kept by the admin to be demoted.
        let spare =
            try server.send("POST", "/v1/tokens", token: demotedToken, json: #"{"name":"spare","scopes":["admin"]}"#)
            .json["token"] as! String
        let before = try server.send("GET", "/v1/accounts/\(demoted.id)", token: admin)
        #expect(
            try server.send(
                "PATCH", "/v1/accounts/\(demoted.id)", token: admin, headers: [("If-Match", before.header("ETag")!)],
                json: #"{"platform_role":"user"}"#
            ).status == 200)
        for token in [demotedToken, spare] {
            #expect(try server.send("GET", "/v1/me", token: token).status == 401)
        }
        let audit = try server.send("GET", "/v1/audit-events?action=token.revoked&limit=100", token: admin)
        #expect(
            (audit.json["data"] as? [[String: Any]])?.filter {
                ($0["details"] as? [String: Any])?["reason"] as? String == "admin_role_removed"
            }.count ?? 0 >= 2)
    }

    /// An admin-scoped token issued while its account is being demoted either waits and is
    /// refused, or is revoked by the demotion: never left behind.
    @Test func anAdminTokenIssuedDuringADemotionDoesNotSurviveIt() throws {
        let (account, token) = try server.admin()
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        let issued = Locked<HTTPResult?>(nil)
        try owner.withTransaction { demotion in
            // The demotion holds the account's row, as PATCH /v1/accounts/{id} does.
            try demotion.query("SELECT id FROM accounts WHERE id = \(account.id) FOR UPDATE")
            let thread = Thread {
                let answer = try? server.send(
                    "POST", "/v1/tokens", token: token, json: #"{"name":"race","scopes":["admin"]}"#)
                issued.withLock { $0 = answer }
            }
            thread.start()
            Thread.sleep(forTimeInterval: 0.5)
            #expect(issued.withLock { $0 } == nil)
            try demotion.query("UPDATE accounts SET platform_role = 'user' WHERE id = \(account.id)")
        }
        for _ in 0..<100 where issued.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.05) }
        let answer = try #require(issued.withLock { $0 })
        #expect(answer.status == 403 && !answer.text.contains("prx_"), "\(answer.status) \(answer.text)")
    }

    @Test func anAdminScopeCountsOnlyOnAnAdminsAccount() throws {
        let (_, admin) = try server.admin()
        let someone = try person(admin)
        let created = try server.send(
            "POST", "/v1/tokens", token: someone.session, json: #"{"name":"t","scopes":["members:read"]}"#)
        let (id, secret) = (created.json["id"] as! String, created.json["token"] as! String)
        #expect(try server.send("GET", "/v1/organisations", token: secret).status == 200)
        // A token whose stored scopes say admin, on an account that is no admin's (as after a
        // demotion that raced it), grants nothing: not the scopes admin stands for, not a rotation.
        let owner = try Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        try owner.query("UPDATE api_tokens SET scopes = '{admin}' WHERE id = \(id)::uuid")
        let refused = try server.send("GET", "/v1/organisations", token: secret)
        #expect(refused.status == 403 && refused.json["required_scope"] as? String == "members:read")
        let rotated = try server.send("POST", "/v1/tokens/\(id)/rotate", token: someone.session, json: "{}")
        #expect(rotated.status == 403 && !rotated.text.contains("prx_"))
    }
}
