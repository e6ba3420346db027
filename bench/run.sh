#!/usr/bin/env bash
# Load tests on this machine, reported as ratios measured within one run (shared machines are
# noisy: compare figures of one run with each other, never with another run's).
#
#   bench/run.sh [--instances N] [SECONDS] [PARTS]
#
# SECONDS per measurement (default 10); PARTS such as table,3,5 (default table).
#
# table. The targets (bench/table.py): `praxis admin seed --scale small --member-tokens 64`, then
#    at 64 connections, in three interleaved rounds, each scenario through the server and its
#    reference in the same round: /healthz against nginx answering the same bytes; GET /v1/me with
#    one token and with 64; a member's communities; a directory page; the needs list and
#    analysis; a page of the long thread; a search; creating a post with an idempotency key, each
#    against pgbench running the statements the server ran for one such request. Then 10,000
#    idle clients; the thread page and needs list again at `--scale large` (a second database);
#    with --instances N, /v1/me, the thread page and a post through nginx to one instance and to
#    N. One table: req/s, p50, p99, the ratio, peak RSS, and whether each target is met.
#
# The parts below are the studies that led to the table, each with data of its own:
# 1. Threading modes: for each libmicrohttpd mode, half the connections on /healthz and half on
#    a route that waits 50 ms in PostgreSQL; reports /healthz throughput and p99 under that mix.
# 2. Server against pgbench: GET /v1 (whose only SQL is the rate-limit upsert) under wrk,
#    against pgbench running the same upsert with the same clients; reports the ratio.
# 3. The same for GET /v1/me with an API token (three statements: the token's caller, the
#    rate-limit upsert, the account), against pgbench running those three.
# 4. The same for a page of a community's directory (2,000 members), against pgbench running
#    the statements PostgreSQL logged for one such request (bench/captured_sql.py).
# 5. The needs analysis and a needs list with two filters (20,000 needs), each against pgbench
#    running the statements logged for one request, in three interleaved rounds at 64
#    connections, medians reported; and the statements per request from pg_stat_statements.
# 6. A page of a Chatham House thread (20 posts with authors, endorsements and practice records)
#    in a thread of 10,000 posts, first with 10,000 posts in the database and then with
#    1,000,000, and a search over them, each against pgbench running its captured statements.
# 7. Idle keep-alive clients: 10,000 from 40 addresses, each after one request
#    (bench/idle-clients.py), in each threading mode: how many are held, threads and memory, and
#    a new client's /healthz while they are.
# 8. Compression: a directory page of 100 members with and without gzip, bytes and req/s.
set -euo pipefail
cd "$(dirname "$0")/.."
instances=1
if [ "${1:-}" = "--instances" ]; then
  instances=$2
  shift 2
fi
seconds=${1:-10}
# The parts to measure; the data parts 4 to 8 build on is seeded whichever of them run.
parts=${2:-table}
part() { [[ ",$parts," == *",$1,"* ]]; }

scripts/setup-system.sh wrk postgresql-contrib nginx-light
swift build -c release --product praxis
swift build -c release --product praxis-bench

source scripts/throwaway-cluster.sh bench
export DATABASE_URL="$app_url" MIGRATION_DATABASE_URL="$owner_url"
superuser_url="postgresql://postgres@127.0.0.1:$pgport/praxis"
# pg_stat_statements counts the statements a request runs (the needs section).
psql -q "$superuser_url" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
scripts/pgcluster.sh stop "$tmp/cluster" && scripts/pgcluster.sh start "$tmp/cluster" "$pgport"
.build/release/praxis migrate >/dev/null
# Realistic state: a day of idempotency keys.
psql -q "$owner_url" <<'SQL'
INSERT INTO idempotency_keys (scope, request_hash, replayable, status, headers, body, expires_at)
SELECT md5(i::text), md5((i * 7)::text), true, 201, '[["Content-Type","application/json"]]',
       '{"id":"' || md5(i::text) || '"}', now() + (random() * interval '24 hours')
