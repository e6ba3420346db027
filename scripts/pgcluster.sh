#!/usr/bin/env bash
# A private PostgreSQL cluster in a folder, for the run and test commands.
#   scripts/pgcluster.sh init  DIR PORT [throwaway]
#                                         create the cluster, the owner role praxis (CREATEDB),
#                                         the application role praxis_app and the database praxis;
#                                         a throwaway cluster (tests, benchmarks) skips fsync and
#                                         is lost in a crash, any other is durable
#   scripts/pgcluster.sh start DIR PORT   start it (listening on 127.0.0.1:PORT only)
#   scripts/pgcluster.sh stop  DIR        stop it (fast shutdown)
# initdb and postgres refuse to run as root: as root, they run as the postgres user.
set -euo pipefail

command=${1:?usage: pgcluster.sh init|start|stop DIR [PORT]}
dir=${2:?usage: pgcluster.sh init|start|stop DIR [PORT]}
port=${3:-54329}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pgcluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

case "$command" in
  init)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$dir/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
CONF
    if [ "${4:-}" = throwaway ]; then
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$dir/pgdata/postgresql.conf"
    fi
    "$0" start "$dir" "$port"
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE praxis LOGIN CREATEDB;
CREATE ROLE praxis_app LOGIN;
CREATE DATABASE praxis OWNER praxis;
SQL
    psql -h 127.0.0.1 -p "$port" -U postgres -d praxis -q -v ON_ERROR_STOP=1 -c "ALTER SCHEMA public OWNER TO praxis"
    ;;
  start)
    as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 start >/dev/null
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null
    ;;
  *)
    echo "pgcluster: unknown command $command" >&2
    exit 2
    ;;
esac
