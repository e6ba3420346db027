import Testing

@testable import HTTP

@Suite struct MechanismTests {
    private func request(_ query: [(String, String)] = [], headers: [(String, String)] = []) -> Request {
        Request(
            method: "GET", path: "/v1/things", query: query.map { (name: $0.0, value: $0.1) },
            headers: HTTPHeaders(headers))
    }

    @Test func acceptEncodingTakesGzipOnlyWithAQualityAboveZero() {
        let cases: [(String?, Bool)] = [
            (nil, false), ("gzip", true), ("GZIP", true), ("deflate, gzip;q=0.2", true), ("gzip;q=0", false),
            ("identity", false), ("*", true), ("*;q=0", false), ("*, gzip;q=0", false), ("br;q=1, *;q=0.1", true),
            ("x-gzip", true),
        ]
        for (header, accepted) in cases {
            let headers = header.map { [("Accept-Encoding", $0)] } ?? []
            #expect(Compression.acceptsGzip(request(headers: headers)) == accepted, "\(header ?? "none")")
        }
        // Small answers, secrets and media that do not shrink go as they are.
        let gzip = request(headers: [("Accept-Encoding", "gzip")])
        func response(_ type: String, _ size: Int, cache: String? = nil) -> Response {
            var headers = HTTPHeaders([("Content-Type", type)])
            if let cache { headers.add("Cache-Control", cache) }
            return Response(status: 200, headers: headers, body: Array(repeating: UInt8(ascii: "a"), count: size))
        }
        #expect(response("application/json", 5000).encoded(for: gzip).headers["Content-Encoding"] == "gzip")
        #expect(response("application/json", 500).encoded(for: gzip).headers["Content-Encoding"] == nil)
        #expect(
            response("application/json", 5000, cache: "no-store").encoded(for: gzip).headers["Content-Encoding"] == nil)
        #expect(response("image/png", 5000).encoded(for: gzip).headers["Content-Encoding"] == nil)
        #expect(response("image/svg+xml", 5000).encoded(for: gzip).headers["Content-Encoding"] == "gzip")
    }

    @Test func pageLimitsAndCursors() throws {
        #expect(try PageRequest(request()).limit == 20)
        #expect(try PageRequest(request([("limit", "100")])).limit == 100)
        for bad in ["0", "101", "ten", "-1"] {
            #expect(throws: Problem.self) { try PageRequest(self.request([("limit", bad)])) }
        }
        let cursor = Cursor.encode(position: ["2026-01-01", "abc"], filterKey: "country=KE")
        let page = try PageRequest(request([("cursor", cursor)]), filterKey: "country=KE")
        #expect(page.after == ["2026-01-01", "abc"])
        // A cursor is bound to the filters it was made with.
        #expect(throws: Problem.self) { try PageRequest(self.request([("cursor", cursor)]), filterKey: "country=GH") }
        #expect(throws: Problem.self) { try PageRequest(self.request([("cursor", "garbage!")])) }
    }

    @Test func pageTellsWhetherMoreFollowsAndLinksIt() throws {
        let pageRequest = try PageRequest(request([("limit", "2"), ("country", "KE")]), filterKey: "KE")
        let page = Page(rows: ["a", "b", "c"], request: pageRequest) { [$0] }
        #expect(page.data == ["a", "b"])
        let next = try #require(page.nextCursor)
        #expect(Cursor.decode(next)?.position == ["b"])
        let response = try page.response(for: request([("limit", "2"), ("country", "KE")]))
        #expect(response.headers["Link"] == "</v1/things?limit=2&country=KE&cursor=\(next)>; rel=\"next\"")
        let last = Page(rows: ["a"], request: pageRequest) { [$0] }
        #expect(last.nextCursor == nil)
    }

    @Test func entityTags() throws {
        let tag = EntityTag.make(id: "x", version: 3)
        #expect(EntityTag.isNotModified(request(headers: [("If-None-Match", tag)]), current: tag))
        #expect(!EntityTag.isNotModified(request(headers: [("If-None-Match", "\"x.2\"")]), current: tag))
        #expect(throws: Problem.preconditionRequired()) { try EntityTag.requireMatch(self.request(), current: tag) }
        #expect(throws: Problem.preconditionFailed()) {
            try EntityTag.requireMatch(self.request(headers: [("If-Match", "\"x.2\"")]), current: tag)
        }
        try EntityTag.requireMatch(request(headers: [("If-Match", tag)]), current: tag)
        try EntityTag.requireMatch(request(headers: [("If-Match", "*")]), current: tag)
        try EntityTag.checkOptionalMatch(request(), current: tag)
    }

    @Test func clientAddressTrustsOnlyConfiguredProxies() {
        let trusted: TrustedProxies = ["10.0.0.1", "10.0.0.2"]
        #expect(
            ClientAddress.resolve(peer: "198.51.100.7", forwardedFor: ["1.2.3.4"], trustedProxies: trusted)
                == "198.51.100.7")
        #expect(
            ClientAddress.resolve(
                peer: "10.0.0.1", forwardedFor: ["1.2.3.4, 5.6.7.8, 10.0.0.2"], trustedProxies: trusted) == "5.6.7.8")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trustedProxies: trusted) == "10.0.0.1")
        // A client's own line ahead of the proxy's appended one chooses nothing.
        #expect(
            ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["6.6.6.6", "203.0.113.9"], trustedProxies: trusted)
                == "203.0.113.9")
    }

    @Test func trustedProxiesTakeAddressesAndRanges() throws {
        let ranges = try #require(TrustedProxies(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]))
        #expect(ranges.contains("10.200.3.4") && ranges.contains("192.168.1.7") && ranges.contains("fd12::1"))
        #expect(!ranges.contains("11.0.0.1") && !ranges.contains("192.168.1.8") && !ranges.contains("fe80::1"))
        #expect(!ranges.contains("not an address"))
        #expect(try #require(TrustedProxies(["172.16.0.0/12"])).contains("172.31.255.255"))
        #expect(!(try #require(TrustedProxies(["172.16.0.0/12"]))).contains("172.32.0.0"))
        for wrong in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "example.org", "::/129"] {
            #expect(TrustedProxies([wrong]) == nil, "\(wrong)")
        }
    }

    @Test func requestIDsAreAcceptedOnlyWhenSafe() {
        #expect(RequestID.accept("abc-123_x.y:z") == "abc-123_x.y:z")
        #expect(RequestID.accept("bad id\r\nX: y") != "bad id\r\nX: y")
        #expect(RequestID.accept(String(repeating: "a", count: 129)).count == 36)
        #expect(RequestID.accept(nil).count == 36)
    }

    @Test func corsOnlyForExactOrigins() {
        let policy = CORSPolicy(origins: ["https://app.example.org"])
        let allowed = request(headers: [
            ("Origin", "https://app.example.org"), ("Access-Control-Request-Method", "GET"),
        ])
        let preflight = policy.preflight(allowed, allowed: ["GET", "HEAD", "OPTIONS"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.org")
        #expect(preflight.headers["Access-Control-Allow-Credentials"] == nil)
        let other = request(headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "GET")])
        #expect(policy.preflight(other, allowed: ["GET"]).headers["Access-Control-Allow-Origin"] == nil)
        #expect(policy.headers(for: other).isEmpty)
        #expect(
            policy.headers(for: allowed).contains {
                $0.0 == "Access-Control-Expose-Headers" && $0.1.contains("RateLimit-Policy")
            })
    }
}

@Suite struct HeaderTests {
    @Test func namesCompareCaseInsensitively() {
        var headers = HTTPHeaders([("Content-Type", "a"), ("x-request-id", "b")])
        #expect(headers["content-type"] == "a")
        #expect(headers["X-REQUEST-ID"] == "b")
        #expect(headers["Content-Typ"] == nil)
        #expect(!HTTPHeaders.sameName("A^", "a~"))
        headers.set("CONTENT-TYPE", "c")
        #expect(headers.fields.map(\.value) == ["b", "c"])
    }
}

@Suite struct JSONValueTests {
    @Test func roundTripsAnyDocument() throws {
        let text = #"{"a":[1,2.5,"x",null,true],"b":{"c":false}}"#
        let value = try #require(JSONValue(parsing: text))
        #expect(
            value
                == .object([
                    "a": .array([.number(1), .number(2.5), .string("x"), .null, .bool(true)]),
                    "b": .object(["c": .bool(false)]),
                ]))
        #expect(
            String(decoding: try JSONCoding.encode(value), as: UTF8.self)
                == #"{"a":[1,2.5,"x",null,true],"b":{"c":false}}"#)
        #expect(JSONValue(parsing: "{") == nil)
    }
}
