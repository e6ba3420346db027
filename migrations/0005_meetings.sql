-- Meetings with rules stated before anyone joins, RSVPs, attendance and breakout groups.

CREATE TABLE meetings (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    -- Set: only the circle's members see the meeting.
    circle_id uuid REFERENCES circles (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    time_zone text NOT NULL,
    recording text NOT NULL CHECK (recording IN ('off', 'with_consent', 'on')),
    observers_allowed boolean NOT NULL,
    chatham_house boolean NOT NULL,
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_community ON meetings (community_id, starts_at, id);

-- Guests (invited experts) see only the meetings they are invited to.
CREATE TABLE meeting_guests (
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    invited_by uuid NOT NULL REFERENCES accounts (id),
    invited_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, account_id)
);

CREATE TABLE meeting_rsvps (
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    response text NOT NULL CHECK (response IN ('yes', 'no', 'maybe')),
    -- Asked only where recording needs consent; NULL: not answered.
    recording_consent boolean,
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, account_id)
);

CREATE TABLE meeting_attendance (
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    marked_by uuid NOT NULL REFERENCES accounts (id),
    marked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, account_id)
);

CREATE TABLE breakout_groups (
    id uuid PRIMARY KEY,
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_by uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX breakout_groups_meeting ON breakout_groups (meeting_id, id);

CREATE TABLE breakout_members (
    group_id uuid NOT NULL REFERENCES breakout_groups (id) ON DELETE CASCADE,
    meeting_id uuid NOT NULL REFERENCES meetings (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (group_id, account_id),
    -- One group per person per meeting.
    UNIQUE (meeting_id, account_id)
);
