-- Notifications, one store for every domain: a person is told of something that concerns them;
-- whether they may still see it is checked again whenever they read it.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    kind text NOT NULL,
    subject_type text NOT NULL,
    subject_id uuid NOT NULL,
    community_id uuid REFERENCES communities (id),
    summary jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX notifications_account ON notifications (account_id, id DESC);

-- A community's agenda, from needs to a meeting or the programme, with its history.
CREATE TABLE agenda_items (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    meeting_id uuid REFERENCES meetings (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    position integer NOT NULL DEFAULT 0,
    starts_at timestamptz,
    ends_at timestamptz,
    presenter_id uuid REFERENCES accounts (id),
    status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'scheduled', 'done', 'dropped')),
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX agenda_items_community ON agenda_items (community_id, position, id);

CREATE TABLE agenda_item_needs (
    agenda_item_id uuid NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    need_id uuid NOT NULL REFERENCES needs (id),
    PRIMARY KEY (agenda_item_id, need_id)
);
CREATE INDEX agenda_item_needs_need ON agenda_item_needs (need_id);

-- Every change of an item: who, when, and the fields as they became.
CREATE TABLE agenda_item_events (
    id uuid PRIMARY KEY,
    agenda_item_id uuid NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    change text NOT NULL CHECK (change IN ('created', 'updated')),
    fields jsonb NOT NULL,
    actor_id uuid NOT NULL REFERENCES accounts (id),
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agenda_item_events_item ON agenda_item_events (agenda_item_id, id);
