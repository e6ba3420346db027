-- Communities and who belongs to them.

CREATE TABLE communities (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 5000),
    visibility text NOT NULL CHECK (visibility IN ('listed', 'unlisted')),
    join_policy text NOT NULL CHECK (join_policy IN ('invite_only', 'apply')),
    criteria text NOT NULL DEFAULT '' CHECK (length(criteria) <= 5000),
    allowed_member_kinds text[] NOT NULL,
    observers_allowed boolean NOT NULL DEFAULT false,
    observer_history text NOT NULL DEFAULT 'since_joined' CHECK (observer_history IN ('since_joined', 'all')),
    chatham_house boolean NOT NULL DEFAULT false,
    recording_policy text NOT NULL DEFAULT 'never' CHECK (recording_policy IN ('never', 'with_consent', 'always')),
    min_cell_size integer NOT NULL DEFAULT 3 CHECK (min_cell_size >= 3),
    needs_visible_to_vendors boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    community_id uuid NOT NULL REFERENCES communities (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    role text NOT NULL CHECK (role IN ('convenor', 'member', 'observer', 'guest')),
    status text NOT NULL CHECK (status IN ('active', 'suspended', 'left')),
    joined_at timestamptz NOT NULL DEFAULT now(),
    version bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id) WHERE status = 'active';
