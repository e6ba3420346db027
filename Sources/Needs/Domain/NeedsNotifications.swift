import AccessControl
import Foundation
import Postgres

/// Needs' notifications: about a need (recorded in a member's name) and an agenda item (one that
/// answers their need was scheduled). Read only while the person may still see the subject, and
/// for an item, a need of theirs on it: else the notice would tell of a need they no longer see.
public enum NeedsNotifications {
    public static let scope = NotificationScope(
        subjectTypes: ["need", "agenda_item"], scope: .needsRead, visible: visible)

    static func visible(_ caller: Caller) -> SQL {
        """
        ((nt.subject_type = 'need' AND EXISTS (SELECT 1 FROM needs n WHERE n.id = nt.subject_id AND \(Visibility.need(caller))))
         OR (nt.subject_type = 'agenda_item'
             AND EXISTS (SELECT 1 FROM agenda_items ag WHERE ag.id = nt.subject_id AND \(Visibility.agendaItem(caller)))
             AND EXISTS (SELECT 1 FROM agenda_item_needs an JOIN needs n ON n.id = an.need_id
                         WHERE an.agenda_item_id = nt.subject_id AND \(Visibility.need(caller))
                           AND (n.author_id = \(caller.accountID)
                                OR EXISTS (SELECT 1 FROM need_cosigns cs WHERE cs.need_id = n.id
                                           AND cs.account_id = \(caller.accountID))))))
        """
    }
}
