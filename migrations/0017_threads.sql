-- Problem threads: a shared problem, the posts that work on it (practice records among them),
-- endorsements, an outcome, moderation, reveals of Chatham House authors, and what people follow.
-- Full-text search reads generated tsvector columns with the 'english' configuration: most members
-- write in English, and "tablet" should find "tablets". Words of other languages are indexed as
-- they are written, so an exact word still finds them.

CREATE TABLE threads (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    -- Set: only the circle's members see the thread.
    circle_id uuid REFERENCES circles (id),
    -- Set: only those who see the meeting see the thread (a meeting's guests included).
    meeting_id uuid REFERENCES meetings (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    problem text NOT NULL DEFAULT '' CHECK (length(problem) <= 20000),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'exploring', 'resolved', 'archived')),
    chatham_house boolean NOT NULL,
    excludes_vendors boolean NOT NULL DEFAULT false,
    locked boolean NOT NULL DEFAULT false,
    outcome_post_id uuid,
    created_by uuid NOT NULL REFERENCES accounts (id),
    post_count integer NOT NULL DEFAULT 0,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', problem), 'B')) STORED,
    -- An archived thread keeps its outcome; a resolved one always has one.
    CHECK (status <> 'resolved' OR outcome_post_id IS NOT NULL)
);
CREATE INDEX threads_community ON threads (community_id, id DESC);
CREATE INDEX threads_search ON threads USING gin (search);

CREATE TABLE thread_themes (
    thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    theme_id uuid NOT NULL REFERENCES themes (id),
    PRIMARY KEY (thread_id, theme_id)
);
CREATE INDEX thread_themes_theme ON thread_themes (theme_id, thread_id);

CREATE TABLE thread_needs (
    thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    need_id uuid NOT NULL REFERENCES needs (id),
    PRIMARY KEY (thread_id, need_id)
);
CREATE INDEX thread_needs_need ON thread_needs (need_id, thread_id);

CREATE TABLE thread_agenda_items (
    thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    agenda_item_id uuid NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, agenda_item_id)
);
CREATE INDEX thread_agenda_items_item ON thread_agenda_items (agenda_item_id, thread_id);

-- A post. Its body is Markdown as sent, never rendered here. A deleted post keeps its row (a
-- tombstone, so replies stay in place) without its words; a hidden one keeps them for its author
-- and the convenors.
CREATE TABLE posts (
    id uuid PRIMARY KEY,
    thread_id uuid NOT NULL REFERENCES threads (id),
    community_id uuid NOT NULL REFERENCES communities (id),
    author_id uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL CHECK (kind IN ('comment', 'question', 'practice', 'risk', 'evidence')),
    body text NOT NULL CHECK (length(body) <= 20000),
    reply_to uuid REFERENCES posts (id),
    on_the_record boolean NOT NULL DEFAULT false,
    revision integer NOT NULL DEFAULT 1,
    deleted_at timestamptz,
    hidden_at timestamptz,
    hidden_reason text,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
    CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL)),
    CHECK (deleted_at IS NULL OR body = '')
);
CREATE INDEX posts_thread ON posts (thread_id, id);
CREATE INDEX posts_author ON posts (author_id);
CREATE INDEX posts_search ON posts USING gin (search);
ALTER TABLE threads ADD FOREIGN KEY (outcome_post_id) REFERENCES posts (id);

-- What a post said before each edit, newest revision last.
CREATE TABLE post_revisions (
    post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    revision integer NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    practice jsonb,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, revision)
);

-- The words a practice record is found by.
CREATE FUNCTION praxis_practice_document(intervention text, negative_impacts text[], missed_risks text[])
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('english', intervention), 'A')
        || setweight(to_tsvector('english', array_to_string(negative_impacts || missed_risks, ' ')), 'B')
$$;

