import AccessControl
import Foundation
import Postgres

/// SQL for memberships, invitations and applications. Reads include a `Visibility` predicate
/// for the caller.
enum MembershipRepository {
    /// A member as the caller may see them: email for the person and convenors, job title and
    /// expertise when listed.
    static func memberColumns(for caller: Caller) -> SQL {
        """
        c.id AS community_id, c.name AS community_name, a.id AS account_id, a.display_name,
        CASE WHEN a.id = \(caller.accountID) OR \(Visibility.convenor(of: "m.community_id", caller))
             THEN a.email END AS email,
        o.id AS organisation_id, o.name AS organisation_name, o.kind AS organisation_kind,
        coalesce(a.country, o.country) AS country, o.sector, a.member_kind,
        CASE WHEN a.list_job_title OR a.id = \(caller.accountID) THEN a.job_title END AS job_title,
        CASE WHEN a.list_expertise OR a.id = \(caller.accountID) THEN a.expertise END AS expertise,
        m.role, m.status, m.joined_at, m.expires_at,
        praxis_commercial_interest(a.id, m.community_id) AS commercial_interest,
        (SELECT max(na.version) FROM norm_acceptances na
         WHERE na.community_id = m.community_id AND na.account_id = a.id) AS accepted_norms_version,
        m.version
        """
    }

    static let memberSource: SQL = """
        memberships m JOIN accounts a ON a.id = m.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        JOIN communities c ON c.id = m.community_id
        """

