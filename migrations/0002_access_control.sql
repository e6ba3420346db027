-- Identity and permission: organisations, accounts, sessions, API tokens and the audit log.

CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('government', 'academic', 'practitioner', 'vendor', 'multilateral', 'other')),
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    -- Government bodies only, and required for them.
    sector text CHECK (sector IN ('education', 'finance', 'ict', 'communications', 'planning', 'science_technology', 'other')),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'government') = (sector IS NOT NULL))
);

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    -- Argon2id in PHC format; NULL until the person chooses a password.
    password_hash text,
    organisation_id uuid REFERENCES organisations (id),
    job_title text CHECK (length(job_title) <= 200),
    country text CHECK (country ~ '^[A-Z]{2}$'),
    member_kind text NOT NULL CHECK (member_kind IN ('official', 'scholar', 'practitioner', 'vendor', 'facilitator')),
    expertise text[] NOT NULL DEFAULT '{}',
    locale text NOT NULL DEFAULT 'en',
    time_zone text NOT NULL DEFAULT 'UTC',
    platform_role text NOT NULL DEFAULT 'user' CHECK (platform_role IN ('admin', 'user')),
    can_create_communities boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'suspended', 'deleted')),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique case-insensitively.
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Written at most once a minute; the idle expiry counts from here.
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    user_agent text
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    -- The account the token acts as; an organisation-owned token also names its organisation.
    account_id uuid NOT NULL REFERENCES accounts (id),
    organisation_id uuid REFERENCES organisations (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash text NOT NULL UNIQUE,
    -- The first characters of the secret, so that a person can tell tokens apart.
    token_prefix text NOT NULL,
    scopes text[] NOT NULL,
    community_ids uuid[],
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    -- Set when the token was rotated: its successor. A token is rotated once.
    replaced_by uuid,
    created_by uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- The audit log: append-only, each row chained to the previous one by a SHA-256 hash.
CREATE TABLE audit_events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    target_type text,
    target_id text,
    request_id text,
    details jsonb NOT NULL DEFAULT '{}',
    previous_hash text NOT NULL,
    hash text NOT NULL
);

-- The one definition of a row's hash, used when appending and when verifying.
CREATE FUNCTION audit_event_hash(
    previous_hash text, id uuid, occurred_at timestamptz, actor_id uuid, action text, target_type text,
    target_id text, request_id text, details jsonb
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN encode(sha256(convert_to(jsonb_build_array(
    previous_hash, id, praxis_time(occurred_at), actor_id, action, target_type, target_id, request_id, details
)::text, 'UTF8')), 'hex');

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM praxis_app;

-- Client addresses of audit events, outside the hash, purged after the retention period.
CREATE TABLE audit_event_addresses (
    event_id uuid PRIMARY KEY REFERENCES audit_events (id),
    address text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Failed logins, counted per (email digest, address), per email digest and per address, whether
-- or not an account has that email. Throttled, never locked.
CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    window_start timestamptz NOT NULL,
    blocked_until timestamptz
);

-- One-time tokens a person redeems to choose a password: activation (invited accounts, 72 h)
-- and reset (issued by an admin). Stored only as digests.
CREATE TABLE account_tokens (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    purpose text NOT NULL CHECK (purpose IN ('activation', 'reset')),
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_account ON account_tokens (account_id);
