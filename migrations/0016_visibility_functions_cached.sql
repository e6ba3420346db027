-- The two visibility functions every needs and circle read calls, as PL/pgSQL: a SQL function
-- whose body holds sub-selects is not inlined, and is planned anew on every execution of the
-- statement that calls it (measured: 0.6 ms of a 1.2 ms statement); PL/pgSQL keeps its plans for
-- the session. Same rules as before (0004, 0008).
CREATE OR REPLACE FUNCTION praxis_commercial_interest(account uuid, community uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_variable
BEGIN
    RETURN EXISTS (SELECT 1 FROM accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
                   WHERE a.id = account AND (a.member_kind = 'vendor' OR o.kind = 'vendor'))
        OR EXISTS (SELECT 1 FROM declarations d
                   WHERE d.account_id = account AND d.withdrawn_at IS NULL
                     AND (d.community_id IS NULL OR d.community_id = community))
        OR EXISTS (SELECT 1 FROM memberships m
                   WHERE m.account_id = account AND m.community_id = community AND m.commercial_interest);
END
$$;

CREATE OR REPLACE FUNCTION praxis_circle_eligible(account uuid, circle uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_variable
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM circles ci
        JOIN memberships m ON m.community_id = ci.community_id AND m.account_id = account AND m.status = 'active'
                          AND m.role <> 'guest'
        JOIN accounts a ON a.id = account
        WHERE ci.id = circle
          AND (NOT ci.government_only OR (a.member_kind = 'official' AND a.verified_at IS NOT NULL))
          AND (NOT (ci.government_only OR ci.excludes_vendors) OR NOT praxis_commercial_interest(account, ci.community_id)));
END
$$;
