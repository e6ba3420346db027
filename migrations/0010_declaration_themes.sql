-- Declarations of interest name themes, which the needs tables hold: a new declaration may name
-- only active themes of its community (for a declaration in every community, active themes of
-- any community); a changed one (a merge moving its links) active or retired ones. Existing
-- declarations are left as they are.
CREATE FUNCTION praxis_declaration_themes_known() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM unnest(NEW.theme_ids) AS named (id)
        WHERE NOT EXISTS (
            SELECT 1 FROM themes th
            WHERE th.id = named.id
              AND (NEW.community_id IS NULL OR th.community_id = NEW.community_id)
              AND (th.status = 'active' OR (TG_OP = 'UPDATE' AND th.status = 'retired'))))
    THEN
        RAISE EXCEPTION 'a declaration names a theme that is not one of its community''s'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'declarations_theme_ids';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER declarations_theme_ids BEFORE INSERT OR UPDATE OF theme_ids ON declarations
    FOR EACH ROW EXECUTE FUNCTION praxis_declaration_themes_known();
