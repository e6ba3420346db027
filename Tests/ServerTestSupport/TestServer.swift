import AccessControl
import App
import Crypto
import Foundation
import HTTP
import Logging
import Postgres
import TestSupport
import Testing

/// A real server on a port the OS chose, on the test command's database, with the routes the
/// product has plus the `test-notes` routes that exercise the generic mechanisms.
public final class TestServer: @unchecked Sendable {
    public let application: Application
    public var port: UInt16 { application.port }

    public init(
        databaseURL: String = TestEnvironment.databaseURL, withTestRoutes: Bool = true,
        _ adjust: (inout Configuration) -> Void = { _ in }
    ) throws {
        TestNotes.createTable()
        var configuration = Configuration(databaseURL: databaseURL, migrationDatabaseURL: TestEnvironment.ownerURL)
        configuration.server.port = 0
        configuration.server.connectionTimeout = 5
        configuration.server.shutdownTimeout = 5
        configuration.poolSize = 4
        configuration.server.workerThreads = 4
        configuration.migrationsDirectory = TestEnvironment.migrationsDirectory
        // Each test sends its own X-Forwarded-For, so that rate-limit buckets do not mix.
        configuration.trustedProxies = ["127.0.0.1"]
        configuration.rateLimitPerAddress = 1000
        // Every test server is a deployment of its own: quotas are shared only where a test says so.
        configuration.rateLimitGroup = "test-\(UUID().uuidString)"
        configuration.corsOrigins = ["https://app.example.org"]
        adjust(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let extraRoutes: ((inout Router, Application.Context) -> Void)? =
            withTestRoutes ? { router, context in TestNotes.register(&router, context) } : nil
        application = try Application(configuration: configuration, logger: logger, extraRoutes: extraRoutes)
        try application.start()
    }

    deinit { application.stop() }

    /// A new platform admin and an admin-scoped API token for it.
    public func admin() throws -> (account: Account, token: String) {
        let origin = RequestOrigin(requestID: "test", address: "127.0.0.1")
        let account = try application.accounts.createAdmin(
            email: "admin-\(UUID().uuidString.prefix(8))@example.org", displayName: "Admin", from: origin)
        var input = NewToken(name: "test admin", scopes: [.admin])
        input.accountID = account.id
        return (account, try application.tokens.create(input, by: .commandLine(account), from: origin).secret)
    }

    /// The one-time token of the activation or reset link in the latest message queued for
    /// `email`, as the person would read it.
    public func secret(sentTo email: String) throws -> String {
        let text = try #require(try application.delivery.queued(to: email).last?.text)
        return try #require(MailLink.token(in: text))
    }

    /// Sends with a bearer token.
    public func send(
        _ method: String, _ path: String, token: String, headers: [(String, String)] = [], json: String? = nil
    ) throws -> HTTPResult {
        try send(method, path, headers: headers + [("Authorization", "Bearer \(token)")], json: json)
    }

    /// A client address of its own for one test.
    public static func uniqueAddress() -> String {
        let bytes = UUID().uuid
        return "10.\(bytes.0).\(bytes.1).\(bytes.2)"
    }

    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], json: String? = nil,
        from address: String? = nil
    ) throws -> HTTPResult {
        var allHeaders = headers
        allHeaders.append(("X-Forwarded-For", address ?? TestServer.uniqueAddress()))
        if json != nil, !headers.contains(where: { $0.0 == "Content-Type" }) {
            allHeaders.append(("Content-Type", "application/json"))
        }
        return try RawHTTPClient.send(
            port: port, method: method, path: path, headers: allHeaders, body: Array((json ?? "").utf8))
    }
}

/// A throw-away resource with the shapes later modules use: created by POST (idempotent),
/// read with an ETag, changed with If-Match, listed with keyset pagination.
enum TestNotes {
    private static let created: Void = {
        let owner = try! Connection(settings: ConnectionSettings(url: TestEnvironment.ownerURL))
        try! owner.execute(
            script: """
                SELECT pg_advisory_lock(42);
                CREATE TABLE IF NOT EXISTS test_notes (
                    id uuid PRIMARY KEY, topic text NOT NULL, body text NOT NULL, version bigint NOT NULL DEFAULT 1);
                SELECT pg_advisory_unlock(42);
                """)
    }()

    static func createTable() { _ = created }

    struct NewNote: Decodable {
        let topic: String
        let body: String
        let sleepMilliseconds: Int?

        enum CodingKeys: String, CodingKey {
            case topic, body
            case sleepMilliseconds = "sleep_ms"
        }
    }

    struct Note: Codable, Sendable {
        let id: String
        let topic: String
        let body: String
        let version: Int64
    }

