-- The statements GET /v1/me runs per request with an API token: the token's caller
-- (Sources/AccessControl/CredentialRepository.swift), the rate-limit upsert for that token
-- (Sources/App/RateLimiter.swift) and the account (Sources/AccessControl/AccountRepository.swift).
-- :hash is the token's SHA-256, :key its rate-limit key, :account its account id, :interval the
-- emission interval in seconds.
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
       a.id, a.platform_role, a.member_kind, coalesce(o.kind = 'vendor', false), a.can_create_communities, t.scopes, t.community_ids,
       t.expires_at
FROM api_tokens t JOIN accounts a ON a.id = t.account_id LEFT JOIN organisations o ON o.id = a.organisation_id
WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
  AND a.status = 'active';
INSERT INTO rate_limits AS r (key, tat, allowed)
VALUES (:key, now() + make_interval(secs => :interval), true)
ON CONFLICT (key) DO UPDATE SET
    allowed = greatest(r.tat, now()) + make_interval(secs => :interval) <= now() + make_interval(secs => 60),
    tat = CASE WHEN greatest(r.tat, now()) + make_interval(secs => :interval) <= now() + make_interval(secs => 60)
               THEN greatest(r.tat, now()) + make_interval(secs => :interval) ELSE r.tat END
RETURNING allowed, extract(epoch FROM tat - now())::float8;
SELECT a.id, a.email, a.display_name, a.job_title, a.country, a.member_kind, a.expertise, a.locale, a.time_zone,
       a.platform_role, a.can_create_communities, a.status, a.version, a.created_at,
       o.id, o.name, o.kind, o.country, o.sector, o.version, o.created_at
FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = :account::uuid;
