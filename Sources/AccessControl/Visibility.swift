import Foundation
import Postgres

/// The visibility rules as SQL predicates, which list and read queries include so that rows the
/// caller may not see never leave the database. Each predicate takes the positions of its bound
/// parameters (`$n`) and is written once into a statement's text; `bindings(for:)` gives the
/// values in the same order. Nothing of the caller is ever spliced into SQL.
public enum Visibility {
    /// The parameters every predicate here reads: the caller's account and the token's community
    /// restriction (NULL when unrestricted).
    public static func bindings(for caller: Caller) -> [any PostgresBindable] {
        [caller.accountID, caller.communityIDs.map { Array($0).sorted { $0.uuidString < $1.uuidString } }]
    }

    /// The caller is an active member of `community` (a column holding a community id).
    public static func activeMember(of community: String, account: Int) -> String {
        """
        EXISTS (SELECT 1 FROM memberships visibility_m WHERE visibility_m.community_id = \(community)
                AND visibility_m.account_id = $\(account) AND visibility_m.status = 'active')
        """
    }

    /// A token restricted to some communities reaches only those.
    public static func withinReach(of community: String, restriction: Int) -> String {
        "($\(restriction)::uuid[] IS NULL OR \(community) = ANY($\(restriction)::uuid[]))"
    }

    /// The card of a community (alias `c`): shown to its members, and to anyone signed in when
    /// the community is listed or open to applications. An unlisted invite-only community does
    /// not exist for outsiders.
    public static func communityCard(account: Int, restriction: Int) -> String {
        """
        ((c.visibility = 'listed' OR c.join_policy = 'apply' OR \(activeMember(of: "c.id", account: account)))
         AND \(withinReach(of: "c.id", restriction: restriction)))
        """
    }

    /// What is inside a community (alias `c`): its active members only.
    public static func communityInside(account: Int, restriction: Int) -> String {
        "(\(activeMember(of: "c.id", account: account)) AND \(withinReach(of: "c.id", restriction: restriction)))"
    }
}
