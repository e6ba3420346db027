-- The foundation: the application role's rights, the one time format, and the tables behind
-- rate limiting and idempotency keys.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'praxis_app') THEN
        RAISE EXCEPTION 'the application role praxis_app does not exist; create it first (see README, "Database roles")';
    END IF;
END
$$;

-- The server connects as praxis_app, which owns nothing: it reads and writes rows, no DDL.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO praxis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO praxis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO praxis_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO praxis_app;
GRANT SELECT ON schema_migrations TO praxis_app;

-- The one time format of every response, for JSON built in SQL: RFC 3339, UTC, milliseconds, Z.
CREATE FUNCTION praxis_time(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

-- GCRA state per caller: the theoretical arrival time of the next request.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL,
    allowed boolean NOT NULL
);

-- One row per (caller, method, path, key), hashed into `scope`; kept 24 hours.
CREATE TABLE idempotency_keys (
    scope text PRIMARY KEY,
    request_hash text NOT NULL,
    -- false when the first response carried a secret: it is not stored and not replayed.
    replayable boolean NOT NULL,
    status integer NOT NULL,
    headers jsonb NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
