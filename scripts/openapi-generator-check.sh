#!/usr/bin/env bash
# Optional, not part of scripts/test.sh: generates clients from openapi.yaml with openapi-generator
# (the openapi-generator-cli PyPI package, pinned, which ships the generator's jar; it needs a
# Java runtime), typescript-fetch and python, and fails on any warning but the generator's own
# notices. With `tsc` on the PATH (Debian's node-typescript) the TypeScript client is also
# type-checked.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null || { echo "openapi-generator: needs java (apt-get install default-jre-headless)" >&2; exit 1; }
venv=.build/openapi-generator-venv
pin="openapi-generator-cli==7.26.0"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$(cat "$venv/.praxis-pins" 2>/dev/null)" != "$pin" ]; then
  "$venv/bin/pip" install -q "$pin"
  echo "$pin" >"$venv/.praxis-pins"
fi

out=$(mktemp -d /tmp/praxis-openapi-generator.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Notices about the generator itself, not the document: 3.1 support is beta; a schema-name lookup
# it logs for any document; `AuditEvent.details`, a free-form object on purpose.
notices='OpenAPI 3.1 support is still in beta|Failed to get the schema name: null|Codegen property is null \(e.g. map/dict of undefined type\)'
status=0
for generator in typescript-fetch python; do
  log="$out/$generator.log"
  if ! "$venv/bin/openapi-generator-cli" generate -i openapi.yaml -g "$generator" -o "$out/$generator" \
    --additional-properties packageName=praxis_client >"$log" 2>&1; then
    cat "$log" >&2
    echo "openapi-generator $generator: failed" >&2
    status=1
    continue
  fi
  warnings=$(grep -E 'WARN|ERROR|Exception' "$log" | grep -vE "$notices" || true)
  if [ -n "$warnings" ]; then
    echo "$warnings" >&2
    echo "openapi-generator $generator: warnings" >&2
    status=1
  else
    echo "openapi-generator $generator: no warnings"
  fi
done
python3 -m compileall -q "$out/python/praxis_client" >/dev/null || { echo "openapi-generator python: does not compile" >&2; status=1; }
if command -v tsc >/dev/null; then
  # noImplicitAny off: the generator's type guards index `object` after an `in` check, which
  # TypeScript types only from 4.9 on (Debian ships 4.8).
  if (cd "$out/typescript-fetch" && tsc --noEmit --strict --noImplicitAny false --target es2019 \
    --lib es2019,dom --moduleResolution node index.ts); then
    echo "openapi-generator typescript-fetch: type-checks"
  else
    echo "openapi-generator typescript-fetch: type errors" >&2
    status=1
  fi
fi
exit $status
