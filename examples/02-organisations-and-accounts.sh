#!/usr/bin/env bash
# Organisations and the people linked to them. Accounts an admin creates as officials are
# vouched for (eligible for government-only circles); passwords are 12 to 256 characters.
source "$(dirname "$0")/common.sh"
ADMIN_H=(-H "Authorization: Bearer $ADMIN")

call 201 POST /v1/organisations "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"name":"Ministry of Education","kind":"government","country":"KE","sector":"education"}' | jq -r .id | remember ORG
call 201 POST /v1/organisations "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"name":"University of Ghana","kind":"academic","country":"GH"}' | jq -r .id | remember UNIVERSITY

# Two officials of the ministry: Amina may create communities, Wanjiru will join hers.
call 201 POST /v1/accounts "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"email":"amina@example.org","display_name":"Amina O.","password":"a long passphrase","member_kind":"official",
       "country":"KE","organisation_id":"'"$ORG"'","can_create_communities":true}' | jq -r .id | remember AMINA
call 201 POST /v1/accounts "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"email":"wanjiru@example.org","display_name":"Wanjiru K.","password":"another passphrase",
       "member_kind":"official","country":"KE","organisation_id":"'"$ORG"'"}' | jq -r .id | remember WANJIRU

# Without a password an account is "invited": a one-time activation link (72 h) is mailed to the
# person's address, never shown to the admin. Kofi follows it (a web client at PUBLIC_BASE_URL
# serves /activate?token=... and sends the token with the password he chooses).
call 201 POST /v1/accounts "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"email":"kofi@example.org","display_name":"Kofi A.","member_kind":"scholar","country":"GH",
       "organisation_id":"'"$UNIVERSITY"'"}' | jq -r .id | remember KOFI
ACTIVATION=$(mailed_token kofi@example.org /activate)
call 204 POST /v1/account-activations "${JSON[@]}" -d '{"token":"'"$ACTIVATION"'","password":"his own passphrase"}'

# People sign in (sessions: 12 h idle, 30 d at most) and read their profile.
call 201 POST /v1/sessions "${JSON[@]}" \
  -d '{"email":"amina@example.org","password":"a long passphrase"}' | jq -r .token | remember AMINA_TOKEN
call 201 POST /v1/sessions "${JSON[@]}" \
  -d '{"email":"wanjiru@example.org","password":"another passphrase"}' | jq -r .token | remember WANJIRU_TOKEN
call 201 POST /v1/sessions "${JSON[@]}" \
  -d '{"email":"kofi@example.org","password":"his own passphrase"}' | jq -r .token | remember KOFI_TOKEN
call 200 GET /v1/me -H "Authorization: Bearer $AMINA_TOKEN" | jq '{display_name, member_kind, organisation: .organisation.name, can_create_communities}'
