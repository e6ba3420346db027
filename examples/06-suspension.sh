#!/usr/bin/env bash
# Suspension takes effect on the next request: it ends the person's sessions (and stops their API
# tokens until reinstatement); reinstated, they sign in again. A password reset ends every
# session too; erasure wipes the profile and revokes every credential.
source "$(dirname "$0")/common.sh"
ADMIN_H=(-H "Authorization: Bearer $ADMIN")

TEMP=$(call 201 POST /v1/accounts "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"email":"temp@example.org","display_name":"Temp","password":"a passphrase to lose","member_kind":"practitioner"}' \
  | jq -r .id)
TEMP_TOKEN=$(call 201 POST /v1/sessions "${JSON[@]}" -d '{"email":"temp@example.org","password":"a passphrase to lose"}' | jq -r .token)

call 200 PATCH /v1/accounts/$TEMP "${ADMIN_H[@]}" -H 'If-Match: *' "${MERGE_PATCH[@]}" -d '{"status":"suspended"}' | jq '{status}'
call 401 GET /v1/me -H "Authorization: Bearer $TEMP_TOKEN" | jq '{type}'
call 200 PATCH /v1/accounts/$TEMP "${ADMIN_H[@]}" -H 'If-Match: *' "${MERGE_PATCH[@]}" -d '{"status":"active"}' | jq '{status}'
TEMP_TOKEN=$(call 201 POST /v1/sessions "${JSON[@]}" -d '{"email":"temp@example.org","password":"a passphrase to lose"}' | jq -r .token)
call 200 GET /v1/me -H "Authorization: Bearer $TEMP_TOKEN" | jq '{email, status}'

# A reset (24 h): its link is mailed to the person's address, never shown to the admin.
call 202 POST /v1/accounts/$TEMP/password-reset "${ADMIN_H[@]}" | jq .
RESET=$(mailed_token temp@example.org /reset-password)
call 204 POST /v1/password-resets "${JSON[@]}" -d '{"token":"'"$RESET"'","password":"a new passphrase"}'
call 401 GET /v1/me -H "Authorization: Bearer $TEMP_TOKEN" | jq '{type}'

call 204 POST /v1/accounts/$TEMP/erase "${ADMIN_H[@]}"
call 200 GET /v1/accounts/$TEMP "${ADMIN_H[@]}" | jq '{status, display_name, email}'
