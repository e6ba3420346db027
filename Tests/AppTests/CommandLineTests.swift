import AccessControl
import Foundation
import Postgres
import ServerTestSupport
import TestSupport
import Testing

/// The `praxis` binary as an operator meets it.
@Suite struct CommandLineTests {
    /// Runs the debug binary with a clean environment plus `environment`; returns status and stderr.
    private func praxis(_ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let binary = TestEnvironment.projectRoot.appendingPathComponent(".build/debug/praxis").path
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("praxis-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errors) }
        var settings = ["MIGRATIONS_DIR=\(TestEnvironment.migrationsDirectory.path)", "PORT=0", "LOG_LEVEL=critical"]
        settings += environment.map { "\($0.key)=\($0.value)" }
        let command = "exec '\(binary)' \(arguments.joined(separator: " ")) 2>'\(errors.path)' >/dev/null"
        let status = try TestEnvironment.run("/bin/sh", ["-c", command], environment: settings)
        return (status, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }

    @Test func aBadSettingStopsTheStartWithOneLineNamingIt() throws {
        let (status, message) = try praxis(
            ["serve"], environment: ["DATABASE_URL": TestEnvironment.databaseURL, "PORT": "http"])
        #expect(status != 0)
        #expect(message.hasPrefix("praxis: invalid setting PORT:"))
        #expect(message.split(separator: "\n").count == 1)
        let (missingStatus, missing) = try praxis(["serve"], environment: [:])
        #expect(missingStatus != 0)
        #expect(missing.contains("DATABASE_URL"))
    }

    @Test func serveRefusesPendingMigrationsUnlessToldToMigrate() throws {
        let name = try TestEnvironment.createScratchDatabase(prefix: "cli")
        let appURL = TestEnvironment.url(TestEnvironment.databaseURL, database: name)
        let (status, message) = try praxis(["serve"], environment: ["DATABASE_URL": appURL])
        #expect(status != 0)
        #expect(message.contains("missing migrations") && message.contains("0001_foundation"))
        #expect(!message.contains("Error") && !message.contains(".swift"))
        // The application role may not create tables: the operator is told what PostgreSQL said
        // and which setting names the owner.
        let (refused, refusal) = try praxis(["migrate"], environment: ["DATABASE_URL": appURL])
        #expect(refused != 0)
        #expect(refusal.hasPrefix("praxis: recording migrations failed: permission denied for schema public"))
        #expect(refusal.contains("SQLSTATE 42501") && refusal.contains("MIGRATION_DATABASE_URL"))
        let (migrated, _) = try praxis(
            ["migrate"],
            environment: [
                "DATABASE_URL": appURL,
                "MIGRATION_DATABASE_URL": TestEnvironment.url(TestEnvironment.ownerURL, database: name),
            ])
        #expect(migrated == 0)
    }

    @Test func createAdminPrintsAnAdminTokenOnce() throws {
        let email = "cli-admin-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "praxis-cli-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let binary = TestEnvironment.projectRoot.appendingPathComponent(".build/debug/praxis").path
        let status = try TestEnvironment.run(
            "/bin/sh", ["-c", "exec '\(binary)' admin create-admin --email \(email) >'\(output.path)' 2>/dev/null"],
            environment: [
                "DATABASE_URL=\(TestEnvironment.databaseURL)",
                "MIGRATIONS_DIR=\(TestEnvironment.migrationsDirectory.path)",
            ])
        #expect(status == 0)
        let token = try String(contentsOf: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("prx_"))
        let server = try TestServer()
        let current = try server.send("GET", "/v1/tokens/current", token: token)
        #expect(current.json["scopes"] as? [String] == ["admin"])
        #expect(try server.send("GET", "/v1/me", token: token).json["platform_role"] as? String == "admin")
        // A lost admin token is issued anew at the command line, for an admin only.
        let reissued = FileManager.default.temporaryDirectory.appendingPathComponent(
            "praxis-cli-token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: reissued) }
        #expect(
            try TestEnvironment.run(
                "/bin/sh",
                ["-c", "cd / && exec '\(binary)' admin token --email \(email) >'\(reissued.path)' 2>/dev/null"],
                environment: ["DATABASE_URL=\(TestEnvironment.databaseURL)"]) == 0)
        let second = try String(contentsOf: reissued, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(second.hasPrefix("prx_") && second != token)
        #expect(try server.send("GET", "/v1/me", token: second).json["platform_role"] as? String == "admin")
        let (unknown, unknownMessage) = try praxis(
            ["admin", "token", "--email", "nobody-\(UUID().uuidString.prefix(6))@example.org"],
            environment: ["DATABASE_URL": TestEnvironment.databaseURL])
        #expect(unknown != 0 && unknownMessage == "praxis: no such account\n")
        // The same email again is refused with one line.
        let (again, message) = try praxis(
            ["admin", "create-admin", "--email", email], environment: ["DATABASE_URL": TestEnvironment.databaseURL])
        #expect(again != 0)
        #expect(message.hasPrefix("praxis: An account with this email exists already."))
    }

    /// Seeding writes the same data for the same seed, prints tokens that work (one per member
    /// asked for) and the first community's long thread, and refuses to seed a database twice
    /// with one seed.
    @Test func seedingIsRepeatableAndPrintsTokensThatWork() throws {
        let binary = TestEnvironment.projectRoot.appendingPathComponent(".build/debug/praxis").path
        func seeded() throws -> (fingerprint: String, output: String, appURL: String) {
            let name = try TestEnvironment.createScratchDatabase(prefix: "seed")
            let appURL = TestEnvironment.url(TestEnvironment.databaseURL, database: name)
            let ownerURL = TestEnvironment.url(TestEnvironment.ownerURL, database: name)
            let environment = ["DATABASE_URL": appURL, "MIGRATION_DATABASE_URL": ownerURL]
            #expect(try praxis(["migrate"], environment: environment).0 == 0)
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("praxis-seed-\(name)")
            defer { try? FileManager.default.removeItem(at: output) }
            let status = try TestEnvironment.run(
                "/bin/sh",
                [
                    "-c",
                    "exec '\(binary)' admin seed --scale small --seed 11 --member-tokens 3 >'\(output.path)' 2>/dev/null",
                ],
                environment: environment.map { "\($0.key)=\($0.value)" })
            #expect(status == 0)
            let printed = try String(contentsOf: output, encoding: .utf8)
            let owner = try Connection(settings: ConnectionSettings(url: ownerURL))
            // What the data says, whatever the day it was written.
            let fingerprint: String = try owner.single(
                """
                SELECT md5(
                  (SELECT string_agg(a.email || a.member_kind || a.country || o.name || o.kind, ',' ORDER BY a.email)
                   FROM accounts a JOIN organisations o ON o.id = a.organisation_id)
                  || (SELECT string_agg(c.slug || a.email || m.role, ',' ORDER BY c.slug, a.email)
                      FROM memberships m JOIN communities c ON c.id = m.community_id JOIN accounts a ON a.id = m.account_id)
                  || (SELECT string_agg(n.title || n.urgency || a.email, ',' ORDER BY n.title)
                      FROM needs n JOIN accounts a ON a.id = n.author_id)
                  || (SELECT string_agg(p.body || t.title || a.email, ',' ORDER BY p.body)
                      FROM posts p JOIN threads t ON t.id = p.thread_id JOIN accounts a ON a.id = p.author_id)
                ) AS fingerprint
                """)["fingerprint"]
            return (fingerprint, printed, appURL)
        }
        let first = try seeded()
        let second = try seeded()
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.output.contains("posts: 20000 rows") && first.output.contains("accounts: 2000 rows"))
        /// The word after `label` on its line of the output.
        func printed(_ label: String) -> String? {
            first.output.split(separator: "\n").first { $0.hasPrefix(label) }
                .map { String($0.dropFirst(label.count).split(separator: " ")[0]) }
        }
        let community = try #require(printed("community: "))
        let server = try TestServer(databaseURL: first.appURL)
        let memberTokens = first.output.split(separator: "\n").filter { $0.hasPrefix("member token (of seed11-1): ") }
            .map { String($0.split(separator: " ").last!) }
        #expect(memberTokens.count == 3)
        let callers = try memberTokens.map { try server.send("GET", "/v1/me", token: $0).json["id"] as? String }
        #expect(Set(callers.compactMap { $0 }).count == 3)
        let member = try #require(memberTokens.first)
        let members = try server.send("GET", "/v1/communities/\(community)/members?limit=5", token: member)
        #expect(members.status == 200 && (members.json["data"] as? [Any])?.count == 5)
        // One post in ten (and some others) is in the long thread, which the first community's members read.
        let longThread = try #require(printed("long thread (of seed11-1): "))
        let thread = try server.send("GET", "/v1/threads/\(longThread)", token: member)
        #expect(thread.status == 200 && (thread.json["post_count"] as? Int ?? 0) >= 2000)
        let convenor = try #require(printed("convenor token (of seed11-1): "))
        #expect(try server.send("GET", "/v1/communities/\(community)/needs/analysis", token: convenor).status == 200)
        let admin = try #require(printed("admin token: "))
        #expect(try server.send("GET", "/v1/me", token: admin).json["platform_role"] as? String == "admin")
        // The same seed again on the same database is refused, in one line, and writes nothing.
        let (again, message) = try praxis(
            ["admin", "seed", "--scale", "small", "--seed", "11"],
            environment: ["DATABASE_URL": first.appURL, "MIGRATION_DATABASE_URL": first.appURL])
        #expect(again != 0 && message.contains("already holds seed 11"))
    }

    @Test func anUnreachableDatabaseIsSaidPlainly() throws {
        let (status, message) = try praxis(
            ["migrate"],
            environment: ["DATABASE_URL": "postgresql://praxis@127.0.0.1:\(TestEnvironment.freePort())/praxis"])
        #expect(status != 0)
        #expect(message.hasPrefix("praxis: cannot reach the database"))
    }

    /// The operator, and nobody through the API, reads an activation token waiting for its person.
    @Test func theOutboxShowsTheOperatorWhatWaitsForAnAddress() throws {
        let server = try TestServer()
        let admin = try server.admin().token
        let email = "outbox-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let created = try server.send(
            "POST", "/v1/accounts", token: admin,
            json: #"{"email":"\#(email)","display_name":"O","member_kind":"official"}"#)
        #expect(created.status == 201 && !created.text.contains("pra_"))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("praxis-outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let binary = TestEnvironment.projectRoot.appendingPathComponent(".build/debug/praxis").path
        // From any directory: an admin command needs the database only, not the source tree.
        let status = try TestEnvironment.run(
            "/bin/sh",
            ["-c", "cd / && exec '\(binary)' admin outbox --to \(email.uppercased()) >'\(output.path)' 2>/dev/null"],
            environment: ["DATABASE_URL=\(TestEnvironment.databaseURL)"])
        #expect(status == 0)
        let printed = try String(contentsOf: output, encoding: .utf8)
        #expect(printed.hasPrefix("To: \(email)\n") && printed.contains("Subject: Choose your Praxis password"))
        let token = try #require(MailLink.token(in: printed))
        #expect(
            try server.send(
                "POST", "/v1/account-activations", json: #"{"token":"\#(token)","password":"correct horse battery"}"#
            ).status == 204)
        // Used, it no longer waits to be sent.
        #expect(try server.application.delivery.queued(to: email).isEmpty)
    }
}
