#!/usr/bin/env bash
# A convenor sets up a community: Amina may create communities (the admin granted
# `can_create_communities`) and becomes its first convenor.
source "$(dirname "$0")/common.sh"
AMINA_H=(-H "Authorization: Bearer $AMINA_TOKEN")

call 201 POST /v1/communities "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"slug":"edtech-reform","name":"EdTech Reform CoP","visibility":"unlisted","join_policy":"apply",
       "allowed_member_kinds":["official","scholar","practitioner","vendor"],"observers_allowed":true,
       "chatham_house":true,"min_cell_size":3}' | jq -r .id | remember COP

# Norms: version 1, accepted by its publisher; every member accepts the current version before writing.
call 201 POST /v1/communities/$COP/norms "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"text":"1. What is said here is not attributed outside."}' | jq '{version, acceptance_count}'

# Invitations by account: Wanjiru accepts, then accepts the norms.
INVITATION=$(call 201 POST /v1/communities/$COP/invitations "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"account_id":"'"$WANJIRU"'","role":"member"}' | jq -r .id)
call 200 POST /v1/invitations/$INVITATION/accept -H "Authorization: Bearer $WANJIRU_TOKEN" | jq '{role, status}'
call 201 POST /v1/communities/$COP/norms/1/acceptances -H "Authorization: Bearer $WANJIRU_TOKEN" | jq .

# An invitation by email: the convenor is answered the same whether or not the address had an
# account. The message tells who invites, to what, under which norms, with a decline link; an
# unknown address gets an invited account, and the message a link to choose its password.
call 201 POST /v1/communities/$COP/invitations "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"email":"new.person@example.org","display_name":"Nour B.","member_kind":"scholar"}' | jq '{status, expires_at}'
NOUR_ACTIVATION=$(mailed_token new.person@example.org /activate)
call 204 POST /v1/account-activations "${JSON[@]}" -d '{"token":"'"$NOUR_ACTIVATION"'","password":"her own passphrase"}'
NOUR_TOKEN=$(call 201 POST /v1/sessions "${JSON[@]}" \
  -d '{"email":"new.person@example.org","password":"her own passphrase"}' | jq -r .token)
NOUR_INVITATION=$(call 200 GET '/v1/me/invitations?status=pending' -H "Authorization: Bearer $NOUR_TOKEN" | jq -r '.data[0].id')
call 200 POST /v1/invitations/$NOUR_INVITATION/accept -H "Authorization: Bearer $NOUR_TOKEN" | jq '{role, status}'

# Members propose amendments to the norms (and endorse them); a convenor adopts one, which
# becomes the next version, or declines it with a reason.
AMENDMENT=$(call 201 POST /v1/communities/$COP/norms/amendments -H "Authorization: Bearer $WANJIRU_TOKEN" \
  "${JSON[@]}" -d '{"text":"1. ... 2. Chairs rotate.","rationale":"fairness"}' | jq -r .id)
call 200 POST /v1/amendments/$AMENDMENT/adopt "${AMINA_H[@]}" | jq '{status}'
call 201 POST /v1/communities/$COP/norms/2/acceptances -H "Authorization: Bearer $WANJIRU_TOKEN" >/dev/null

# Applications: anyone who sees the community's card applies; a convenor approves one (as member
# or observer) and rejects another with a reason.
APPLICATION=$(call 201 POST /v1/communities/$COP/applications -H "Authorization: Bearer $KOFI_TOKEN" \
  "${JSON[@]}" -d '{"answers":{"motivation":"Running a tablet pilot"}}' | jq -r .id)
call 200 GET "/v1/communities/$COP/applications?status=applied" "${AMINA_H[@]}" | jq '[.data[] | {id, status}]'
call 200 POST /v1/applications/$APPLICATION/approve "${AMINA_H[@]}" "${JSON[@]}" -d '{"role":"member"}' | jq '{status}'
call 201 POST /v1/accounts -H "Authorization: Bearer $ADMIN" "${JSON[@]}" \
  -d '{"email":"lee@example.org","display_name":"Lee P.","password":"a seller of tablets","member_kind":"vendor"}' >/dev/null
LEE_TOKEN=$(call 201 POST /v1/sessions "${JSON[@]}" -d '{"email":"lee@example.org","password":"a seller of tablets"}' | jq -r .token)
REJECTED=$(call 201 POST /v1/communities/$COP/applications -H "Authorization: Bearer $LEE_TOKEN" \
  "${JSON[@]}" -d '{"answers":{"motivation":"We sell tablets"}}' | jq -r .id)
call 200 POST /v1/applications/$REJECTED/reject "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"reason":"Vendors join through the open sessions first."}' | jq '{status, reason}'

# A circle of trust: only its members learn that it exists. In a government-only circle every
# member is an official an admin vouched for: its creator Amina, then Wanjiru; Kofi (a scholar)
# may not join it.
call 201 POST /v1/communities/$COP/circles "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"name":"Procurement officials","government_only":true,"excludes_vendors":true}' | jq -r .id | remember CIRCLE
call 201 POST /v1/circles/$CIRCLE/members "${AMINA_H[@]}" "${JSON[@]}" -d '{"account_id":"'"$WANJIRU"'"}' | jq '{account: .account.display_name, member_kind}'
call 409 POST /v1/circles/$CIRCLE/members "${AMINA_H[@]}" "${JSON[@]}" -d '{"account_id":"'"$KOFI"'"}' | jq '{type, detail}'

# A meeting in the circle with its rules stated up front.
call 201 POST /v1/communities/$COP/meetings "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"title":"Procurement clinic","starts_at":"2027-01-12T13:00:00.000Z","ends_at":"2027-01-12T14:30:00.000Z",
       "time_zone":"Africa/Nairobi","circle_id":"'"$CIRCLE"'","recording":"off","observers_allowed":false}' \
  | jq '{title, starts_at, time_zone, rules}'

# The directory, filtered by the sector and country of members' organisations, and participation
# figures: a cell under min_cell_size is suppressed, with any other cell that would give it away.
# With three members every figure would single someone out, so all are null until more join.
call 200 GET "/v1/communities/$COP/members?sector=education&country=KE" "${AMINA_H[@]}" | jq -c '.data[] | {name: .account.display_name, organisation: .account.organisation.name, role}'
call 200 GET "/v1/communities/$COP/participation" "${AMINA_H[@]}" | jq -c '{active_members, by_country, suppression_method}'
