import Foundation
import Postgres

/// Reads what the policy needs to know about the caller in one community, through the
/// visibility predicate: a community whose card the caller may not see is not found.
public enum CommunityAccess {
    static func context(_ community: UUID, of caller: Caller, locking: Bool) -> SQL {
        """
        SELECT \(Visibility.role(in: "c.id", caller)) AS role, \(Visibility.normsAccepted(caller)) AS norms_accepted
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
        try Policy.authorize(caller, action)
        guard let row = try connection.query(context(community, of: caller, locking: locking)).first else {
            throw AccessError.notFound
        }
        let context = CommunityContext(
            communityID: community, role: try row["role"], normsAccepted: try row["norms_accepted"])
        try Policy.authorize(caller, action, in: context)
        return context
    }
}

extension CommunityRole: PostgresTextDecodable {}
