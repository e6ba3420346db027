import AccessControl
import Foundation
import Postgres

/// SQL for meetings. Reads include `Visibility.meeting` for the caller.
enum MeetingRepository {
    static let columns: SQL = """
        mt.id, mt.community_id, mt.circle_id, mt.title, mt.description, mt.starts_at, mt.ends_at, mt.time_zone,
        mt.recording,
        CASE mt.recording WHEN 'with_consent' THEN
            CASE WHEN EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response <> 'no'
                              AND r.recording_consent = false) THEN 'off'
                 WHEN EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes'
                              AND r.recording_consent IS NULL)
                   OR NOT EXISTS (SELECT 1 FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes')
                   THEN 'pending'
                 ELSE 'on' END
            ELSE mt.recording END AS effective_recording,
        mt.observers_allowed, mt.chatham_house, p.id AS created_by_id, p.display_name AS created_by_name,
        v.response AS viewer_response, v.recording_consent AS viewer_recording_consent,
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'yes') AS yes_count,
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'no') AS no_count,
        (SELECT count(*) FROM meeting_rsvps r WHERE r.meeting_id = mt.id AND r.response = 'maybe') AS maybe_count,
        mt.version, mt.created_at
        """

    /// The meetings with their creator and the caller's own answer.
    static func source(_ caller: Caller) -> SQL {
        """
        meetings mt JOIN accounts p ON p.id = mt.created_by
        LEFT JOIN meeting_rsvps v ON v.meeting_id = mt.id AND v.account_id = \(caller.accountID)
        """
    }

    static func insert(
        _ id: UUID, in community: UUID, _ input: MeetingInput, recording: RecordingRule, observersAllowed: Bool,
        chathamHouse: Bool, by creator: UUID
    ) -> SQL {
        """
        INSERT INTO meetings (id, community_id, circle_id, title, description, starts_at, ends_at, time_zone, recording,
                              observers_allowed, chatham_house, created_by)
        VALUES (\(id), \(community), \(input.circleID), \(input.title), \(input.description), \(input.startsAt),
                \(input.endsAt), \(input.timeZone), \(recording.rawValue), \(observersAllowed), \(chathamHouse),
                \(creator))
        """
    }

    static func find(_ id: UUID, for caller: Caller) -> SQL {
        "SELECT \(columns) FROM \(source(caller)) WHERE mt.id = \(id) AND \(Visibility.meeting(caller))"
    }

    static func lock(_ id: UUID, for caller: Caller) -> SQL {
        "\(find(id, for: caller)) FOR UPDATE OF mt"
    }

    /// In order of start; `startsFrom` leaves out earlier meetings, `after` is where the last page ended.
    static func list(
        in community: UUID, startsFrom: Date?, after: (Date, UUID)?, limit: Int, for caller: Caller
    ) -> SQL {
        let afterStart = after?.0
        let afterID = after?.1
        return """
            SELECT \(columns) FROM \(source(caller))
            WHERE mt.community_id = \(community) AND \(Visibility.meeting(caller))
              AND (\(startsFrom)::timestamptz IS NULL OR mt.starts_at >= \(startsFrom))
              AND (\(afterStart)::timestamptz IS NULL OR (mt.starts_at, mt.id) > (\(afterStart), \(afterID)::uuid))
            ORDER BY mt.starts_at, mt.id LIMIT \(limit)
            """
    }

    /// Whether `account` (someone a convenor names, not the caller) may see the meeting.
    static func seenBy(_ account: UUID, _ id: UUID) -> SQL {
        "SELECT 1 FROM meetings mt WHERE mt.id = \(id) AND \(Visibility.meeting(seenBy: "\(account)"))"
    }

    static func update(
        _ id: UUID, to input: MeetingInput, recording: RecordingRule, observersAllowed: Bool, chathamHouse: Bool
    ) -> SQL {
        """
        UPDATE meetings SET title = \(input.title), description = \(input.description), starts_at = \(input.startsAt),
               ends_at = \(input.endsAt), time_zone = \(input.timeZone), circle_id = \(input.circleID),
               recording = \(recording.rawValue), observers_allowed = \(observersAllowed),
               chatham_house = \(chathamHouse), version = version + 1, updated_at = now()
        WHERE id = \(id)
        """
    }

    /// Answers and marks change what a meeting shows, so they move its version too.
    static func touch(_ id: UUID) -> SQL {
        "UPDATE meetings SET version = version + 1, updated_at = now() WHERE id = \(id)"
    }

    static func answeredCount(_ id: UUID) -> SQL {
        "SELECT count(*) AS answered FROM meeting_rsvps WHERE meeting_id = \(id)"
    }

    static func respond(to id: UUID, by account: UUID, _ response: RSVPResponse, recordingConsent: Bool?) -> SQL {
        """
        INSERT INTO meeting_rsvps (meeting_id, account_id, response, recording_consent)
        VALUES (\(id), \(account), \(response.rawValue), \(recordingConsent))
        ON CONFLICT (meeting_id, account_id) DO UPDATE
        SET response = EXCLUDED.response, recording_consent = EXCLUDED.recording_consent, answered_at = now()
        """
    }

