import AccessControl
import Foundation
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
