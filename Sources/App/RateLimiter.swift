import Foundation
import HTTP
import Postgres

/// A quota: `quota` requests per `window` seconds, with bursts up to the whole quota.
struct RateLimitPolicy: Sendable {
    let name: String
    let quota: Int
    let window: Int

    /// `"default";q=600;w=60`, as the IETF httpapi rate-limit draft writes a policy.
    var header: String { "\"\(name)\";q=\(quota);w=\(window)" }
}

struct RateLimitDecision: Sendable {
    let allowed: Bool
    let remaining: Int
    /// Seconds until the whole quota is available again.
    let resetSeconds: Int
    /// Seconds until one more request is allowed (when refused).
    let retryAfterSeconds: Int

    func header(_ policy: RateLimitPolicy) -> String {
        "\"\(policy.name)\";r=\(remaining);t=\(resetSeconds)"
    }
}

/// GCRA over a table shared by every instance: each request costs one upsert that moves the
/// key's theoretical arrival time (`tat`) forward by one emission interval, unless that would
/// put it more than a window ahead of now.
struct RateLimiter: Sendable {
    /// Takes one request from `key`'s quota: `interval` is the emission interval, `window` the
    /// furthest the arrival time may run ahead of now (both in seconds).
    static func take(_ key: String, interval: Double, window: Double) -> SQL {
        """
        INSERT INTO rate_limits AS r (key, tat, allowed)
        VALUES (\(key), now() + make_interval(secs => \(interval)), true)
        ON CONFLICT (key) DO UPDATE SET
            allowed = greatest(r.tat, now()) + make_interval(secs => \(interval))
                      <= now() + make_interval(secs => \(window)),
            tat = CASE WHEN greatest(r.tat, now()) + make_interval(secs => \(interval))
                            <= now() + make_interval(secs => \(window))
                       THEN greatest(r.tat, now()) + make_interval(secs => \(interval)) ELSE r.tat END
        RETURNING allowed, extract(epoch FROM tat - now())::float8 AS ahead
        """
    }

    let pool: ConnectionPool

    func take(key: String, policy: RateLimitPolicy) throws -> RateLimitDecision {
        let interval = Double(policy.window) / Double(policy.quota)
        let row = try pool.withConnection {
            try $0.query(RateLimiter.take(key, interval: interval, window: Double(policy.window)))
        }.first
        guard let row else { throw PostgresError.other(sqlState: "P0002") }
        let allowed: Bool = try row["allowed"]
        let ahead = max(0, try row["ahead"] as Double)
        let window = Double(policy.window)
        return RateLimitDecision(
            allowed: allowed,
            remaining: allowed ? max(0, Int(((window - ahead) / interval).rounded(.down))) : 0,
            resetSeconds: Int(ahead.rounded(.up)),
            retryAfterSeconds: max(1, Int((ahead + interval - window).rounded(.up))))
    }
}
