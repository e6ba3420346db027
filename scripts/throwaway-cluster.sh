# Sourced by scripts/test.sh and bench/run.sh: a PostgreSQL cluster in a temp folder, and a
# server process, both ended (and the folder removed) when the script exits, failed or not.
# Sets: tmp (the folder), pgport, owner_url, app_url; server_pid is the caller's to set, and
# background_pids (more processes to end) the caller's to add to.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tmp=$(mktemp -d "/tmp/praxis-${1:-run}.XXXXXX")
chmod 755 "$tmp"   # the postgres user must reach the cluster folder when we run as root
server_pid=""
background_pids=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  for pid in $background_pids; do kill "$pid" 2>/dev/null || true; done
  scripts/pgcluster.sh stop "$tmp/cluster" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

pgport=$(free_port)
scripts/pgcluster.sh init "$tmp/cluster" "$pgport" throwaway
owner_url="postgresql://praxis@127.0.0.1:$pgport/praxis"
app_url="postgresql://praxis_app@127.0.0.1:$pgport/praxis"
