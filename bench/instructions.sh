#!/usr/bin/env bash
# Instructions per request, counted by callgrind: unlike a timing, the same code gives the same
# count on a busy machine, so a change to the request path is measured by comparing two runs.
# The release server runs under valgrind with collection off; for each kind of request it is
# switched on while COUNT requests go one after another over one keep-alive connection, then
# the count is read and divided. Only the server's own instructions are counted (PostgreSQL's
# are not); background threads (the instance heartbeat) run once a minute at most.
#
#   bench/instructions.sh [COUNT]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
scripts/setup-system.sh valgrind curl
swift build -c release --product praxis

source scripts/throwaway-cluster.sh instructions
DATABASE_URL="$owner_url" .build/release/praxis migrate >/dev/null
export DATABASE_URL="$app_url"
token=$(.build/release/praxis admin create-admin --email instructions@example.org)
# Valgrind 3.19 cannot read the DWARF 5 debug information Swift writes: a copy without it
# (function names stay), which finds migrations/ and openapi.yaml through MIGRATIONS_DIR.
objcopy --strip-debug .build/release/praxis "$tmp/praxis"
port=$(free_port)
PORT=$port POOL_SIZE=2 THREADS=1 RATE_LIMIT_PER_IP=1000000 RATE_LIMIT_PER_TOKEN=1000000 LOG_LEVEL=critical \
  MAINTENANCE_INTERVAL=86400 INSTANCE_HEARTBEAT=60 MIGRATIONS_DIR="$(pwd)/migrations" \
  valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" \
  "$tmp/praxis" serve 2>"$tmp/valgrind.log" &
server_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "instructions: the server did not start under valgrind:" >&2; tail -20 "$tmp/valgrind.log" >&2; exit 1; }

# measure LABEL PATH [CURL OPTIONS]: instructions per request of COUNT requests to PATH.
measure() {
  local label=$1 path=$2 urls=()
  shift 2
  for _ in $(seq 1 "$count"); do urls+=("http://127.0.0.1:$port$path"); done
  curl -s "$@" "${urls[@]:0:20}" >/dev/null   # warm: connections, prepared statements, caches
  # A dump holds what ran since the one before: one before the requests, one after.
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  curl -s "$@" "${urls[@]}" >/dev/null
  callgrind_control -d "$server_pid" >/dev/null 2>&1
  local dump
  dump=$(ls "$tmp"/callgrind.out.* | sort -V | tail -n 1)
  awk -v label="$label" -v count="$count" '/^(summary|totals):/ {
    printf "| %s | %d | %.0f |\n", label, count, $2 / count; exit }' "$dump"
}

echo "| request | requests | instructions per request |"
echo "| --- | ---: | ---: |"
measure "GET /healthz" /healthz
measure "GET /v1" /v1
measure "GET /v1/me (API token)" /v1/me -H "Authorization: Bearer $token"
measure "GET /v1/me, gzip accepted" /v1/me -H "Authorization: Bearer $token" -H "Accept-Encoding: gzip"
measure "GET /v1/nothing (404)" /v1/nothing
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
