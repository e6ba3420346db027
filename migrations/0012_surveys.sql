-- Intake surveys: ordered questions, an open/close window, one response per member (editable
-- while open), answers kept as JSON values checked against their question, and the coding of a
-- free-text answer into a need (in the respondent's name) or a theme.
CREATE TABLE surveys (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    circle_id uuid REFERENCES circles (id),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    created_by uuid NOT NULL REFERENCES accounts (id),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
);
CREATE INDEX surveys_community ON surveys (community_id, id);

CREATE TABLE survey_questions (
    id uuid PRIMARY KEY,
    survey_id uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('text', 'single_choice', 'multi_choice', 'scale', 'theme_pick')),
    prompt text NOT NULL CHECK (length(prompt) BETWEEN 1 AND 500),
    options text[] NOT NULL DEFAULT '{}',
    required boolean NOT NULL DEFAULT false,
    UNIQUE (survey_id, position)
);

CREATE TABLE survey_responses (
    id uuid PRIMARY KEY,
    survey_id uuid NOT NULL REFERENCES surveys (id),
    account_id uuid NOT NULL REFERENCES accounts (id),
    -- The respondent lets convenors read their free-text answers, in their name.
    quote_consent boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (survey_id, account_id)
);

CREATE TABLE survey_answers (
    id uuid PRIMARY KEY,
    response_id uuid NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id uuid NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    value jsonb NOT NULL,
    coded_need_id uuid REFERENCES needs (id),
    coded_theme_id uuid REFERENCES themes (id),
    UNIQUE (response_id, question_id)
);
CREATE INDEX survey_answers_question ON survey_answers (question_id);
