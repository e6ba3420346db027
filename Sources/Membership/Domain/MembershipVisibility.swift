import AccessControl
import Foundation
import Postgres

// The visibility rules over Membership's own tables (circles, meetings, memberships,
// invitations and applications), built on the generic fragments of `Visibility`. Each carries
// the caller's values, so a statement only interpolates it.
extension Visibility {
    /// `account` (a column or a bound id) is among the members of `circle` (a column holding a
    /// circle id) and still eligible: an active member of the community, an official for a
    /// government-only circle, without a commercial interest for one that excludes vendors.
    public static func inCircle(_ circle: SQL, account: SQL) -> SQL {
        """
        (EXISTS (SELECT 1 FROM circle_members visibility_cm WHERE visibility_cm.circle_id = \(circle)
                 AND visibility_cm.account_id = \(account))
         AND praxis_circle_eligible(\(account), \(circle)))
        """
    }

    /// The caller is among the members of `circle` and still eligible.
    public static func inCircle(_ circle: SQL, _ caller: Caller) -> SQL {
        inCircle(circle, account: "\(caller.accountID)")
    }

    /// A circle (alias `ci`) exists for the caller only while they are in it, within the token's reach.
    static func circle(_ caller: Caller) -> SQL {
        "(\(inCircle("ci.id", caller)) AND \(withinReach(of: "ci.community_id", caller)))"
    }

    /// A meeting (alias `mt`): for the community's members and convenors; for observers when the
    /// meeting admits them and was created after they joined (unless the community shows them
    /// all history); for guests only when invited to it. A meeting in a circle exists only for
    /// the circle's members.
    public static func meeting(_ caller: Caller) -> SQL {
        meeting(account: "\(caller.accountID)", reach: withinReach(of: "mt.community_id", caller))
    }

    /// The same for someone other than the caller (`account` a column or a bound id), unrestricted
    /// by a token: for the people a meeting lists.
    public static func meeting(seenBy account: SQL) -> SQL {
        meeting(account: account, reach: "(NULL::uuid[] IS NULL OR mt.community_id = ANY(NULL::uuid[]))")
    }

    private static func meeting(account: SQL, reach: SQL) -> SQL {
        """
        (EXISTS (SELECT 1 FROM memberships visibility_mm
                 JOIN communities visibility_mc ON visibility_mc.id = visibility_mm.community_id
                 WHERE visibility_mm.community_id = mt.community_id AND visibility_mm.account_id = \(account)
                   AND \(isLive("visibility_mm"))
                   AND (visibility_mm.role IN ('convenor', 'member')
                        OR (visibility_mm.role = 'observer' AND mt.observers_allowed
                            AND (visibility_mc.observer_history = 'all' OR mt.created_at >= visibility_mm.joined_at))
                        OR (visibility_mm.role = 'guest' AND EXISTS (SELECT 1 FROM meeting_guests visibility_g
                            WHERE visibility_g.meeting_id = mt.id AND visibility_g.account_id = \(account)))))
         AND (mt.circle_id IS NULL OR \(inCircle("mt.circle_id", account: account)))
         AND \(reach))
        """
    }

    /// A membership row (alias `m`): its person sees it; the community's members and observers
    /// (not guests) see the active ones, and convenors every one.
    static func membership(_ caller: Caller) -> SQL {
        """
        ((m.account_id = \(caller.accountID)
          OR \(convenor(of: "m.community_id", caller))
          OR (\(isLive("m")) AND EXISTS (SELECT 1 FROM memberships visibility_d
                WHERE visibility_d.community_id = m.community_id AND visibility_d.account_id = \(caller.accountID)
                  AND visibility_d.role <> 'guest' AND \(isLive("visibility_d")))))
         AND \(withinReach(of: "m.community_id", caller)))
        """
    }

    /// An invitation, application or import (alias `alias`): seen by the person it concerns and
    /// by the community's convenors.
    static func personalRequest(_ alias: SQL, _ caller: Caller) -> SQL {
        """
        ((\(alias).account_id = \(caller.accountID) OR \(convenor(of: "\(alias).community_id", caller)))
         AND \(withinReach(of: "\(alias).community_id", caller)))
        """
    }
}
