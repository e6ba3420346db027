import Crypto
import Foundation

/// Argon2id with a bound on how many hashes run at once. A hash costs tens of milliseconds and
/// about 19 MiB: a login flood waits here briefly and is then refused (busy), while every other
/// endpoint keeps its threads and memory.
public final class PasswordHashing: @unchecked Sendable {
    public let maximumConcurrent: Int
    public let maximumWait: TimeInterval
    /// A hash of nothing anyone knows, verified against when an email is unknown, so that the
    /// answer takes as long as for a wrong password.
    private let decoy: String
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var running = 0

    public init(maximumConcurrent: Int, maximumWait: TimeInterval = 1) {
        self.maximumConcurrent = max(1, maximumConcurrent)
        self.maximumWait = maximumWait
        decoy = Sodium.hashPassword(Secrets.oneTimeToken()) ?? ""
    }

    public func hash(_ password: String) throws -> String {
        try withSlot {
            guard let hash = Sodium.hashPassword(password) else { throw AccessError.busy(retryAfterSeconds: 1) }
            return hash
        }
    }

    /// Verifies against `hash`, or against the decoy when there is none (same cost, always false).
    public func verify(_ password: String, hash: String?) throws -> Bool {
        try withSlot {
            let matches = Sodium.verifyPassword(password, hash: hash ?? decoy)
            return hash != nil && matches
        }
    }

    private func withSlot<Value>(_ body: () throws -> Value) throws -> Value {
        let deadline = Date().addingTimeInterval(maximumWait)
        try condition.withLock {
            while running >= maximumConcurrent {
                guard condition.wait(until: deadline) else { throw AccessError.busy(retryAfterSeconds: 1) }
            }
            running += 1
        }
        defer {
            condition.withLock {
                running -= 1
                condition.signal()
            }
        }
        return try body()
    }
}
