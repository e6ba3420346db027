/// Cross-origin access for configured exact origins only: never reflected for others, never
/// with credentials (clients send bearer tokens, not cookies).
public struct CORSPolicy: Sendable {
    public static let exposedHeaders = "ETag, Link, Location, Retry-After, RateLimit, RateLimit-Policy, X-Request-Id"
    public static let allowedRequestHeaders =
        "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"

    public let origins: Set<String>

    public init(origins: Set<String>) {
        self.origins = origins
    }

    /// Headers for an ordinary response to `request`.
    public func headers(for request: Request) -> [(String, String)] {
        guard let origin = request.headers["Origin"], origins.contains(origin) else { return [] }
        return [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", CORSPolicy.exposedHeaders)]
    }

    /// The answer to `OPTIONS` on a path that answers `allowed` methods.
    public func preflight(_ request: Request, allowed: [String]) -> Response {
        var response = Response(status: 204)
        response.headers.add("Allow", allowed.joined(separator: ", "))
        if let origin = request.headers["Origin"], origins.contains(origin),
            let method = request.headers["Access-Control-Request-Method"], allowed.contains(method)
        {
            response.headers.add("Access-Control-Allow-Origin", origin)
            response.headers.add("Access-Control-Allow-Methods", allowed.joined(separator: ", "))
            response.headers.add("Access-Control-Allow-Headers", CORSPolicy.allowedRequestHeaders)
            response.headers.add("Access-Control-Max-Age", "600")
        }
        return response
    }
}
