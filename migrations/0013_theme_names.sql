-- A member's suggestion no longer reserves its name: only active and retired themes (which every
-- member sees) are unique by name, so that a refused name never tells of a suggestion the caller
-- may not see. Accepting a suggestion whose name is taken is refused then.
DROP INDEX themes_live_name;
CREATE UNIQUE INDEX themes_live_name ON themes (community_id, lower(name)) WHERE status IN ('active', 'retired');