FROM generate_series(1, 100000) AS i;
ANALYZE idempotency_keys;
SQL

start_server() {
  local mode=$1
  port=$(free_port)
  HTTP_MODE=$mode PORT=$port POOL_SIZE=16 THREADS=2 RATE_LIMIT_PER_IP=1000000 TRUSTED_PROXIES=127.0.0.1 \
    RATE_LIMIT_PER_TOKEN=1000000 MAINTENANCE_INTERVAL=86400 LOG_LEVEL=critical CONNECTION_LIMIT=2000 CONNECTION_LIMIT_PER_IP=2000 .build/release/praxis-bench 2>"$tmp/server.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "bench: server did not start in mode $mode: $(cat "$tmp/server.log")" >&2
  exit 1
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
# start_idle_server MODE: a server that keeps 10,000 idle connections (bench/idle-clients.py).
start_idle_server() {
  port=$(free_port)
  HTTP_MODE=$1 PORT=$port POOL_SIZE=16 THREADS=2 CONNECTION_LIMIT=12000 CONNECTION_LIMIT_PER_IP=300 \
    CONNECTION_TIMEOUT=300 RATE_LIMIT_PER_IP=1000000 MAINTENANCE_INTERVAL=86400 LOG_LEVEL=critical \
    .build/release/praxis-bench 2>"$tmp/server.log" &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}
# nginx_conf FOLDER SERVER_BLOCKS: an nginx.conf in FOLDER (temporary files there too).
nginx_conf() {
  mkdir -p "$1"
  cat >"$1/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1;
  proxy_temp_path $1;
  fastcgi_temp_path $1;
  uwsgi_temp_path $1;
  scgi_temp_path $1;
$2
}
NGINX
}
requests_per_second() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
tps() { awk '/^tps = / {print $3}' "$1"; }
# comparison LABEL WRK_OUTPUT REFERENCE_LABEL REFERENCE_RATE: the server against a reference
# (pgbench running the same SQL, or nginx answering the same bytes) measured in the same run.
comparison() {
  local server
  server=$(requests_per_second "$2")
  echo "| measure | value |"
  echo "| --- | ---: |"
  echo "| $1 through the server, req/s | $server |"
  echo "| $1 p99 | $(p99 "$2") |"
  echo "| $3 | $4 |"
  echo "| server ÷ reference | $(python3 -c "print(f'{$server / $4:.2f}')") |"
}

# capture NAME PATH: the statements PostgreSQL logs for one request, as $tmp/NAME.sql.
capture() {
  psql -q "$superuser_url" -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  local marker="bench-marker-$RANDOM"
  psql -q "$superuser_url" -c "SELECT '$marker'" >/dev/null
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$2" >/dev/null
  sleep 1
  psql -q "$superuser_url" -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  bench/captured_sql.py "$tmp/cluster/postgres.log" "$marker" >"$tmp/$1.sql"
}
# rounds NAME PATH: three interleaved rounds of the server and pgbench on the captured SQL.
rounds() {
  for round in 1 2 3; do
    wrk -t2 -c64 -d"${seconds}s" --timeout 10s --latency -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$port$2" >"$tmp/$1-$round.txt"
    (cd "$tmp" && pgbench -n -M prepared -c64 -j2 -T"$seconds" -l --log-prefix="pgl-$1-$round" \
      -f "$tmp/$1.sql" "$DATABASE_URL" >"$tmp/pgbench-$1-$round.txt" 2>&1)
    database_p99=$(cat "$tmp"/pgl-"$1-$round".* | awk '{print $3}' | sort -n |
      awk '{v[NR] = $1} END {printf "%.2fms", v[int(NR * 0.99)] / 1000}')
    server=$(requests_per_second "$tmp/$1-$round.txt")
    database=$(tps "$tmp/pgbench-$1-$round.txt")
    echo "| $1 | $round | $server | $(p99 "$tmp/$1-$round.txt") | $database | $database_p99 | $(python3 -c "print(f'{$server / $database:.2f}')") |"
  done
}

