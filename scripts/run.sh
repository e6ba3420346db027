#!/usr/bin/env bash
# Runs the server: installs what is missing, builds in release mode, starts a private PostgreSQL
# cluster under ./.data unless DATABASE_URL is set, migrates, and serves on 127.0.0.1:8080
# (HOST and PORT override). Ctrl-C stops the server; `scripts/pgcluster.sh stop .data` stops
# the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-system.sh curl jq   # and what examples/ uses
swift build -c release --product praxis

if [ -z "${DATABASE_URL:-}" ]; then
  data=$(pwd)/.data
  pgport=${PRAXIS_PG_PORT:-54329}
  if [ "$(id -u)" = 0 ] && ! su postgres -s /bin/sh -c "test -x '$(pwd)'"; then
    echo "run: the postgres user cannot reach $(pwd); move the project to a folder it can read, or set DATABASE_URL" >&2
    exit 1
  fi
  if [ ! -d "$data/pgdata" ]; then
    scripts/pgcluster.sh init "$data" "$pgport"
  elif ! pg_isready -q -h 127.0.0.1 -p "$pgport"; then
    scripts/pgcluster.sh start "$data" "$pgport"
  fi
  export DATABASE_URL="postgresql://praxis_app@127.0.0.1:$pgport/praxis"
  export MIGRATION_DATABASE_URL="postgresql://praxis@127.0.0.1:$pgport/praxis"
fi

export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8080}
exec .build/release/praxis serve --migrate
