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

    /// The caller is an active member of `community` (a column holding a community id); a
    /// guest's membership ends at its `expires_at`.
    public static func activeMember(of community: String, account: Int) -> String {
        """
        EXISTS (SELECT 1 FROM memberships visibility_m WHERE visibility_m.community_id = \(community)
                AND visibility_m.account_id = $\(account) AND \(membershipIsLive("visibility_m")))
        """
    }

    /// A membership row (alias `alias`) that counts now.
    public static func membershipIsLive(_ alias: String) -> String {
        "\(alias).status = 'active' AND (\(alias).expires_at IS NULL OR \(alias).expires_at > now())"
    }

    /// The caller's role in the community `c`, NULL for an outsider.
    public static func role(account: Int) -> String {
        """
        (SELECT visibility_r.role FROM memberships visibility_r WHERE visibility_r.community_id = c.id
                AND visibility_r.account_id = $\(account) AND \(membershipIsLive("visibility_r")))
        """
    }

    /// A token restricted to some communities reaches only those.
    public static func withinReach(of community: String, restriction: Int) -> String {
        withinReach(of: community, restriction: "$\(restriction)")
    }

    static func withinReach(of community: String, restriction: String) -> String {
        "(\(restriction)::uuid[] IS NULL OR \(community) = ANY(\(restriction)::uuid[]))"
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

    /// The caller is a convenor of `community` now.
    public static func convenor(of community: String, account: Int) -> String {
        """
        EXISTS (SELECT 1 FROM memberships visibility_v WHERE visibility_v.community_id = \(community)
                AND visibility_v.account_id = $\(account) AND visibility_v.role = 'convenor' AND \(membershipIsLive("visibility_v")))
        """
    }
}

// The same rules as `SQL` fragments that carry their own bound values: a predicate is
// interpolated into a statement and brings the caller with it. Domains add the predicates over
// their own tables in extensions of their own.
extension Visibility {
    /// A token's community restriction as a bound `uuid[]`, NULL when unrestricted.
    public static func restriction(of caller: Caller) -> [UUID]? {
        caller.communityIDs.map { Array($0).sorted { $0.uuidString < $1.uuidString } }
    }

    /// A membership row (alias `alias`) that counts now: active, and a guest's not past its `expires_at`.
    public static func isLive(_ alias: SQL) -> SQL {
        "\(alias).status = 'active' AND (\(alias).expires_at IS NULL OR \(alias).expires_at > now())"
    }

    /// `account` (a column or a bound id) is an active member of `community`.
    public static func activeMember(of community: SQL, account: SQL) -> SQL {
        """
        EXISTS (SELECT 1 FROM memberships visibility_m WHERE visibility_m.community_id = \(community)
                AND visibility_m.account_id = \(account) AND \(isLive("visibility_m")))
        """
    }

    /// The caller is an active member of `community`.
    public static func activeMember(of community: SQL, _ caller: Caller) -> SQL {
        activeMember(of: community, account: "\(caller.accountID)")
    }

    /// The caller's role in `community`, NULL for an outsider.
    public static func role(in community: SQL, _ caller: Caller) -> SQL {
        """
        (SELECT visibility_r.role FROM memberships visibility_r WHERE visibility_r.community_id = \(community)
                AND visibility_r.account_id = \(caller.accountID) AND \(isLive("visibility_r")))
        """
    }

    /// The caller's token, when restricted to some communities, reaches only those.
    public static func withinReach(of community: SQL, _ caller: Caller) -> SQL {
        let restriction = restriction(of: caller)
        return "(\(restriction)::uuid[] IS NULL OR \(community) = ANY(\(restriction)::uuid[]))"
    }

    /// `account` (a column or a bound id) is a convenor of `community` now.
    public static func convenor(of community: SQL, account: SQL) -> SQL {
        """
        EXISTS (SELECT 1 FROM memberships visibility_v WHERE visibility_v.community_id = \(community)
                AND visibility_v.account_id = \(account) AND visibility_v.role = 'convenor'
                AND \(isLive("visibility_v")))
        """
    }

    /// The caller is a convenor of `community` now.
    public static func convenor(of community: SQL, _ caller: Caller) -> SQL {
        convenor(of: community, account: "\(caller.accountID)")
    }

    /// The card of a community (alias `c`): shown to its members, and to anyone signed in when
    /// the community is listed or open to applications. An unlisted invite-only community does
    /// not exist for outsiders.
    public static func communityCard(_ caller: Caller) -> SQL {
        """
        ((c.visibility = 'listed' OR c.join_policy = 'apply' OR \(activeMember(of: "c.id", caller)))
         AND \(withinReach(of: "c.id", caller)))
        """
    }

    /// What is inside a community (alias `c`): its active members only.
    public static func communityInside(_ caller: Caller) -> SQL {
        "(\(activeMember(of: "c.id", caller)) AND \(withinReach(of: "c.id", caller)))"
    }

    /// The caller has accepted the community's (alias `c`) current norms, or it has none yet.
    public static func normsAccepted(_ caller: Caller) -> SQL {
        """
        (c.norms_version IS NULL OR EXISTS (SELECT 1 FROM norm_acceptances visibility_n
            WHERE visibility_n.community_id = c.id AND visibility_n.version = c.norms_version
              AND visibility_n.account_id = \(caller.accountID)))
        """
    }
}
