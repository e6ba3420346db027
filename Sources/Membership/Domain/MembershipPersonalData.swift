import AccessControl
import Foundation
import Postgres

/// What membership keeps about a person: their memberships, norm acceptances, invitations,
/// applications, declarations, circle places and meeting answers.
public enum MembershipPersonalData {
    public static let personalData = PersonalData(export: export, erase: erase)

    /// In the person's export, after what access control holds.
    static func export(_ account: UUID) -> SQL {
        """
        'memberships', coalesce((SELECT json_agg(json_build_object(
            'community_id', m.community_id, 'role', m.role, 'status', m.status,
            'joined_at', praxis_time(m.joined_at),
            'expires_at', praxis_time(m.expires_at)) ORDER BY m.community_id)
            FROM memberships m WHERE m.account_id = \(account)), '[]'),
        'norm_acceptances', coalesce((SELECT json_agg(json_build_object(
            'community_id', n.community_id, 'version', n.version, 'accepted_at', praxis_time(n.accepted_at))
            ORDER BY n.community_id, n.version)
            FROM norm_acceptances n WHERE n.account_id = \(account)), '[]'),
        'invitations', coalesce((SELECT json_agg(json_build_object(
            'id', i.id, 'community_id', i.community_id, 'role', i.role, 'status', i.status,
            'created_at', praxis_time(i.created_at)) ORDER BY i.id)
            FROM invitations i WHERE i.account_id = \(account)), '[]'),
        'applications', coalesce((SELECT json_agg(json_build_object(
            'id', ap.id, 'community_id', ap.community_id, 'answers', ap.answers, 'status', ap.status,
            'created_at', praxis_time(ap.created_at)) ORDER BY ap.id)
            FROM applications ap WHERE ap.account_id = \(account)), '[]'),
        'declarations', coalesce((SELECT json_agg(json_build_object(
            'id', d.id, 'community_id', d.community_id, 'description', d.description, 'theme_ids', d.theme_ids,
            'created_at', praxis_time(d.created_at), 'withdrawn_at', praxis_time(d.withdrawn_at)) ORDER BY d.id)
            FROM declarations d WHERE d.account_id = \(account)), '[]'),
        'circles', coalesce((SELECT json_agg(json_build_object(
            'circle_id', cm.circle_id, 'added_at', praxis_time(cm.added_at)) ORDER BY cm.circle_id)
            FROM circle_members cm WHERE cm.account_id = \(account)), '[]'),
        'meeting_rsvps', coalesce((SELECT json_agg(json_build_object(
            'meeting_id', r.meeting_id, 'response', r.response, 'recording_consent', r.recording_consent,
            'answered_at', praxis_time(r.answered_at)) ORDER BY r.meeting_id)
            FROM meeting_rsvps r WHERE r.account_id = \(account)), '[]')
        """
    }

    /// What the person wrote about themselves elsewhere is wiped (declarations, application
    /// answers); what is open is closed (applications withdrawn, invitations revoked); every
    /// membership, circle place and meeting invitation ends.
    static func erase(_ account: UUID) -> SQL {
        """
        WITH declarations_wiped AS (
                 UPDATE declarations SET description = 'Erased', theme_ids = '{}',
                        withdrawn_at = coalesce(withdrawn_at, now())
                 WHERE account_id = \(account)),
             applications_closed AS (
                 UPDATE applications SET answers = '{}',
                        status = CASE WHEN status = 'applied' THEN 'withdrawn' ELSE status END,
                        decided_at = CASE WHEN status = 'applied' THEN now() ELSE decided_at END
                 WHERE account_id = \(account)),
             invitations_revoked AS (
                 UPDATE invitations SET status = 'revoked', decided_at = now()
                 WHERE account_id = \(account) AND status = 'pending'),
             circles_left AS (DELETE FROM circle_members WHERE account_id = \(account)),
             meetings_left AS (DELETE FROM meeting_guests WHERE account_id = \(account))
        UPDATE memberships SET status = 'left', version = version + 1, updated_at = now() WHERE account_id = \(account)
        """
    }
}
