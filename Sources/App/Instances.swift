import Foundation
import Locking
import Logging
import Postgres

/// The live instances of this server's quota group, as PostgreSQL knows them: each instance
/// says it is alive every `heartbeat` seconds and counts the others of its group seen within
/// three heartbeats. An instance that stops says so; one that dies is forgotten after three.
final class Instances: Sendable {
    let id = UUID()
    let group: String
    private let pool: ConnectionPool
    private let heartbeat: Double
    private let logger: Logger
    private let seen = Locked(1)
    private let periodic: Periodic

    init(group: String, heartbeat: Double, pool: ConnectionPool, logger: Logger) {
        self.group = group
        self.heartbeat = heartbeat
        self.pool = pool
        self.logger = logger
        periodic = Periodic(
            name: "praxis-instances", interval: heartbeat,
            work: { [id, seen] in Instances.beat(id, group, heartbeat, on: pool, into: seen, logger: logger) },
            last: { [id] in _ = try? pool.withConnection { try $0.query(Instances.leave(id)) } })
    }

    /// How many instances share each quota, this one included (1 until known).
    var live: Int { seen.withLock { $0 } }

    func start() {
        Instances.beat(id, group, heartbeat, on: pool, into: seen, logger: logger)
        periodic.start()
    }

    /// Says this instance has left, so that the others take over its share at once.
    func stop() { periodic.stop() }

    /// This instance is alive; how many of its group are (itself included).
    static func alive(_ id: UUID, _ group: String, heartbeat: Double) -> SQL {
        """
        INSERT INTO server_instances (id, quota_group) VALUES (\(id), \(group))
        ON CONFLICT (id) DO UPDATE SET seen_at = now()
        RETURNING 1 + (SELECT count(*) FROM server_instances o
                       WHERE o.quota_group = \(group) AND o.id <> \(id)
                         AND o.seen_at > now() - make_interval(secs => \(3 * heartbeat))) AS live
        """
    }

    static func leave(_ id: UUID) -> SQL { "DELETE FROM server_instances WHERE id = \(id)" }

    /// While PostgreSQL cannot be reached the last count stands.
    private static func beat(
        _ id: UUID, _ group: String, _ heartbeat: Double, on pool: ConnectionPool, into seen: Locked<Int>,
        logger: Logger
    ) {
        do {
            let live: Int = try pool.withConnection { try $0.single(alive(id, group, heartbeat: heartbeat)) }["live"]
            seen.withLock { $0 = max(1, live) }
        } catch {
            logger.warning("instance heartbeat failed", metadata: ["error": "\(error)"])
        }
    }
}
