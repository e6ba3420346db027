import AccessControl
import Foundation
import Postgres

/// Needs' notifications: about a need (recorded in a member's name) and an agenda item (one that
/// answers their need was scheduled). Read only while the person may still see the subject.
public enum NeedsNotifications {
    public static let scope = NotificationScope(
        subjectTypes: ["need", "agenda_item"], scope: .needsRead, visible: visible)

    static func visible(_ caller: Caller) -> SQL {
        """
        ((nt.subject_type = 'need' AND EXISTS (SELECT 1 FROM needs n WHERE n.id = nt.subject_id AND \(Visibility.need(caller))))
         OR (nt.subject_type = 'agenda_item'
             AND EXISTS (SELECT 1 FROM agenda_items ag WHERE ag.id = nt.subject_id AND \(Visibility.agendaItem(caller)))))
        """
    }
}
