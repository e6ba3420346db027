-- A community's needs newest first are read in id order (UUIDv7 ids are time-ordered): the list
-- walks this index from its last page's id and stops after a page, whatever the community's size.
CREATE INDEX needs_community_id ON needs (community_id, id);
