import Crypto
import Foundation
import HTTP
import Postgres

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml` and the `/v1` index.
struct OperationsRoutes {
    let pool: ConnectionPool
    let metrics: Metrics
    let instances: Instances
    let migrator: Migrator
    let openAPIDocument: [UInt8]
    let metricsToken: String?
    /// Whether mail leaves: without SMTP, messages wait in the outbox.
    let mailSending: Bool

    struct Index: Encodable {
        struct Collection: Encodable {
            let name: String
            let href: String
        }
        let collections: [Collection]
        let openapi: String
    }

    struct Health: Encodable {
        let status: String
    }
    struct Readiness: Encodable {
        let status: String
        let mail: String
    }

    func register(in router: inout Router) {
        // The same answer every time, so it is encoded once.
        let healthy = Result { try Response.json(Health(status: "ok")) }
        router.add("GET", "/healthz", waits: false) { _ in try healthy.get() }
        router.add("GET", "/readyz") { request in try ready(request) }
        router.add("GET", "/metrics", waits: false) { request in
            try requireMetricsReader(request)
            return .text(
                metrics.render(pool: pool.statistics, instances: instances.live),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        let document = openAPIDocument
        router.add("GET", "/openapi.yaml", waits: false) { _ in
            Response(status: 200, headers: HTTPHeaders([("Content-Type", "application/yaml")]), body: document)
        }
    }

    /// Per-route counts tell what people do: with `METRICS_TOKEN` set, a scraper sends it as a
    /// bearer token (else 401); without it, only a client on this machine reads them (else 404),
    /// and not one that a proxy on this machine forwards, trusted or not.
    private func requireMetricsReader(_ request: Request) throws {
        if let metricsToken {
            let sent = request.headers["Authorization"].flatMap { try? APIResponder.bearer($0) } ?? ""
            guard Sodium.constantTimeEqual(Array(sent.utf8), Array(metricsToken.utf8)) else {
                throw Problem(
                    kind: "unauthenticated", title: "Authentication required", status: 401,
                    detail: "Send the metrics token as Authorization: Bearer.")
            }
            return
        }
        let loopback: TrustedProxies = ["127.0.0.0/8", "::1"]
        let forwarded = request.headers["X-Forwarded-For"] != nil || request.headers["Forwarded"] != nil
        guard loopback.contains(request.peerAddress), !forwarded else {
            throw Problem.notFound()
        }
    }

    /// The `/v1` index lists the collections the routes registered so far expose at top level.
    static func registerIndex(in router: inout Router) {
        let collections = Set(
            router.routes.compactMap { route -> String? in
                let parts = route.template.split(separator: "/")
                guard route.method == "GET", parts.count == 2, parts[0] == "v1", !parts[1].hasPrefix("{") else {
                    return nil
                }
                return String(parts[1])
            }
        ).sorted()
        let index = Index(
            collections: collections.map { .init(name: $0, href: "/v1/\($0)") }, openapi: "/openapi.yaml")
        router.add("GET", "/v1", waits: false) { _ in try Response.json(index) }
    }

    /// Ready when the database answers and holds every migration this binary knows. Versions it
    /// does not know (a newer release migrated during a rolling deploy) keep it ready.
    private func ready(_ request: Request) throws -> Response {
        let status: MigrationStatus
        do {
            status = try pool.withConnection { try migrator.status(on: $0) }
        } catch is PostgresError {
            throw Problem(
                kind: "not-ready", title: "Not ready", status: 503, detail: "The database cannot be reached.",
                headers: ["Retry-After": String(pool.retryAfterSeconds)])
        }
        guard status.isCurrent else {
            throw Problem(
                kind: "not-ready", title: "Not ready", status: 503,
                detail:
                    "The database lacks \(status.pending.count + status.edited.count) migration(s) of this release.",
                headers: ["Retry-After": "5"])
        }
        return try Response.json(
            Readiness(
                status: "ready",
                mail: mailSending
                    ? "sending" : "not sending: SMTP_URL is not set, messages wait in the outbox (praxis admin outbox)")
        )
    }
}
