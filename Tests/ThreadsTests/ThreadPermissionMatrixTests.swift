import Foundation
import HTTP
import ServerTestSupport
import TestSupport
import Testing

/// Every threads operation of `openapi.yaml`, sent alike by each kind of caller, with the status
/// the rules give each of them. An operation without a row fails the test.
@Suite struct ThreadPermissionMatrixTests {
    let server: TestServer
    init() throws { server = try TestServer() }

    /// The callers, in the order each row lists its statuses (`MatrixCast.Caller`).
    typealias Caller = MatrixCast.Caller

    /// The member opened the threads (one in the circle) and wrote the posts.
    final class World: @unchecked Sendable {
        let cast: MatrixCast
        var cop: CommunityFixture { cast.cop }
        var bystander: Person { cast.bystander }
        let thread: String
        let post: String
        let circlePost: String

        init(_ server: TestServer) throws {
            cast = try MatrixCast(server, domainScopes: #""threads:read","threads:write""#)
            let cop = cast.cop
            let circle = cast.circle
            thread = try ThreadPermissionMatrixTests.thread(in: cop)
            post = try ThreadPermissionMatrixTests.post(in: cop, thread)
            circlePost = try ThreadPermissionMatrixTests.post(
                in: cop, try ThreadPermissionMatrixTests.thread(in: cop, extra: #","circle_id":"\#(circle)""#))
        }

        func person(_ caller: Caller, admin: String) -> Person { cast.person(caller, admin: admin) }
    }

    static func thread(in cop: CommunityFixture, extra: String = "") throws -> String {
        let created = try cop.send(
            "POST", "/v1/communities/\(cop.id)/threads", as: cop.member, json: #"{"title":"Devices"\#(extra)}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    static func post(in cop: CommunityFixture, _ thread: String) throws -> String {
        let created = try cop.send("POST", "/v1/threads/\(thread)/posts", as: cop.member, json: #"{"body":"Ours"}"#)
        try #require(created.status == 201, "\(created.text)")
        return created.json["id"] as! String
    }

    typealias Row = PermissionMatrix<World, Caller>.Row

    static let read = [404, 404, 403, 404, 200, 404, 200, 200, 200, 200, 200]
    static let list = [404, 404, 403, 404, 200, 200, 200, 200, 200, 200, 200]

    //            outsider remote unscoped admin observer guest newcomer vendor bystander member convenor
    static let table = PermissionMatrix<World, Caller>([
        Row(
            operation: "POST /v1/communities/{id}/threads", path: "/v1/communities/{community}/threads",
            body: #"{"title":"Thread {suffix}"}"#, expected: [404, 404, 403, 404, 403, 403, 403, 201, 201, 201, 201]),
        Row(operation: "GET /v1/communities/{id}/threads", path: "/v1/communities/{community}/threads", expected: list),
        Row(operation: "GET /v1/threads/{id}", path: "/v1/threads/{thread}", expected: read),
        Row(
            operation: "PATCH /v1/threads/{id}", path: "/v1/threads/{fresh}", body: #"{"title":"Renamed {suffix}"}"#,
            contentType: "application/merge-patch+json", prepare: freshThread,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 200, 200]),
        Row(
            operation: "POST /v1/threads/{id}/lock", path: "/v1/threads/{fresh}/lock", prepare: freshThread,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/threads/{id}/unlock", path: "/v1/threads/{fresh}/unlock", prepare: lockedThread,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        // The member opened the thread: they mark the outcome, and the convenor finds it marked.
        Row(
            operation: "POST /v1/threads/{id}/outcome", path: "/v1/threads/{fresh}/outcome",
            body: #"{"post_id":"{freshPost}"}"#, prepare: threadWithPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 200, 409]),
        Row(
            operation: "DELETE /v1/threads/{id}/outcome", path: "/v1/threads/{fresh}/outcome",
            prepare: resolvedThread, expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 200, 409]),
        Row(
            operation: "GET /v1/threads/{id}/participation", path: "/v1/threads/{thread}/participation", expected: read),
        Row(
            operation: "POST /v1/threads/{id}/posts", path: "/v1/threads/{thread}/posts", body: #"{"body":"Hello"}"#,
            expected: [404, 404, 403, 404, 403, 404, 403, 201, 201, 201, 201]),
        Row(operation: "GET /v1/threads/{id}/posts", path: "/v1/threads/{thread}/posts", expected: read),
        // A post in the circle: only its members reach it.
        Row(
            operation: "GET /v1/posts/{id}", path: "/v1/posts/{circlePost}",
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 200, 200]),
        Row(
            operation: "PATCH /v1/posts/{id}", path: "/v1/posts/{freshPost}", body: #"{"body":"Edited {suffix}"}"#,
            contentType: "application/merge-patch+json", prepare: threadWithPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 200, 403]),
        Row(
            operation: "DELETE /v1/posts/{id}", path: "/v1/posts/{freshPost}", prepare: threadWithPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 204, 403]),
        Row(operation: "GET /v1/posts/{id}/revisions", path: "/v1/posts/{post}/revisions", expected: read),
        Row(
            operation: "POST /v1/posts/{id}/endorsements", path: "/v1/posts/{freshPost}/endorsements",
            body: #"{"kind":"this_helped"}"#, prepare: threadWithPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 201, 201, 409, 201]),
        Row(operation: "GET /v1/posts/{id}/endorsements", path: "/v1/posts/{post}/endorsements", expected: read),
        // The bystander's endorsement: only they take it back.
        Row(
            operation: "DELETE /v1/posts/{id}/endorsements/{account_id}",
            path: "/v1/posts/{freshPost}/endorsements/{bystander}", prepare: endorsedPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 404, 204, 404, 404]),
        Row(
            operation: "GET /v1/communities/{id}/practices", path: "/v1/communities/{community}/practices",
            expected: list),
        // Search reads what each may see; a token that may read none of it is refused.
        Row(
            operation: "GET /v1/search", path: "/v1/search?q=ours",
            expected: [200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200]),
        // Who opened the thread or posted in it follows it already.
        Row(
            operation: "POST /v1/me/subscriptions", path: "/v1/me/subscriptions",
            body: #"{"type":"thread","id":"{thread}"}"#,
            expected: [404, 404, 403, 404, 201, 404, 201, 409, 409, 409, 409]),
        Row(
            operation: "GET /v1/me/subscriptions", path: "/v1/me/subscriptions",
            expected: [200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200]),
        Row(
            operation: "DELETE /v1/me/subscriptions/{type}/{subject_id}", path: "/v1/me/subscriptions/thread/{thread}",
            expected: [404, 404, 403, 404, 204, 404, 204, 204, 204, 204, 204]),
        Row(
            operation: "POST /v1/posts/{id}/flags", path: "/v1/posts/{post}/flags", body: #"{"reason":"Off topic"}"#,
            expected: [404, 404, 403, 404, 403, 404, 201, 201, 201, 409, 201]),
        Row(
            operation: "GET /v1/communities/{id}/flags", path: "/v1/communities/{community}/flags",
            expected: [404, 404, 403, 404, 403, 403, 403, 403, 403, 403, 200]),
        // The bystander raised the flag: they see it, but only convenors dismiss it.
        Row(
            operation: "POST /v1/flags/{id}/dismiss", path: "/v1/flags/{flag}/dismiss", prepare: flaggedPost,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 403, 404, 200]),
        Row(
            operation: "POST /v1/posts/{id}/hide", path: "/v1/posts/{freshPost}/hide", body: #"{"reason":"Off topic"}"#,
            prepare: threadWithPost, expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        Row(
            operation: "POST /v1/posts/{id}/unhide", path: "/v1/posts/{freshPost}/unhide", prepare: hiddenPost,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 200]),
        // Outside the Chatham House rule there is no author to reveal.
        Row(
            operation: "POST /v1/posts/{id}/reveals", path: "/v1/posts/{post}/reveals", body: #"{"reason":"Why"}"#,
            expected: [404, 404, 403, 404, 403, 404, 403, 403, 403, 403, 409]),
        Row(
            operation: "GET /v1/communities/{id}/reveals", path: "/v1/communities/{community}/reveals",
            expected: [404, 404, 403, 404, 403, 403, 403, 403, 403, 403, 200]),
        Row(
            operation: "GET /v1/reveals/{id}", path: "/v1/reveals/{reveal}", prepare: requestedReveal,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 404, 200]),
        // The convenor asked for it: a second convenor decides.
        Row(
            operation: "POST /v1/reveals/{id}/approve", path: "/v1/reveals/{reveal}/approve", prepare: requestedReveal,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 404, 403]),
        Row(
            operation: "POST /v1/reveals/{id}/decline", path: "/v1/reveals/{reveal}/decline", prepare: requestedReveal,
            expected: [404, 404, 403, 404, 404, 404, 404, 404, 404, 404, 403]),
    ])