-- What was tried, where, and how it went: on `practice` and `risk` posts.
CREATE TABLE practice_records (
    post_id uuid PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    thread_id uuid NOT NULL REFERENCES threads (id),
    community_id uuid NOT NULL REFERENCES communities (id),
    intervention text NOT NULL CHECK (length(intervention) BETWEEN 1 AND 500),
    context_country text CHECK (context_country ~ '^[A-Z]{2}$'),
    context_level text CHECK (length(context_level) BETWEEN 1 AND 100),
    context_scale text CHECK (context_scale IN ('local', 'regional', 'national', 'international')),
    outcome text NOT NULL CHECK (outcome IN ('positive', 'negative', 'mixed', 'unknown')),
    negative_impacts text[] NOT NULL DEFAULT '{}',
    missed_risks text[] NOT NULL DEFAULT '{}',
    evidence jsonb NOT NULL DEFAULT '[]',
    confidence text NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    review_date date,
    search tsvector GENERATED ALWAYS AS (praxis_practice_document(intervention, negative_impacts, missed_risks)) STORED
);
CREATE INDEX practice_records_community ON practice_records (community_id, post_id DESC);
CREATE INDEX practice_records_search ON practice_records USING gin (search);

-- "This helped" or "we did this too": once per member and post.
CREATE TABLE endorsements (
    -- Pages of endorsements are keyed by this random id, never by who endorsed: a cursor would
    -- name them.
    id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL CHECK (kind IN ('this_helped', 'we_did_this_too')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, account_id)
);
CREATE INDEX endorsements_account ON endorsements (account_id);

-- A member's flag on a post, for the convenors' queue; hiding the post or dismissing the flag
-- resolves it.
CREATE TABLE post_flags (
    id uuid PRIMARY KEY,
    post_id uuid NOT NULL REFERENCES posts (id),
    community_id uuid NOT NULL REFERENCES communities (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'hidden', 'dismissed')),
    resolved_by uuid REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
CREATE INDEX post_flags_community ON post_flags (community_id, status, id);
-- One open flag per member and post.
CREATE UNIQUE INDEX post_flags_open ON post_flags (post_id, account_id) WHERE status = 'open';

-- A convenor's request to learn who wrote a Chatham House post: a second convenor approves it,
-- and the identity is then shown to the requester alone.
CREATE TABLE author_reveals (
    id uuid PRIMARY KEY,
    post_id uuid NOT NULL REFERENCES posts (id),
    community_id uuid NOT NULL REFERENCES communities (id),
    requested_by uuid NOT NULL REFERENCES accounts (id),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    decided_by uuid REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX author_reveals_community ON author_reveals (community_id, status, id);
CREATE INDEX author_reveals_post ON author_reveals (post_id, requested_by);

-- What a person follows: a thread, a theme or a community.
CREATE TABLE subscriptions (
    account_id uuid NOT NULL REFERENCES accounts (id),
    subject_type text NOT NULL CHECK (subject_type IN ('thread', 'theme', 'community')),
    subject_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, subject_type, subject_id)
);
CREATE INDEX subscriptions_subject ON subscriptions (subject_type, subject_id);

-- Whether `account` has a commercial interest in `community` that touches `themes`: a vendor by
-- kind or organisation, an interest a convenor marked, or a declaration naming no theme or one of
-- them.
CREATE FUNCTION praxis_declared_interest(account uuid, community uuid, themes uuid[]) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_variable
BEGIN
    RETURN EXISTS (SELECT 1 FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
                   WHERE a.id = account AND (a.member_kind = 'vendor' OR o.kind = 'vendor'))
        OR EXISTS (SELECT 1 FROM memberships m
                   WHERE m.account_id = account AND m.community_id = community AND m.commercial_interest)
        OR EXISTS (SELECT 1 FROM declarations d
                   WHERE d.account_id = account AND d.withdrawn_at IS NULL
                     AND (d.community_id IS NULL OR d.community_id = community)
                     AND (cardinality(d.theme_ids) = 0 OR d.theme_ids && themes));
END
$$;

-- Search reaches needs too.
ALTER TABLE needs ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')) STORED;
CREATE INDEX needs_search ON needs USING gin (search);
