import Foundation
import Logging

/// A fixed-size pool of connections with a circuit breaker.
///
/// Callers block (on their own threads, never Swift concurrency's) until a connection is free,
/// and are served in the order they came: a connection given back goes to the longest waiter,
/// so that nobody waits behind callers who came later (under load the latency's tail is the
/// queue's length, not luck).
/// A connection that breaks is dropped alone. When connecting fails the breaker opens: callers
/// fail fast with `.unavailable`, and one caller at a time, at most once per `probeInterval`,
/// tries to connect again.
public final class ConnectionPool: @unchecked Sendable {
    public struct Statistics: Sendable {
        public var inUse: Int
        public var idle: Int
        /// How many acquisitions had to wait for a connection, since start.
        public var waits: Int
        public var size: Int
    }

    public let settings: ConnectionSettings
    public let size: Int
    public let acquireTimeout: TimeInterval
    public let probeInterval: TimeInterval
    private let logger: Logger

    // Everything below is guarded by `lock`.
    private let lock = NSLock()
    private var idle: [Connection] = []
    /// Callers waiting for a connection, the longest first.
    private var waiters: [Waiter] = []
    private var open = 0
    private var waits = 0
    private var breakerOpen = false
    private var probing = false
    private var nextProbe = Date.distantPast
    private var closed = false

    public init(
        settings: ConnectionSettings, size: Int, acquireTimeout: TimeInterval = 5, probeInterval: TimeInterval = 1,
        logger: Logger
    ) {
        self.settings = settings
        self.size = max(1, size)
        self.acquireTimeout = acquireTimeout
        self.probeInterval = probeInterval
        self.logger = logger
    }

    /// Seconds a client should wait before retrying while the database is unavailable.
    public var retryAfterSeconds: Int { max(1, Int(probeInterval.rounded(.up))) }

    public var statistics: Statistics {
        lock.withLock { Statistics(inUse: open - idle.count, idle: idle.count, waits: waits, size: size) }
    }

    /// The connection a caller further up this thread's stack holds, so that nested calls share
    /// it (and its transaction) instead of taking a second one.
    @TaskLocal private static var lent: LentConnection?

    private struct LentConnection: Sendable {
        let pool: ObjectIdentifier
        let connection: Connection
    }

    /// Lends a connection to `body` and takes it back, discarding it if it broke. Called again
    /// inside `body` (on the same thread), it lends the same connection.
    public func withConnection<Value>(_ body: (Connection) throws -> Value) throws -> Value {
        if let lent = ConnectionPool.lent, lent.pool == ObjectIdentifier(self) {
            return try body(lent.connection)
        }
        let connection = try acquire()
        defer { release(connection) }
        return try ConnectionPool.$lent.withValue(LentConnection(pool: ObjectIdentifier(self), connection: connection))
        {
            try body(connection)
        }
    }

    /// A transaction on a pooled connection, run again (up to three times) on a serialization failure.
    public func withTransaction<Value>(_ body: (Connection) throws -> Value) throws -> Value {
        if let lent = ConnectionPool.lent, lent.pool == ObjectIdentifier(self) {
            // Inside someone else's transaction: a retry is theirs to make.
            return try lent.connection.withTransaction(body)
        }
        var attempt = 1
        while true {
            do {
                return try withConnection { try $0.withTransaction(body) }
            } catch PostgresError.serializationFailure where attempt < 3 {
                attempt += 1
            }
        }
    }

    public func close() {
        let connections = lock.withLock {
            closed = true
            let connections = idle
            idle.removeAll()
            open -= connections.count
            refuseWaiters()
            return connections
        }
        _ = connections  // released here, outside the lock
    }

    /// What `acquire` does once it leaves the lock.
    private enum Acquisition {
        case idle(Connection)
        case connect
        case probe
    }

    /// A caller waiting for a connection: whoever gives one back hands it over (or the right
    /// to open one) and signals, under the pool's lock.
    private final class Waiter {
        let ready = DispatchSemaphore(value: 0)
        var acquisition: Acquisition?
        /// The pool closed or the database became unreachable while it waited.
        var refused = false
    }

    private enum Entry {
        case now(Acquisition)
        case queued(Waiter)
    }

    private func acquire() throws -> Connection {
        let entry = try lock.withLock { () throws -> Entry in
            if closed { throw PostgresError.unavailable }
            if breakerOpen {
                if probing || Date() < nextProbe { throw PostgresError.unavailable }
                probing = true
                open += 1
                return .now(.probe)
            }
            if waiters.isEmpty {
                if let connection = idle.popLast() { return .now(.idle(connection)) }
                if open < size {
                    open += 1
                    return .now(.connect)
                }
            }
            waits += 1
            let waiter = Waiter()
            waiters.append(waiter)
            return .queued(waiter)
        }
        let acquisition: Acquisition
        switch entry {
        case .now(let now): acquisition = now
        case .queued(let waiter):
            _ = waiter.ready.wait(timeout: .now() + acquireTimeout)
            acquisition = try lock.withLock {
                if let handed = waiter.acquisition { return handed }
                waiters.removeAll { $0 === waiter }
                throw waiter.refused ? PostgresError.unavailable : PostgresError.poolExhausted
            }
        }
        switch acquisition {
        case .idle(let connection): return connection
        case .connect: return try connect()
        case .probe: return try connectProbe()
        }
    }

    private func connect() throws -> Connection {
        do {
            return try Connection(settings: settings)
        } catch {
            logger.warning("cannot connect to the database", metadata: ["reason": "\(error)"])
            lock.withLock {
                open -= 1
                tripBreaker()
            }
            throw PostgresError.unavailable
        }
    }

    private func connectProbe() throws -> Connection {
        do {
            let connection = try Connection(settings: settings)
            lock.withLock {
                probing = false
                breakerOpen = false
            }
            logger.info("database reachable again")
            return connection
        } catch {
            lock.withLock {
                probing = false
                open -= 1
                nextProbe = Date().addingTimeInterval(probeInterval)
            }
            throw PostgresError.unavailable
        }
    }

    private func release(_ connection: Connection) {
        lock.withLock {
            let reusable = connection.isHealthy && !closed && !connection.inTransaction
            if !waiters.isEmpty {
                let waiter = waiters.removeFirst()
                // A broken connection's place goes to the waiter, who opens a new one.
                waiter.acquisition = reusable ? .idle(connection) : .connect
                waiter.ready.signal()
                return
            }
            if reusable { idle.append(connection) } else { open -= 1 }
        }
    }

    /// Called with the lock held: every waiter fails (the pool closed, or the database is gone).
    private func refuseWaiters() {
        for waiter in waiters {
            waiter.refused = true
            waiter.ready.signal()
        }
        waiters.removeAll()
    }

    /// Called with the lock held: drops idle connections (they died with the server) and fails
    /// callers fast until a probe succeeds.
    private func tripBreaker() {
        if !breakerOpen {
            logger.warning("database unreachable; failing fast until it answers again")
        }
        breakerOpen = true
        nextProbe = Date().addingTimeInterval(probeInterval)
        open -= idle.count
        idle.removeAll()
        refuseWaiters()
    }
}
