import AccessControl
import Foundation
import Postgres

/// SQL for memberships, invitations and applications. Reads include a `Visibility` predicate
/// bound to parameters 1 (the caller's account) and 2 (a token's community restriction).
enum MembershipRepository {
    static let memberColumns = """
        c.id, c.name, a.id, a.display_name,
        CASE WHEN a.id = $1 OR \(Visibility.convenor(of: "m.community_id", account: 1)) THEN a.email END,
        o.id, o.name, o.kind, coalesce(a.country, o.country), o.sector, a.member_kind,
        CASE WHEN a.list_job_title OR a.id = $1 THEN a.job_title END,
        CASE WHEN a.list_expertise OR a.id = $1 THEN a.expertise END,
        m.role, m.status, m.joined_at, m.expires_at, praxis_commercial_interest(a.id, m.community_id),
        (SELECT max(na.version) FROM norm_acceptances na WHERE na.community_id = m.community_id AND na.account_id = a.id),
        m.version
        """
    static let memberSource = """
        memberships m JOIN accounts a ON a.id = m.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        JOIN communities c ON c.id = m.community_id
        """

    static let member = Statement(
        "member_find",
        """
        SELECT \(memberColumns) FROM \(memberSource)
        WHERE m.community_id = $3 AND m.account_id = $4 AND \(Visibility.membership(account: 1, restriction: 2))
        """)
    static let directory = Statement(
        "member_directory",
        """
        SELECT \(memberColumns) FROM \(memberSource)
        WHERE m.community_id = $3 AND \(Visibility.membership(account: 1, restriction: 2))
          AND m.status = $4 AND (m.status <> 'active' OR m.expires_at IS NULL OR m.expires_at > now())
          AND ($5::text[] IS NULL OR coalesce(a.country, o.country) = ANY($5::text[]))
          AND ($6::text[] IS NULL OR o.sector = ANY($6::text[]))
          AND ($7::text[] IS NULL OR a.member_kind = ANY($7::text[]))
          AND ($8::text[] IS NULL OR (a.list_expertise AND a.expertise && $8::text[]))
          AND ($9::text[] IS NULL OR m.role = ANY($9::text[]))
          AND ($10::uuid IS NULL OR a.id > $10)
        ORDER BY a.id LIMIT $11
        """,
        // Five optional filters: a generic plan keeps them all and is several times slower.
        planning: .perExecution)
    static let mine = Statement(
        "member_mine",
        """
        SELECT \(memberColumns) FROM \(memberSource)
        WHERE m.account_id = $1 AND \(Visibility.withinReach(of: "m.community_id", restriction: 2))
          AND ($3::text IS NULL OR m.status = $3) AND ($4::uuid IS NULL OR c.id > $4)
        ORDER BY c.id LIMIT $5
        """)
    /// The row a change starts from; callers hold the community's lock already.
    static let lockMember = Statement(
        "member_lock",
        """
        SELECT role, status, expires_at, commercial_interest, version FROM memberships
        WHERE community_id = $1 AND account_id = $2 FOR UPDATE
        """)
    static let otherConvenors = Statement(
        "member_other_convenors",
        """
        SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
        WHERE m.community_id = $1 AND m.account_id <> $2 AND m.role = 'convenor' AND \(Visibility.membershipIsLive("m"))
          AND a.status = 'active'
        """)
    static let admit = Statement(
        "member_admit",
        """
        INSERT INTO memberships (community_id, account_id, role, status, expires_at) VALUES ($1, $2, $3, 'active', $4)
        ON CONFLICT (community_id, account_id) DO UPDATE
        SET role = EXCLUDED.role, status = 'active', expires_at = EXCLUDED.expires_at, joined_at = now(),
            version = memberships.version + 1, updated_at = now()
        """)
    static let setStatus = Statement(
        "member_set_status",
        """
        UPDATE memberships SET status = $3, version = version + 1, updated_at = now()
        WHERE community_id = $1 AND account_id = $2
        """)
    /// The circles of a community that someone is in (they leave them when they leave it).
    static let circlesOf = Statement(
        "member_circles",
        "SELECT cm.circle_id FROM circle_members cm JOIN circles ci ON ci.id = cm.circle_id WHERE ci.community_id = $1 AND cm.account_id = $2"
    )
    static let change = Statement(
        "member_change",
        """
        UPDATE memberships SET role = $3, expires_at = $4, commercial_interest = $5, version = version + 1, updated_at = now()
        WHERE community_id = $1 AND account_id = $2
        """)
    /// What admission checks, read without the card predicate (the caller's right to act was
    /// established first). Takes the community's row lock.
    static let admissionRules = Statement(
        "community_admission_rules",
        "SELECT allowed_member_kinds, observers_allowed, join_policy FROM communities WHERE id = $1 FOR UPDATE")
    /// Account $1 as admission to community $2 sees it.
    static let person = Statement(
        "admission_person",
        "SELECT a.member_kind, a.status, praxis_commercial_interest(a.id, $2) FROM accounts a WHERE a.id = $1")

