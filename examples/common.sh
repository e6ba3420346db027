# Sourced by every example: the server's address, the praxis binary, a request helper that stops
# the script when an answer is not the expected one, and what the earlier examples created.
set -euo pipefail
shopt -s lastpipe   # `... | remember NAME` sets NAME in the script itself
URL=${URL:-http://127.0.0.1:8080}
PRAXIS=${PRAXIS:-.build/release/praxis}                                       # scripts/run.sh builds it
export DATABASE_URL=${DATABASE_URL:-postgresql://praxis_app@127.0.0.1:54329/praxis}  # scripts/run.sh's
STATE=${STATE:-.praxis-examples.env}          # ids and tokens (secrets: yours only), for the next examples
(umask 077 && touch "$STATE")
source "$STATE"
JSON=(-H 'Content-Type: application/json')
MERGE_PATCH=(-H 'Content-Type: application/merge-patch+json')

# call STATUS METHOD PATH [curl options]: prints the answer's body (if any); any other status
# than STATUS stops the example and shows the answer.
call() {
  local expected=$1 method=$2 path=$3 answer status
  shift 3
  answer=$(curl -sS -X "$method" "$URL$path" -w '\n%{http_code}' "$@")
  status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [ "$status" != "$expected" ]; then
    echo "$method $path answered $status, not $expected: $answer" >&2
    exit 1
  fi
  if [ -n "$answer" ]; then printf '%s\n' "$answer"; fi
}

# ... | remember NAME: sets NAME to what comes in (one line, not empty), here and for the examples
# that follow.
remember() {
  local value
  value=$(cat)
  if [ -z "$value" ] || [ "$value" = null ]; then
    echo "remember $1: nothing came in" >&2
    exit 1
  fi
  printf -v "$1" '%s' "$value"
  printf '%s=%q\n' "$1" "$value" >>"$STATE"
}

# mailed_token ADDRESS PATH: the token of the link to PATH (/activate, /reset-password) in the
# latest message to ADDRESS, read as the person would: from a local aiosmtpd's folder
# (scripts/mail-sink.sh keeps messages in MAIL_DIR, by default .data/mail) when Praxis sends
# mail, else from the outbox (`praxis admin outbox`) where messages wait without SMTP.
mailed_token() {
  local address=$1 path=$2 project mail_dir found
  project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mail_dir=${MAIL_DIR:-$project/.data/mail}
  for _ in $(seq 1 100); do
    found=$({ $PRAXIS admin outbox --to "$address" 2>/dev/null
      [ -d "$mail_dir" ] && python3 "$project/scripts/mail-sink.py" read --dir "$mail_dir" --to "$address" 2>/dev/null
    } | grep -o "$path?token=pra_[0-9A-Za-z]*" | tail -n 1 || true)
    if [ -n "$found" ]; then
      echo "${found#*token=}"
      return
    fi
    sleep 0.2
  done
  echo "mailed_token: no message to $address with a link to $path" >&2
  exit 1
}
