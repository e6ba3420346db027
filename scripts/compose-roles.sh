#!/bin/sh
# Run once by the postgres image when docker-compose.yml creates its cluster, as the owner role
# praxis (POSTGRES_USER) in the database praxis (POSTGRES_DB). The application role: the server
# connects as it; it owns nothing (migration 0001 grants it rights on rows only). Its password
# comes from PRAXIS_APP_PASSWORD, never from a file in the repository.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=password="$PRAXIS_APP_PASSWORD" <<'SQL'
CREATE ROLE praxis_app LOGIN PASSWORD :'password';
ALTER SCHEMA public OWNER TO praxis;
SQL
