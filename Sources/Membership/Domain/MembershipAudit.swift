import AccessControl
import Foundation
import Postgres

/// Membership's audit events happen inside a community: its convenors read them, and the
/// events of a circle (and of a meeting in one) only the convenors in that circle.
public enum MembershipAudit {
    public static let scope = AuditScope(
        targetTypes: ["community", "membership", "invitation", "application", "declaration", "circle", "meeting"],
        scope: .membersRead, community: community, readable: readable)

    /// The community of an event (alias `e`), from its target.
    static let community: SQL = """
        (CASE e.target_type
            WHEN 'community' THEN e.target_id::uuid
            WHEN 'membership' THEN (e.details->>'community_id')::uuid
            WHEN 'invitation' THEN (SELECT audit_i.community_id FROM invitations audit_i WHERE audit_i.id = e.target_id::uuid)
            WHEN 'application' THEN (SELECT audit_a.community_id FROM applications audit_a WHERE audit_a.id = e.target_id::uuid)
            WHEN 'declaration' THEN (SELECT audit_d.community_id FROM declarations audit_d WHERE audit_d.id = e.target_id::uuid)
            WHEN 'circle' THEN (SELECT audit_c.community_id FROM circles audit_c WHERE audit_c.id = e.target_id::uuid)
            WHEN 'meeting' THEN (SELECT audit_m.community_id FROM meetings audit_m WHERE audit_m.id = e.target_id::uuid)
         END)
        """

    /// The circle an event (alias `e`) happened in, if any.
    static let circle: SQL = """
        (CASE e.target_type
            WHEN 'circle' THEN e.target_id::uuid
            WHEN 'meeting' THEN (SELECT audit_mc.circle_id FROM meetings audit_mc WHERE audit_mc.id = e.target_id::uuid)
         END)
        """

    static func readable(_ caller: Caller) -> SQL {
        """
        (\(Visibility.convenor(of: community, caller)) AND \(Visibility.withinReach(of: community, caller))
         AND (\(circle) IS NULL OR \(Visibility.inCircle(circle, caller))))
        """
    }
}
