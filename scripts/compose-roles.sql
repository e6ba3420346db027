-- Run once by the postgres image when docker-compose.yml creates its cluster, as the owner role
-- praxis (POSTGRES_USER) in the database praxis (POSTGRES_DB).
-- The application role: the server connects as it; it owns nothing (migration 0001 grants it
-- rights on rows only).
CREATE ROLE praxis_app LOGIN PASSWORD 'praxis_app';
ALTER SCHEMA public OWNER TO praxis;
