import Foundation
import Postgres

/// SQL for organisations and accounts.
struct AccountRepository: Sendable {
    static let organisationColumns = "o.id, o.name, o.kind, o.country, o.sector, o.version, o.created_at"
    static let accountColumns = """
        a.id, a.email, a.display_name, a.job_title, a.country, a.member_kind, a.expertise, a.locale, a.time_zone,
        a.platform_role, a.can_create_communities, a.status, a.version, a.created_at, \(organisationColumns),
        a.list_job_title, a.list_expertise
        """

    static let insertOrganisation = Statement(
        "organisation_insert",
        """
        INSERT INTO organisations AS o (id, name, kind, country, sector) VALUES ($1, $2, $3, $4, $5)
        RETURNING \(organisationColumns)
        """)
    static let findOrganisation = Statement(
        "organisation_find", "SELECT \(organisationColumns) FROM organisations o WHERE o.id = $1")
    static let listOrganisations = Statement(
        "organisation_list",
        """
        SELECT \(organisationColumns) FROM organisations o
        WHERE ($1::uuid IS NULL OR o.id > $1) AND ($2::text IS NULL OR o.kind = $2) AND ($3::text IS NULL OR o.country = $3)
        ORDER BY o.id LIMIT $4
        """)

    static let insertAccount = Statement(
        "account_insert",
        """
        INSERT INTO accounts (id, email, display_name, password_hash, organisation_id, job_title, country, member_kind,
                              expertise, locale, time_zone, platform_role, can_create_communities, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        """)
    static let findByEmail = Statement(
        "account_find_by_email", "SELECT id FROM accounts WHERE lower(email) = lower($1)")
    static let updateInvited = Statement(
        "account_update_invited",
        """
        UPDATE accounts SET display_name = $2, member_kind = $3, organisation_id = coalesce($4, organisation_id),
               country = coalesce($5, country), version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'invited'
          AND EXISTS (SELECT 1 FROM invitations i WHERE i.account_id = $1 AND i.community_id = $6)
          AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.account_id = $1 AND i.community_id <> $6)
        RETURNING id
        """)
    static let findAccount = Statement(
        "account_find",
        "SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1"
    )
    static let lockAccount = Statement(
        "account_lock",
        "SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1 FOR UPDATE OF a"
    )
    static let listAccounts = Statement(
        "account_list",
        """
        SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE ($1::uuid IS NULL OR a.id > $1) AND ($2::text IS NULL OR a.status = $2) AND ($3::text IS NULL OR a.member_kind = $3)
        ORDER BY a.id LIMIT $4
        """)
    static let updateAccount = Statement(
        "account_update",
        """
        UPDATE accounts SET display_name = $2, organisation_id = $3, job_title = $4, country = $5, member_kind = $6,
               expertise = $7, locale = $8, time_zone = $9, platform_role = $10, can_create_communities = $11,
               status = $12, version = version + 1, updated_at = now()
        WHERE id = $1
        """)
    static let passwordOf = Statement(
        "account_password",
        "SELECT id, password_hash, status FROM accounts WHERE lower(email) = lower($1)")
    static let setPassword = Statement(
        "account_set_password", "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1")

    static func organisation(_ row: Row, from start: Int) throws -> Organisation? {
        guard !row.isNull(start) else { return nil }
        return Organisation(
            id: try row.uuid(start), name: try row.string(start + 1),
            kind: try row.enumeration(start + 2), country: try row.string(start + 3),
            sector: try row.optionalEnumeration(start + 4),
            version: try row.int64(start + 5), createdAt: try row.date(start + 6))
    }

    static func account(_ row: Row) throws -> Account {
        Account(
            id: try row.uuid(0), email: try row.string(1), displayName: try row.string(2),
            organisation: try organisation(row, from: 14), jobTitle: row.optionalString(3),
            country: row.optionalString(4),
            memberKind: try row.enumeration(5), expertise: try row.stringArray(6), listJobTitle: try row.bool(21),
            listExpertise: try row.bool(22), locale: try row.string(7),
            timeZone: try row.string(8), platformRole: try row.enumeration(9), canCreateCommunities: try row.bool(10),
            status: try row.enumeration(11), version: try row.int64(12), createdAt: try row.date(13))
    }
}
