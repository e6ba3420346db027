#!/usr/bin/env bash
# Two `praxis serve` on one database behind nginx on loopback, each mailing a local aiosmtpd,
# and what must hold across them and under faults (scripts/scale_out_check.py): idempotent
# replay, one rate-limit quota between them, sessions and their revocation, the outbox sent
# once; then writes under load while PostgreSQL's backends are killed and PostgreSQL restarts;
# then SIGTERM to one instance under load. Its own throw-away cluster; run by scripts/test.sh.
#
#   scripts/scale-out-test.sh [PRAXIS]   (default .build/debug/praxis, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
praxis=${1:-.build/debug/praxis}
scripts/setup-system.sh nginx-light python3-venv curl
[ -x "$praxis" ] || swift build --product praxis

source scripts/throwaway-cluster.sh scale-out
DATABASE_URL="$owner_url" "$praxis" migrate >/dev/null
superuser_url="postgresql://postgres@127.0.0.1:$pgport/praxis"

wait_for_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "scale-out: nothing listens on port $1: $(cat "$2")" >&2
  exit 1
}

smtp_port=$(free_port)
MAIL_DIR="$tmp/mail" scripts/mail-sink.sh serve --port "$smtp_port" >"$tmp/mail.log" 2>&1 &
background_pids="$background_pids $!"
wait_for_port "$smtp_port" "$tmp/mail.log"

quota=30
window=60
instance_ports=()
instance_pids=()
for number in 1 2; do
  port=$(free_port)
  DATABASE_URL="$app_url" PORT="$port" LOG_LEVEL=warning POOL_SIZE=8 TRUSTED_PROXIES=127.0.0.1 \
    RATE_LIMIT_GROUP=behind-nginx RATE_LIMIT_PER_IP="$quota" RATE_LIMIT_WINDOW="$window" RATE_LIMIT_PER_TOKEN=1000000 \
    INSTANCE_HEARTBEAT=1 SMTP_URL="smtp://127.0.0.1:$smtp_port" MAIL_FROM="Praxis <praxis@example.org>" \
    MAIL_INTERVAL=1 "$praxis" serve 2>"$tmp/instance-$number.log" &
  instance_pids+=("$!")
  background_pids="$background_pids $!"
  instance_ports+=("$port")
done
for number in 0 1; do wait_for_port "${instance_ports[$number]}" "$tmp/instance-$((number + 1)).log"; done

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  upstream praxis {
    server 127.0.0.1:${instance_ports[0]};
    server 127.0.0.1:${instance_ports[1]};
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://praxis;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # A connection an instance refuses or closes (it is stopping) goes to the other, writes
      # too: every write here carries an Idempotency-Key, so one sent twice is done once.
      proxy_next_upstream error timeout non_idempotent;
    }
  }
}
NGINX
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
background_pids="$background_pids $!"
wait_for_port "$nginx_port" "$tmp/nginx/error.log"

admin=$(DATABASE_URL="$app_url" "$praxis" admin create-admin --email scale-out@example.org)
lb="http://127.0.0.1:$nginx_port"
status=0
echo "scale-out: two instances behind nginx"
python3 scripts/scale_out_check.py across --lb "$lb" --instance "http://127.0.0.1:${instance_ports[0]}" \
  --instance "http://127.0.0.1:${instance_ports[1]}" --admin "$admin" --database-url "$owner_url" \
  --mail-dir "$tmp/mail" --quota "$quota" --window "$window" || status=$?
echo "scale-out: writes while PostgreSQL's backends are killed and PostgreSQL restarts"
python3 scripts/scale_out_check.py faults --lb "$lb" --admin "$admin" --database-url "$owner_url" \
  --superuser-url "$superuser_url" --seconds 6 \
  --restart "scripts/pgcluster.sh stop '$tmp/cluster' && sleep 1 && scripts/pgcluster.sh start '$tmp/cluster' $pgport" ||
  status=$?
echo "scale-out: SIGTERM to one instance under load"
python3 scripts/scale_out_check.py drain --lb "$lb" --admin "$admin" \
  --database-url "$owner_url" --pid "${instance_pids[1]}" || status=$?
if grep -Eq 'pr[asx]_[0-9A-Za-z]{20}' "$tmp"/instance-*.log; then
  echo "FAIL  a secret reached an instance's log" >&2
  status=1
fi
exit $status
