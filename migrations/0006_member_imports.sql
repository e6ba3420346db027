-- Bulk onboarding: a CSV of people imported into a community, in the background past a few hundred rows.

CREATE TABLE member_imports (
    id uuid PRIMARY KEY,
    community_id uuid NOT NULL REFERENCES communities (id),
    -- Who asked for the import; with the community's convenors, the only one who sees it.
    account_id uuid NOT NULL REFERENCES accounts (id),
    dry_run boolean NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    csv text NOT NULL,
    total_rows integer NOT NULL,
    processed_rows integer NOT NULL DEFAULT 0,
    -- Per-row outcomes, without secrets.
    results jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX member_imports_unfinished ON member_imports (updated_at) WHERE status IN ('queued', 'running');
