-- Email that reaches people. An outbox row is written in the transaction of the change that
-- needs it and names a template, the locale to write it in and the values it needs; a sender in
-- every server instance claims due rows (FOR UPDATE SKIP LOCKED, then a short lease), writes the
-- message at that moment and records what the SMTP server said. A secret among the values lives
-- only until the row leaves the queue.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_purpose_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_purpose_check
    CHECK (purpose IN ('activation', 'reset', 'invitation', 'approval', 'digest'));
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'withdrawn', 'suppressed'));
ALTER TABLE outbox_messages
    ADD COLUMN locale text NOT NULL DEFAULT 'en',
    ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN claimed_until timestamptz,
    ADD COLUMN last_error text,
    ADD COLUMN finished_at timestamptz,
    -- The digest's one-click unsubscribe (RFC 8058): its token, kept as a digest.
    ADD COLUMN unsubscribe_token_hash text UNIQUE;

-- Messages written before templates carry their token in the body: it moves to the values.
UPDATE outbox_messages m
SET parameters = jsonb_build_object('token', substring(m.body FROM 'pra_[0-9A-Za-z]+'),
                                    'expires_at', to_jsonb(t.expires_at))
FROM account_tokens t
WHERE m.status = 'queued' AND t.account_id = m.account_id
  AND t.token_hash = encode(sha256(convert_to(substring(m.body FROM 'pra_[0-9A-Za-z]+'), 'UTF8')), 'hex');
UPDATE outbox_messages SET status = 'withdrawn', finished_at = now() WHERE status = 'queued' AND parameters = '{}';
UPDATE outbox_messages SET finished_at = created_at WHERE status <> 'queued';
ALTER TABLE outbox_messages DROP COLUMN subject, DROP COLUMN body;

DROP INDEX outbox_messages_queued;
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_messages_recipient ON outbox_messages (lower(recipient), created_at);

-- Addresses not to mail: an admin's decision or the server's permanent refusal, with why.
CREATE TABLE email_suppressions (
    id uuid PRIMARY KEY,
    address text NOT NULL CHECK (address = lower(address) AND length(address) <= 254),
    source text NOT NULL CHECK (source IN ('admin', 'bounce')),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_by uuid REFERENCES accounts (id),
    message_id uuid REFERENCES outbox_messages (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_suppressions_address ON email_suppressions (address);

-- Digests of unread notifications, chosen by each person.
ALTER TABLE accounts
    ADD COLUMN digest text NOT NULL DEFAULT 'weekly' CHECK (digest IN ('off', 'daily', 'weekly')),
    ADD COLUMN digest_sent_at timestamptz;

-- An invitation by email can be declined from the message, without an account.
ALTER TABLE invitations ADD COLUMN decline_token_hash text UNIQUE;
