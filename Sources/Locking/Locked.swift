import Foundation

/// A value behind a lock, read and changed only inside `withLock`. Built on `NSLock` (a plain
/// pthread mutex) rather than the Synchronization module's `Mutex`, which on Linux is a
/// priority-inheritance futex that hands the lock from thread to thread: with a thread per
/// connection that convoy halved `/healthz` throughput under load (bench/README.md).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