mode=${HTTP_MODE:-suspend-resume}
if part table; then
  results="$tmp/table.jsonl"
  # measure LABEL SEED_OUTPUT URL PIDS DATABASE_URL [ONLY]: bench/table.py's rounds.
  measure() {
    python3 bench/table.py measure --results "$results" --label "$1" --seed-output "$2" --url "$3" --pids "$4" \
      --database-url "$5" --superuser-url "postgresql://postgres@127.0.0.1:$pgport/${5##*/}" \
      --log "$tmp/cluster/postgres.log" --tmp "$tmp" --seconds "$seconds" ${6:+--only "$6"}
  }
  echo "bench: seeding (small)" >&2
  .build/release/praxis admin seed --scale small --member-tokens 64 >"$tmp/seed-small.txt"
  start_server "$mode"
  measure small "$tmp/seed-small.txt" "http://127.0.0.1:$port" "$server_pid" "$DATABASE_URL"
  stop_server
  echo "bench: idle clients" >&2
  start_idle_server "$mode"
  python3 bench/table.py idle --results "$results" --port "$port" --pid "$server_pid" --seconds "$seconds"
  stop_server
  if [ "$instances" -gt 1 ]; then
    # One instance and then N behind nginx, on the small seed; nginx keeps connections to them.
    for count in 1 "$instances"; do
      pids="" upstream=""
      for _ in $(seq 1 "$count"); do
        start_server "$mode"
        pids="$pids${pids:+,}$server_pid" upstream="$upstream    server 127.0.0.1:$port;
"
        background_pids="$background_pids $server_pid"
      done
      lb_port=$(free_port)
      nginx_conf "$tmp/lb-$count" "  upstream praxis {