    static func rsvps(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT a.id AS account_id, a.display_name AS account_name, r.response, r.recording_consent, r.answered_at
        FROM meeting_rsvps r JOIN accounts a ON a.id = r.account_id JOIN meetings mt ON mt.id = r.meeting_id
        WHERE r.meeting_id = \(id) AND \(Visibility.meeting(caller)) AND \(SQL.keyset("a.id", after: after))
        ORDER BY a.id LIMIT \(limit)
        """
    }

    static func addGuest(_ account: UUID, to id: UUID, by inviter: UUID) -> SQL {
        """
        INSERT INTO meeting_guests (meeting_id, account_id, invited_by) VALUES (\(id), \(account), \(inviter))
        ON CONFLICT DO NOTHING
        """
    }

    static func removeGuest(_ account: UUID, from id: UUID) -> SQL {
        "DELETE FROM meeting_guests WHERE meeting_id = \(id) AND account_id = \(account)"
    }

    /// The role of `account` in `community` while their membership counts.
    static func liveRole(of account: UUID, in community: UUID) -> SQL {
        """
        SELECT m.role FROM memberships m
        WHERE m.community_id = \(community) AND m.account_id = \(account) AND \(Visibility.isLive("m"))
        """
    }

    static func markAttended(_ account: UUID, at id: UUID, by marker: UUID) -> SQL {
        """
        INSERT INTO meeting_attendance (meeting_id, account_id, marked_by) VALUES (\(id), \(account), \(marker))
        ON CONFLICT DO NOTHING
        """
    }

    static func unmarkAttended(_ account: UUID, at id: UUID) -> SQL {
        "DELETE FROM meeting_attendance WHERE meeting_id = \(id) AND account_id = \(account)"
    }

    static func attendance(of id: UUID, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        """
        SELECT a.id AS account_id, a.display_name AS account_name, b.id AS marked_by_id,
               b.display_name AS marked_by_name, t.marked_at
        FROM meeting_attendance t JOIN accounts a ON a.id = t.account_id JOIN accounts b ON b.id = t.marked_by
        JOIN meetings mt ON mt.id = t.meeting_id
        WHERE t.meeting_id = \(id) AND \(Visibility.meeting(caller)) AND \(SQL.keyset("a.id", after: after))
        ORDER BY a.id LIMIT \(limit)
        """
    }

    /// Who is coming or came, and may still see the meeting, with what breakouts are mixed by.
    static func attendees(of id: UUID) -> SQL {
        """
        SELECT a.id AS account_id, a.display_name AS account_name, coalesce(a.country, o.country) AS country, o.sector
        FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id, meetings mt
        WHERE mt.id = \(id) AND \(Visibility.meeting(seenBy: "a.id"))
          AND a.id IN (SELECT account_id FROM meeting_rsvps WHERE meeting_id = \(id) AND response = 'yes'
                       UNION SELECT account_id FROM meeting_attendance WHERE meeting_id = \(id))
        ORDER BY a.id
        """
    }

    static func clearBreakouts(of id: UUID) -> SQL {
        "DELETE FROM breakout_groups WHERE meeting_id = \(id)"
    }

    static func insertBreakout(_ group: UUID, in id: UUID, named name: String, by creator: UUID) -> SQL {
        "INSERT INTO breakout_groups (id, meeting_id, name, created_by) VALUES (\(group), \(id), \(name), \(creator))"
    }

    static func insertBreakoutMember(_ account: UUID, into group: UUID, in id: UUID) -> SQL {
        "INSERT INTO breakout_members (group_id, meeting_id, account_id) VALUES (\(group), \(id), \(account))"
    }

    /// One row per group and member (a group without members has one, its member columns NULL).
    static func breakouts(of id: UUID, for caller: Caller) -> SQL {
        """
        SELECT g.id, g.name, g.created_at, a.id AS account_id, a.display_name AS account_name,
               coalesce(a.country, o.country) AS country, o.sector
        FROM breakout_groups g JOIN meetings mt ON mt.id = g.meeting_id
        LEFT JOIN breakout_members bm ON bm.group_id = g.id LEFT JOIN accounts a ON a.id = bm.account_id
        LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE g.meeting_id = \(id) AND \(Visibility.meeting(caller))
        ORDER BY g.id, a.id
        """
    }

    static func meeting(_ row: Row) throws -> Meeting {
        Meeting(
            id: try row["id"], communityID: try row["community_id"], circleID: try row["circle_id"],
            title: try row["title"], description: try row["description"], startsAt: try row["starts_at"],
            endsAt: try row["ends_at"], timeZone: try row["time_zone"], recording: try row["recording"],
            effectiveRecording: try row["effective_recording"], observersAllowed: try row["observers_allowed"],
            chathamHouse: try row["chatham_house"],
            createdBy: PersonSummary(id: try row["created_by_id"], displayName: try row["created_by_name"]),
            viewerResponse: try row["viewer_response"], viewerRecordingConsent: try row["viewer_recording_consent"],
            yesCount: try row["yes_count"], noCount: try row["no_count"], maybeCount: try row["maybe_count"],
            version: try row["version"], createdAt: try row["created_at"])
    }

    static func rsvp(_ row: Row) throws -> RSVP {
        RSVP(
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            response: try row["response"], recordingConsent: try row["recording_consent"],
            answeredAt: try row["answered_at"])
    }

    static func attendance(_ row: Row) throws -> Attendance {
        Attendance(
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            markedBy: PersonSummary(id: try row["marked_by_id"], displayName: try row["marked_by_name"]),
            markedAt: try row["marked_at"])
    }

    /// A member as `attendees` and `breakouts` name them.
    static func breakoutMember(_ row: Row) throws -> BreakoutGroup.Member {
        BreakoutGroup.Member(
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            country: try row["country"], sector: try row["sector"])
    }
}

extension RecordingRule: PostgresTextDecodable {}
extension EffectiveRecording: PostgresTextDecodable {}
extension RSVPResponse: PostgresTextDecodable {}
