-- The needs analysis is read far more often than what it counts changes. Every change to what
-- it counts moves a version, so a server may keep an analysis it computed until the version
-- moves (or a minute passes: its windows follow the clock). A version is per community, and
-- `people` covers what is shared by every community: members' countries and organisations, and
-- organisations' sectors, countries and kinds. The versions change in the transaction that makes
-- the change, so nobody reads a new version before the data it stands for.
CREATE TABLE analysis_versions (
    scope text PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION praxis_analysis_bump(scopes text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO analysis_versions (scope, version)
    SELECT DISTINCT scope, 1 FROM unnest(scopes) AS scope WHERE scope IS NOT NULL ORDER BY scope
    ON CONFLICT (scope) DO UPDATE SET version = analysis_versions.version + 1
$$;

-- One statement-level trigger per table and event, each naming its rows `changed` (inserted or
-- updated rows as they became, deleted rows as they were). A row's community (or its need's or
-- agenda item's) never changes, so the new rows of an update name the same communities as the old.
CREATE FUNCTION praxis_analysis_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME IN ('needs', 'themes', 'agenda_items') THEN
        PERFORM praxis_analysis_bump(ARRAY(SELECT community_id::text FROM changed));
    ELSIF TG_TABLE_NAME IN ('need_themes', 'need_cosigns') THEN
        PERFORM praxis_analysis_bump(ARRAY(
            SELECT n.community_id::text FROM changed c JOIN needs n ON n.id = c.need_id));
    ELSE
        PERFORM praxis_analysis_bump(ARRAY(
            SELECT ag.community_id::text FROM changed c JOIN agenda_items ag ON ag.id = c.agenda_item_id));
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    counted text;
BEGIN
    FOREACH counted IN ARRAY ARRAY['needs', 'need_themes', 'need_cosigns', 'themes', 'agenda_items', 'agenda_item_needs']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION praxis_analysis_changed()', counted || '_analysis_insert', counted);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION praxis_analysis_changed()', counted || '_analysis_update', counted);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION praxis_analysis_changed()', counted || '_analysis_delete', counted);
    END LOOP;
END
$$;

CREATE FUNCTION praxis_analysis_people_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM praxis_analysis_bump(ARRAY['people']);
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_analysis AFTER UPDATE OF country, organisation_id ON accounts FOR EACH ROW
    WHEN (OLD.country IS DISTINCT FROM NEW.country OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION praxis_analysis_people_changed();
CREATE TRIGGER organisations_analysis AFTER UPDATE OF sector, country, kind ON organisations FOR EACH ROW
    WHEN (OLD.sector IS DISTINCT FROM NEW.sector OR OLD.country IS DISTINCT FROM NEW.country
          OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION praxis_analysis_people_changed();
