-- Who vouches for a person's member kind and organisation. A platform admin who creates an
-- account, changes its kind or organisation, or verifies it vouches for them (`verified_at`,
-- `verified_by`); a convenor who invites an address with no account does not: that account's
-- kind and organisation count only in the community that asserted them (`asserted_in`) until an
-- admin verifies them. Government-only circles admit verified officials only.
ALTER TABLE accounts
    ADD COLUMN verified_at timestamptz,
    ADD COLUMN verified_by uuid REFERENCES accounts (id),
    ADD COLUMN asserted_in uuid REFERENCES communities (id);

-- Accounts a convenor's invitation created (recorded as created by someone who was not a
-- platform admin) stay unverified, asserted in the community of their first invitation; every
-- other account was made by an admin or at the command line, and counts as verified since then.
WITH convenor_made AS (
    SELECT a.id, (SELECT i.community_id FROM invitations i WHERE i.account_id = a.id ORDER BY i.created_at LIMIT 1) AS community
    FROM accounts a
    WHERE EXISTS (SELECT 1 FROM audit_events e JOIN accounts actor ON actor.id = e.actor_id
                  WHERE e.action = 'account.created' AND e.target_id = a.id::text AND actor.platform_role <> 'admin'))
UPDATE accounts SET asserted_in = convenor_made.community FROM convenor_made WHERE accounts.id = convenor_made.id;
UPDATE accounts SET verified_at = created_at WHERE asserted_in IS NULL;

CREATE OR REPLACE FUNCTION praxis_circle_eligible(account uuid, circle uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM circles ci
        JOIN memberships m ON m.community_id = ci.community_id AND m.account_id = account AND m.status = 'active'
                          AND m.role <> 'guest'
        JOIN accounts a ON a.id = account
        WHERE ci.id = circle
          AND (NOT ci.government_only OR (a.member_kind = 'official' AND a.verified_at IS NOT NULL))
          AND (NOT (ci.government_only OR ci.excludes_vendors) OR NOT praxis_commercial_interest(account, ci.community_id)))
$$;
