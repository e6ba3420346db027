import Foundation
import Logging

/// A fixed-size pool of connections with a circuit breaker.
///
/// Callers block (on their own threads, never Swift concurrency's) until a connection is free.
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

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var idle: [Connection] = []
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
        condition.withLock { Statistics(inUse: open - idle.count, idle: idle.count, waits: waits, size: size) }
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
        let connections = condition.withLock {
            closed = true
            let connections = idle
            idle.removeAll()
            open -= connections.count
            condition.broadcast()
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

    private func acquire() throws -> Connection {
        let deadline = Date().addingTimeInterval(acquireTimeout)
        let acquisition = try condition.withLock { () throws -> Acquisition in
            var waited = false
            while true {
                if closed { throw PostgresError.unavailable }
                if breakerOpen {
                    if probing || Date() < nextProbe { throw PostgresError.unavailable }
                    probing = true
                    open += 1
                    return .probe
                }
                if let connection = idle.popLast() { return .idle(connection) }
                if open < size {
                    open += 1
                    return .connect
                }
                if !waited {
                    waited = true
                    waits += 1
                }
                guard condition.wait(until: deadline) else { throw PostgresError.poolExhausted }
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
            condition.withLock {
                open -= 1
                tripBreaker()
            }
            throw PostgresError.unavailable
        }
    }

    private func connectProbe() throws -> Connection {
        do {
            let connection = try Connection(settings: settings)
            condition.withLock {
                probing = false
                breakerOpen = false
                condition.broadcast()
            }
            logger.info("database reachable again")
            return connection
        } catch {
            condition.withLock {
                probing = false
                open -= 1
                nextProbe = Date().addingTimeInterval(probeInterval)
            }
            throw PostgresError.unavailable
        }
    }

    private func release(_ connection: Connection) {
        condition.withLock {
            defer { condition.signal() }
            guard connection.isHealthy, !closed, !connection.inTransaction else {
                open -= 1
                return
            }
            idle.append(connection)
        }
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
        condition.broadcast()
    }
}
