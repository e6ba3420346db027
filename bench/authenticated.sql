-- The statements GET /v1/me runs per request with an API token: the token's caller
-- (Sources/AccessControl/CredentialRepository.swift) and the account
-- (Sources/AccessControl/AccountRepository.swift); the rate limit is kept in memory.
-- :hash is the token's SHA-256, :account its account id.
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
       a.id, a.platform_role, a.member_kind, coalesce(o.kind = 'vendor', false), a.can_create_communities, t.scopes, t.community_ids,
       t.expires_at
FROM api_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
  AND a.status = 'active';
SELECT a.id, a.email, a.display_name, a.job_title, a.country, a.member_kind, a.expertise, a.locale, a.time_zone,
       a.platform_role, a.can_create_communities, a.status, a.version, a.created_at,
       o.id, o.name, o.kind, o.country, o.sector, o.version, o.created_at
FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = :account::uuid;
