import Foundation
import HTTP
import Locking

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

/// GCRA in this instance's memory: per key, a theoretical arrival time (`tat`) that each allowed
/// request moves one emission interval forward, never more than a window ahead of now. Nothing
/// is written to the database on a request's way. Instances of one group share each quota: each
/// allows its share, the quota divided by the live instances (`Instances`), so together they
/// allow the quota per window; while an instance joins (until the others' next heartbeat) one
/// more share, at most. A caller whose requests all reach one instance gets that instance's share.
final class RateLimiter: Sendable {
    /// Keys are spread over locks, so that concurrent requests seldom wait for one another.
    private static let shardCount = 16
    /// Keys per shard: past this, new keys share one bucket until old ones expire.
    static let shardCapacity = 65_536

    private struct Shard {
        /// Nanoseconds on the monotonic clock.
        var arrivals: [String: Int64] = [:]
        /// Expired keys are swept when the shard grows past this.
        var sweepAt = 1_024
    }

    private let shards = (0..<RateLimiter.shardCount).map { _ in Locked(Shard()) }
    private let instances: Instances

    init(instances: Instances) {
        self.instances = instances
    }

    func take(key: String, policy: RateLimitPolicy) -> RateLimitDecision {
        let window = Int64(policy.window) * 1_000_000_000
        // The share of each instance: the quota divided by the instances that enforce it.
        let interval = window * Int64(instances.live) / Int64(policy.quota)
        let now = Int64(DispatchTime.now().uptimeNanoseconds)
        let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(RateLimiter.shardCount))]
        // Whether the request is allowed, and how far the key's arrival time runs ahead of now.
        let (allowed, ahead) = shard.withLock { shard -> (Bool, Int64) in
            if shard.arrivals.count >= shard.sweepAt {
                shard.arrivals = shard.arrivals.filter { $0.value > now }
                shard.sweepAt = max(1_024, 2 * shard.arrivals.count)
            }
            let bucket =
                shard.arrivals[key] == nil && shard.arrivals.count >= RateLimiter.shardCapacity ? "overflow" : key
            let arrival = max(shard.arrivals[bucket] ?? now, now)
            guard arrival + interval <= now + window else { return (false, arrival - now) }
            shard.arrivals[bucket] = arrival + interval
            return (true, arrival + interval - now)
        }
        let second: Int64 = 1_000_000_000
        return RateLimitDecision(
            allowed: allowed,
            remaining: allowed ? Int((window - ahead) / max(interval, 1)) : 0,
            resetSeconds: Int((ahead + second - 1) / second),
            retryAfterSeconds: max(1, Int((ahead + interval - window + second - 1) / second)))
    }
}
