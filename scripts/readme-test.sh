#!/usr/bin/env bash
# Runs the README's walkthrough ("First steps as an admin" up to "Configuration") as written,
# block after block in one shell, against a running server, and fails when any request answers
# anything but 2xx or a step cannot read the answer it needs. Only what differs from the user's
# machine is replaced: the server's address, the database URL and the debug binary.
#
#   scripts/readme-test.sh URL DATABASE_URL WORK_DIRECTORY
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1 database_url=$2 work=$3
mkdir -p "$work"
python3 - "$url" "$(pwd)/.build/debug/praxis" >"$work/walkthrough.sh" <<'PY'
import re, sys
url, binary = sys.argv[1], sys.argv[2]
readme = open("README.md").read()
section = readme[readme.index("## First steps as an admin"):readme.index("## Configuration")]
script = "\n".join(re.findall(r"```sh\n(.*?)```", section, re.S))
script = re.sub(r"(?m)^export DATABASE_URL=.*$", "", script)
script = script.replace("URL=http://127.0.0.1:8080", f"URL={url}").replace(".build/release/praxis", binary)
script = script.replace("curl -s ", "request ")
print("set -o pipefail")
print('request() { curl -s -D "$HEADERS" "$@"; status=$(head -n 1 "$HEADERS" | cut -d " " -f 2)')
print('  case "$status" in 2*) ;; *) echo "readme: $status from curl $*" >&2; echo failed >>"$FAILURES";; esac; }')
print(script)
PY
cd "$work"
rm -f failures
HEADERS="$work/headers" FAILURES="$work/failures" DATABASE_URL="$database_url" bash walkthrough.sh >walkthrough.out 2>walkthrough.err || true
if [ -s failures ] || grep -q "Traceback" walkthrough.err; then
  cat walkthrough.err >&2
  echo "readme: the walkthrough does not run as written" >&2
  exit 1
fi
echo "readme: the walkthrough ran as written ($(grep -c 'request ' walkthrough.sh) requests)"
