import Foundation
import Logging
import Postgres

/// Periodic clean-up. Every instance runs the loop; an advisory lock lets one at a time do the
/// work. Later modules add their own tasks.
final class Maintenance: Sendable {
    struct Task: Sendable {
        let name: String
        let sql: SQL
    }

    /// Arbitrary, fixed: the advisory lock key only one instance's pass holds at a time.
    static let lockKey: Int64 = 0x7072_6178_6973_6d74
    /// Held until the pass's transaction ends, however it ends.
    static let tryLock: SQL = "SELECT pg_try_advisory_xact_lock(\(lockKey)) AS locked"

    /// The clean-up every instance does; `addressRetentionDays` is how long audit events keep
    /// the client address they came from.
    static func tasks(addressRetentionDays: Int) -> [Task] {
        baseTasks + [
            // Addresses sit outside the audit hash, so that this retention purge leaves the chain intact.
            Task(
                name: "audit addresses past retention",
                sql: """
                    DELETE FROM audit_event_addresses
                    WHERE recorded_at < now() - make_interval(days => \(addressRetentionDays))
                    """)
        ]
    }

    static let baseTasks = [
        Task(
            name: "expired idempotency keys",
            sql: "DELETE FROM idempotency_keys WHERE expires_at <= now()"),
        Task(
            name: "departed instances",
            sql: "DELETE FROM server_instances WHERE seen_at < now() - interval '1 hour'"),
        Task(
            name: "forgotten login failures",
            sql: """
                DELETE FROM login_throttle
                WHERE window_start < now() - interval '15 minutes' AND (blocked_until IS NULL OR blocked_until < now())
                """),
        // An import whose instance stopped mid-way stops moving; it is marked failed, to be sent again.
        Task(
            name: "stalled member imports",
            sql: """
                UPDATE member_imports SET status = 'failed', finished_at = now()
                WHERE status IN ('queued', 'running') AND updated_at < now() - interval '15 minutes'
                """),
        Task(
            name: "ended sessions",
            sql: """
                DELETE FROM sessions
                WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'
                """),
    ]

    private let pool: ConnectionPool
    private let tasks: [Task]
    private let logger: Logger
    private let periodic: Periodic

    init(pool: ConnectionPool, tasks: [Task], interval: TimeInterval, logger: Logger) {
        self.pool = pool
        self.tasks = tasks
        self.logger = logger
        periodic = Periodic(name: "praxis-maintenance", interval: interval) {
            Maintenance.pass(tasks, on: pool, logger: logger)
        }
    }

    func start() { periodic.start() }

    func stop() { periodic.stop() }

    /// One pass, if no other instance is in one; returns whether this instance did the work.
    @discardableResult
    func runOnce() -> Bool { Maintenance.pass(tasks, on: pool, logger: logger) }

    @discardableResult
    private static func pass(_ tasks: [Task], on pool: ConnectionPool, logger: Logger) -> Bool {
        do {
            return try pool.withTransaction { connection in
                guard try connection.single(Maintenance.tryLock)["locked"] as Bool else {
                    return false
                }
                for task in tasks {
                    try connection.query(task.sql)
                }
                return true
            }
        } catch {
            logger.warning("maintenance pass failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
