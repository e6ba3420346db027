import Foundation
import Postgres

/// Back-off for failed logins. Each attempt is counted under three keys: the pair (email
/// digest, address), which backs off exponentially after a few free failures, and the email
/// digest and the address alone, which have looser ceilings. Keys exist for every email tried,
/// so neither the answers nor the 429s tell which emails have accounts; and no key ever locks
/// an account, it only slows the guesses down.
struct LoginThrottle: Sendable {
    static let freeFailures = 5
    static let maximumBackoff = 900
    static let emailCeiling = 100
    static let addressCeiling = 300
    static let ceilingBlock = 60
    /// Failures older than this are forgotten.
    static let window = 900

    /// Whole seconds until the last of `keys`' blocks ends; NULL when none is blocked.
    static func blocked(_ keys: [String]) -> SQL {
        """
        SELECT ceil(extract(epoch FROM max(blocked_until) - now()))::int AS wait_seconds FROM login_throttle
        WHERE key = ANY(\(keys)) AND blocked_until > now()
        """
    }
    /// Counts one failure under `key`, starting over once its window has passed.
    static func fail(_ key: String) -> SQL {
        """
        INSERT INTO login_throttle AS t (key, failures, window_start) VALUES (\(key), 1, now())
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN t.window_start < now() - make_interval(secs => \(window)) THEN 1
                            ELSE t.failures + 1 END,
            window_start = CASE WHEN t.window_start < now() - make_interval(secs => \(window)) THEN now()
                                ELSE t.window_start END
        RETURNING failures
        """
    }
    static func block(_ key: String, seconds: Int) -> SQL {
        "UPDATE login_throttle SET blocked_until = now() + make_interval(secs => \(seconds)) WHERE key = \(key)"
    }
    static func clear(_ key: String) -> SQL { "DELETE FROM login_throttle WHERE key = \(key)" }

    struct Keys {
        let pair: String
        let email: String
        let address: String
        var all: [String] { [pair, email, address] }
    }

    static func keys(emailDigest: String, address: String) -> Keys {
        Keys(pair: "pair:\(emailDigest):\(address)", email: "email:\(emailDigest)", address: "address:\(address)")
    }

    /// Seconds until another attempt may be made, or nil when one may be made now.
    func wait(_ keys: Keys, on connection: Connection) throws -> Int? {
        // An aggregate: one row, NULL when no key is blocked.
        guard let wait: Int = try connection.single(LoginThrottle.blocked(keys.all))["wait_seconds"] else {
            return nil
        }
        return max(1, wait)
    }

    func recordFailure(_ keys: Keys, on connection: Connection) throws {
        func count(_ key: String) throws -> Int {
            try connection.single(LoginThrottle.fail(key))["failures"]
        }
        let pairFailures = try count(keys.pair)
        // The fifth failure is the last free one: the next attempt waits 2 s, then 4, 8, ...
        if pairFailures >= LoginThrottle.freeFailures {
            let exponent = min(pairFailures - LoginThrottle.freeFailures + 1, 20)
            try connection.query(
                LoginThrottle.block(keys.pair, seconds: min(1 << exponent, LoginThrottle.maximumBackoff)))
        }
        if try count(keys.email) >= LoginThrottle.emailCeiling {
            try connection.query(LoginThrottle.block(keys.email, seconds: LoginThrottle.ceilingBlock))
        }
        if try count(keys.address) >= LoginThrottle.addressCeiling {
            try connection.query(LoginThrottle.block(keys.address, seconds: LoginThrottle.ceilingBlock))
        }
    }

    func recordSuccess(_ keys: Keys, on connection: Connection) throws {
        try connection.query(LoginThrottle.clear(keys.pair))
    }
}
