import Crypto
import Foundation
import Postgres

/// One security-relevant act, as recorded.
public struct AuditEntry: Sendable {
    public var actorID: UUID?
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var requestID: String?
    public var address: String?
    /// A JSON object with what else matters (never a secret, never a password).
    public var details: String

    public init(
        actorID: UUID?, action: String, targetType: String? = nil, targetID: String? = nil, requestID: String? = nil,
        address: String? = nil, details: String = "{}"
    ) {
        self.actorID = actorID
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.requestID = requestID
        self.address = address
        self.details = details
    }
}

public struct AuditVerification: Sendable, Equatable {
    public var checked: Int
    /// The sequence number of the first row whose link or hash does not hold.
    public var firstBrokenSequence: Int64?
    /// False when an expected anchor was given and the chain no longer passes through it.
    public var anchorMatches: Bool?
    /// `SEQ:HASH` of the newest row: an anchor for a later check.
    public var head: String?
    public var isIntact: Bool { firstBrokenSequence == nil && anchorMatches != false }
}

/// The append-only, hash-chained audit log. Appends take a transaction-scoped lock, so that
/// every row links to the row committed before it and the chain never forks.
public struct AuditLog: Sendable {
    static let lockKey: Int64 = 0x7072_6178_6973_6175
    static let lock: SQL = "SELECT pg_advisory_xact_lock(\(lockKey))"
    /// Links the entry to the newest row; the hash covers the same values the row stores.
    static func append(_ id: UUID, _ entry: AuditEntry) -> SQL {
        let details = JSONText(entry.details)
        return """
            WITH head AS (SELECT coalesce((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), '') AS hash),
                 moment AS (SELECT clock_timestamp() AS at)
            INSERT INTO audit_events (id, occurred_at, actor_id, action, target_type, target_id, request_id, details,
                                      previous_hash, hash)
            SELECT \(id), moment.at, \(entry.actorID), \(entry.action), \(entry.targetType), \(entry.targetID),
                   \(entry.requestID), \(details)::jsonb, head.hash,
                   audit_event_hash(head.hash, \(id), moment.at, \(entry.actorID), \(entry.action), \(entry.targetType),
                                    \(entry.targetID), \(entry.requestID), \(details)::jsonb)
            FROM head, moment
            """
    }
    static func recordAddress(_ id: UUID, _ address: String) -> SQL {
        "INSERT INTO audit_event_addresses (event_id, address) VALUES (\(id), \(address))"
    }
    /// The next 1000 rows after `sequence`, each with its hash computed anew.
    static func chain(after sequence: Int64) -> SQL {
        """
        SELECT seq, previous_hash, hash,
               audit_event_hash(previous_hash, id, occurred_at, actor_id, action, target_type, target_id, request_id,
                                details) AS recomputed_hash
        FROM audit_events WHERE seq > \(sequence) ORDER BY seq LIMIT 1000
        """
    }
    static let headHash: SQL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"

    public init() {}

    /// Appends within the caller's transaction (the change and its record commit together).
    public func record(_ entry: AuditEntry, on connection: Connection) throws {
        let id = UUID()
        try connection.query(AuditLog.lock)
        try connection.query(AuditLog.append(id, entry))
        if let address = entry.address {
            try connection.query(AuditLog.recordAddress(id, address))
        }
    }

    /// A caller's act on one target, recorded with where the request came from.
    public func record(
        _ action: String, _ targetType: String, _ target: UUID, by caller: Caller, from origin: RequestOrigin,
        details: String = "{}", on connection: Connection
    ) throws {
        try record(
            AuditEntry(
                actorID: caller.accountID, action: action, targetType: targetType,
                targetID: target.lowercasedString,
                requestID: origin.requestID, address: origin.address, details: details),
            on: connection)
    }

    /// `SEQ:HASH` of the newest row, to be kept outside the database and checked later.
    public func anchor(on connection: Connection) throws -> String? {
        guard let row = try connection.query(AuditLog.headHash).first else { return nil }
        return "\(try row["seq"] as Int64):\(try row["hash"] as String)"
    }

    /// Recomputes every link. With an anchor taken earlier, also checks that the row it names
    /// still carries the same hash (a chain rewritten from some row onward fails here).
    public func verify(on connection: Connection, anchor: String? = nil) throws -> AuditVerification {
        var expectedPrevious = ""
        var after: Int64 = 0
        var checked = 0
        var broken: Int64?
        var head: String?
        let anchorParts = anchor?.split(separator: ":", maxSplits: 1).map(String.init)
        var anchorMatches: Bool? = anchor == nil ? nil : false
        while true {
            let rows = try connection.query(AuditLog.chain(after: after))
            for row in rows {
                let sequence: Int64 = try row["seq"]
                let previous: String = try row["previous_hash"]
                let hash: String = try row["hash"]
                let recomputed: String = try row["recomputed_hash"]
                if broken == nil && (previous != expectedPrevious || hash != recomputed) { broken = sequence }
                if let anchorParts, anchorParts.count == 2, Int64(anchorParts[0]) == sequence {
                    anchorMatches = anchorParts[1] == hash
                }
                expectedPrevious = hash
                head = "\(sequence):\(hash)"
                after = sequence
                checked += 1
            }
            if rows.count < 1000 { break }
        }
        return AuditVerification(
            checked: checked, firstBrokenSequence: broken, anchorMatches: anchorMatches, head: head)
    }
}

