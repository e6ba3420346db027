import AccessControl
import Crypto
import Foundation
import HTTP
import Logging
import Postgres

/// Every request passes here: client address, CORS, rate limit, routing, idempotency, error
/// rendering, the headers every answer carries, metrics and the access log line.
final class APIResponder: HTTPResponder {
    let router: Router
    let pool: ConnectionPool
    let metrics: Metrics
    let logger: Logger
    let cors: CORSPolicy
    let trustedProxies: TrustedProxies
    let rateLimiter: RateLimiter
    let anonymousPolicy: RateLimitPolicy
    let callerPolicy: RateLimitPolicy
    let idempotency: Idempotency
    let authentication: AuthenticationService

    init(
        router: Router, pool: ConnectionPool, metrics: Metrics, logger: Logger, configuration: Configuration,
        authentication: AuthenticationService, instances: Instances
    ) {
        self.router = router
        self.pool = pool
        self.metrics = metrics
        self.logger = logger
        self.cors = CORSPolicy(origins: configuration.corsOrigins)
        self.trustedProxies = configuration.trustedProxies
        self.rateLimiter = RateLimiter(instances: instances)
        self.anonymousPolicy = RateLimitPolicy(
            name: "default", quota: configuration.rateLimitPerAddress, window: configuration.rateLimitWindowSeconds)
        self.callerPolicy = RateLimitPolicy(
            name: "default", quota: configuration.rateLimitPerToken, window: configuration.rateLimitWindowSeconds)
        self.idempotency = Idempotency(pool: pool)
        self.authentication = authentication
    }

