import Foundation
import Postgres

/// SQL for sessions and API tokens.
struct CredentialRepository: Sendable {
    /// The caller's account as it is now, with whether its organisation is a vendor.
    static let callerColumns: SQL = """
        a.id AS account_id, a.platform_role, a.member_kind,
        coalesce(o.kind = 'vendor', false) AS organisation_is_vendor, a.can_create_communities
        """

    /// The live session with this digest of its secret, idle for less than `idleLifetime` seconds.
    static func sessionCaller(_ digest: String, idleLifetime: TimeInterval) -> SQL {
        """
        SELECT s.id AS session_id, s.last_seen_at < now() - interval '1 minute' AS needs_touch, \(callerColumns)
        FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE s.token_hash = \(digest) AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(secs => \(idleLifetime)) AND a.status = 'active'
        """
    }
    /// Whether the account's credential (a session or a token) still holds, for work that runs
    /// after the request that started it.
    static func stillValid(_ accountID: UUID, session: UUID?, token: UUID?) -> SQL {
        """
        SELECT 1 FROM accounts a
        WHERE a.id = \(accountID) AND a.status = 'active'
          AND (EXISTS (SELECT 1 FROM sessions s WHERE s.id = \(session) AND s.account_id = a.id AND s.revoked_at IS NULL
                       AND s.expires_at > now())
               OR EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = \(token) AND t.account_id = a.id
                          AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())))
        """
    }
    static func touchSession(_ id: UUID) -> SQL { "UPDATE sessions SET last_seen_at = now() WHERE id = \(id)" }
    /// A session that ends `lifetime` seconds from now, whatever its use.
    static func insertSession(_ id: UUID, account: UUID, digest: String, lifetime: TimeInterval) -> SQL {
        """
        INSERT INTO sessions (id, account_id, token_hash, expires_at)
        VALUES (\(id), \(account), \(digest), now() + make_interval(secs => \(lifetime))) RETURNING expires_at
        """
    }
    static func revokeSession(_ id: UUID) -> SQL {
        "UPDATE sessions SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL"
    }

    static let tokenColumns: SQL = """
        t.id, t.name, t.account_id, t.organisation_id, t.token_prefix, t.scopes, t.community_ids, t.expires_at,
        t.last_used_at, t.revoked_at, t.created_at
        """
    /// The live token with this digest of its secret, and the account it acts as.
    static func tokenCaller(_ digest: String) -> SQL {
        """
        SELECT t.id AS token_id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' AS needs_touch,
               \(callerColumns), t.scopes, t.community_ids, t.expires_at
        FROM api_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE t.token_hash = \(digest) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
          AND a.status = 'active'
        """
    }
    static func touchToken(_ id: UUID) -> SQL { "UPDATE api_tokens SET last_used_at = now() WHERE id = \(id)" }
    /// What a token is stored with: its secret only as a digest, and the prefix that names it.
    struct NewTokenRow {
        var id: UUID
        var accountID: UUID
        var organisationID: UUID?
        var name: String
        var digest: String
        var prefix: String
        var scopes: [String]
        var communityIDs: [UUID]?
        var expiresAt: Date?
        var createdBy: UUID
    }
    static func insertToken(_ token: NewTokenRow) -> SQL {
        """
        INSERT INTO api_tokens AS t (id, account_id, organisation_id, name, token_hash, token_prefix, scopes,
                                     community_ids, expires_at, created_by)
        VALUES (\(token.id), \(token.accountID), \(token.organisationID), \(token.name), \(token.digest),
                \(token.prefix), \(token.scopes), \(token.communityIDs), \(token.expiresAt), \(token.createdBy))
        RETURNING \(tokenColumns)
        """
    }
    static func findToken(_ id: UUID) -> SQL { "SELECT \(tokenColumns) FROM api_tokens t WHERE t.id = \(id)" }
    static func listTokens(of account: UUID, after: UUID?, limit: Int) -> SQL {
        """
        SELECT \(tokenColumns) FROM api_tokens t
        WHERE t.account_id = \(account) AND t.revoked_at IS NULL AND \(SQL.keyset("t.id", after: after))
        ORDER BY t.id LIMIT \(limit)
        """
    }
    /// Ends the admin-scoped tokens of an account that is no longer an admin's.
    static func revokeAdminTokens(of account: UUID) -> SQL {
        """
        UPDATE api_tokens SET revoked_at = now()
        WHERE account_id = \(account) AND 'admin' = ANY (scopes) AND revoked_at IS NULL RETURNING id
        """
    }
    static func revokeToken(_ id: UUID) -> SQL {
        "UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL"
    }

    static func token(_ row: Row) throws -> APIToken {
        APIToken(
            id: try row["id"], name: try row["name"], accountID: try row["account_id"],
            organisationID: try row["organisation_id"], prefix: try row["token_prefix"],
            // A scope this build does not know is left out rather than refusing the token.
            scopes: (try row["scopes"] as [String]).compactMap(Scope.init(rawValue:)),
            communityIDs: try row["community_ids"], expiresAt: try row["expires_at"],
            lastUsedAt: try row["last_used_at"], revokedAt: try row["revoked_at"], createdAt: try row["created_at"])
    }

    /// Reads `callerColumns`. A token's scopes count only as far as the account's rights go now:
    /// the admin scope of an account that is no longer an admin's grants nothing.
    static func caller(_ row: Row, credential: Caller.Credential, scopes: Set<Scope>?, communities: Set<UUID>?)
        throws -> Caller
    {
        let role: PlatformRole = try row["platform_role"]
        return Caller(
            accountID: try row["account_id"], platformRole: role,
            memberKind: try row["member_kind"], organisationIsVendor: try row["organisation_is_vendor"],
            canCreateCommunities: try row["can_create_communities"],
            credential: credential, scopes: role == .admin ? scopes : scopes?.subtracting([.admin]),
            communityIDs: communities)
    }
}
