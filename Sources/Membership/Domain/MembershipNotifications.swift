import AccessControl
import Foundation
import Postgres

/// Membership's notifications: an application approved (about the community) and being added to
/// a circle. Read only while the person is inside the community, and in the circle.
public enum MembershipNotifications {
    public static let scope = NotificationScope(
        subjectTypes: ["community", "circle"], scope: .membersRead, visible: visible)

    static func visible(_ caller: Caller) -> SQL {
        """
        ((nt.subject_type = 'community' AND EXISTS (SELECT 1 FROM communities c WHERE c.id = nt.subject_id
                                                    AND \(Visibility.communityInside(caller))))
         OR (nt.subject_type = 'circle' AND EXISTS (SELECT 1 FROM circles ci WHERE ci.id = nt.subject_id
                                                    AND \(Visibility.circle(caller)))))
        """
    }
}