public struct AuditEvent: Sendable {
    public var sequence: Int64
    public var id: UUID
    public var occurredAt: Date
    public var actorID: UUID?
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var requestID: String?
    /// The details object as JSON text.
    public var details: String
    public var hash: String
}

/// Reading and checking the audit log: platform admins read the platform's events, and
/// everyone the community events they may see (by the domains' `AuditScope`s).
public struct AuditService: Sendable {
    /// Events (alias `e`) the caller may read, in `community` when one is named.
    func readable(by caller: Caller, in community: UUID?) -> SQL {
        let scoped = scopes.flatMap(\.targetTypes)
        let platform: SQL =
            community == nil && caller.isAdmin
            ? "NOT (coalesce(e.target_type, '') = ANY(\(scoped)::text[]))" : "false"
        // A token reads a domain's events with that domain's scope (admin stands for all).
        let allowed = scopes.filter { scope in
            caller.scopes.map { $0.contains(scope.scope) || $0.contains(.admin) } ?? true
        }
        let inside = allowed.map { scope -> SQL in
            """
            (e.target_type = ANY(\(scope.targetTypes)::text[]) AND \(scope.readable(caller))
             AND (\(community)::uuid IS NULL OR \(scope.community) = \(community)::uuid))
            """
        }
        return "(\(SQL.joined([platform] + inside, separator: " OR ")))"
    }

    func list(_ filter: Filter, in community: UUID?, before: Int64?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT seq, id, occurred_at, actor_id, action, target_type, target_id, request_id, details::text AS details,
               hash
        FROM audit_events e
        WHERE \(readable(by: caller, in: community)) AND (\(before)::bigint IS NULL OR seq < \(before))
          AND (\(filter.action)::text IS NULL OR action = \(filter.action))
          AND (\(filter.actorID)::uuid IS NULL OR actor_id = \(filter.actorID))
          AND (\(filter.targetType)::text IS NULL OR target_type = \(filter.targetType))
          AND (\(filter.targetID)::text IS NULL OR target_id = \(filter.targetID))
          AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since))
          AND (\(filter.until)::timestamptz IS NULL OR occurred_at < \(filter.until))
        ORDER BY seq DESC LIMIT \(limit)
        """
    }

    /// Which events to list; nil members do not filter.
    public struct Filter: Sendable {
        public var action: String?
        public var actorID: UUID?
        public var targetType: String?
        public var targetID: String?
        public var since: Date?
        public var until: Date?
        public init() {}
    }

    let pool: ConnectionPool
    let scopes: [AuditScope]

    public init(pool: ConnectionPool, scopes: [AuditScope]) {
        self.pool = pool
        self.scopes = scopes
    }

    /// Newest first, before the sequence number `before`: the platform's events and the
    /// community events the admin may see.
    public func events(for caller: Caller, filter: Filter, before: Int64?, limit: Int) throws -> [AuditEvent] {
        try Policy.authorize(caller, .readAuditLog)
        return try pool.withConnection { connection in
            try events(filter, in: nil, before: before, limit: limit, for: caller, on: connection)
        }
    }

    /// Newest first: what happened inside one community, for its convenors (of a circle's
    /// events, those in the circle).
    public func events(
        in community: UUID, for caller: Caller, filter: Filter, before: Int64?, limit: Int
    ) throws -> [AuditEvent] {
        try pool.withConnection { connection in
            try CommunityAccess.authorize(caller, .readCommunityAuditLog, in: community, on: connection)
            return try events(filter, in: community, before: before, limit: limit, for: caller, on: connection)
        }
    }

    private func events(
        _ filter: Filter, in community: UUID?, before: Int64?, limit: Int, for caller: Caller, on connection: Connection
    ) throws -> [AuditEvent] {
        try connection.query(list(filter, in: community, before: before, limit: limit, for: caller)) { row in
            AuditEvent(
                sequence: try row["seq"], id: try row["id"], occurredAt: try row["occurred_at"],
                actorID: try row["actor_id"], action: try row["action"], targetType: try row["target_type"],
                targetID: try row["target_id"], requestID: try row["request_id"], details: try row["details"],
                hash: try row["hash"])
        }
    }

    public func verify(for caller: Caller, anchor: String?) throws -> AuditVerification {
        try Policy.authorize(caller, .readAuditLog)

        return try pool.withConnection { try AuditLog().verify(on: $0, anchor: anchor) }
    }

}
