import Foundation
import Postgres

/// Reads what the policy needs to know about the caller in one community, through the
/// visibility predicate: a community whose card the caller may not see is not found.
public enum CommunityAccess {
    static let columns = """
        \(Visibility.role(account: 1)),
        c.norms_version IS NULL OR EXISTS (SELECT 1 FROM norm_acceptances access_n WHERE access_n.community_id = c.id
                                           AND access_n.version = c.norms_version AND access_n.account_id = $1)
        """
    static let read = Statement(
        "community_access",
        "SELECT \(columns) FROM communities c WHERE c.id = $3 AND \(Visibility.communityCard(account: 1, restriction: 2))"
    )
    static let lock = Statement(
        "community_access_lock",
        """
        SELECT \(columns) FROM communities c WHERE c.id = $3 AND \(Visibility.communityCard(account: 1, restriction: 2))
        FOR UPDATE OF c
        """)

    /// The caller's context in `community`, after checking `action` there. With `locking`, the
    /// community row stays locked until the transaction ends, which serialises changes to its
    /// membership (the last-convenor rule depends on it).
    @discardableResult
    public static func authorize(
        _ caller: Caller, _ action: Policy.Action, in community: UUID, on connection: Connection, locking: Bool = false
    ) throws -> CommunityContext {
        try Policy.authorize(caller, action)
        guard
            let row = try connection.query(locking ? lock : read, Visibility.bindings(for: caller) + [community]).first
        else {
            throw AccessError.notFound
        }
        let role = row.isNull(0) ? nil : CommunityRole(rawValue: try row.string(0))
        let context = CommunityContext(communityID: community, role: role, normsAccepted: try row.bool(1))
        try Policy.authorize(caller, action, in: context)
        return context
    }
}
