#!/usr/bin/env bash
# The audit log is a hash chain. Its head, kept outside the database (a ticket, a signed
# e-mail), later proves that no event before it was changed or removed.
source "$(dirname "$0")/common.sh"

call 200 GET "/v1/audit-events?limit=5" -H "Authorization: Bearer $ADMIN" | jq -c '.data[] | {action, occurred_at}'
ANCHOR=$($PRAXIS admin audit-anchor)
call 200 GET "/v1/audit-events/verify?anchor=$ANCHOR" -H "Authorization: Bearer $ADMIN" | jq .
