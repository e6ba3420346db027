#!/usr/bin/env bash
# Runs every test: installs what is missing, checks the formatting (`swift format lint --strict`),
# starts a throw-away PostgreSQL cluster in a temp folder and two SMTP servers (aiosmtpd, one with
# STARTTLS and AUTH), runs `swift test` against them, checks
# that openapi.yaml holds no stray keys, then runs schemathesis against a running server with
# openapi.yaml, the examples the README quotes (scripts/examples-test.sh), the README's flow through
# a Python client generated from it (scripts/client-test.sh), and CORS from a web page in headless
# Chromium (scripts/browser-cors-test.sh), and two instances behind nginx under faults
# (scripts/scale-out-test.sh). The cluster is stopped and removed
# even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup-system.sh python3-venv curl jq openssl

source scripts/throwaway-cluster.sh test
source scripts/test-mail-sinks.sh
export PRAXIS_ROOT="$root"
export PRAXIS_TEST_DATABASE_URL="$app_url"
export PRAXIS_TEST_OWNER_URL="$owner_url"

swift build --build-tests
DATABASE_URL="$PRAXIS_TEST_OWNER_URL" .build/debug/praxis migrate

status=0
# The tree as .swift-format lays it out; `swift format format -i -r Sources Tests` fixes it.
swift format lint --strict -r Sources Tests Package.swift || status=$?
swift test --skip-build 2>&1 | tee "$tmp/swift-test.log" || status=$?

# The API as documented: schemathesis (pinned) against a live server, its default checks; then
# a client generated from the spec (openapi-python-client, pinned) runs the README's flow. One
# venv holds both (and setuptools, to install the generated client without a download); it is
# brought up to the pins whenever they change.
venv=.build/schemathesis-venv
pins="schemathesis==4.32.5 openapi-python-client==0.29.1 setuptools==80.9.0"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$(cat "$venv/.praxis-pins" 2>/dev/null)" != "$pins" ]; then
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q $pins
  echo "$pins" >"$venv/.praxis-pins"
fi
# Every key of the spec is a word of OpenAPI 3.1 or JSON Schema (no stray keys made by a comma
# in a flow-style description, no misspelt keywords).
"$venv/bin/python" scripts/check_openapi.py openapi.yaml || status=$?
# docs/reference.md documents exactly the problem types the server can answer.
python3 scripts/check_reference.py || status=$?
http_port=$(free_port)
page_port=$(free_port)
# It mails the plain SMTP server; the examples and the client read what it sent from its folder.
export MAIL_DIR="$PRAXIS_TEST_SMTP_DIR"
DATABASE_URL="$PRAXIS_TEST_DATABASE_URL" PORT="$http_port" LOG_LEVEL=warning RATE_LIMIT_PER_IP=100000 RATE_LIMIT_PER_TOKEN=100000 \
  CORS_ORIGINS="http://127.0.0.1:$page_port" SMTP_URL="smtp://127.0.0.1:$PRAXIS_TEST_SMTP_PORT" \
  MAIL_FROM="Praxis <praxis@example.org>" MAIL_INTERVAL=1 .build/debug/praxis serve 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && break
  sleep 0.2
done
# The examples the README quotes, first: on a database that holds only what the Swift tests left
# (random addresses), as a new user's holds nothing their names could clash with.
scripts/examples-test.sh "http://127.0.0.1:$http_port" "$PRAXIS_TEST_DATABASE_URL" "$PRAXIS_TEST_OWNER_URL" \
  "$tmp/examples" || status=$?

# Authenticated as a platform admin, so that every operation is exercised past its 401. Every
# check but positive_data_acceptance: schema-valid input that names nothing real (an unknown
# organisation, a spent token, a foreign cursor) is rightly refused. Revoking and rotating tokens
# run last, with a token of their own, since the run may revoke the token it runs with.
st_run() {
  local email=$1
  shift
  local token
  token=$(DATABASE_URL="$PRAXIS_TEST_DATABASE_URL" .build/debug/praxis admin create-admin --email "$email")
  "$venv/bin/st" --config-file scripts/schemathesis.toml run openapi.yaml --url "http://127.0.0.1:$http_port" --checks all \
    --exclude-checks positive_data_acceptance --max-examples 30 --header "Authorization: Bearer $token" --no-color "$@"
}
st_run schemathesis@example.org --exclude-operation-id revokeToken --exclude-operation-id rotateToken || status=$?
st_run schemathesis-tokens@example.org --include-operation-id revokeToken --include-operation-id rotateToken || status=$?

# A Python client generated from the spec runs the README's flow against the same server.
scripts/client-test.sh "$venv" "http://127.0.0.1:$http_port" "$PRAXIS_TEST_DATABASE_URL" "$tmp/python-client" || status=$?

# A web client in a real browser engine: headless Chromium calls the API across origins.
browser_token=$(DATABASE_URL="$PRAXIS_TEST_DATABASE_URL" .build/debug/praxis admin create-admin --email browser@example.org)
scripts/browser-cors-test.sh "http://127.0.0.1:$http_port" "$browser_token" "$page_port" "$tmp/browser" || status=$?

# Two instances behind nginx, then faults under load: PostgreSQL's backends killed, PostgreSQL
# restarted, an instance stopped (its own cluster and mail sink).
scripts/scale-out-test.sh .build/debug/praxis || status=$?

# No secret reached the server's log: one-time tokens travel by mail only, sessions and API tokens
# only in answers to their holder.
if grep -Eq 'pr[asx]_[0-9A-Za-z]{20}' "$tmp/server.log"; then
  echo "test: a secret reached the server's log" >&2
  status=1
fi

# The Swift suite's verdict as the closing line.
grep -E "Test run with [0-9]+ tests? .*(passed|failed)" "$tmp/swift-test.log" | tail -n 1
exit $status
