import Foundation
import Postgres

/// The visibility rules every domain shares, as SQL predicates that list and read queries
/// include, so that rows the caller may not see never leave the database. Each predicate is an
/// `SQL` fragment that carries its own bound values (the caller's account, a token's community
/// restriction): interpolated into a statement, it brings them along. Nothing of the caller is
/// ever spliced into SQL text. Domains add the predicates over their own tables in extensions.
public enum Visibility {
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

    /// A community (alias `c`) in the caller's list: a listed one, or one they are a member of.
    /// An unlisted community open to applications shows its card to whoever has its id, and
    /// appears in no one else's list.
    public static func communityListed(_ caller: Caller) -> SQL {
        "((c.visibility = 'listed' OR \(activeMember(of: "c.id", caller))) AND \(withinReach(of: "c.id", caller)))"
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
