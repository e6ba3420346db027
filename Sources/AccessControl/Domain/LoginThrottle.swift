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

    static let blocked = Statement(
        "throttle_blocked",
        "SELECT ceil(extract(epoch FROM max(blocked_until) - now()))::int FROM login_throttle WHERE key = ANY($1) AND blocked_until > now()"
    )
    static let fail = Statement(
        "throttle_fail",
        """
        INSERT INTO login_throttle AS t (key, failures, window_start) VALUES ($1, 1, now())
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
            window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() ELSE t.window_start END
        RETURNING failures
        """)
    static let block = Statement(
        "throttle_block", "UPDATE login_throttle SET blocked_until = now() + make_interval(secs => $2) WHERE key = $1")
    static let clear = Statement("throttle_clear", "DELETE FROM login_throttle WHERE key = $1")

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
        guard let row = try connection.query(LoginThrottle.blocked, [keys.all]).first, !row.isNull(0) else {
            return nil
        }
        return max(1, try row.int(0))
    }

    func recordFailure(_ keys: Keys, on connection: Connection) throws {
        func count(_ key: String) throws -> Int {
            try connection.query(LoginThrottle.fail, [key, LoginThrottle.window]).first!.int(0)
        }
        let pairFailures = try count(keys.pair)
        if pairFailures > LoginThrottle.freeFailures {
            let exponent = min(pairFailures - LoginThrottle.freeFailures, 20)
            try connection.query(LoginThrottle.block, [keys.pair, min(1 << exponent, LoginThrottle.maximumBackoff)])
        }
        if try count(keys.email) >= LoginThrottle.emailCeiling {
            try connection.query(LoginThrottle.block, [keys.email, LoginThrottle.ceilingBlock])
        }
        if try count(keys.address) >= LoginThrottle.addressCeiling {
            try connection.query(LoginThrottle.block, [keys.address, LoginThrottle.ceilingBlock])
        }
    }

    func recordSuccess(_ keys: Keys, on connection: Connection) throws {
        try connection.query(LoginThrottle.clear, [keys.pair])
    }
}