    static func flaggedPost(_ world: World) throws -> [String: String] {
        let values = try threadWithPost(world)
        let flagged = try world.cop.send(
            "POST", "/v1/posts/\(values["freshPost"]!)/flags", as: world.bystander, json: #"{"reason":"Off topic"}"#)
        try #require(flagged.status == 201, "\(flagged.text)")
        return ["flag": flagged.json["id"] as! String]
    }

    static func hiddenPost(_ world: World) throws -> [String: String] {
        let values = try threadWithPost(world)
        _ = try world.cop.send(
            "POST", "/v1/posts/\(values["freshPost"]!)/hide", as: world.cop.convenor, json: #"{"reason":"Off topic"}"#)
        return values
    }

    /// A reveal the convenor asked for, of the member's post in a Chatham House thread.
    static func requestedReveal(_ world: World) throws -> [String: String] {
        let fresh = try thread(in: world.cop, extra: #","chatham_house":true"#)
        let post = try post(in: world.cop, fresh)
        let asked = try world.cop.send(
            "POST", "/v1/posts/\(post)/reveals", as: world.cop.convenor, json: #"{"reason":"A threat"}"#)
        try #require(asked.status == 201, "\(asked.text)")
        return ["reveal": asked.json["id"] as! String]
    }

    static func freshThread(_ world: World) throws -> [String: String] { ["fresh": try thread(in: world.cop)] }

    static func lockedThread(_ world: World) throws -> [String: String] {
        let fresh = try thread(in: world.cop)
        _ = try world.cop.send("POST", "/v1/threads/\(fresh)/lock", as: world.cop.convenor)
        return ["fresh": fresh]
    }

    static func threadWithPost(_ world: World) throws -> [String: String] {
        let fresh = try thread(in: world.cop)
        return ["fresh": fresh, "freshPost": try post(in: world.cop, fresh)]
    }

    static func resolvedThread(_ world: World) throws -> [String: String] {
        let values = try threadWithPost(world)
        let marked = try world.cop.send(
            "POST", "/v1/threads/\(values["fresh"]!)/outcome", as: world.cop.member,
            json: #"{"post_id":"\#(values["freshPost"]!)"}"#)
        try #require(marked.status == 200, "\(marked.text)")
        return values
    }

    static func endorsedPost(_ world: World) throws -> [String: String] {
        let values = try threadWithPost(world)
        let endorsed = try world.cop.send(
            "POST", "/v1/posts/\(values["freshPost"]!)/endorsements", as: world.bystander,
            json: #"{"kind":"this_helped"}"#)
        try #require(endorsed.status == 201, "\(endorsed.text)")
        return values
    }

    @Test func everyThreadsOperationHasARow() throws {
        let coverage = try Self.table.coverage(of: [
            "/v1/communities/{id}/threads", "/v1/threads", "/v1/posts", "/v1/communities/{id}/practices",
            "/v1/search", "/v1/me/subscriptions", "/v1/communities/{id}/flags", "/v1/flags",
            "/v1/communities/{id}/reveals", "/v1/reveals",
        ])
        #expect(coverage.missing == [], "operations without a row")
        #expect(coverage.unknown == [], "rows for operations the spec lacks")
        #expect(coverage.repeated == [], "one row per operation")
    }

    @Test func eachCallerGetsWhatTheRulesSay() throws {
        let world = try World(server)
        let admin = try server.admin().token
        let values = [
            "community": world.cop.id, "thread": world.thread, "post": world.post, "circlePost": world.circlePost,
            "bystander": world.bystander.id,
        ]
        let failures = try Self.table.failures(
            in: world, values: values, fresh: { ["suffix": CommunityFixture.suffix()] },
            send: { request in
                try server.status(of: request, token: world.person(request.caller, admin: admin).token)
            })
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
