import AccessControl
import Foundation
import Membership
import Postgres

/// Needs' audit events happen inside a community: its convenors read them, and the events of a
/// need in a circle only the convenors in that circle.
public enum NeedsAudit {
    public static let scope = AuditScope(
        targetTypes: ["theme", "need", "agenda_item", "survey"], scope: .needsRead, community: community,
        readable: readable)

    /// The community of an event (alias `e`), from its target.
    static let community: SQL = """
        (CASE e.target_type
            WHEN 'theme' THEN (SELECT audit_th.community_id FROM themes audit_th WHERE audit_th.id = e.target_id::uuid)
            WHEN 'need' THEN (SELECT audit_n.community_id FROM needs audit_n WHERE audit_n.id = e.target_id::uuid)
            WHEN 'agenda_item' THEN
                (SELECT audit_ag.community_id FROM agenda_items audit_ag WHERE audit_ag.id = e.target_id::uuid)
            WHEN 'survey' THEN (SELECT audit_sv.community_id FROM surveys audit_sv WHERE audit_sv.id = e.target_id::uuid)
         END)
        """

    /// The circle an event (alias `e`) happened in, if any.
    static let circle: SQL = """
        (CASE e.target_type
            WHEN 'need' THEN (SELECT audit_nc.circle_id FROM needs audit_nc WHERE audit_nc.id = e.target_id::uuid)
            WHEN 'agenda_item' THEN
                (SELECT audit_mc.circle_id FROM agenda_items audit_agc JOIN meetings audit_mc
                 ON audit_mc.id = audit_agc.meeting_id WHERE audit_agc.id = e.target_id::uuid)
            WHEN 'survey' THEN (SELECT audit_svc.circle_id FROM surveys audit_svc WHERE audit_svc.id = e.target_id::uuid)
         END)
        """

    static func readable(_ caller: Caller) -> SQL {
        """
        (\(Visibility.convenor(of: community, caller)) AND \(Visibility.withinReach(of: community, caller))
         AND (\(circle) IS NULL OR \(Visibility.inCircle(circle, caller))))
        """
    }
}