    static let invitationColumns = """
        i.id, c.id, c.name, ia.id, ia.display_name, i.role, i.membership_expires_at, i.message, ib.id, ib.display_name,
        CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END, i.expires_at, i.decided_at,
        i.version, i.created_at
        """
    static let invitationSource = """
        invitations i JOIN communities c ON c.id = i.community_id JOIN accounts ia ON ia.id = i.account_id
        JOIN accounts ib ON ib.id = i.invited_by
        """
    /// An unanswered invitation past its time is marked expired, which makes room for a new one.
    static let expireInvitations = Statement(
        "invitation_expire",
        """
        UPDATE invitations SET status = 'expired', version = version + 1
        WHERE community_id = $1 AND account_id = $2 AND status = 'pending' AND expires_at <= now()
        """)
    static let insertInvitation = Statement(
        "invitation_insert",
        """
        INSERT INTO invitations (id, community_id, account_id, role, membership_expires_at, message, invited_by, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, now() + interval '14 days')
        """)
    static let invitation = Statement(
        "invitation_find",
        "SELECT \(invitationColumns) FROM \(invitationSource) WHERE i.id = $3 AND \(Visibility.personalRequest("i", account: 1, restriction: 2))"
    )
    static let lockInvitation = Statement(
        "invitation_lock",
        """
        SELECT \(invitationColumns) FROM \(invitationSource)
        WHERE i.id = $3 AND \(Visibility.personalRequest("i", account: 1, restriction: 2)) FOR UPDATE OF i
        """)
    static let decideInvitation = Statement(
        "invitation_decide",
        "UPDATE invitations SET status = $2, decided_at = now(), version = version + 1 WHERE id = $1")
    static let communityInvitations = Statement(
        "invitation_list_community",
        """
        SELECT \(invitationColumns) FROM \(invitationSource)
        WHERE i.community_id = $3 AND \(Visibility.personalRequest("i", account: 1, restriction: 2))
          AND ($4::text IS NULL OR (CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END) = $4)
          AND ($5::uuid IS NULL OR i.id > $5)
        ORDER BY i.id LIMIT $6
        """)
    static let myInvitations = Statement(
        "invitation_list_mine",
        """
        SELECT \(invitationColumns) FROM \(invitationSource)
        WHERE i.account_id = $1 AND \(Visibility.withinReach(of: "i.community_id", restriction: 2))
          AND ($3::text IS NULL OR (CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END) = $3)
          AND ($4::uuid IS NULL OR i.id > $4)
        ORDER BY i.id LIMIT $5
        """)

