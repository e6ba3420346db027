-- Secrets reach only the person they are for. An activation or reset secret is written to the
-- outbox, in the transaction that issues it, addressed to the account's email; nobody's API
-- answer carries it. Until a sender delivers the outbox, an operator reads it at the command
-- line (`praxis admin outbox`).
CREATE TABLE outbox_messages (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    recipient text NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('activation', 'reset')),
    subject text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'withdrawn')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_queued ON outbox_messages (created_at) WHERE status = 'queued';

-- An invitation by email keeps the address as the convenor typed it: the convenor is told the
-- same whether or not the address has an account.
ALTER TABLE invitations ADD COLUMN email text CHECK (length(email) <= 254);
