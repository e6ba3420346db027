#!/usr/bin/env bash
# A local SMTP server for trials: keeps every message Praxis sends under ./.data/mail (aiosmtpd,
# pinned, in a venv of its own). Run it in a second terminal, then start the server with
#   SMTP_URL=smtp://127.0.0.1:2525 MAIL_FROM='Praxis <praxis@example.org>' scripts/run.sh
# and read what was sent to someone with
#   scripts/mail-sink.sh read --to ada@example.org
#
#   scripts/mail-sink.sh [serve [--port 2525] [--tls-cert C --tls-key K] [--user U --password P]]
#   scripts/mail-sink.sh read [--to ADDRESS] [--all]
# MAIL_DIR overrides ./.data/mail.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/mail-venv
pins="aiosmtpd==1.4.6"
mkdir -p .build
# Several sinks may start at once on a fresh machine: one prepares, the others wait for it.
(
  flock 9
  scripts/setup-system.sh python3-venv
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if [ "$(cat "$venv/.praxis-pins" 2>/dev/null)" != "$pins" ]; then
    # shellcheck disable=SC2086
    "$venv/bin/pip" install -q $pins
    echo "$pins" >"$venv/.praxis-pins"
  fi
) 9>.build/mail-venv.lock
command=${1:-serve}
[ $# -gt 0 ] && shift
exec "$venv/bin/python" scripts/mail-sink.py "$command" --dir "${MAIL_DIR:-$(pwd)/.data/mail}" "$@"
