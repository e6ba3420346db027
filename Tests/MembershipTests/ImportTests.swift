import Foundation
import Postgres
import ServerTestSupport
import TestSupport
import Testing

@Suite struct ImportTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func upload(
        _ cop: CommunityFixture, _ csv: String, as person: Person? = nil, dryRun: Bool = false,
        contentType: String = "text/csv"
    ) throws -> HTTPResult {
        let token = (person ?? cop.convenor).token
        return try server.send(
            "POST", "/v1/communities/\(cop.id)/members/import\(dryRun ? "?dry_run=true" : "")",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", contentType)], json: csv)
    }

    private func outcomes(_ result: HTTPResult) -> [String] {
        (result.json["results"] as? [[String: Any]] ?? []).map { $0["outcome"] as? String ?? "" }
    }

    @Test func aDryRunReportsEveryRowAndChangesNothing() throws {
        let cop = try CommunityFixture(server)
        let ministry = "Ministry \(CommunityFixture.suffix())"
        _ = try server.send(
            "POST", "/v1/organisations", token: cop.admin,
            json: #"{"name":"\#(ministry)","kind":"government","country":"KE","sector":"education"}"#)
        let fresh = "fresh-\(CommunityFixture.suffix())@example.org"
        let member = try cop.send("GET", "/v1/me", as: cop.member).json["email"] as! String
        let csv = """
            email,name,organisation,kind,country,role\r
            \(fresh),"Wanjiru, K.",\(ministry),official,KE,member\r
            \(member),Someone,,official,,\r
            bad-\(CommunityFixture.suffix())@example.org,X,,astronaut,KE,member\r
            other-\(CommunityFixture.suffix())@example.org,Y,No Such Ministry,official,KE,member\r

            """
        let dry = try upload(cop, csv, dryRun: true)
        #expect(dry.status == 200, "\(dry.text)")
        #expect(dry.json["dry_run"] as? Bool == true)
        #expect(outcomes(dry) == ["invited", "already_member", "invalid", "invalid"])
        // A row says the same whether or not its address has an account.
        let rows = try #require(dry.json["results"] as? [[String: Any]])
        #expect(rows.allSatisfy { Set($0.keys) == ["line", "email", "outcome", "errors"] })
        let errors = (dry.json["results"] as? [[String: Any]])?[2]["errors"] as? [[String: String]]
        #expect(errors?.first?["field"] == "kind")
        // Nothing was written: the real run creates the account now.
        let real = try upload(cop, csv)
        #expect(outcomes(real) == ["invited", "already_member", "invalid", "invalid"])
        #expect(!real.text.contains("pra_"))
        // The new account's activation token went to its address.
        #expect(try server.secret(sentTo: fresh).hasPrefix("pra_"))
        let account = try server.send("GET", "/v1/accounts/\(try accountID(fresh))", token: cop.admin)
        #expect(
            account.json["display_name"] as? String == "Wanjiru, K." && account.json["status"] as? String == "invited")
        #expect((account.json["organisation"] as? [String: Any])?["name"] as? String == ministry)
        #expect(outcomes(try upload(cop, csv)) == ["already_invited", "already_member", "invalid", "invalid"])
    }

    @Test func badFilesAndCallersAreRefused() throws {
        let cop = try CommunityFixture(server)
        let good = "email,kind\nsomeone-\(CommunityFixture.suffix())@example.org,official\n"
        let wrongType = try upload(cop, good, contentType: "application/json")
        #expect(wrongType.status == 415 && (wrongType.json["detail"] as? String)?.contains("text/csv") == true)
        // A spreadsheet's byte-order mark is no part of the first column's name.
        let bom = try upload(cop, "\u{FEFF}" + good, dryRun: true)
        #expect(bom.status == 200 && outcomes(bom) == ["invited"], "\(bom.text)")
        #expect(try upload(cop, "email,kind,shoe_size\na@example.org,official,42\n").status == 422)
        #expect(try upload(cop, "name\nX\n").status == 422)
        #expect(try upload(cop, "email,kind\n\"unclosed,official\n").status == 422)
        #expect(problemKind(try upload(cop, good, as: cop.member)) == "convenor-required")
        #expect(try upload(cop, good, as: cop.outsider).status == 404)
        #expect(try upload(cop, good, as: cop.observer).status == 403)
    }

    @Test func aLargeImportRunsInTheBackground() throws {
        let cop = try CommunityFixture(server)
        let batch = CommunityFixture.suffix()
        let rows = (0..<250).map { "bulk-\(batch)-\($0)@example.org,official" }
        let started = try upload(cop, "email,kind\n" + rows.joined(separator: "\n"))
        #expect(started.status == 202, "\(started.text)")
        let location = try #require(started.header("Location"))
        #expect(try cop.send("GET", location, as: cop.member).status == 404)
        var job: [String: Any] = [:]
        for _ in 0..<300 {
            job = try cop.send("GET", location, as: cop.convenor).json
            if job["status"] as? String == "done" || job["status"] as? String == "failed" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(job["status"] as? String == "done")
        #expect(job["processed_rows"] as? Int == 250)
        let results = job["results"] as? [[String: Any]] ?? []
        #expect(
            results.count == 250
                && results.allSatisfy { $0["outcome"] as? String == "invited" && $0["activation_token"] == nil })
        let invitations = try cop.send(
            "GET", "/v1/communities/\(cop.id)/invitations?status=pending&limit=100", as: cop.convenor)
        #expect((invitations.json["data"] as? [[String: Any]])?.count == 100)
    }

    /// The query is part of what a key names: a dry run and the real run under one key are two
    /// requests, and only a repeat of the same one replays.
    @Test func aDryRunAndTheRealRunAreTwoRequestsUnderOneKey() throws {
        let cop = try CommunityFixture(server)
        let csv = "email,kind\nkeyed-\(CommunityFixture.suffix())@example.org,official\n"
        let key = UUID().uuidString
        func send(dryRun: Bool) throws -> HTTPResult {
            try server.send(
                "POST", "/v1/communities/\(cop.id)/members/import\(dryRun ? "?dry_run=true" : "")",
                headers: [
                    ("Authorization", "Bearer \(cop.convenor.token)"), ("Content-Type", "text/csv"),
                    ("Idempotency-Key", key),
                ], json: csv)
        }
        #expect(try send(dryRun: true).json["dry_run"] as? Bool == true)
        let real = try send(dryRun: false)
        #expect(real.json["dry_run"] as? Bool == false && real.header("Idempotent-Replayed") == nil, "\(real.text)")
        let again = try send(dryRun: false)
        #expect(again.header("Idempotent-Replayed") == "true" && outcomes(again) == ["invited"])
    }

    /// With an Idempotency-Key the request runs in one transaction; each row still stands alone.
    @Test func rowsStandAloneUnderAnIdempotencyKey() throws {
        let cop = try CommunityFixture(server)
        let fresh = "keyed-\(CommunityFixture.suffix())@example.org"
        let csv = "email,kind\n\(fresh),official\nbad,official\n\(fresh),official\n"
        func send(dryRun: Bool) throws -> HTTPResult {
            try server.send(
                "POST", "/v1/communities/\(cop.id)/members/import\(dryRun ? "?dry_run=true" : "")",
                headers: [
                    ("Authorization", "Bearer \(cop.convenor.token)"), ("Content-Type", "text/csv"),
                    ("Idempotency-Key", UUID().uuidString),
                ], json: csv)
        }
        let dry = try send(dryRun: true)
        #expect(outcomes(dry) == ["invited", "invalid", "invited"], "\(dry.text)")
        // The dry run's account was rolled back with its row.
        #expect(try server.application.pool.withConnection { try $0.query(accountQuery(fresh)) }.isEmpty)
        let real = try send(dryRun: false)
        #expect(outcomes(real) == ["invited", "invalid", "already_invited"], "\(real.text)")
        #expect(try accountID(fresh).isEmpty == false)
    }

    /// A person's account is changed only by that person or an admin: a convenor's file never
    /// renames one, not even an account only this community invited.
    @Test func anImportNeverChangesAnExistingAccount() throws {
        let cop = try CommunityFixture(server)
        let other = try CommunityFixture(server)
        let email = "shared-\(CommunityFixture.suffix())@example.org"
        let mine = "mine-\(CommunityFixture.suffix())@example.org"
        _ = try other.send(
            "POST", "/v1/communities/\(other.id)/invitations", as: other.convenor,
            json: #"{"email":"\#(email)","display_name":"Their Name"}"#)
        let invited = try cop.send(
            "POST", "/v1/communities/\(cop.id)/invitations", as: cop.convenor,
            json: #"{"email":"\#(mine)","display_name":"First Name"}"#)
        _ = try cop.send("POST", "/v1/invitations/\(invited.json["id"] as! String)/revoke", as: cop.convenor)
        let imported = try upload(cop, "email,name,kind\n\(email),Renamed,vendor\n\(mine),Renamed,vendor\n")
        #expect(outcomes(imported) == ["invited", "invited"])
        for (address, name) in [(email, "Their Name"), (mine, "First Name")] {
            let account = try server.send("GET", "/v1/accounts/\(try accountID(address))", token: cop.admin)
            #expect(
                account.json["display_name"] as? String == name && account.json["member_kind"] as? String != "vendor")
        }
    }

    private func accountQuery(_ email: String) -> SQL { "SELECT id FROM accounts WHERE lower(email) = lower(\(email))" }

    /// The account an address has, read as the server's database role (no API answer names it).
    private func accountID(_ email: String) throws -> String {
        let id: UUID = try server.application.pool.withConnection { try $0.single(accountQuery(email)) }["id"]
        return id.uuidString.lowercased()
    }
}
