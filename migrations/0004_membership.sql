-- Membership: norms, invitations, applications, circles of trust and declarations of interest.

-- Guests (invited experts) are members until a moment; a convenor can mark a commercial interest.
ALTER TABLE memberships
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN commercial_interest boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT memberships_guest_expiry CHECK ((role = 'guest') = (expires_at IS NOT NULL));
CREATE INDEX memberships_directory ON memberships (community_id, account_id) WHERE status = 'active';

-- Whether the directory lists a member's job title and expertise is the member's choice.
ALTER TABLE accounts
    ADD COLUMN list_job_title boolean NOT NULL DEFAULT true,
    ADD COLUMN list_expertise boolean NOT NULL DEFAULT true;

-- The charter of a community, one row per published version; the community names its current one.
CREATE TABLE norm_versions (
    community_id uuid NOT NULL REFERENCES communities (id),
    version integer NOT NULL CHECK (version >= 1),
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    published_by uuid NOT NULL REFERENCES accounts (id),
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, version)
);
ALTER TABLE communities ADD COLUMN norms_version integer;

CREATE TABLE norm_acceptances (
    community_id uuid NOT NULL,
    version integer NOT NULL,
    account_id uuid NOT NULL REFERENCES accounts (id),
    accepted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, version, account_id),
    FOREIGN KEY (community_id, version) REFERENCES norm_versions (community_id, version)
);

CREATE TABLE norm_amendments (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    -- The version the amendment was written against, and the text it proposes instead.
    base_version integer NOT NULL,
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    rationale text NOT NULL DEFAULT '' CHECK (length(rationale) <= 5000),
    proposed_by uuid NOT NULL REFERENCES accounts (id),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'adopted', 'declined')),
    decision_reason text CHECK (length(decision_reason) <= 5000),
    decided_by uuid REFERENCES accounts (id),
    decided_at timestamptz,
    adopted_version integer,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (community_id, base_version) REFERENCES norm_versions (community_id, version)
);
CREATE INDEX norm_amendments_community ON norm_amendments (community_id, id);

CREATE TABLE amendment_endorsements (
    amendment_id uuid NOT NULL REFERENCES norm_amendments (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    endorsed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (amendment_id, account_id)
);

CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    role text NOT NULL CHECK (role IN ('convenor', 'member', 'observer', 'guest')),
    -- For guests: when their membership ends.
    membership_expires_at timestamptz,
    message text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
    invited_by uuid NOT NULL REFERENCES accounts (id),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    expires_at timestamptz NOT NULL,
    decided_at timestamptz,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'guest') = (membership_expires_at IS NOT NULL))
);
-- One open invitation per person and community.
CREATE UNIQUE INDEX invitations_pending ON invitations (community_id, account_id) WHERE status = 'pending';
CREATE INDEX invitations_account ON invitations (account_id, id);
CREATE INDEX invitations_community ON invitations (community_id, id);

CREATE TABLE applications (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    answers jsonb NOT NULL,
    status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'approved', 'rejected', 'withdrawn')),
    role text CHECK (role IN ('member', 'observer')),
    reason text CHECK (length(reason) <= 2000),
    decided_by uuid REFERENCES accounts (id),
    decided_at timestamptz,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- One open application per person and community.
CREATE UNIQUE INDEX applications_open ON applications (community_id, account_id) WHERE status = 'applied';
CREATE INDEX applications_community ON applications (community_id, id);
CREATE INDEX applications_account ON applications (account_id, id);

CREATE TABLE circles (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    government_only boolean NOT NULL DEFAULT false,
    excludes_vendors boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX circles_community ON circles (community_id, id);

CREATE TABLE circle_members (
    circle_id uuid NOT NULL REFERENCES circles (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    added_by uuid NOT NULL REFERENCES accounts (id),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (circle_id, account_id)
);
CREATE INDEX circle_members_account ON circle_members (account_id);

-- Who was added to or removed from a circle, when and by whom; readable by its members.
CREATE TABLE circle_member_events (
    id uuid PRIMARY KEY,
    circle_id uuid NOT NULL REFERENCES circles (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    change text NOT NULL CHECK (change IN ('added', 'removed')),
    actor_id uuid NOT NULL REFERENCES accounts (id),
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX circle_member_events_circle ON circle_member_events (circle_id, id);

CREATE TABLE declarations (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    -- NULL: the interest holds in every community.
    community_id uuid REFERENCES communities (id),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    theme_ids uuid[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz
);
CREATE INDEX declarations_account ON declarations (account_id, id);

-- Whether an account has a commercial interest in a community, as it is now: a vendor by kind or
-- by organisation, an interest declared (for this community or all), or one a convenor marked.
CREATE FUNCTION praxis_commercial_interest(account uuid, community uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
                   WHERE a.id = account AND (a.member_kind = 'vendor' OR o.kind = 'vendor'))
        OR EXISTS (SELECT 1 FROM declarations d
                   WHERE d.account_id = account AND d.withdrawn_at IS NULL
                     AND (d.community_id IS NULL OR d.community_id = community))
        OR EXISTS (SELECT 1 FROM memberships m
                   WHERE m.account_id = account AND m.community_id = community AND m.commercial_interest)
$$;

-- Whether an account may be in a circle, as it is now: an active member of the community (guests see
-- only what they were invited to); for a government-only circle an official without a commercial
-- interest; for one that excludes vendors, anyone without a commercial interest.
CREATE FUNCTION praxis_circle_eligible(account uuid, circle uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM circles ci
        JOIN memberships m ON m.community_id = ci.community_id AND m.account_id = account AND m.status = 'active'
                          AND m.role <> 'guest'
        JOIN accounts a ON a.id = account
        WHERE ci.id = circle
          AND (NOT ci.government_only OR a.member_kind = 'official')
          AND (NOT (ci.government_only OR ci.excludes_vendors) OR NOT praxis_commercial_interest(account, ci.community_id)))
$$;
