import Foundation
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
        let first = (dry.json["results"] as? [[String: Any]])?.first
        #expect(first?["account_created"] as? Bool == true && first?["activation_token"] is NSNull)
        let errors = (dry.json["results"] as? [[String: Any]])?[2]["errors"] as? [[String: String]]
        #expect(errors?.first?["field"] == "kind")
        // Nothing was written: the real run creates the account now.
        let real = try upload(cop, csv)
        #expect(outcomes(real) == ["invited", "already_member", "invalid", "invalid"])
        #expect(real.header("Cache-Control") == "no-store")
        let created = try #require((real.json["results"] as? [[String: Any]])?.first)
        #expect(created["account_created"] as? Bool == true && created["activation_token"] is String)
        let account = try server.send("GET", "/v1/accounts/\(created["account_id"] as! String)", token: cop.admin)
        #expect(
            account.json["display_name"] as? String == "Wanjiru, K." && account.json["status"] as? String == "invited")
        #expect((account.json["organisation"] as? [String: Any])?["name"] as? String == ministry)
        #expect(outcomes(try upload(cop, csv)) == ["already_invited", "already_member", "invalid", "invalid"])
    }

    @Test func badFilesAndCallersAreRefused() throws {
        let cop = try CommunityFixture(server)
        let good = "email,kind\nsomeone-\(CommunityFixture.suffix())@example.org,official\n"
        #expect(try upload(cop, good, contentType: "application/json").status == 415)
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
                && results.allSatisfy { $0["outcome"] as? String == "invited" && $0["activation_token"] is NSNull })
        let invitations = try cop.send(
            "GET", "/v1/communities/\(cop.id)/invitations?status=pending&limit=100", as: cop.convenor)
        #expect((invitations.json["data"] as? [[String: Any]])?.count == 100)
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
        #expect((dry.json["results"] as? [[String: Any]])?.first?["account_id"] is NSNull)
        let real = try send(dryRun: false)
        #expect(outcomes(real) == ["invited", "invalid", "already_invited"], "\(real.text)")
        #expect((real.json["results"] as? [[String: Any]])?.first?["account_created"] as? Bool == true)
    }

    @Test func anImportChangesOnlyAccountsThisCommunityBroughtIn() throws {
        let cop = try CommunityFixture(server)
        let other = try CommunityFixture(server)
        let email = "shared-\(CommunityFixture.suffix())@example.org"
        // Another community invited this address first: its account is not this import's to rename.
        let first = try other.send(
            "POST", "/v1/communities/\(other.id)/invitations", as: other.convenor,
            json: #"{"email":"\#(email)","display_name":"Their Name"}"#)
        let account = first.json["account"] as! [String: Any]
        let imported = try upload(cop, "email,name,kind\n\(email),Renamed,official\n")
        #expect(outcomes(imported) == ["invited"])
        #expect(
            try server.send("GET", "/v1/accounts/\(account["id"] as! String)", token: cop.admin).json["display_name"]
                as? String
                == "Their Name")
    }
}
