import Foundation
import Postgres

/// SQL for sessions and API tokens.
struct CredentialRepository: Sendable {
    /// The caller's account as it is now, with whether its organisation is a vendor.
    static let callerColumns =
        "a.id, a.platform_role, a.member_kind, coalesce(o.kind = 'vendor', false), a.can_create_communities"

    static let sessionCaller = Statement(
        "session_caller",
        """
        SELECT s.id, s.last_seen_at < now() - interval '1 minute', \(callerColumns)
        FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(secs => $2) AND a.status = 'active'
        """)
    /// Whether account $1's credential (session $2 or token $3) still holds, for work that runs
    /// after the request that started it.
    static let stillValid = Statement(
        "credential_still_valid",
        """
        SELECT 1 FROM accounts a
        WHERE a.id = $1 AND a.status = 'active'
          AND (EXISTS (SELECT 1 FROM sessions s WHERE s.id = $2 AND s.account_id = a.id AND s.revoked_at IS NULL
                       AND s.expires_at > now())
               OR EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = $3 AND t.account_id = a.id AND t.revoked_at IS NULL
                          AND (t.expires_at IS NULL OR t.expires_at > now())))
        """)
    static let touchSession = Statement("session_touch", "UPDATE sessions SET last_seen_at = now() WHERE id = $1")
    static let insertSession = Statement(
        "session_insert",
        "INSERT INTO sessions (id, account_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at"
    )
    static let revokeSession = Statement(
        "session_revoke", "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")

    static let tokenColumns = """
        t.id, t.name, t.account_id, t.organisation_id, t.token_prefix, t.scopes, t.community_ids, t.expires_at,
        t.last_used_at, t.revoked_at, t.created_at
        """
    static let tokenCaller = Statement(
        "token_caller",
        """
        SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute', \(callerColumns),
               t.scopes, t.community_ids, t.expires_at
        FROM api_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
          AND a.status = 'active'
        """)
    static let touchToken = Statement("token_touch", "UPDATE api_tokens SET last_used_at = now() WHERE id = $1")
    static let insertToken = Statement(
        "token_insert",
        """
        INSERT INTO api_tokens AS t (id, account_id, organisation_id, name, token_hash, token_prefix, scopes, community_ids,
                                     expires_at, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        RETURNING \(tokenColumns)
        """)
    static let findToken = Statement("token_find", "SELECT \(tokenColumns) FROM api_tokens t WHERE t.id = $1")
    static let listTokens = Statement(
        "token_list",
        """
        SELECT \(tokenColumns) FROM api_tokens t
        WHERE t.account_id = $1 AND t.revoked_at IS NULL AND ($2::uuid IS NULL OR t.id > $2)
        ORDER BY t.id LIMIT $3
        """)
    static let revokeToken = Statement(
        "token_revoke", "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")

    static func token(_ row: Row) throws -> APIToken {
        APIToken(
            id: try row.uuid(0), name: try row.string(1), accountID: try row.uuid(2),
            organisationID: row.isNull(3) ? nil : try row.uuid(3), prefix: try row.string(4),
            scopes: try row.stringArray(5).compactMap(Scope.init(rawValue:)),
            communityIDs: row.isNull(6) ? nil : try row.stringArray(6).compactMap(UUID.init(uuidString:)),
            expiresAt: try row.optionalDate(7), lastUsedAt: try row.optionalDate(8), revokedAt: try row.optionalDate(9),
            createdAt: try row.date(10))
    }

    /// Reads the caller columns that start at `index`.
    static func caller(
        _ row: Row, at index: Int, credential: Caller.Credential, scopes: Set<Scope>?, communities: Set<UUID>?
    )
        throws -> Caller
    {
        Caller(
            accountID: try row.uuid(index),
            platformRole: try row.enumeration(index + 1),
            memberKind: try row.enumeration(index + 2),
            organisationIsVendor: try row.bool(index + 3), canCreateCommunities: try row.bool(index + 4),
            credential: credential, scopes: scopes, communityIDs: communities)
    }
}
