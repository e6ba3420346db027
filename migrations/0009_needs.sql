-- Needs analysis: a community's themes, and its members' needs (challenge statements) with the
-- members who co-sign them.

-- A community's taxonomy of challenge areas. Convenors create themes (active) and accept or
-- decline members' suggestions; a retired theme takes no new links; a merged one points to the
-- theme that took over its links.
CREATE TABLE themes (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    status text NOT NULL CHECK (status IN ('suggested', 'active', 'declined', 'retired', 'merged')),
    merged_into uuid REFERENCES themes (id),
    decline_reason text,
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX themes_community ON themes (community_id, id);
-- Two live themes of one community never share a name (in any case).
CREATE UNIQUE INDEX themes_live_name ON themes (community_id, lower(name))
    WHERE status IN ('suggested', 'active', 'retired');

-- A need: what a member faces, in their words (`self`), as a convenor coded it from their survey
-- answer (`survey`) or recorded it in an intake interview with their consent (`interview`). The
-- author is the member whose need it is; `recorded_by` is who wrote it down.
CREATE TABLE needs (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    circle_id uuid REFERENCES circles (id),
    author_id uuid NOT NULL REFERENCES accounts (id),
    recorded_by uuid NOT NULL REFERENCES accounts (id),
    source text NOT NULL CHECK (source IN ('self', 'survey', 'interview')),
    consent_recorded_at timestamptz,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 5),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'addressed', 'withdrawn')),
    convenor_notes text NOT NULL DEFAULT '' CHECK (length(convenor_notes) <= 10000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (source <> 'interview' OR consent_recorded_at IS NOT NULL)
);
CREATE INDEX needs_community ON needs (community_id, created_at DESC, id DESC);
CREATE INDEX needs_author ON needs (author_id);

CREATE TABLE need_themes (
    need_id uuid NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    theme_id uuid NOT NULL REFERENCES themes (id),
    PRIMARY KEY (need_id, theme_id)
);
CREATE INDEX need_themes_theme ON need_themes (theme_id, need_id);

-- "We face this too": once per member and need.
CREATE TABLE need_cosigns (
    need_id uuid NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (need_id, account_id)
);
CREATE INDEX need_cosigns_account ON need_cosigns (account_id);