    static func member(_ account: UUID, in community: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(memberColumns(for: caller)) FROM \(memberSource)
        WHERE m.community_id = \(community) AND m.account_id = \(account) AND \(Visibility.membership(caller))
        """
    }

    /// Five optional filters: a generic plan keeps them all and is several times slower, so the
    /// directory is planned for each execution.
    static func directory(
        of community: UUID, _ filter: DirectoryFilter, after: UUID?, limit: Int, for caller: Caller
    ) -> SQL {
        // An empty filter is no filter.
        func any(_ values: [String]) -> [String]? { values.isEmpty ? nil : values }
        let countries = any(filter.countries)
        let sectors = any(filter.sectors.map(\.rawValue))
        let kinds = any(filter.kinds.map(\.rawValue))
        let expertise = any(filter.expertise)
        let roles = any(filter.roles.map(\.rawValue))
        let sql: SQL = """
            SELECT \(memberColumns(for: caller)) FROM \(memberSource)
            WHERE m.community_id = \(community) AND \(Visibility.membership(caller))
              AND m.status = \(filter.status.rawValue)
              AND (m.status <> 'active' OR m.expires_at IS NULL OR m.expires_at > now())
              AND (\(countries)::text[] IS NULL OR coalesce(a.country, o.country) = ANY(\(countries)::text[]))
              AND (\(sectors)::text[] IS NULL OR o.sector = ANY(\(sectors)::text[]))
              AND (\(kinds)::text[] IS NULL OR a.member_kind = ANY(\(kinds)::text[]))
              AND (\(expertise)::text[] IS NULL OR (a.list_expertise AND a.expertise && \(expertise)::text[]))
              AND (\(roles)::text[] IS NULL OR m.role = ANY(\(roles)::text[]))
              AND \(SQL.keyset("a.id", after: after))
            ORDER BY a.id LIMIT \(limit)
            """
        return sql.plannedPerExecution()
    }

    static func mine(status: MembershipStatus?, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        let status = status?.rawValue
        return """
            SELECT \(memberColumns(for: caller)) FROM \(memberSource)
            WHERE m.account_id = \(caller.accountID) AND \(Visibility.withinReach(of: "m.community_id", caller))
              AND (\(status)::text IS NULL OR m.status = \(status)) AND \(SQL.keyset("c.id", after: after))
            ORDER BY c.id LIMIT \(limit)
            """
    }

    /// The row a change starts from; callers hold the community's lock already.
    static func lockMember(_ account: UUID, in community: UUID) -> SQL {
        """
        SELECT role, status, expires_at, commercial_interest, version FROM memberships
        WHERE community_id = \(community) AND account_id = \(account) FOR UPDATE
        """
    }

    /// How many other convenors count now and can sign in.
    static func otherConvenors(in community: UUID, besides account: UUID) -> SQL {
        """
        SELECT count(*) AS convenors FROM memberships m JOIN accounts a ON a.id = m.account_id
        WHERE m.community_id = \(community) AND m.account_id <> \(account) AND m.role = 'convenor'
          AND \(Visibility.isLive("m")) AND a.status = 'active'
        """
    }

    static func admit(_ account: UUID, to community: UUID, as role: MembershipRole, expiresAt: Date?) -> SQL {
        """
        INSERT INTO memberships (community_id, account_id, role, status, expires_at)
        VALUES (\(community), \(account), \(role.rawValue), 'active', \(expiresAt))
        ON CONFLICT (community_id, account_id) DO UPDATE
        SET role = EXCLUDED.role, status = 'active', expires_at = EXCLUDED.expires_at, joined_at = now(),
            version = memberships.version + 1, updated_at = now()
        """
    }

    static func setStatus(of account: UUID, in community: UUID, to status: MembershipStatus) -> SQL {
        """
        UPDATE memberships SET status = \(status.rawValue), version = version + 1, updated_at = now()
        WHERE community_id = \(community) AND account_id = \(account)
        """
    }

    /// The circles of a community that someone is in (they leave them when they leave it).
    static func circles(of account: UUID, in community: UUID) -> SQL {
        """
        SELECT cm.circle_id FROM circle_members cm JOIN circles ci ON ci.id = cm.circle_id
        WHERE ci.community_id = \(community) AND cm.account_id = \(account)
        """
    }

    static func endMeetingInvitations(of account: UUID, in community: UUID) -> SQL {
        """
        DELETE FROM meeting_guests g USING meetings m
        WHERE m.id = g.meeting_id AND m.community_id = \(community) AND g.account_id = \(account)
        """
    }

    static func change(
        _ account: UUID, in community: UUID, role: MembershipRole, expiresAt: Date?, commercialInterest: Bool
    ) -> SQL {
        """
        UPDATE memberships SET role = \(role.rawValue), expires_at = \(expiresAt),
               commercial_interest = \(commercialInterest), version = version + 1, updated_at = now()
        WHERE community_id = \(community) AND account_id = \(account)
        """
    }

    /// What admission checks, read without the card predicate (the caller's right to act was
    /// established first). Takes the community's row lock.
    static func admissionRules(of community: UUID) -> SQL {
        """
        SELECT allowed_member_kinds, observers_allowed, join_policy FROM communities
        WHERE id = \(community) FOR UPDATE
        """
    }

    /// The account as admission to `community` sees it.
    static func person(_ account: UUID, for community: UUID) -> SQL {
        """
        SELECT a.member_kind, a.status, praxis_commercial_interest(a.id, \(community)) AS commercial_interest,
               (a.verified_at IS NOT NULL OR a.asserted_in = \(community)) AS kind_counts
        FROM accounts a WHERE a.id = \(account)
        """
    }

    static let invitationColumns: SQL = """
        i.id, c.id AS community_id, c.name AS community_name, i.account_id AS invitee_id, i.email,
        CASE WHEN i.email IS NULL OR i.status = 'accepted' THEN ia.id END AS account_id,
        CASE WHEN i.email IS NULL OR i.status = 'accepted' THEN ia.display_name END AS account_name, i.role, i.membership_expires_at, i.message, ib.id AS invited_by_id, ib.display_name AS invited_by_name,
        CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END AS status,
        i.expires_at, i.decided_at, i.version, i.created_at
        """
    static let invitationSource: SQL = """
        invitations i JOIN communities c ON c.id = i.community_id JOIN accounts ia ON ia.id = i.account_id
        JOIN accounts ib ON ib.id = i.invited_by
        """

    /// An unanswered invitation past its time is marked expired, which makes room for a new one.
    static func expireInvitations(of account: UUID, to community: UUID) -> SQL {
        """
        UPDATE invitations SET status = 'expired', version = version + 1
        WHERE community_id = \(community) AND account_id = \(account) AND status = 'pending' AND expires_at <= now()
        """
    }

    static func insertInvitation(
        _ id: UUID, to community: UUID, of account: UUID, email: String?, _ invitation: NewInvitation, by inviter: UUID,
        declineDigest: String
    ) -> SQL {
        """
        INSERT INTO invitations (id, community_id, account_id, email, role, membership_expires_at, message,
                                 invited_by, expires_at, decline_token_hash)
        VALUES (\(id), \(community), \(account), \(email), \(invitation.role.rawValue),
                \(invitation.membershipExpiresAt), \(invitation.message), \(inviter), now() + interval '14 days',
                \(declineDigest))
        RETURNING expires_at
        """
    }
    /// What an invitation's message tells: who invites, to which community, under which norms
    /// (the opening of the current text).
    static func invitationLetter(to community: UUID, by inviter: UUID) -> SQL {
        """
        SELECT c.name AS community_name, c.purpose, c.chatham_house, a.display_name AS inviter_name,
               coalesce(left(n.text, 800), '') AS norms, length(coalesce(n.text, '')) > 800 AS norms_continue
        FROM communities c JOIN accounts a ON a.id = \(inviter)
        LEFT JOIN norm_versions n ON n.community_id = c.id AND n.version = c.norms_version
        WHERE c.id = \(community)
        """
    }
    /// The pending invitation whose message carried this decline token.
    static func invitationByDeclineToken(_ digest: String) -> SQL {
        "SELECT id, account_id FROM invitations WHERE decline_token_hash = \(digest) FOR UPDATE"
    }

    static func invitation(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(invitationColumns) FROM \(invitationSource)
        WHERE i.id = \(id) AND \(Visibility.personalRequest("i", caller))
        """
    }