$upstream    keepalive 64;
  }
  server {
    listen 127.0.0.1:$lb_port;
    location / {
      proxy_pass http://praxis;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }"
      nginx -c "$tmp/lb-$count/nginx.conf" &
      lb_pid=$!
      for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$lb_port/healthz" >/dev/null && break; sleep 0.1; done
      measure "instances-$count" "$tmp/seed-small.txt" "http://127.0.0.1:$lb_port" "$pids" "$DATABASE_URL" me,thread,post
      kill "$lb_pid"; wait "$lb_pid" 2>/dev/null || true
      for pid in ${pids//,/ }; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
      server_pid=""
    done
  fi
  echo "bench: seeding (large, a second database)" >&2
  large_url="postgresql://praxis_app@127.0.0.1:$pgport/praxis_large"
  psql -q "$superuser_url" -c "CREATE DATABASE praxis_large OWNER praxis" >/dev/null
  psql -q "postgresql://postgres@127.0.0.1:$pgport/praxis_large" -c "ALTER SCHEMA public OWNER TO praxis" >/dev/null
  DATABASE_URL=$large_url MIGRATION_DATABASE_URL="postgresql://praxis@127.0.0.1:$pgport/praxis_large" \
    .build/release/praxis migrate >/dev/null
  DATABASE_URL=$large_url MIGRATION_DATABASE_URL="postgresql://praxis@127.0.0.1:$pgport/praxis_large" \
    .build/release/praxis admin seed --scale large >"$tmp/seed-large.txt"
  DATABASE_URL=$large_url start_server "$mode"
  measure large "$tmp/seed-large.txt" "http://127.0.0.1:$port" "$server_pid" "$large_url" thread,needs
  stop_server
  echo "## Targets (${seconds}s rounds)"
  echo
  python3 bench/table.py report "$results"
fi

if part 1; then
echo "## Threading modes: /healthz under a mixed load (${seconds}s, 32 connections on /healthz, 32 on a 50 ms database wait)"
echo
echo "| mode | /healthz req/s | /healthz p99 | db-sleep req/s | db-sleep p99 |"
echo "| --- | ---: | ---: | ---: | ---: |"
for mode in thread-per-connection epoll-pool suspend-resume; do
  start_server "$mode"
  wrk -t1 -c32 -d"${seconds}s" --timeout 10s --latency "http://127.0.0.1:$port/healthz" >"$tmp/healthz.txt" &
  wrk_pid=$!
  wrk -t1 -c32 -d"${seconds}s" --timeout 10s --latency "http://127.0.0.1:$port/bench/db-sleep?ms=50" >"$tmp/sleep.txt"
  wait "$wrk_pid"
  stop_server
  echo "| $mode | $(requests_per_second "$tmp/healthz.txt") | $(p99 "$tmp/healthz.txt") | $(requests_per_second "$tmp/sleep.txt") | $(p99 "$tmp/sleep.txt") |"
done
echo
fi

if part 2; then
echo "## The server ($mode) against nginx answering the same bytes: GET /v1 (${seconds}s, 16 clients)"
echo
start_server "$mode"
index=$(curl -sf "http://127.0.0.1:$port/v1")
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/spread-clients.lua "http://127.0.0.1:$port/v1" >"$tmp/v1.txt"
stop_server
nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
printf '%s' "$index" >"$tmp/nginx/v1"
nginx_conf "$tmp/nginx" "  server {
    listen 127.0.0.1:$nginx_port;
    location = /v1 { root $tmp/nginx; default_type application/json; try_files /v1 =404; }
  }"
nginx -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nginx_port/v1" >/dev/null && break; sleep 0.1; done
wrk -t2 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$nginx_port/v1" >"$tmp/nginx-v1.txt"
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
comparison "GET /v1" "$tmp/v1.txt" "nginx, the same bytes, req/s" "$(requests_per_second "$tmp/nginx-v1.txt")"
echo
fi

token=$(.build/release/praxis admin create-admin --email "bench-$RANDOM@example.org")
if part 3; then
echo "## The server ($mode) against pgbench, signed in: GET /v1/me with an API token (${seconds}s, 16 clients)"
echo
start_server "$mode"
current=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/tokens/current")
wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/me" >"$tmp/me.txt"
stop_server
hash=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())' "$token")
account_id=$(echo "$current" | python3 -c 'import json,sys; print(json.load(sys.stdin)["account_id"])')
pgbench -n -M prepared -c16 -j2 -T"$seconds" -D hash="$hash" -D account="$account_id" \
  -f bench/authenticated.sql "$DATABASE_URL" >"$tmp/pgbench-me.txt" 2>&1
comparison "GET /v1/me" "$tmp/me.txt" "the same two statements in pgbench, tps" "$(tps "$tmp/pgbench-me.txt")"
echo
fi

start_server "$mode"
community=$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"slug":"bench-directory","name":"Bench directory"}' "http://127.0.0.1:$port/v1/communities" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# Members of every kind, from organisations of every kind and a dozen countries.
psql -q "$owner_url" -v community="$community" <<'SQL'
INSERT INTO organisations (id, name, kind, country, sector)
SELECT gen_random_uuid(), 'Organisation ' || i, (ARRAY['government', 'academic', 'practitioner', 'vendor'])[1 + i % 4],
       (ARRAY['KE', 'GH', 'NG', 'ZA', 'IN', 'BR', 'FR', 'DE', 'US', 'ID', 'PH', 'EG'])[1 + i % 12],
       CASE WHEN i % 4 = 0 THEN (ARRAY['education', 'finance', 'ict', 'planning'])[1 + i % 4] END
FROM generate_series(0, 99) AS i;
INSERT INTO accounts (id, email, display_name, organisation_id, job_title, member_kind, expertise, status)
SELECT gen_random_uuid(), 'member-' || i || '@bench.example.org', 'Member ' || i,
       (SELECT id FROM organisations ORDER BY id OFFSET i % 100 LIMIT 1), 'Director ' || i,
       (ARRAY['official', 'scholar', 'practitioner', 'vendor', 'facilitator'])[1 + i % 5], ARRAY['procurement', 'ict'], 'active'
