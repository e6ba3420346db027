import Foundation
import Postgres

/// SQL for organisations and accounts.
struct AccountRepository: Sendable {
    /// Named apart from the account's own columns, which sit beside them in an account's row.
    static let organisationColumns: SQL = """
        o.id AS organisation_id, o.name AS organisation_name, o.kind AS organisation_kind,
        o.country AS organisation_country, o.sector AS organisation_sector, o.version AS organisation_version,
        o.created_at AS organisation_created_at
        """
    static let accountColumns: SQL = """
        a.id, a.email, a.display_name, a.job_title, a.country, a.member_kind, a.expertise, a.locale, a.time_zone,
        a.platform_role, a.can_create_communities, a.status, a.verified_at, a.verified_by, a.version, a.created_at,
        \(organisationColumns),
        a.list_job_title, a.list_expertise, a.digest
        """

    static func insertOrganisation(_ id: UUID, _ input: NewOrganisation) -> SQL {
        """
        INSERT INTO organisations AS o (id, name, kind, country, sector)
        VALUES (\(id), \(input.name), \(input.kind.rawValue), \(input.country), \(input.sector?.rawValue))
        RETURNING \(organisationColumns)
        """
    }
    static func findOrganisation(_ id: UUID) -> SQL {
        "SELECT \(organisationColumns) FROM organisations o WHERE o.id = \(id)"
    }
    static func listOrganisations(kind: OrganisationKind?, country: String?, after: UUID?, limit: Int) -> SQL {
        let kind = kind?.rawValue
        return """
            SELECT \(organisationColumns) FROM organisations o
            WHERE \(SQL.keyset("o.id", after: after)) AND (\(kind)::text IS NULL OR o.kind = \(kind))
              AND (\(country)::text IS NULL OR o.country = \(country))
            ORDER BY o.id LIMIT \(limit)
            """
    }

    /// A new account; `hash` nil leaves it without a password.
    /// Who vouches for a new account's kind and organisation.
    enum Vouching {
        /// A platform admin, through the API.
        case admin(UUID)
        /// An operator at the command line.
        case `operator`
        /// A convenor inviting an unknown address: it counts in their community only.
        case convenor(community: UUID)
    }

    static func insertAccount(
        _ id: UUID, email: String, displayName: String, hash: String?, organisationID: UUID?, jobTitle: String?,
        country: String?, memberKind: MemberKind, expertise: [String], locale: String, timeZone: String,
        platformRole: PlatformRole, canCreateCommunities: Bool, status: AccountStatus, vouching: Vouching
    ) -> SQL {
        let (verified, verifiedBy, assertedIn): (Bool, UUID?, UUID?) =
            switch vouching {
            case .admin(let admin): (true, admin, nil)
            case .operator: (true, nil, nil)
            case .convenor(let community): (false, nil, community)
            }
        return """
            INSERT INTO accounts (id, email, display_name, password_hash, organisation_id, job_title, country,
                                  member_kind, expertise, locale, time_zone, platform_role, can_create_communities,
                                  status, verified_at, verified_by, asserted_in)
            VALUES (\(id), \(email), \(displayName), \(hash), \(organisationID), \(jobTitle), \(country),
                    \(memberKind.rawValue), \(expertise), \(locale), \(timeZone), \(platformRole.rawValue),
                    \(canCreateCommunities), \(status.rawValue), CASE WHEN \(verified) THEN now() END, \(verifiedBy),
                    \(assertedIn))
            """
    }
    static func findByEmail(_ email: String) -> SQL {
        "SELECT id, status FROM accounts WHERE lower(email) = \(EmailAddress.normalized(email))"
    }
    static func findAccount(_ id: UUID) -> SQL {
        """
        SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE a.id = \(id)
        """
    }
    static func lockAccount(_ id: UUID) -> SQL {
        """
        SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE a.id = \(id) FOR UPDATE OF a
        """
    }
    static func listAccounts(status: AccountStatus?, memberKind: MemberKind?, after: UUID?, limit: Int) -> SQL {
        let status = status?.rawValue
        let memberKind = memberKind?.rawValue
        return """
            SELECT \(accountColumns) FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
            WHERE \(SQL.keyset("a.id", after: after)) AND (\(status)::text IS NULL OR a.status = \(status))
              AND (\(memberKind)::text IS NULL OR a.member_kind = \(memberKind))
            ORDER BY a.id LIMIT \(limit)
            """
    }
    /// Writes back every field an admin may change.
    static func updateAccount(_ account: Account, organisationID: UUID?) -> SQL {
        """
        UPDATE accounts SET display_name = \(account.displayName), organisation_id = \(organisationID),
               job_title = \(account.jobTitle), country = \(account.country),
               member_kind = \(account.memberKind.rawValue), expertise = \(account.expertise),
               locale = \(account.locale), time_zone = \(account.timeZone),
               platform_role = \(account.platformRole.rawValue),
               can_create_communities = \(account.canCreateCommunities), status = \(account.status.rawValue),
               version = version + 1, updated_at = now()
        WHERE id = \(account.id)
        """
    }
    /// A platform admin vouches for the account's member kind and organisation as they are now.
    static func verify(_ account: UUID, by admin: UUID) -> SQL {
        """
        UPDATE accounts SET verified_at = now(), verified_by = \(admin), asserted_in = NULL, version = version + 1,
               updated_at = now()
        WHERE id = \(account)
        """
    }
    /// `email` as `EmailAddress.normalized` gives it.
    static func passwordOf(_ email: String) -> SQL {
        "SELECT id, password_hash, status FROM accounts WHERE lower(email) = \(email)"
    }
    /// nil clears the password.
    static func setPassword(_ id: UUID, _ hash: String?) -> SQL {
        "UPDATE accounts SET password_hash = \(hash), updated_at = now() WHERE id = \(id)"
    }

    /// The organisation of a row with `organisationColumns`; nil when its id is NULL (an account without one).
    static func organisation(_ row: Row) throws -> Organisation? {
        guard let id: UUID = try row["organisation_id"] else { return nil }
        return Organisation(
            id: id, name: try row["organisation_name"], kind: try row["organisation_kind"],
            country: try row["organisation_country"], sector: try row["organisation_sector"],
            version: try row["organisation_version"], createdAt: try row["organisation_created_at"])
    }

    /// An organisation the statement returned; it always has an id.
    static func requiredOrganisation(_ row: Row) throws -> Organisation {
        guard let organisation = try organisation(row) else {
            throw RowDecodingError.unexpectedNull(column: "organisation_id")
        }
        return organisation
    }

    static func account(_ row: Row) throws -> Account {
        Account(
            id: try row["id"], email: try row["email"], displayName: try row["display_name"],
            organisation: try organisation(row), jobTitle: try row["job_title"], country: try row["country"],
            memberKind: try row["member_kind"], expertise: try row["expertise"],
            listJobTitle: try row["list_job_title"], listExpertise: try row["list_expertise"],
            locale: try row["locale"], timeZone: try row["time_zone"], digest: try row["digest"],
            platformRole: try row["platform_role"],
            canCreateCommunities: try row["can_create_communities"], status: try row["status"],
            verifiedAt: try row["verified_at"], verifiedBy: try row["verified_by"],
            version: try row["version"], createdAt: try row["created_at"])
    }
}

// Stored as their raw values.
extension MemberKind: PostgresTextDecodable {}
extension PlatformRole: PostgresTextDecodable {}
extension AccountStatus: PostgresTextDecodable {}
extension DigestFrequency: PostgresTextDecodable {}
extension OrganisationKind: PostgresTextDecodable {}
extension Sector: PostgresTextDecodable {}
