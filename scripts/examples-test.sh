#!/usr/bin/env bash
# Runs examples/[0-9]*.sh in order against a running server, as a person would (in a folder of its
# own, with the debug binary), and fails when one of them stops (an answer other than the one it
# expects) or when the README does not quote each example, and examples/people.csv, as it is;
# and checks that `praxis migrate` runs from another directory.
#
#   scripts/examples-test.sh URL DATABASE_URL OWNER_URL WORK_DIRECTORY
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
url=$1 database_url=$2 owner_url=$3 work=$4
status=0

python3 - <<'PY' || status=1
import glob, sys
readme = open("README.md").read()
quoted = {path: "```sh\n" + open(path).read() + "```\n" for path in sorted(glob.glob("examples/*.sh"))}
quoted["examples/people.csv"] = "```csv\n" + open("examples/people.csv").read() + "```\n"
stale = [path for path, block in quoted.items() if block not in readme]
for path in stale:
    print(f"examples: the README does not quote {path} as it is", file=sys.stderr)
sys.exit(1 if stale else 0)
PY

# The command line from another directory finds migrations/ and openapi.yaml above the executable.
if ! (cd / && DATABASE_URL=$owner_url "$root/.build/debug/praxis" migrate) | grep -q "no migrations pending"; then
  echo "examples: praxis migrate run from / did not find the migrations" >&2
  status=1
fi

rm -rf "$work"
mkdir -p "$work"
for example in examples/[0-9]*.sh; do
  if (cd "$work" && URL=$url PRAXIS="$root/.build/debug/praxis" DATABASE_URL=$database_url OWNER_URL=$owner_url \
    STATE="$work/state.env" "$root/$example" >"$work/$(basename "$example").out" 2>&1); then
    echo "examples: $example ran ($(wc -l <"$work/$(basename "$example").out") lines of output)"
  else
    cat "$work/$(basename "$example").out" >&2
    echo "examples: $example stopped" >&2
    status=1
    break
  fi
done
exit $status
