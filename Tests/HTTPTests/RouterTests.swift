import Testing

@testable import HTTP

@Suite struct RouterTests {
    let router: Router = {
        var router = Router()
        router.add("GET", "/v1/communities") { _ in Response(status: 200, body: Array("list".utf8)) }
        router.add("POST", "/v1/communities") { _ in Response(status: 201) }
        router.add("GET", "/v1/communities/{id:uuid}") { request in
            Response(status: 200, body: Array(request.parameters["id"]!.utf8))
        }
        router.add("GET", "/v1/communities/{id:uuid}/norms/{version:int}") { request in
            Response(status: 200, body: Array(request.parameters["version"]!.utf8))
        }
        return router
    }()

    private func body(_ method: String, _ path: String) throws -> String? {
        guard case .found(let route, let parameters) = router.match(method: method, path: path) else { return nil }
        var request = Request(method: method, path: path)
        request.parameters = parameters
        return String(decoding: try route.handle(request).body, as: UTF8.self)
    }

    @Test func matchesLiteralsAndTypedParameters() throws {
        #expect(try body("GET", "/v1/communities") == "list")
        #expect(
            try body("GET", "/v1/communities/0192F5C4-1B2A-7C3D-8E4F-1234567890AB")
                == "0192f5c4-1b2a-7c3d-8e4f-1234567890ab")
        #expect(try body("GET", "/v1/communities/0192f5c4-1b2a-7c3d-8e4f-1234567890ab/norms/3") == "3")
    }

    @Test func malformedParameterIsAnUnknownPath() {
        for path in [
            "/v1/communities/not-a-uuid", "/v1/communities/0192f5c4-1b2a-7c3d-8e4f-1234567890ab/norms/x",
            "/v1/communities/0192f5c4-1b2a-7c3d-8e4f-1234567890ab/norms/-1", "/v1/nothing", "/",
        ] {
            guard case .notFound = router.match(method: "GET", path: path) else {
                Issue.record("\(path) should be unknown")
                continue
            }
        }
        // Even with a method the path does not answer: an invalid id says nothing about the route.
        guard case .notFound = router.match(method: "DELETE", path: "/v1/communities/xyz") else {
            Issue.record("expected not found")
            return
        }
    }

    @Test func knownPathWithOtherMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/v1/communities") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "HEAD", "OPTIONS", "POST"])
    }

    @Test func segmentsAreDecodedAfterSplitting() {
        #expect(PercentEncoding.segments(of: "/v1/a%2Fb/%C3%A9t%C3%A9") == ["v1", "a/b", "été"])
        #expect(PercentEncoding.segments(of: "/v1/x%00y") == nil)
        #expect(PercentEncoding.segments(of: "/v1/%C3%28") == nil)
        #expect(PercentEncoding.segments(of: "/v1/%zz") == nil)
        #expect(PercentEncoding.decode("a+b%2Bc") == "a+b+c")
        // An escaped slash does not make a path match a longer pattern.
        guard
            case .notFound = router.match(method: "GET", path: "/v1/communities%2F0192f5c4-1b2a-7c3d-8e4f-1234567890ab")
        else {
            Issue.record("expected not found")
            return
        }
    }

    @Test func headIsAnsweredByGet() throws {
        #expect(try body("HEAD", "/v1/communities") == "list")
    }

    @Test func templatesDropParameterTypes() {
        #expect(router.routes.map(\.template).contains("/v1/communities/{id}/norms/{version}"))
    }
}
