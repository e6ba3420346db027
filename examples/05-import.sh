#!/usr/bin/env bash
# Bulk onboarding from examples/people.csv (columns: email and kind, and any of name,
# organisation (an existing organisation's name), country, role `member` or `observer`). A dry
# run reports every row and changes nothing; the real import then invites each person.
source "$(dirname "$0")/common.sh"
CSV=(-H "Authorization: Bearer $AMINA_TOKEN" -H 'Content-Type: text/csv' --data-binary @"$(dirname "$0")/people.csv")

call 200 POST "/v1/communities/$COP/members/import?dry_run=true" "${CSV[@]}" | jq -c '.results[] | {line, email, outcome, errors}'
call 200 POST /v1/communities/$COP/members/import "${CSV[@]}" | jq -c '{dry_run, total_rows, outcomes: [.results[].outcome]}'
