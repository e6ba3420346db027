import AccessControl
import Crypto
import Foundation
import Postgres
import ServerTestSupport
import TestSupport
import Testing

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