FROM generate_series(1, 2000) AS i;
INSERT INTO memberships (community_id, account_id, role, status)
SELECT :'community', id, 'member', 'active' FROM accounts WHERE email LIKE 'member-%@bench.example.org';
ANALYZE organisations, accounts, memberships;
SQL
if part 4; then
echo "## The server ($mode) against pgbench, a member's view: a page of a 2,000-member directory (${seconds}s, 16 clients)"
echo
path="/v1/communities/$community/members?limit=20"
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null
capture directory "$path"
wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >"$tmp/directory.txt"
pgbench -n -M prepared -c16 -j2 -T"$seconds" -f "$tmp/directory.sql" "$DATABASE_URL" >"$tmp/pgbench-directory.txt" 2>&1
comparison "GET a directory page" "$tmp/directory.txt" \
  "the same $(grep -c ';$' "$tmp/directory.sql") statements in pgbench, tps" "$(tps "$tmp/pgbench-directory.txt")"
echo
fi
if part 8; then
echo "## Compression: a directory page of 100 members, with and without gzip (${seconds}s, 16 clients)"
echo
path="/v1/communities/$community/members?limit=100"
echo "| encoding | bytes | req/s | p99 |"
echo "| --- | ---: | ---: | ---: |"
for encoding in identity gzip; do
  bytes=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" \
    -H "Accept-Encoding: $encoding" "http://127.0.0.1:$port$path")
  wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $token" -H "Accept-Encoding: $encoding" \
    "http://127.0.0.1:$port$path" >"$tmp/compression-$encoding.txt"
  echo "| $encoding | $bytes | $(requests_per_second "$tmp/compression-$encoding.txt") | $(p99 "$tmp/compression-$encoding.txt") |"
done
echo
fi
stop_server

if part 5; then
echo "## Needs analysis at scale: 2,000 members, 30 themes, 20,000 needs, 20,000 co-signs (${seconds}s rounds, 64 connections)"
echo
# The directory's members write the needs: 1 to 3 themes each, urgency 1 to 5, over a year.
psql -q "$owner_url" -v community="$community" <<'SQL'
INSERT INTO themes (id, community_id, name, status, created_by)
SELECT gen_random_uuid(), :'community', 'Theme ' || i, 'active', (SELECT created_by FROM communities WHERE id = :'community')
FROM generate_series(1, 30) AS i;
CREATE TEMPORARY TABLE writers AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts WHERE email LIKE 'member-%@bench.example.org';
CREATE TEMPORARY TABLE topics AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM themes WHERE community_id = :'community';
INSERT INTO needs (id, community_id, author_id, recorded_by, source, title, urgency, created_at)
SELECT gen_random_uuid(), :'community', w.id, w.id, 'self', 'Need ' || i, 1 + i % 5,
       now() - (i % 365) * interval '1 day'
