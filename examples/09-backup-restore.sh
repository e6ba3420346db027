#!/usr/bin/env bash
# A backup while the server runs, restored into a second database: plain pg_dump and pg_restore
# as the owner role (roles belong to the cluster: praxis_app must exist where you restore).
source "$(dirname "$0")/common.sh"
OWNER_URL=${OWNER_URL:-postgresql://praxis@127.0.0.1:54329/praxis}   # scripts/run.sh's owner role
RESTORED_URL=${OWNER_URL%/*}/praxis_restored
export PGOPTIONS=--client-min-messages=warning

pg_dump --format=custom --file=praxis.dump "$OWNER_URL"
psql -q "$OWNER_URL" -c 'DROP DATABASE IF EXISTS praxis_restored' -c 'CREATE DATABASE praxis_restored'
pg_restore --exit-on-error --dbname="$RESTORED_URL" praxis.dump

# On a quiet server the restored audit chain ends where the live one does.
psql -qAt "$RESTORED_URL" -c "SELECT count(*) || ' accounts restored' FROM accounts"
ANCHOR=$(DATABASE_URL=$OWNER_URL $PRAXIS admin audit-anchor)
RESTORED_ANCHOR=$(DATABASE_URL=$RESTORED_URL $PRAXIS admin audit-anchor)
if [ "$ANCHOR" != "$RESTORED_ANCHOR" ]; then
  echo "the restored audit chain ends at $RESTORED_ANCHOR, the live one at $ANCHOR" >&2
  exit 1
fi
echo "the restored audit chain ends at the live one's head, $ANCHOR"
psql -q "$OWNER_URL" -c 'DROP DATABASE praxis_restored'
rm praxis.dump
