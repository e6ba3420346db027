import AccessControl
import Foundation
import Postgres

/// SQL for meetings. Reads include `Visibility.meeting`, bound to parameters 1 (the caller's
/// account) and 2 (a token's community restriction).
enum MeetingRepository {
    static let visible = Visibility.meeting(account: 1, restriction: 2)
    static let columns = """
        mt.id, mt.community_id, mt.circle_id, mt.title, mt.description, mt.starts_at, mt.ends_at, mt.time_zone, mt.recording,
        CASE mt.recording WHEN 'with_consent' THEN
            CASE WHEN EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response <> 'no'
                              AND r.recording_consent = false) THEN 'off'
                 WHEN EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes'
                              AND r.recording_consent IS NULL)
                   OR NOT EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes') THEN 'pending'
                 ELSE 'on' END
            ELSE mt.recording END,
        mt.observers_allowed, mt.chatham_house, p.id, p.display_name, v.response, v.recording_consent,
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes'),
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'no'),
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'maybe'),
        mt.version, mt.created_at
        """
    static let source = """
        meetings mt JOIN accounts p ON p.id = mt.created_by
        LEFT JOIN meeting_rsvps v ON v.meeting_id = mt.id AND v.account_id = $1
        """

    static let insert = Statement(
        "meeting_insert",
        """
        INSERT INTO meetings (id, community_id, circle_id, title, description, starts_at, ends_at, time_zone, recording,
                              observers_allowed, chatham_house, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        """)
    static let find = Statement("meeting_find", "SELECT \(columns) FROM \(source) WHERE mt.id = $3 AND \(visible)")
    static let lock = Statement(
        "meeting_lock", "SELECT \(columns) FROM \(source) WHERE mt.id = $3 AND \(visible) FOR UPDATE OF mt")
    static let list = Statement(
        "meeting_list",
        """
        SELECT \(columns) FROM \(source)
        WHERE mt.community_id = $3 AND \(visible) AND ($4::timestamptz IS NULL OR mt.starts_at >= $4)
          AND ($5::timestamptz IS NULL OR (mt.starts_at, mt.id) > ($5, $6::uuid))
        ORDER BY mt.starts_at, mt.id LIMIT $7
        """)
    /// Whether account $1 (someone a convenor names, not the caller) may see meeting $2.
    static let seenBy = Statement(
        "meeting_seen_by", "SELECT 1 FROM meetings mt WHERE mt.id = $2 AND \(Visibility.meeting(seenBy: "$1"))")
    static let update = Statement(
        "meeting_update",
        """
        UPDATE meetings SET title = $2, description = $3, starts_at = $4, ends_at = $5, time_zone = $6, circle_id = $7,
               recording = $8, observers_allowed = $9, chatham_house = $10, version = version + 1, updated_at = now()
        WHERE id = $1
        """)
    /// Answers and marks change what a meeting shows, so they move its version too.
    static let touch = Statement(
        "meeting_touch", "UPDATE meetings SET version = version + 1, updated_at = now() WHERE id = $1")
    static let answered = Statement("meeting_answered", "SELECT count(*) FROM meeting_rsvps WHERE meeting_id = $1")
    static let respond = Statement(
        "meeting_respond",
        """
        INSERT INTO meeting_rsvps (meeting_id, account_id, response, recording_consent) VALUES ($1, $2, $3, $4)
        ON CONFLICT (meeting_id, account_id) DO UPDATE
        SET response = EXCLUDED.response, recording_consent = EXCLUDED.recording_consent, answered_at = now()
        """)
    static let rsvps = Statement(
        "meeting_rsvps",
        """
        SELECT a.id, a.display_name, r.response, r.recording_consent, r.answered_at
        FROM meeting_rsvps r JOIN accounts a ON a.id = r.account_id JOIN meetings mt ON mt.id = r.meeting_id
        WHERE r.meeting_id = $3 AND \(visible) AND ($4::uuid IS NULL OR a.id > $4)
        ORDER BY a.id LIMIT $5
        """)
    static let addGuest = Statement(
        "meeting_add_guest",
        "INSERT INTO meeting_guests (meeting_id, account_id, invited_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
    static let removeGuest = Statement(
        "meeting_remove_guest", "DELETE FROM meeting_guests WHERE meeting_id = $1 AND account_id = $2")
    static let liveRole = Statement(
        "meeting_member_role",
        """
        SELECT m.role FROM memberships m WHERE m.community_id = $1 AND m.account_id = $2 AND \(Visibility.membershipIsLive("m"))
        """)
    static let markAttended = Statement(
        "meeting_mark_attended",
        "INSERT INTO meeting_attendance (meeting_id, account_id, marked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
    static let unmarkAttended = Statement(
        "meeting_unmark_attended", "DELETE FROM meeting_attendance WHERE meeting_id = $1 AND account_id = $2")
    static let attendance = Statement(
        "meeting_attendance",
        """
        SELECT a.id, a.display_name, b.id, b.display_name, t.marked_at
        FROM meeting_attendance t JOIN accounts a ON a.id = t.account_id JOIN accounts b ON b.id = t.marked_by
        JOIN meetings mt ON mt.id = t.meeting_id
        WHERE t.meeting_id = $3 AND \(visible) AND ($4::uuid IS NULL OR a.id > $4)
        ORDER BY a.id LIMIT $5
        """)
    /// Who is coming or came, and may still see the meeting, with what breakouts are mixed by.
    static let attendees = Statement(
        "meeting_attendees",
        """
        SELECT a.id, a.display_name, coalesce(a.country, o.country), o.sector
        FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id, meetings mt
        WHERE mt.id = $1 AND \(Visibility.meeting(seenBy: "a.id"))
          AND a.id IN (SELECT account_id FROM meeting_rsvps WHERE meeting_id = $1 AND response = 'yes'
                       UNION SELECT account_id FROM meeting_attendance WHERE meeting_id = $1)
        ORDER BY a.id
        """)
    static let clearBreakouts = Statement("breakout_clear", "DELETE FROM breakout_groups WHERE meeting_id = $1")
    static let insertBreakout = Statement(
        "breakout_insert", "INSERT INTO breakout_groups (id, meeting_id, name, created_by) VALUES ($1, $2, $3, $4)")
    static let insertBreakoutMember = Statement(
        "breakout_member_insert", "INSERT INTO breakout_members (group_id, meeting_id, account_id) VALUES ($1, $2, $3)")
    static let breakouts = Statement(
        "breakout_list",
        """
        SELECT g.id, g.name, g.created_at, a.id, a.display_name, coalesce(a.country, o.country), o.sector
        FROM breakout_groups g JOIN meetings mt ON mt.id = g.meeting_id
        LEFT JOIN breakout_members bm ON bm.group_id = g.id LEFT JOIN accounts a ON a.id = bm.account_id
        LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE g.meeting_id = $3 AND \(visible)
        ORDER BY g.id, a.id
        """)

    static func meeting(_ row: Row) throws -> Meeting {
        Meeting(
            id: try row.uuid(0), communityID: try row.uuid(1), circleID: row.isNull(2) ? nil : try row.uuid(2),
            title: try row.string(3), description: try row.string(4), startsAt: try row.date(5),
            endsAt: try row.date(6),
            timeZone: try row.string(7), recording: try row.enumeration(8), effectiveRecording: try row.enumeration(9),
            observersAllowed: try row.bool(10), chathamHouse: try row.bool(11),
            createdBy: PersonSummary(id: try row.uuid(12), displayName: try row.string(13)),
            viewerResponse: try row.optionalEnumeration(14),
            viewerRecordingConsent: row.isNull(15) ? nil : try row.bool(15),
            yesCount: try row.int(16), noCount: try row.int(17), maybeCount: try row.int(18),
            version: try row.int64(19),
            createdAt: try row.date(20))
    }

    static func rsvp(_ row: Row) throws -> RSVP {
        RSVP(
            account: PersonSummary(id: try row.uuid(0), displayName: try row.string(1)),
            response: try row.enumeration(2),
            recordingConsent: row.isNull(3) ? nil : try row.bool(3), answeredAt: try row.date(4))
    }

    static func attendance(_ row: Row) throws -> Attendance {
        Attendance(
            account: PersonSummary(id: try row.uuid(0), displayName: try row.string(1)),
            markedBy: PersonSummary(id: try row.uuid(2), displayName: try row.string(3)), markedAt: try row.date(4))
    }

    static func breakoutMember(_ row: Row, from start: Int) throws -> BreakoutGroup.Member {
        BreakoutGroup.Member(
            account: PersonSummary(id: try row.uuid(start), displayName: try row.string(start + 1)),
            country: row.optionalString(start + 2), sector: row.optionalString(start + 3))
    }
}