FROM generate_series(0, 19999) AS i JOIN writers w ON w.n = (i * 7919) % 2000;
INSERT INTO need_themes (need_id, theme_id)
SELECT DISTINCT n.id, t.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM needs) AS n
JOIN LATERAL generate_series(0, n.i % 3) AS k ON true JOIN topics t ON t.n = (n.i * 31 + k * 7) % 30;
INSERT INTO need_cosigns (need_id, account_id)
SELECT n.id, w.id FROM (SELECT id, author_id, row_number() OVER (ORDER BY id) AS i FROM needs) AS n
JOIN writers w ON w.n = (n.i * 104729) % 2000 WHERE w.id <> n.author_id ON CONFLICT DO NOTHING;
ANALYZE themes, needs, need_themes, need_cosigns;
SQL
start_server "$mode"
theme=$(psql -qAt "$owner_url" -c "SELECT id FROM themes WHERE community_id = '$community' ORDER BY name LIMIT 1")
analysis="/v1/communities/$community/needs/analysis"
# A first read of a release computes the analysis; later reads of it find it kept.
first="$analysis?window=91"
needs="/v1/communities/$community/needs?theme=$theme&min_urgency=4"
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$analysis" >/dev/null
# One of each request logged, to run the same statements in pgbench.
for request in first analysis needs; do capture "$request" "${!request}"; done
# The statements per request, whatever the data: pg_stat_statements over ten first reads (each
# window a release of its own) and then ten reads of one release.
statements() {
  psql -qAt "$superuser_url" -c \
    "SELECT count(*) || ' statements, each run ' || string_agg(DISTINCT calls::text, ', ') || ' times'
     FROM pg_stat_statements WHERE calls > 0 AND query NOT LIKE '%pg_stat_statements%'"
}
psql -q "$superuser_url" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
for window in $(seq 30 39); do
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$analysis?window=$window" >/dev/null
done
echo "Ten first reads of the analysis ran $(statements) (the caller's lookup included)."
psql -q "$superuser_url" -c "SELECT pg_stat_statements_reset()" >/dev/null
for _ in $(seq 1 10); do
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$analysis" >/dev/null
done
echo "Ten reads of one kept analysis ran $(statements)."
pgbench -n -M prepared -c2 -j2 -T"$seconds" -f "$tmp/first.sql" "$DATABASE_URL" >"$tmp/pgbench-first.txt" 2>&1
echo "A first read's $(grep -c ';$' "$tmp/first.sql") statements in pgbench, 2 clients: $(tps "$tmp/pgbench-first.txt") tps."
echo
# Interleaved rounds, the median of each: the server, then pgbench running the captured SQL.
echo "| request | round | server req/s | server p99 | pgbench tps | pgbench p99 | server ÷ pgbench |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for request in analysis needs; do
  rounds "$request" "${!request}"
done | tee "$tmp/needs-rounds.md"
python3 - "$tmp/needs-rounds.md" <<'PY'
import statistics, sys
rows = [line.split("|")[1:-1] for line in open(sys.argv[1])]
for request in ("analysis", "needs"):
    mine = [r for r in rows if r[0].strip() == request]
    ratio = statistics.median(float(r[6]) for r in mine)
    server = statistics.median(float(r[2]) for r in mine)
    print(f"| {request} | median | {server:.1f} | | | | {ratio:.2f} |")
PY
stop_server
fi

