import AccessControl
import Foundation
import Postgres

/// Threads' audit events happen inside a community: its convenors read them, and the events of a
/// thread in a circle only the convenors in that circle. An act that would tell who wrote under
/// the Chatham House rule (its author marking the outcome, say) is recorded without its actor.
public enum ThreadsAudit {
    public static let scope = AuditScope(
        targetTypes: ["thread", "post"], scope: .threadsRead, community: community, readable: readable)

    /// The community of an event (alias `e`), from its target.
    static let community: SQL = """
        (CASE e.target_type
            WHEN 'thread' THEN (SELECT audit_t.community_id FROM threads audit_t WHERE audit_t.id = e.target_id::uuid)
            WHEN 'post' THEN (SELECT audit_p.community_id FROM posts audit_p WHERE audit_p.id = e.target_id::uuid)
         END)
        """

    /// The circle an event (alias `e`) happened in, if any.
    static let circle: SQL = """
        (CASE e.target_type
            WHEN 'thread' THEN (SELECT audit_tc.circle_id FROM threads audit_tc WHERE audit_tc.id = e.target_id::uuid)
            WHEN 'post' THEN (SELECT audit_pt.circle_id FROM posts audit_pp JOIN threads audit_pt
                              ON audit_pt.id = audit_pp.thread_id WHERE audit_pp.id = e.target_id::uuid)
         END)
        """

    static func readable(_ caller: Caller) -> SQL {
        """
        (\(Visibility.convenor(of: community, caller)) AND \(Visibility.withinReach(of: community, caller))
         AND (\(circle) IS NULL OR \(Visibility.inCircle(circle, caller))))
        """
    }

    /// Records `action`; with `shielded` neither the actor nor their address is kept.
    static func record(
        _ action: String, _ targetType: String, _ target: UUID, by caller: Caller, from origin: RequestOrigin,
        shielded: Bool = false, on connection: Connection
    ) throws {
        let audit = AuditLog()
        if shielded {
            try audit.record(
                AuditEntry(
                    actorID: nil, action: action, targetType: targetType, targetID: target.lowercasedString,
                    requestID: origin.requestID, details: #"{"actor":"a participant"}"#),
                on: connection)
        } else {
            try audit.record(action, targetType, target, by: caller, from: origin, on: connection)
        }
    }
}
