import AccessControl
import Foundation
import Membership
import Postgres

// The visibility rules over the threads tables, built on the shared fragments of `Visibility`.
extension Visibility {
    /// A thread (alias `t`): the community's members and convenors; observers those opened since
    /// they joined (all of them where the community shows observers its history); guests only the
    /// threads of meetings they were invited to. A thread in a circle exists only for the circle's
    /// members, one of a meeting only for those who see the meeting, and one that excludes vendors
    /// not for members with a commercial interest.
    public static func thread(_ caller: Caller) -> SQL {
        """
        (EXISTS (SELECT 1 FROM memberships visibility_tm
                 JOIN communities visibility_tc ON visibility_tc.id = visibility_tm.community_id
                 WHERE visibility_tm.community_id = t.community_id AND visibility_tm.account_id = \(caller.accountID)
                   AND \(isLive("visibility_tm"))
                   AND (visibility_tm.role IN ('convenor', 'member')
                        OR (visibility_tm.role = 'observer'
                            AND (visibility_tc.observer_history = 'all' OR t.created_at >= visibility_tm.joined_at))
                        OR (visibility_tm.role = 'guest' AND t.meeting_id IS NOT NULL)))
         AND (t.meeting_id IS NULL OR EXISTS (SELECT 1 FROM meetings mt WHERE mt.id = t.meeting_id AND \(meeting(caller))))
         AND (t.circle_id IS NULL OR \(inCircle("t.circle_id", caller)))
         AND (NOT t.excludes_vendors OR NOT praxis_commercial_interest(\(caller.accountID), t.community_id))
         AND \(withinReach(of: "t.community_id", caller)))
        """
    }

    /// A post's (alias `p`) words reach the caller: it is not deleted, and a hidden one only its
    /// author and the community's convenors.
    static func postWords(_ caller: Caller) -> SQL {
        """
        (p.deleted_at IS NULL
         AND (p.hidden_at IS NULL OR p.author_id = \(caller.accountID) OR \(convenor(of: "p.community_id", caller))))
        """
    }

    /// Who wrote a post (alias `p`, in thread `t`) is shown: to its author; to everyone when the
    /// thread is not under the Chatham House rule or the author put it on the record; otherwise
    /// only to a convenor whose reveal of it was approved. A deleted post names nobody but to its
    /// author.
    static func authorNamed(_ caller: Caller) -> SQL {
        """
        (p.author_id = \(caller.accountID)
         OR (p.deleted_at IS NULL
             AND (NOT t.chatham_house OR p.on_the_record
                  OR EXISTS (SELECT 1 FROM author_reveals visibility_rv WHERE visibility_rv.post_id = p.id
                             AND visibility_rv.requested_by = \(caller.accountID) AND visibility_rv.status = 'approved'
                             AND \(convenor(of: "p.community_id", caller))))))
        """
    }
}
