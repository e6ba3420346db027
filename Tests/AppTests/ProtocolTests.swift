import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

@testable import App

@Suite struct ProtocolTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    private func expectProblem(_ result: HTTPResult, status: Int, kind: String, path: String) {
        #expect(result.status == status)
        #expect(result.header("Content-Type") == "application/problem+json")
        let body = result.json
        #expect(body["type"] as? String == "https://praxis.dev/problems/\(kind)")
        #expect(body["status"] as? Int == status)
        #expect(body["title"] is String)
        #expect(body["detail"] is String)
        #expect(body["instance"] as? String == path)
        #expect(body["request_id"] as? String == result.header("X-Request-Id"))
    }

    @Test func unknownPathsAndMalformedIdsAre404() throws {
        expectProblem(try server.send("GET", "/v1/nothing"), status: 404, kind: "not-found", path: "/v1/nothing")
        let malformed = try server.send("GET", "/v1/test-notes/not-a-uuid")
        expectProblem(malformed, status: 404, kind: "not-found", path: "/v1/test-notes/not-a-uuid")
        let unknown = try server.send("GET", "/v1/test-notes/0192f5c4-1b2a-7c3d-8e4f-1234567890ab")
        #expect(unknown.json["detail"] as? String == malformed.json["detail"] as? String)
    }

    /// Every step reads one path: another spelling of an API path is nobody's path, and an
    /// encoded spelling of the canonical one is rate limited like it.
    @Test func aPathHasOneSpellingForEveryStep() throws {
        let limited = try TestServer { $0.rateLimitPerAddress = 5 }
        let (_, token) = try limited.admin()
        #expect(try limited.send("GET", "/v1/me", token: token).status == 200)
        for path in ["//v1/me", "/v1//me", "/v1/me/", "/./v1/me", "/v1/./me", "/v1/x/../me", "/v1%2Fme", "/V1/me"] {
            let answer = try limited.send("GET", path, token: token)
            #expect(answer.status == 404, "\(path): \(answer.status)")
        }
        #expect(try limited.send("GET", "/%76%31/me", token: token).status == 200)
        // Anonymous, from one address: the doubled slash is no way past the limit.
        let address = TestServer.uniqueAddress()
        let statuses = try (0..<8).map { _ in try limited.send("GET", "//v1", from: address).status }
        #expect(!statuses.contains(200), "\(statuses)")
        let encoded = try (0..<8).map { _ in try limited.send("GET", "/%76%31", from: address).status }
        #expect(encoded.contains(429), "\(encoded)")
    }

    /// Behind a proxy that appends its own X-Forwarded-For line, the client's own lines choose nothing.
    @Test func aClientCannotChooseItsAddressAheadOfTheProxy() throws {
        let limited = try TestServer { $0.rateLimitPerAddress = 5 }
        let proxied = TestServer.uniqueAddress()
        let statuses = try (0..<8).map { _ in
            try limited.send("GET", "/v1", headers: [("X-Forwarded-For", TestServer.uniqueAddress())], from: proxied)
                .status
        }
        #expect(statuses.filter { $0 == 429 }.count == 3, "\(statuses)")
    }

    /// Where two parsers may read one request two ways, the request is refused: no Host on
    /// HTTP/1.1, whitespace before a header's colon, a space in the target.
    @Test func ambiguousRequestsAre400() throws {
        func status(_ head: String) -> Int? {
            try? RawHTTPClient.exchange(port: server.port, bytes: Array(head.utf8), timeout: 5).status
        }
        #expect(status("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == 200)
        #expect(status("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n") == 400)
        #expect(status("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Thing : 1\r\nConnection: close\r\n\r\n") == 400)
        // libmicrohttpd closes the connection without an answer.
        #expect(status("GET /hea lthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") ?? 400 == 400)
        // Two credentials: a proxy that read the second would see another caller.
        let (_, token) = try server.admin()
        #expect(try server.send("GET", "/v1/me", token: token).status == 200)
        let twice = try server.send(
            "GET", "/v1/me", headers: [("Authorization", "Bearer \(token)"), ("Authorization", "Bearer prx_other")])
        #expect(twice.status == 400 && twice.json["detail"] as? String == "Send one Authorization header.")
    }

    /// A query of many parameters (only a few KB) is answered 400, not left without an answer
    /// when the connection's memory runs out; a query of many bytes in a few parameters passes.
    @Test func queriesOfManyParametersAre400() throws {
        func query(_ count: Int) -> String { (0..<count).map { "p\($0)=v" }.joined(separator: "&") }
        #expect(try server.send("GET", "/v1?\(query(100))").status == 200)
        for refused in ["/v1?\(query(101))", "/v1?\(query(1000))", "/v1?" + String(repeating: "&", count: 3000)] {
            let path = String(refused.prefix { $0 != "?" })
            expectProblem(try server.send("GET", refused), status: 400, kind: "malformed-request", path: path)
        }
        #expect(try server.send("GET", "/v1?a=" + String(repeating: "x", count: 20000)).status == 200)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let result = try server.send("DELETE", "/v1/test-notes")
        expectProblem(result, status: 405, kind: "method-not-allowed", path: "/v1/test-notes")
        #expect(result.header("Allow") == "GET, HEAD, OPTIONS, POST")
    }

    @Test func oversizedBodiesAre413AndChangeNothing() throws {
        let big = String(repeating: "x", count: (1 << 20) + 10)
        let json = #"{"topic":"too-big","body":"\#(big)"}"#
        expectProblem(
            try server.send("POST", "/v1/test-notes", json: json), status: 413, kind: "payload-too-large",
            path: "/v1/test-notes")
        // Chunked, so that no Content-Length announces it: dropped as it arrives, answered 413.
        var chunked = Array(
            "POST /v1/test-notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .utf8)
        for piece in stride(from: 0, to: json.utf8.count, by: 65536) {
            let slice = Array(json.utf8)[piece..<min(json.utf8.count, piece + 65536)]
            chunked += Array(String(slice.count, radix: 16).utf8) + [13, 10] + slice + [13, 10]
        }
        chunked += Array("0\r\n\r\n".utf8)
        let result = try RawHTTPClient.exchange(port: server.port, bytes: chunked)
        expectProblem(result, status: 413, kind: "payload-too-large", path: "/v1/test-notes")
        let list = try server.send("GET", "/v1/test-notes?topic=too-big")
        #expect((list.json["data"] as? [Any])?.isEmpty == true)
    }

    @Test func badBodiesAre400Or415Or422() throws {
        expectProblem(
            try server.send("POST", "/v1/test-notes", json: "{\"topic\":"), status: 400, kind: "malformed-request",
            path: "/v1/test-notes")
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        expectProblem(
            try server.send("POST", "/v1/test-notes", json: deep), status: 400, kind: "malformed-request",
            path: "/v1/test-notes")
        let nul = try server.send("POST", "/v1/test-notes", json: #"{"topic":"a\u0000","body":"b"}"#)
        expectProblem(nul, status: 400, kind: "malformed-request", path: "/v1/test-notes")
        let form = try server.send("POST", "/v1/test-notes", headers: [("Content-Type", "text/plain")], json: "topic=a")
        expectProblem(form, status: 415, kind: "unsupported-media-type", path: "/v1/test-notes")
        let invalid = try server.send("POST", "/v1/test-notes", json: #"{"topic":"a"}"#)
        expectProblem(invalid, status: 422, kind: "validation", path: "/v1/test-notes")
        #expect((invalid.json["errors"] as? [[String: String]])?.first?["field"] == "body")
        var bytes = Array(
            "POST /v1/test-notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                .utf8)
        bytes += [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]
        expectProblem(
            try RawHTTPClient.exchange(port: server.port, bytes: bytes), status: 400, kind: "malformed-request",
            path: "/v1/test-notes")
    }

    @Test func unexpectedErrorsAreAGeneric500() throws {
        let result = try server.send("GET", "/v1/test-crash")
        expectProblem(result, status: 500, kind: "internal", path: "/v1/test-crash")
        #expect(!result.text.contains("hunter2") && !result.text.contains("secret.swift"))
    }

    @Test func headAnswersLikeGetWithoutABody() throws {
        let result = try server.send("HEAD", "/healthz")
        #expect(result.status == 200)
        #expect(result.body.isEmpty)
        #expect(result.header("X-Request-Id") != nil)
    }

    @Test func badTextInTheQueryIs400() throws {
        for path in ["/v1/test-notes?topic=%00", "/v1/test-notes?topic=%C3%28", "/v1/test-notes%ff?topic=a"] {
            let result = try server.send("GET", path)
            #expect(result.status == 400, "\(path)")
            #expect(result.json["type"] as? String == "https://praxis.dev/problems/malformed-request")
        }
        // Impossible dates and times are refused, not rolled over into the next day or month.
        let (_, admin) = try server.admin()
        for time in ["2020-02-30T00:00:00Z", "2020-01-01T24:00:00Z"] {
            #expect(try server.send("GET", "/v1/audit-events?since=\(time)", token: admin).status == 400, "\(time)")
        }
        #expect(try server.send("GET", "/v1/audit-events?since=2020-02-29T00:00:00Z", token: admin).status == 200)
        // A parameter that takes one value, given twice, is refused rather than read one way here
        // and another by a cache (repeatable filters, arrays in openapi.yaml, take each value).
        let twice = try server.send("GET", "/v1/audit-events?limit=1&limit=50", token: admin)
        #expect(twice.status == 400 && twice.json["detail"] as? String == "limit takes one value; it was given 2.")
        #expect(try server.send("GET", "/v1/organisations?kind=vendor&kind=academic", token: admin).status == 400)
    }

    @Test func requestIdsAreEchoedOrGenerated() throws {
        let echoed = try server.send("GET", "/healthz", headers: [("X-Request-Id", "trace-abc.123")])
        #expect(echoed.header("X-Request-Id") == "trace-abc.123")
        let generated = try server.send("GET", "/v1/nothing", headers: [("X-Request-Id", "has spaces")])
        let id = try #require(generated.header("X-Request-Id"))
        #expect(UUID(uuidString: id) != nil)
        #expect(generated.json["request_id"] as? String == id)
    }

    @Test func everyAnswerCarriesTheCommonHeaders() throws {
        let v1 = try server.send("GET", "/v1")
        #expect(v1.status == 200)
        #expect(v1.header("Content-Type") == "application/json; charset=utf-8")
        #expect(v1.header("X-Content-Type-Options") == "nosniff")
        #expect(v1.header("Cache-Control") == "private, no-cache")
        #expect((v1.json["collections"] as? [[String: String]])?.contains { $0["href"] == "/v1/test-notes" } == true)
        let health = try server.send("GET", "/healthz")
        #expect(health.header("Cache-Control") == "no-store")
        #expect(health.json["status"] as? String == "ok")
    }

    @Test func corsPreflightForConfiguredOriginsOnly() throws {
        let allowed = try server.send(
            "OPTIONS", "/v1/test-notes",
            headers: [("Origin", "https://app.example.org"), ("Access-Control-Request-Method", "POST")])
        #expect(allowed.status == 204)
        #expect(allowed.header("Access-Control-Allow-Origin") == "https://app.example.org")
        #expect(allowed.header("Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS, POST")
        #expect(allowed.header("Access-Control-Allow-Headers")?.contains("Idempotency-Key") == true)
        #expect(allowed.header("Access-Control-Allow-Credentials") == nil)
        // Once each: browsers refuse an answer that repeats it.
        #expect(allowed.headers.filter { $0.0.lowercased() == "access-control-allow-origin" }.count == 1)
        let refused = try server.send(
            "OPTIONS", "/v1/test-notes",
            headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
        #expect(refused.header("Access-Control-Allow-Origin") == nil)
        let simple = try server.send("GET", "/v1", headers: [("Origin", "https://app.example.org")])
        #expect(simple.header("Access-Control-Allow-Origin") == "https://app.example.org")
        #expect(simple.header("Access-Control-Expose-Headers")?.contains("RateLimit") == true)
        #expect(simple.headers.filter { $0.0.lowercased() == "access-control-allow-origin" }.count == 1)
        #expect(try server.send("OPTIONS", "/v1/nothing").status == 404)
    }

    @Test func idleAndSlowClientsAreCutOff() throws {
        let slow = try TestServer { $0.server.connectionTimeout = 1 }
        let socket = try RawHTTPClient.connect(port: slow.port, timeout: 5)
        defer { close(socket) }
        let partial = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8)
        _ = partial.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = read(socket, &buffer, buffer.count)
        #expect(count <= 0)
        #expect(Date().timeIntervalSince(started) < 4)
        // The server still answers others.
        #expect(try slow.send("GET", "/healthz").status == 200)
    }

    @Test func oneAddressCannotTakeEveryConnection() throws {
        let limited = try TestServer { $0.server.connectionLimitPerAddress = 2 }
        let held = try (0..<2).map { _ in try RawHTTPClient.connect(port: limited.port) }
        defer { for socket in held { close(socket) } }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(throws: (any Error).self) {
            try RawHTTPClient.send(port: limited.port, method: "GET", path: "/healthz")
        }
    }

    @Test func everyModeServesTheSameAnswers() throws {
        for mode in ThreadingMode.allCases {
            let server = try TestServer { $0.server.mode = mode }
            #expect(try server.send("GET", "/healthz").status == 200, "\(mode)")
            #expect(try server.send("GET", "/v1/test-slow?ms=10").json["slept"] as? Int == 10, "\(mode)")
            #expect(try server.send("POST", "/v1/test-notes", json: "{").status == 400, "\(mode)")
        }
    }

    /// In the suspend-resume mode a request that needs no database is answered at once, even
    /// while every worker waits on PostgreSQL; one that needs it queues for a worker.
    @Test func requestsThatNeedNoDatabaseDoNotQueueBehindOnesThatDo() throws {
        let server = try TestServer {
            $0.server.mode = .suspendResume
            $0.server.workerThreads = 1
        }
        let slow = Thread { _ = try? server.send("GET", "/v1/test-slow?ms=1500") }
        slow.start()
        Thread.sleep(forTimeInterval: 0.3)
        let healthStarted = Date()
        #expect(try server.send("GET", "/healthz").status == 200)
        #expect(try server.send("GET", "/v1").status == 200)
        #expect(try server.send("GET", "/nowhere").status == 404)
        #expect(Date().timeIntervalSince(healthStarted) < 0.5)
        let queuedStarted = Date()
        #expect(try server.send("GET", "/v1/test-slow?ms=10").status == 200)
        #expect(Date().timeIntervalSince(queuedStarted) > 0.8, "the one worker was busy with the slow request")
    }

    /// `/metrics` as a scraper on this machine reads it: straight from the loopback peer, with no
    /// X-Forwarded-For (`server.send` always names a client).
    private func scrape(_ server: TestServer, headers: [(String, String)] = []) throws -> HTTPResult {
        try RawHTTPClient.send(port: server.port, method: "GET", path: "/metrics", headers: headers)
    }

    @Test func metricsCountRequestsByRouteAndShowThePool() throws {
        _ = try server.send("GET", "/v1/test-notes?topic=metrics")
        _ = try server.send("GET", "/v1/nothing")
        let metrics = try scrape(server)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(
            metrics.text.contains(#"praxis_http_requests_total{method="GET",route="/v1/test-notes",status="200"} 1"#))
        #expect(metrics.text.contains(#"praxis_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(metrics.text.contains(#"praxis_http_request_duration_seconds_count{route="/v1/test-notes"} 1"#))
        #expect(metrics.text.contains(#"praxis_db_pool_connections{state="idle"}"#))
        #expect(metrics.text.contains("praxis_db_pool_waits_total 0"))
        #expect(metrics.header("RateLimit") == nil)
        _ = try server.send("BREW", "/v1/nothing")
        #expect(try scrape(server).text.contains(#"method="OTHER""#))
        #expect(!(try scrape(server).text.contains("BREW")))
    }

    /// What people do is not everyone's to count: without a metrics token only this machine
    /// reads the metrics (not a client a local proxy forwards), with one only its bearer.
    @Test func metricsAreForThisMachineOrTheMetricsTokenOnly() throws {
        #expect(try scrape(server).status == 200)
        #expect(try server.send("GET", "/metrics").status == 404)
        // A proxy on this machine forwarding a client, even one it calls local, is not this machine.
        #expect(try server.send("GET", "/metrics", from: "::1").status == 404)
        #expect(try scrape(server, headers: [("X-Forwarded-For", "127.0.0.1")]).status == 404)
        #expect(try scrape(server, headers: [("Forwarded", "for=127.0.0.1")]).status == 404)
        let guarded = try TestServer { $0.metricsToken = "scrape-secret-0123456789" }
        #expect(try scrape(guarded).status == 401)
        #expect(
            try guarded.send("GET", "/metrics", headers: [("Authorization", "Bearer wrong-secret-0123456789")]).status
                == 401)
        let scraped = try guarded.send(
            "GET", "/metrics", headers: [("Authorization", "Bearer scrape-secret-0123456789")])
        #expect(scraped.status == 200 && scraped.text.contains("praxis_http_requests_total"))
    }
}