    static func lockInvitation(_ id: UUID, for caller: Caller) -> SQL {
        "\(invitation(id, for: caller)) FOR UPDATE OF i"
    }

    static func declineByToken(_ id: UUID) -> SQL {
        """
        UPDATE invitations SET status = 'declined', decided_at = now(), version = version + 1
        WHERE id = \(id) AND status = 'pending' AND expires_at > now() RETURNING id
        """
    }

    static func decideInvitation(_ id: UUID, as status: InvitationStatus) -> SQL {
        """
        UPDATE invitations SET status = \(status.rawValue), decided_at = now(), version = version + 1
        WHERE id = \(id)
        """
    }

    /// The status an invitation shows: a pending one past its time is expired.
    static let invitationStatus: SQL = """
        (CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END)
        """

    static func communityInvitations(
        in community: UUID, status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) -> SQL {
        let status = status?.rawValue
        return """
            SELECT \(invitationColumns) FROM \(invitationSource)
            WHERE i.community_id = \(community) AND \(Visibility.personalRequest("i", caller))
              AND (\(status)::text IS NULL OR \(invitationStatus) = \(status))
              AND \(SQL.keyset("i.id", after: after))
            ORDER BY i.id LIMIT \(limit)
            """
    }

    static func myInvitations(status: InvitationStatus?, after: UUID?, limit: Int, for caller: Caller) -> SQL {
        let status = status?.rawValue
        return """
            SELECT \(invitationColumns) FROM \(invitationSource)
            WHERE i.account_id = \(caller.accountID) AND \(Visibility.withinReach(of: "i.community_id", caller))
              AND (\(status)::text IS NULL OR \(invitationStatus) = \(status))
              AND \(SQL.keyset("i.id", after: after))
            ORDER BY i.id LIMIT \(limit)
            """
    }

    static let applicationColumns: SQL = """
        ap.id, c.id AS community_id, c.name AS community_name, aa.id AS account_id, aa.display_name AS account_name,
        ap.answers::text AS answers, ap.status, ap.role, ap.reason, ad.id AS decided_by_id,
        ad.display_name AS decided_by_name, ap.decided_at, ap.version, ap.created_at
        """
    static let applicationSource: SQL = """
        applications ap JOIN communities c ON c.id = ap.community_id JOIN accounts aa ON aa.id = ap.account_id
        LEFT JOIN accounts ad ON ad.id = ap.decided_by
        """

