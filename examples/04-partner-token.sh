#!/usr/bin/env bash
# A partner's token, limited to one community: Amina issues it with her session, for a research
# hub that reads her community's directory. The secret is in this answer only; other communities
# answer 404 to it, as to anyone who may not see them.
source "$(dirname "$0")/common.sh"

PARTNER=$(call 201 POST /v1/tokens -H "Authorization: Bearer $AMINA_TOKEN" "${JSON[@]}" \
  -d '{"name":"Research hub sync","scopes":["communities:read","members:read"],"community_ids":["'"$COP"'"]}')
echo "$PARTNER" | jq '{name, prefix, scopes, community_ids}'
PARTNER_TOKEN=$(echo "$PARTNER" | jq -r .token)
call 200 GET /v1/communities/$COP/members -H "Authorization: Bearer $PARTNER_TOKEN" | jq -c '.data[] | {name: .account.display_name, role}'
OTHER=$(call 201 POST /v1/communities -H "Authorization: Bearer $AMINA_TOKEN" "${JSON[@]}" \
  -d '{"slug":"exam-reform","name":"Exam Reform","visibility":"listed","join_policy":"apply"}' | jq -r .id)
call 404 GET /v1/communities/$OTHER -H "Authorization: Bearer $PARTNER_TOKEN" | jq '{type}'

# Rotation: a new secret, and the old one keeps working for the overlap (in seconds).
call 201 POST /v1/tokens/$(echo "$PARTNER" | jq -r .id)/rotate -H "Authorization: Bearer $AMINA_TOKEN" "${JSON[@]}" \
  -d '{"overlap_seconds":86400}' | jq '{prefix, community_ids}'
