import Foundation
import HTTP
import Locking
import ServerTestSupport
import TestSupport
import Testing

@testable import App

@Suite struct APIMechanismTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    @Test func idempotentRetryReplaysAcrossInstances() throws {
        let other = try TestServer()
        let address = TestServer.uniqueAddress()
        let key = UUID().uuidString
        let body = #"{"topic":"idem-\#(key)","body":"once"}"#
        let first = try server.send(
            "POST", "/v1/test-notes", headers: [("Idempotency-Key", key)], json: body, from: address)
        #expect(first.status == 201)
        let retry = try other.send(
            "POST", "/v1/test-notes", headers: [("Idempotency-Key", key)], json: body, from: address)
        #expect(retry.status == 201)
        #expect(retry.text == first.text)
        #expect(retry.header("Location") == first.header("Location"))
        #expect(retry.header("ETag") == first.header("ETag"))
        #expect(retry.header("Idempotent-Replayed") == "true")
        let list = try server.send("GET", "/v1/test-notes?topic=idem-\(key)")
        #expect((list.json["data"] as? [Any])?.count == 1)
        // Same key, other body: refused, nothing written.
        let changed = try other.send(
            "POST", "/v1/test-notes", headers: [("Idempotency-Key", key)],
            json: #"{"topic":"idem-\#(key)","body":"twice"}"#,
            from: address)
        #expect(changed.status == 422)
        #expect(changed.json["type"] as? String == "https://praxis.dev/problems/idempotency-key-reused")
        // Another caller with the same key is a different request.
        let stranger = try server.send("POST", "/v1/test-notes", headers: [("Idempotency-Key", key)], json: body)
        #expect(stranger.status == 201 && stranger.text != first.text)
    }

    @Test func keyInFlightIs409() throws {
        let address = TestServer.uniqueAddress()
        let key = UUID().uuidString
        let body = #"{"topic":"inflight","body":"slow","sleep_ms":1500}"#
        let slow = Locked<HTTPResult?>(nil)
        let thread = Thread {
            let answer = try? self.server.send(
                "POST", "/v1/test-notes", headers: [("Idempotency-Key", key)], json: body, from: address)
            slow.withLock { $0 = answer }
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.5)
        let concurrent = try server.send(
            "POST", "/v1/test-notes", headers: [("Idempotency-Key", key)], json: body, from: address)
        #expect(concurrent.status == 409)
        #expect(concurrent.json["type"] as? String == "https://praxis.dev/problems/idempotency-key-in-use")
        while slow.withLock { $0 } == nil { Thread.sleep(forTimeInterval: 0.05) }
        #expect(slow.withLock { $0 }?.status == 201)
    }

    @Test func responsesWithSecretsAreNotStoredOrReplayed() throws {
        let address = TestServer.uniqueAddress()
        let first = try server.send(
            "POST", "/v1/test-secrets", headers: [("Idempotency-Key", "k1")], json: "{}", from: address)
        #expect(first.status == 201)
        #expect(first.header("Cache-Control") == "no-store")
        let replay = try server.send(
            "POST", "/v1/test-secrets", headers: [("Idempotency-Key", "k1")], json: "{}", from: address)
        #expect(replay.status == 409)
        #expect(replay.json["type"] as? String == "https://praxis.dev/problems/idempotency-secret-not-replayable")
        #expect(!replay.text.contains(first.json["secret"] as? String ?? "-"))
    }

    @Test func entityTagsDriveConditionalRequests() throws {
        let created = try server.send("POST", "/v1/test-notes", json: #"{"topic":"etag","body":"v1"}"#)
        let location = try #require(created.header("Location"))
        let tag = try #require(created.header("ETag"))
        let read = try server.send("GET", location)
        #expect(read.header("ETag") == tag)
        let notModified = try server.send("GET", location, headers: [("If-None-Match", tag)])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        let missing = try server.send("PATCH", location, json: #"{"body":"v2"}"#)
        #expect(missing.status == 428)
        let updated = try server.send("PATCH", location, headers: [("If-Match", tag)], json: #"{"body":"v2"}"#)
        #expect(updated.status == 200)
        #expect(updated.header("ETag") != tag)
        let stale = try server.send("PATCH", location, headers: [("If-Match", tag)], json: #"{"body":"v3"}"#)
        #expect(stale.status == 412)
        #expect(try server.send("GET", location).json["body"] as? String == "v2")
        let unknownField = try server.send(
            "PATCH", location, headers: [("If-Match", "*")], json: #"{"body":"v4","id":"x"}"#)
        #expect(unknownField.status == 422)
    }

    @Test func listsPageByKeysetCursors() throws {
        let topic = "page-\(UUID().uuidString.prefix(8))"
        var ids: [String] = []
        for index in 0..<5 {
            let created = try server.send("POST", "/v1/test-notes", json: #"{"topic":"\#(topic)","body":"n\#(index)"}"#)
            ids.append(created.json["id"] as! String)
        }
        var seen: [String] = []
        var path = "/v1/test-notes?topic=\(topic)&limit=2"
        var pages = 0
        while true {
            let page = try server.send("GET", path)
            #expect(page.status == 200)
            seen += (page.json["data"] as! [[String: Any]]).map { $0["id"] as! String }
            pages += 1
            guard let link = page.header("Link") else {
                #expect(page.json["next_cursor"] is NSNull)
                break
            }
            let next = page.json["next_cursor"] as! String
            #expect(link.hasSuffix(">; rel=\"next\""))
            #expect(link.contains("cursor=\(next)"))
            path = String(link.dropFirst().prefix { $0 != ">" })
        }
        #expect(pages == 3)
        #expect(seen == ids.sorted())
        let first = try server.send("GET", "/v1/test-notes?topic=\(topic)&limit=2")
        let cursor = first.json["next_cursor"] as! String
        #expect(try server.send("GET", "/v1/test-notes?topic=other&cursor=\(cursor)").status == 400)
        #expect(try server.send("GET", "/v1/test-notes?topic=\(topic)&limit=101").status == 400)
        #expect(try server.send("GET", "/v1/test-notes?topic=\(topic)&cursor=nonsense").status == 400)
        let forged = Cursor.encode(position: ["not-a-uuid"], filterKey: "topic=\(topic)")
        let refused = try server.send("GET", "/v1/test-notes?topic=\(topic)&cursor=\(forged)")
        #expect(refused.status == 400)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/malformed-request")
    }

    /// Answers of 1 KiB and more go gzip-encoded to a client that takes gzip, with a weak ETag
    /// that conditional requests accept; a secret never does.
    @Test func largeAnswersAreCompressedForClientsThatTakeGzip() throws {
        let text = String(repeating: "Procurement that worked, and what did harm. ", count: 60)
        let created = try server.send(
            "POST", "/v1/test-notes", json: #"{"topic":"gzip-\#(UUID().uuidString)","body":"\#(text)"}"#)
        try #require(created.status == 201)
        let path = created.header("Location")!
        let plain = try server.send("GET", path)
        #expect(plain.header("Content-Encoding") == nil && plain.header("Vary") == "Origin, Accept-Encoding")
        let compressed = try server.send("GET", path, headers: [("Accept-Encoding", "br;q=1, gzip;q=0.5")])
        #expect(compressed.header("Content-Encoding") == "gzip" && compressed.body.count < plain.body.count / 4)
        #expect(try gunzip(compressed.body) == plain.body)
        let tag = try #require(compressed.header("ETag"))
        #expect(tag == "W/" + plain.header("ETag")!)
        #expect(
            try server.send("GET", path, headers: [("Accept-Encoding", "gzip;q=0")]).header("Content-Encoding") == nil)
        #expect(try server.send("GET", path, headers: [("If-None-Match", tag)]).status == 304)
        let changed = try server.send(
            "PATCH", path, headers: [("If-Match", tag), ("Accept-Encoding", "gzip")], json: #"{"body":"short"}"#)
        #expect(changed.status == 200 && changed.header("Content-Encoding") == nil)
        let secret = try server.send("POST", "/v1/test-secrets", headers: [("Accept-Encoding", "gzip")], json: "{}")
        #expect(secret.status == 201 && secret.header("Content-Encoding") == nil && secret.body.count > 2048)
    }

    private func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    /// Instances of one group allow each quota once between them, whichever instance each
    /// request reaches; when one stops, the others take over its share.
    @Test func instancesOfOneGroupShareEachQuota() throws {
        let group = "shared-\(UUID().uuidString)"
        func instance() throws -> TestServer {
            try TestServer {
                $0.rateLimitPerAddress = 6
                $0.rateLimitGroup = group
                $0.instanceHeartbeatSeconds = 0.2
            }
        }
        func live(_ server: TestServer) throws -> Int? {
            let metrics = try RawHTTPClient.send(port: server.port, method: "GET", path: "/metrics").text
            return metrics.split(separator: "\n").first { $0.hasPrefix("praxis_instances ") }
                .flatMap { Int($0.split(separator: " ")[1]) }
        }
        func waitFor(_ count: Int, _ servers: [TestServer]) throws {
            for _ in 0..<50 where try servers.contains(where: { try live($0) != count }) {
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(try servers.allSatisfy { try live($0) == count })
        }
        let first = try instance()
        var second: TestServer? = try instance()
        try waitFor(2, [first, second!])
        let address = TestServer.uniqueAddress()
        let statuses = try (0..<12).map { index in
            try (index % 2 == 0 ? first : second!).send("GET", "/v1", from: address).status
        }
        #expect(statuses.filter { $0 == 200 }.count == 6, "\(statuses)")
        // A caller who reaches one instance only gets its share.
        let another = TestServer.uniqueAddress()
        #expect(
            try (0..<6).map { _ in try first.send("GET", "/v1", from: another).status }.filter { $0 == 200 }.count == 3)
        second = nil
        try waitFor(1, [first])
        let third = TestServer.uniqueAddress()
        #expect(
            try (0..<8).map { _ in try first.send("GET", "/v1", from: third).status }.filter { $0 == 200 }.count == 6)
    }

    @Test func rateLimitHeadersAnd429() throws {
        let limited = try TestServer { $0.rateLimitPerAddress = 3 }
        let address = TestServer.uniqueAddress()
        var remaining: [String] = []
        for _ in 0..<3 {
            let answer = try limited.send("GET", "/v1", from: address)
            #expect(answer.status == 200)
            #expect(answer.header("RateLimit-Policy") == "\"default\";q=3;w=60")
            remaining.append(answer.header("RateLimit") ?? "")
        }
        #expect(remaining.map { $0.components(separatedBy: ";")[1] } == ["r=2", "r=1", "r=0"])
        let refused = try limited.send("GET", "/v1", from: address)
        #expect(refused.status == 429)
        #expect(refused.json["type"] as? String == "https://praxis.dev/problems/rate-limited")
        let retryAfter = try #require(refused.header("Retry-After").flatMap(Int.init))
        #expect((1...20).contains(retryAfter))
        #expect(refused.header("RateLimit")?.hasPrefix("\"default\";r=0;") == true)
        // Operations endpoints are exempt; other callers are not affected.
        #expect(try limited.send("GET", "/healthz", from: address).status == 200)
        #expect(try limited.send("GET", "/v1").status == 200)
    }
}
