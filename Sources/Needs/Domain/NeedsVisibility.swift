import AccessControl
import Foundation
import Membership
import Postgres

// The visibility rules over the needs tables, built on the shared fragments of `Visibility`.
extension Visibility {
    /// The caller takes part in `community` as anyone but a guest.
    static func insideNotGuest(_ community: SQL, _ caller: Caller) -> SQL {
        """
        EXISTS (SELECT 1 FROM memberships visibility_n WHERE visibility_n.community_id = \(community)
                AND visibility_n.account_id = \(caller.accountID) AND visibility_n.role <> 'guest'
                AND \(isLive("visibility_n")))
        """
    }

    /// A theme (alias `th`): the community's members, observers and convenors see the active,
    /// retired and merged ones; a suggestion (and a declined one) only convenors and the member
    /// who suggested it.
    public static func theme(_ caller: Caller) -> SQL {
        """
        (\(insideNotGuest("th.community_id", caller))
         AND (th.status IN ('active', 'retired', 'merged') OR th.created_by = \(caller.accountID)
              OR \(convenor(of: "th.community_id", caller)))
         AND \(withinReach(of: "th.community_id", caller)))
        """
    }

    /// A need (alias `n`): its author always (even when withdrawn); otherwise whoever sees it as
    /// one of its readers (`needForReaders`). With `community` (a bound id, for a query over one
    /// community's needs) the caller's standing there is worked out once per statement rather
    /// than once per need.
    public static func need(_ caller: Caller, in community: UUID? = nil) -> SQL {
        let place: SQL = community.map { "\($0)::uuid" } ?? "n.community_id"
        return """
            ((n.author_id = \(caller.accountID) OR \(needForReaders(caller, in: place)))
             AND \(withinReach(of: place, caller)))
            """
    }

    /// A need (alias `n`) as anyone but its author sees it: while it is not withdrawn, the
    /// community's members, observers and convenors; in a circle only the circle's members; and
    /// members with a commercial interest only when the community shows needs to vendors.
    static func needForReaders(_ caller: Caller, in place: SQL) -> SQL {
        """
        (n.status <> 'withdrawn' AND \(insideNotGuest(place, caller))
         AND (n.circle_id IS NULL OR \(inCircle("n.circle_id", caller)))
         AND \(seesNeedsHiddenFromVendors(place, caller)))
        """
    }

    /// The caller sees the needs of `place` that are hidden from vendors: the community shows
    /// them to vendors, or the caller has no commercial interest there.
    static func seesNeedsHiddenFromVendors(_ place: SQL, _ caller: Caller) -> SQL {
        """
        ((SELECT visibility_c.needs_visible_to_vendors FROM communities visibility_c WHERE visibility_c.id = \(place))
         OR NOT (SELECT praxis_commercial_interest(\(caller.accountID), \(place))))
        """
    }
}

extension Visibility {
    /// An agenda item (alias `ag`): the community's members, observers and convenors; one tied to
    /// a meeting only those who see the meeting (in a circle, the circle's members).
    public static func agendaItem(_ caller: Caller) -> SQL {
        """
        (\(insideNotGuest("ag.community_id", caller))
         AND (ag.meeting_id IS NULL OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = ag.meeting_id
                                               AND \(meeting(caller))))
         AND \(withinReach(of: "ag.community_id", caller)))
        """
    }
}

extension Visibility {
    /// A survey (alias `sv`): the community's members, observers and convenors; one in a circle
    /// only the circle's members.
    static func survey(_ caller: Caller) -> SQL {
        """
        (\(insideNotGuest("sv.community_id", caller))
         AND (sv.circle_id IS NULL OR \(inCircle("sv.circle_id", caller)))
         AND \(withinReach(of: "sv.community_id", caller)))
        """
    }
}