    static func insert(_ id: UUID, _ note: NewNote) -> SQL {
        "INSERT INTO test_notes (id, topic, body) VALUES (\(id), \(note.topic), \(note.body)) RETURNING version"
    }
    static func find(_ id: String) -> SQL { "SELECT id, topic, body, version FROM test_notes WHERE id = \(id)" }
    static func update(_ id: String, body: String) -> SQL {
        "UPDATE test_notes SET body = \(body), version = version + 1 WHERE id = \(id) RETURNING version"
    }
    static func page(_ topic: String, after: UUID?, limit: Int) -> SQL {
        """
        SELECT id, topic, body, version FROM test_notes
        WHERE topic = \(topic) AND (\(after)::uuid IS NULL OR id > \(after)::uuid) ORDER BY id LIMIT \(limit)
        """
    }
    static func sleep(milliseconds: Int) -> SQL { "SELECT pg_sleep(\(milliseconds)::float8 / 1000)" }

    static func decode(_ row: Row) throws -> Note {
        Note(id: try row["id"], topic: try row["topic"], body: try row["body"], version: try row["version"])
    }

    static func register(_ router: inout Router, _ context: Application.Context) {
        let pool = context.pool
        router.add("POST", "/v1/test-notes") { request in
            let input = try JSONCoding.decode(NewNote.self, from: request, allowedKeys: ["topic", "body", "sleep_ms"])
            let id = UUIDv7.make()
            let note = try pool.withTransaction { connection -> Note in
                if let milliseconds = input.sleepMilliseconds {
                    try connection.query(sleep(milliseconds: milliseconds))
                }
                let version: Int64 = try connection.single(insert(id, input))["version"]
                return Note(id: id.uuidString.lowercased(), topic: input.topic, body: input.body, version: version)
            }
            var response = try Response.json(note, status: 201)
            response.headers.add("Location", "/v1/test-notes/\(note.id)")
            response.headers.add("ETag", EntityTag.make(id: note.id, version: note.version))
            return response
        }
        router.add("GET", "/v1/test-notes/{id:uuid}") { request in
            guard
                let note = try pool.withConnection({ try $0.query(find(request.parameters["id"]!), decode: decode) })
                    .first
            else { throw Problem.notFound() }
            let tag = EntityTag.make(id: note.id, version: note.version)
            if EntityTag.isNotModified(request, current: tag) { return EntityTag.notModified(current: tag) }
            var response = try Response.json(note)
            response.headers.add("ETag", tag)
            return response
        }
        router.add("PATCH", "/v1/test-notes/{id:uuid}") { request in
            struct Change: Decodable { let body: String }
            return try pool.withTransaction { connection in
                guard let note = try connection.query(find(request.parameters["id"]!), decode: decode).first
                else { throw Problem.notFound() }
                try EntityTag.requireMatch(request, current: EntityTag.make(id: note.id, version: note.version))
                let change = try JSONCoding.decode(Change.self, from: request, allowedKeys: ["body"])
                let version: Int64 = try connection.single(update(note.id, body: change.body))["version"]
                var response = try Response.json(
                    Note(id: note.id, topic: note.topic, body: change.body, version: version))
                response.headers.add("ETag", EntityTag.make(id: note.id, version: version))
                return response
            }
        }
        router.add("GET", "/v1/test-notes") { request in
            guard let topic = try request.queryValue("topic") else { throw Problem.malformed("topic is required") }
            let pageRequest = try PageRequest(request, filterKey: "topic=\(topic)")
            let rows = try pool.withConnection {
                try $0.query(
                    page(
                        topic, after: try pageRequest.position(0, as: { UUID(uuidString: $0) }),
                        limit: pageRequest.limit + 1),
                    decode: decode)
            }
            return try Page(rows: rows, request: pageRequest) { [$0.id] }.response(for: request)
        }
        router.add("POST", "/v1/test-secrets") { _ in
            // Long enough to be worth compressing, were it not a secret.
            let padding = String(repeating: "x", count: 2 * Compression.threshold)
            var response = try Response.json(["secret": UUID().uuidString, "padding": padding], status: 201)
            response.headers.add("Cache-Control", "no-store")
            return response
        }
        router.add("GET", "/v1/test-crash") { _ in
            struct Leak: Error, CustomStringConvertible {
                var description: String { "password=hunter2 at /srv/secret.swift:42" }
            }
            throw Leak()
        }
        router.add("GET", "/v1/test-slow") { request in
            let milliseconds = Int(try request.queryValue("ms") ?? "500") ?? 500
            try pool.withConnection { _ = try $0.query(sleep(milliseconds: milliseconds)) }
            return try Response.json(["slept": milliseconds])
        }
    }
}

extension TestServer {
    /// A permission table's request sent as `token`, with `If-Match: *` (the tables ask who may,
    /// not whether the caller's copy is current): its status.
    public func status<World, Caller>(of request: PermissionMatrix<World, Caller>.Request, token: String) throws -> Int
    {
        try send(
            request.method, request.path,
            headers: [("Authorization", "Bearer \(token)"), ("If-Match", "*"), ("Content-Type", request.contentType)],
            json: request.body
        ).status
    }
}