    static let applicationColumns = """
        ap.id, c.id, c.name, aa.id, aa.display_name, ap.answers::text, ap.status, ap.role, ap.reason, ad.id, ad.display_name,
        ap.decided_at, ap.version, ap.created_at
        """
    static let applicationSource = """
        applications ap JOIN communities c ON c.id = ap.community_id JOIN accounts aa ON aa.id = ap.account_id
        LEFT JOIN accounts ad ON ad.id = ap.decided_by
        """
    static let insertApplication = Statement(
        "application_insert",
        "INSERT INTO applications (id, community_id, account_id, answers) VALUES ($1, $2, $3, $4::jsonb)")
    static let application = Statement(
        "application_find",
        """
        SELECT \(applicationColumns) FROM \(applicationSource)
        WHERE ap.id = $3 AND \(Visibility.personalRequest("ap", account: 1, restriction: 2))
        """)
    static let lockApplication = Statement(
        "application_lock",
        """
        SELECT \(applicationColumns) FROM \(applicationSource)
        WHERE ap.id = $3 AND \(Visibility.personalRequest("ap", account: 1, restriction: 2)) FOR UPDATE OF ap
        """)
    static let decideApplication = Statement(
        "application_decide",
        """
        UPDATE applications SET status = $2, role = $3, reason = $4, decided_by = $5, decided_at = now(), version = version + 1
        WHERE id = $1
        """)
    static let communityApplications = Statement(
        "application_list_community",
        """
        SELECT \(applicationColumns) FROM \(applicationSource)
        WHERE ap.community_id = $3 AND \(Visibility.personalRequest("ap", account: 1, restriction: 2))
          AND ($4::text IS NULL OR ap.status = $4) AND ($5::uuid IS NULL OR ap.id > $5)
        ORDER BY ap.id LIMIT $6
        """)

    static func member(_ row: Row) throws -> Member {
        let organisation =
            row.isNull(5)
            ? nil
            : OrganisationSummary(
                id: try row.uuid(5), name: try row.string(6), kind: try row.enumeration(7))
        return Member(
            community: CommunitySummary(id: try row.uuid(0), name: try row.string(1)),
            account: MemberProfile(
                id: try row.uuid(2), displayName: try row.string(3), email: row.optionalString(4),
                organisation: organisation,
                country: row.optionalString(8), sector: try row.optionalEnumeration(9),
                memberKind: try row.enumeration(10), jobTitle: row.optionalString(11),
                expertise: row.isNull(12) ? nil : try row.stringArray(12)),
            role: try row.enumeration(13), status: try row.enumeration(14), joinedAt: try row.date(15),
            expiresAt: try row.optionalDate(16), commercialInterest: try row.bool(17),
            acceptedNormsVersion: row.isNull(18) ? nil : try row.int(18), version: try row.int64(19))
    }

    static func invitation(_ row: Row) throws -> Invitation {
        Invitation(
            id: try row.uuid(0), community: CommunitySummary(id: try row.uuid(1), name: try row.string(2)),
            account: PersonSummary(id: try row.uuid(3), displayName: try row.string(4)), role: try row.enumeration(5),
            membershipExpiresAt: try row.optionalDate(6), message: try row.string(7),
            invitedBy: PersonSummary(id: try row.uuid(8), displayName: try row.string(9)),
            status: try row.enumeration(10),
            expiresAt: try row.date(11), decidedAt: try row.optionalDate(12), version: try row.int64(13),
            createdAt: try row.date(14))
    }

    static func application(_ row: Row) throws -> MembershipApplication {
        MembershipApplication(
            id: try row.uuid(0), community: CommunitySummary(id: try row.uuid(1), name: try row.string(2)),
            account: PersonSummary(id: try row.uuid(3), displayName: try row.string(4)), answers: try row.string(5),
            status: try row.enumeration(6), role: try row.optionalEnumeration(7),
            reason: row.optionalString(8),
            decidedBy: row.isNull(9) ? nil : PersonSummary(id: try row.uuid(9), displayName: try row.string(10)),
            decidedAt: try row.optionalDate(11), version: try row.int64(12), createdAt: try row.date(13))
    }
}