if part 6; then
echo "## Problem threads at scale: a thread of 10,000 posts, then 1,000,000 posts in all (${seconds}s rounds, 64 connections)"
echo
# posts THREADS: 10,000 posts in each of THREADS (ids), by the directory's members: one in five a
# practice or risk record, one in three endorsed, one in a thousand mentions "procurement".
posts() {
  psql -q "$owner_url" -v community="$community" -v threads="$1" <<'SQL'
CREATE TEMPORARY TABLE writers AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts WHERE email LIKE 'member-%@bench.example.org';
CREATE TEMPORARY TABLE seeded AS
SELECT gen_random_uuid() AS id, t.id AS thread_id, w.id AS author_id, i,
       (ARRAY['comment', 'question', 'practice', 'risk', 'evidence'])[1 + i % 5] AS kind
FROM unnest(string_to_array(:'threads', ',')::uuid[]) AS t (id)
CROSS JOIN generate_series(0, 9999) AS i JOIN writers w ON w.n = (i * 7919) % 2000;
INSERT INTO posts (id, thread_id, community_id, author_id, kind, body, created_at)
SELECT id, thread_id, :'community', author_id, kind,
       'Post ' || i || ' on devices, schools and '
       || (ARRAY['leasing', 'tablets', 'connectivity', 'training', 'maintenance'])[1 + i % 5]
       || CASE WHEN i % 1000 = 7 THEN ' and procurement' ELSE '' END,
       now() - (10000 - i) * interval '1 minute'
FROM seeded;
INSERT INTO practice_records (post_id, thread_id, community_id, intervention, outcome, confidence, negative_impacts)
SELECT id, thread_id, :'community', 'Intervention ' || i, (ARRAY['positive', 'negative', 'mixed'])[1 + i % 3], 'medium',
       ARRAY['Harm ' || i]
FROM seeded WHERE kind IN ('practice', 'risk');
INSERT INTO endorsements (post_id, account_id, kind)
SELECT s.id, w.id, 'this_helped' FROM seeded s JOIN writers w ON w.n = (s.i * 104729 + 1) % 2000
WHERE s.i % 3 = 0 AND w.id <> s.author_id;
UPDATE threads t SET post_count = (SELECT count(*) FROM posts p WHERE p.thread_id = t.id)
WHERE t.id = ANY(string_to_array(:'threads', ',')::uuid[]);
ANALYZE threads, posts, practice_records, endorsements;
SQL
}
threads=$(psql -qAt "$owner_url" -v community="$community" <<'SQL'
INSERT INTO threads (id, community_id, title, problem, chatham_house, created_by)
SELECT gen_random_uuid(), :'community', 'Thread ' || i, 'How do we buy devices for schools?', true,
       (SELECT created_by FROM communities WHERE id = :'community')
FROM generate_series(1, 100) AS i
RETURNING id;
SQL
)
page_thread=$(echo "$threads" | head -n 1)
posts "$page_thread"
start_server "$mode"
page="/v1/threads/$page_thread/posts?limit=20"
search="/v1/search?q=procurement&community_id=$community&limit=20"
echo "| request | round | server req/s | server p99 | pgbench tps | pgbench p99 | server ÷ pgbench |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
capture page-small "$page"
rounds page-small "$page" | tee "$tmp/threads-rounds.md"
stop_server
posts "$(echo "$threads" | tail -n +2 | paste -sd,)"
start_server "$mode"
echo "| (posts in the database: $(psql -qAt "$owner_url" -c 'SELECT count(*) FROM posts')) | | | | | | |"
capture page-large "$page"
capture search "$search"
for request in page-large search; do
  rounds "$request" "$( [ "$request" = search ] && echo "$search" || echo "$page")"
done | tee -a "$tmp/threads-rounds.md"
psql -q "$superuser_url" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
for _ in $(seq 1 10); do curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$page" >/dev/null; done
echo
echo "Ten thread pages ran $(psql -qAt "$superuser_url" -c \
  "SELECT count(*) || ' statements, each run ' || string_agg(DISTINCT calls::text, ', ') || ' times'
   FROM pg_stat_statements WHERE calls > 0 AND query NOT LIKE '%pg_stat_statements%'") (the caller's lookup included)."
python3 - "$tmp/threads-rounds.md" <<'PY'
import statistics, sys
rows = [line.split("|")[1:-1] for line in open(sys.argv[1]) if line.startswith("| page") or line.startswith("| search")]
medians = {}
for request in ("page-small", "page-large", "search"):
    mine = [r for r in rows if r[0].strip() == request]
    medians[request] = statistics.median(float(r[2]) for r in mine)
    ratio = statistics.median(float(r[6]) for r in mine)
    print(f"| {request} | median | {medians[request]:.1f} | | | | {ratio:.2f} |")
print()
print(f"The page at 1,000,000 posts runs at {medians['page-large'] / medians['page-small']:.2f} of its rate at 10,000.")
PY
stop_server
fi

if part 7; then
echo
echo "## Idle keep-alive clients: 10,000 from 40 addresses after one request each; meanwhile a new client's /healthz (wrk, 8 connections, ${seconds}s)"
echo
echo "| mode | held | refused | threads | RSS idle | RSS peak | new client req/s | new client p99 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for idle_mode in thread-per-connection suspend-resume; do
  start_idle_server "$idle_mode"
  python3 bench/idle-clients.py "$port" "$server_pid" --seconds "$seconds" --row "$idle_mode"
  stop_server
done
fi