    func respond(to incoming: Request) -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var request = incoming
        request.clientAddress = ClientAddress.resolve(
            peer: incoming.clientAddress, forwardedFor: incoming.headers.values("X-Forwarded-For"),
            trustedProxies: trustedProxies)
        var rateLimitHeaders: [(String, String)] = []
        var response: Response
        do {
            response = try dispatch(&request, rateLimitHeaders: &rateLimitHeaders)
        } catch {
            response = render(error, for: request)
        }
        for (name, value) in rateLimitHeaders { response.headers.add(name, value) }
        return finish(response, for: request, started: started)
    }

    /// A credential is looked up and a keyed POST stored in PostgreSQL; otherwise the route says.
    /// What matches no route (404, 405, preflights) needs nothing.
    func waits(_ request: Request) -> Bool {
        if APIResponder.isAPI(request) && request.headers["Authorization"] != nil { return true }
        if request.method == "POST" && request.headers["Idempotency-Key"] != nil { return true }
        guard let segments = request.pathSegments,
            case .found(let route, _) = router.match(method: request.method, segments: segments)
        else { return false }
        return route.waits
    }

    func refuse(_ request: Request, with problem: Problem) -> Response {
        finish(
            problem.response(instance: request.path, requestID: request.id), for: request,
            started: DispatchTime.now().uptimeNanoseconds)
    }

    /// Whether the rate limits and credentials apply: read from the decoded path, as the router
    /// reads it.
    static func isAPI(_ request: Request) -> Bool { request.pathSegments?.first == "v1" }

    private func dispatch(_ request: inout Request, rateLimitHeaders: inout [(String, String)]) throws -> Response {
        guard !request.headersAreMalformed else {
            throw Problem.malformed("A header field name holds whitespace.")
        }
        // One spelling per path: `//v1`, `/v1/`, `/./v1` or `%2F` name nothing here.
        guard PercentEncoding.isCanonical(request.path) else { throw Problem.notFound() }
        if request.method == "OPTIONS" {
            // Preflights are exempt from rate limits: browsers send them on their own.
            guard let segments = request.pathSegments, let allowed = router.allowedMethods(segments: segments) else {
                throw Problem.notFound()
            }
            return cors.preflight(request, allowed: allowed)
        }
        var callerKey = "address:\(request.clientAddress)"
        if APIResponder.isAPI(request) {
            // Two credentials are one too many: a proxy reading the other would see another caller.
            guard request.headers.values("Authorization").count <= 1 else {
                throw Problem.malformed("Send one Authorization header.")
            }
            // 401 comes first: a bad credential is refused before anything else is looked at.
            if let credential = request.headers["Authorization"] {
                do {
                    let caller = try authentication.authenticate(bearer: try APIResponder.bearer(credential))
                    request.principal = caller
                    callerKey = caller.rateLimitKey
                } catch AccessError.unauthenticated {
                    // Guessing costs the address its quota like any anonymous request.
                    let decision = rateLimiter.take(key: callerKey, policy: anonymousPolicy)
                    rateLimitHeaders = [
                        ("RateLimit-Policy", anonymousPolicy.header), ("RateLimit", decision.header(anonymousPolicy)),
                    ]
                    guard decision.allowed else {
                        throw Problem.tooManyRequests(retryAfter: decision.retryAfterSeconds)
                    }
                    throw AccessError.unauthenticated
                }
            }
            let policy = request.principal == nil ? anonymousPolicy : callerPolicy
            let decision = rateLimiter.take(key: callerKey, policy: policy)
            rateLimitHeaders = [("RateLimit-Policy", policy.header), ("RateLimit", decision.header(policy))]
            guard decision.allowed else { throw Problem.tooManyRequests(retryAfter: decision.retryAfterSeconds) }
        }
        guard let segments = request.pathSegments, !request.queryIsMalformed else {
            throw Problem.malformed("The path or query string is not valid UTF-8 or contains NUL characters.")
        }
        switch router.match(method: request.method, segments: segments) {
        case .notFound:
            throw Problem.notFound()
        case .methodNotAllowed(let allowed):
            throw Problem.methodNotAllowed(allowed: allowed)
        case .found(let route, let parameters):
            request.parameters = parameters
            request.route = route.template
            if request.method == "POST", let key = try Idempotency.key(of: request) {
                // Per credential: a narrower token of the same account must not replay a broader one's answer.
                return try idempotency.run(key: key, caller: callerKey, request: request, handle: route.handle)
            }
            return try route.handle(request)
        }
    }

    /// The secret of `Authorization: Bearer <secret>`.
    static func bearer(_ header: String) throws -> String {
        // Read as bytes: the scheme is ASCII, and a token is one word of ASCII after one or more
        // spaces (RFC 9110's `1*SP`); a tab is not a separator, as before.
        let words = header.utf8.split(separator: UInt8(ascii: " "))
        guard words.count == 2, words[0].map({ $0 | 0x20 }).elementsEqual("bearer".utf8), words[1].count <= 512 else {
            throw AccessError.unauthenticated
        }
        return String(Substring(words[1]))
    }

    private func render(_ error: any Error, for request: Request) -> Response {
        guard let problem = ProblemMapping.problem(for: error, retryAfter: pool.retryAfterSeconds) else {
            logFailure(error, request)
            return Problem.internalError().response(instance: request.path, requestID: request.id)
        }
        return problem.response(instance: request.path, requestID: request.id)
    }

    private func logFailure(_ error: any Error, _ request: Request) {
        logger.error(
            "request failed",
            metadata: [
                "request.id": "\(request.id)", "route": "\(request.route ?? request.path)",
                "error": "\(String(describing: error))",
            ])
    }

    private func finish(_ response: Response, for request: Request, started: UInt64) -> Response {
        var response = response
        response.headers.set("X-Request-Id", request.id)
        response.headers.set("X-Content-Type-Options", "nosniff")
        // Set, not added: a preflight carries its own, and a browser refuses a repeated one.
        for (name, value) in cors.headers(for: request) { response.headers.set(name, value) }
        if !cors.origins.isEmpty { response.headers.vary("Origin") }
        response = response.encoded(for: request)
        if response.headers["Cache-Control"] == nil {
            response.headers.add("Cache-Control", APIResponder.isAPI(request) ? "private, no-cache" : "no-store")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let route = request.route ?? "unmatched"
        metrics.record(method: request.method, route: route, status: response.status, seconds: seconds)
        logger.info(
            "request",
            metadata: [
                "request.id": "\(request.id)", "method": "\(request.method)", "route": "\(route)",
                "status": .stringConvertible(response.status), "bytes": .stringConvertible(response.body.count),
                "duration_ms": .stringConvertible((seconds * 1_000_000).rounded() / 1000),
            ])
        return response
    }
}
