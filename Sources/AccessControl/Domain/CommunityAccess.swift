import Foundation
import Postgres

/// Reads what the policy needs to know about the caller in one community, through the
/// visibility predicate: a community whose card the caller may not see is not found.
public enum CommunityAccess {
    static func context(_ community: UUID, of caller: Caller, locking: Bool, reading columns: SQL? = nil) -> SQL {
        """
        SELECT \(Visibility.role(in: "c.id", caller)) AS role, \(Visibility.normsAccepted(caller)) AS norms_accepted
               \(columns.map { ", \($0)" } ?? "" as SQL)
        FROM communities c WHERE c.id = \(community) AND \(Visibility.communityCard(caller))
        \(locking ? "FOR UPDATE OF c" : "" as SQL)
        """
    }

    /// The caller's context in `community`, after checking `action` there. With `locking`, the
    /// community row stays locked until the transaction ends, which serialises changes to its
    /// membership (the last-convenor rule depends on it).
    @discardableResult
    public static func authorize(
        _ caller: Caller, _ action: Policy.Action, in community: UUID, on connection: Connection, locking: Bool = false
    ) throws -> CommunityContext {
        try authorize(caller, action, in: community, on: connection, locking: locking, reading: nil).context
    }

    /// The same, reading `columns` (over the community's row, alias `c`) in the same statement:
    /// what a request needs of the community besides the caller's place costs no round trip more.
    public static func authorize(
        _ caller: Caller, _ action: Policy.Action, in community: UUID, on connection: Connection, reading columns: SQL
    ) throws -> (context: CommunityContext, row: Row) {
        try authorize(caller, action, in: community, on: connection, locking: false, reading: columns)
    }

    private static func authorize(
        _ caller: Caller, _ action: Policy.Action, in community: UUID, on connection: Connection, locking: Bool,
        reading columns: SQL?
    ) throws -> (context: CommunityContext, row: Row) {
        try Policy.authorize(caller, action)
        guard let row = try connection.query(context(community, of: caller, locking: locking, reading: columns)).first
        else {
            throw AccessError.notFound
        }
        let context = CommunityContext(
            communityID: community, role: try row["role"], normsAccepted: try row["norms_accepted"])
        try Policy.authorize(caller, action, in: context)
        return (context, row)
    }
}

extension CommunityRole: PostgresTextDecodable {}