    /// `answers` is a JSON object.
    static func insertApplication(_ id: UUID, to community: UUID, by account: UUID, answers: String) -> SQL {
        """
        INSERT INTO applications (id, community_id, account_id, answers)
        VALUES (\(id), \(community), \(account), \(answers)::jsonb)
        """
    }

    static func application(_ id: UUID, for caller: Caller) -> SQL {
        """
        SELECT \(applicationColumns) FROM \(applicationSource)
        WHERE ap.id = \(id) AND \(Visibility.personalRequest("ap", caller))
        """
    }

    static func lockApplication(_ id: UUID, for caller: Caller) -> SQL {
        "\(application(id, for: caller)) FOR UPDATE OF ap"
    }

    /// `decidedBy` is nil when the applicant withdraws.
    static func decideApplication(
        _ id: UUID, as status: ApplicationStatus, role: MembershipRole?, reason: String?, by decidedBy: UUID?
    ) -> SQL {
        """
        UPDATE applications SET status = \(status.rawValue), role = \(role?.rawValue), reason = \(reason),
               decided_by = \(decidedBy), decided_at = now(), version = version + 1
        WHERE id = \(id)
        """
    }

    static func communityApplications(
        in community: UUID, status: ApplicationStatus?, after: UUID?, limit: Int, for caller: Caller
    ) -> SQL {
        let status = status?.rawValue
        return """
            SELECT \(applicationColumns) FROM \(applicationSource)
            WHERE ap.community_id = \(community) AND \(Visibility.personalRequest("ap", caller))
              AND (\(status)::text IS NULL OR ap.status = \(status)) AND \(SQL.keyset("ap.id", after: after))
            ORDER BY ap.id LIMIT \(limit)
            """
    }

    static func member(_ row: Row) throws -> Member {
        let organisation = try (row["organisation_id"] as UUID?).map { id in
            OrganisationSummary(id: id, name: try row["organisation_name"], kind: try row["organisation_kind"])
        }
        return Member(
            community: CommunitySummary(id: try row["community_id"], name: try row["community_name"]),
            account: MemberProfile(
                id: try row["account_id"], displayName: try row["display_name"], email: try row["email"],
                organisation: organisation, country: try row["country"], sector: try row["sector"],
                memberKind: try row["member_kind"], jobTitle: try row["job_title"], expertise: try row["expertise"]),
            role: try row["role"], status: try row["status"], joinedAt: try row["joined_at"],
            expiresAt: try row["expires_at"], commercialInterest: try row["commercial_interest"],
            acceptedNormsVersion: try row["accepted_norms_version"], version: try row["version"])
    }

    static func invitation(_ row: Row) throws -> Invitation {
        Invitation(
            id: try row["id"],
            community: CommunitySummary(id: try row["community_id"], name: try row["community_name"]),
            account: try (row["account_id"] as UUID?).map {
                PersonSummary(id: $0, displayName: try row["account_name"])
            },
            email: try row["email"], inviteeID: try row["invitee_id"],
            role: try row["role"], membershipExpiresAt: try row["membership_expires_at"], message: try row["message"],
            invitedBy: PersonSummary(id: try row["invited_by_id"], displayName: try row["invited_by_name"]),
            status: try row["status"], expiresAt: try row["expires_at"], decidedAt: try row["decided_at"],
            version: try row["version"], createdAt: try row["created_at"])
    }

    static func application(_ row: Row) throws -> MembershipApplication {
        MembershipApplication(
            id: try row["id"],
            community: CommunitySummary(id: try row["community_id"], name: try row["community_name"]),
            account: PersonSummary(id: try row["account_id"], displayName: try row["account_name"]),
            answers: try row["answers"], status: try row["status"], role: try row["role"], reason: try row["reason"],
            decidedBy: try (row["decided_by_id"] as UUID?).map { id in
                PersonSummary(id: id, displayName: try row["decided_by_name"])
            },
            decidedAt: try row["decided_at"], version: try row["version"], createdAt: try row["created_at"])
    }
}

extension MembershipStatus: PostgresTextDecodable {}
extension InvitationStatus: PostgresTextDecodable {}
extension ApplicationStatus: PostgresTextDecodable {}
