#!/usr/bin/env bash
# Generates a Python client from openapi.yaml with openapi-python-client, installs it into the
# venv and runs Tests/clients/readme_flow.py with it against a running server, as a new admin.
#   scripts/client-test.sh VENV URL DATABASE_URL OUT_DIR
# The generator must report nothing but the three operations it cannot express (the YAML answer
# of GET /openapi.yaml, the text/csv body of the member import and the SVG-only trend chart);
# anything else it reports, or a failed flow, exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:?venv} url=${2:?url} database_url=${3:?database url} out=${4:?output folder}

rm -rf "$out"
mkdir -p "$(dirname "$out")"
log="$out.log"
if ! PATH="$PWD/$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path openapi.yaml --meta setup \
  --output-path "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "client: openapi-python-client could not generate a client from openapi.yaml" >&2
  exit 1
fi
known=(
  '^Warning\(s\) encountered while generating'
  '^WARNING parsing GET /openapi\.yaml within operations\.$'
  '^Cannot parse response for status code .* \(Unsupported content_type application/yaml\)'
  '^WARNING parsing POST /v1/communities/\{id\}/members/import within membership\. Endpoint will not be generated\.$'
  '^Unsupported content type text/csv$'
  '^WARNING parsing GET /v1/communities/\{id\}/needs/analysis/trend\.svg within needs\.$'
  '^Cannot parse response for status code .* \(Unsupported content_type image/svg\+xml\)'
)
unexpected=$(grep -E '^(WARNING|Warning|Unable|Cannot|Could|Failure|Invalid|Unsupported|Error|error)' "$log" |
  grep -vE "$(IFS='|'; echo "${known[*]}")" || true)
if [ -n "$unexpected" ]; then
  cat "$log" >&2
  echo "client: openapi-python-client reported more than the three known gaps:" >&2
  echo "$unexpected" >&2
  exit 1
fi
"$venv/bin/pip" install -q --no-index --no-deps --no-build-isolation "$out"

token=$(DATABASE_URL="$database_url" .build/debug/praxis admin create-admin --email "client-flow.$RANDOM$RANDOM@example.org")
DATABASE_URL="$database_url" "$venv/bin/python" Tests/clients/readme_flow.py --url "$url" --admin-token "$token" \
  --spec openapi.yaml --outbox ".build/debug/praxis admin outbox" ${MAIL_DIR:+--mail-dir "$MAIL_DIR"}
