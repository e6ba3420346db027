#!/usr/bin/env bash
# Problem threads: two officials of different ministries and countries open a thread in their
# circle, share a practice that worked and a risk that was missed, reach an outcome and find it
# later by search. The community is under the Chatham House rule, so everyone but a post's author
# reads "a participant"; Kofi, outside the circle, cannot learn that any of it exists.
source "$(dirname "$0")/common.sh"
ADMIN_H=(-H "Authorization: Bearer $ADMIN")
AMINA_H=(-H "Authorization: Bearer $AMINA_TOKEN")
WANJIRU_H=(-H "Authorization: Bearer $WANJIRU_TOKEN")

# Daniel, an official of Rwanda's ICT ministry, joins the community and the officials' circle.
RW_ORG=$(call 201 POST /v1/organisations "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"name":"Ministry of ICT and Innovation","kind":"government","country":"RW","sector":"ict"}' | jq -r .id)
call 201 POST /v1/accounts "${ADMIN_H[@]}" "${JSON[@]}" \
  -d '{"email":"daniel@example.org","display_name":"Daniel M.","password":"a third passphrase",
       "member_kind":"official","country":"RW","organisation_id":"'"$RW_ORG"'"}' | jq -r .id | remember DANIEL
call 201 POST /v1/sessions "${JSON[@]}" -d '{"email":"daniel@example.org","password":"a third passphrase"}' \
  | jq -r .token | remember DANIEL_TOKEN
DANIEL_H=(-H "Authorization: Bearer $DANIEL_TOKEN")
INVITATION=$(call 201 POST /v1/communities/$COP/invitations "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"account_id":"'"$DANIEL"'","role":"member"}' | jq -r .id)
call 200 POST /v1/invitations/$INVITATION/accept "${DANIEL_H[@]}" >/dev/null
call 201 POST /v1/communities/$COP/norms/2/acceptances "${DANIEL_H[@]}" >/dev/null
call 201 POST /v1/circles/$CIRCLE/members "${AMINA_H[@]}" "${JSON[@]}" -d '{"account_id":"'"$DANIEL"'"}' >/dev/null

# Wanjiru opens the thread in the circle; it takes the community's Chatham House rule.
call 201 POST /v1/communities/$COP/threads "${WANJIRU_H[@]}" "${JSON[@]}" \
  -d '{"title":"Device procurement: lease or buy?","problem":"We must equip 4,000 schools within two years.",
       "circle_id":"'"$CIRCLE"'"}' | jq -r .id | remember THREAD
call 200 GET /v1/threads/$THREAD "${DANIEL_H[@]}" | jq -c '{title, status, chatham_house, created_by_label}'

# Daniel shares a practice that worked; Wanjiru a risk her ministry missed.
PRACTICE=$(call 201 POST /v1/threads/$THREAD/posts "${DANIEL_H[@]}" "${JSON[@]}" \
  -d '{"kind":"practice","body":"We leased tablets with a maintenance SLA; repairs take days, not months.",
       "practice":{"intervention":"Leasing tablets with a maintenance SLA",
                   "context":{"country":"RW","level":"primary","scale":"national"},"outcome":"positive",
                   "evidence":[{"title":"Pilot evaluation 2025","url":"https://example.org/pilot.pdf"}],
                   "confidence":"medium"}}' | jq -r .id)
call 201 POST /v1/threads/$THREAD/posts "${WANJIRU_H[@]}" "${JSON[@]}" \
  -d '{"kind":"risk","body":"Our bulk tablet purchase skipped the security review.","reply_to_id":"'"$PRACTICE"'",
       "practice":{"intervention":"Bulk tablet purchase","outcome":"negative",
                   "missed_risks":["No cybersecurity review: devices shipped with default admin passwords"],
                   "confidence":"high"}}' | jq -c '{kind, author_label, written_by_me}'
# Daniel was told of the reply; the posts name nobody to anyone but their authors.
call 200 GET "/v1/me/notifications?unread=true" "${DANIEL_H[@]}" | jq -c '[.data[] | select(.subject_type == "post") | .kind]'
call 200 GET /v1/threads/$THREAD/posts "${AMINA_H[@]}" | jq -c '.data[] | {kind, author, author_label, declared_interest}'

# "We did this too", and the outcome: the thread is resolved.
call 201 POST /v1/posts/$PRACTICE/endorsements "${WANJIRU_H[@]}" "${JSON[@]}" -d '{"kind":"we_did_this_too"}' \
  | jq -c '{kind, account: .account.display_name}'
call 200 POST /v1/threads/$THREAD/outcome "${WANJIRU_H[@]}" "${JSON[@]}" -d '{"post_id":"'"$PRACTICE"'"}' \
  | jq -c '{status, outcome_post_id}'

# What did harm elsewhere, in one request; and the thread found later by search.
call 200 GET "/v1/communities/$COP/practices?outcome=negative" "${DANIEL_H[@]}" \
  | jq -c '.data[] | {intervention: .practice.intervention, missed_risks: .practice.missed_risks, author_label}'
call 200 GET "/v1/search?q=tablet" "${DANIEL_H[@]}" | jq -c '.data[] | {type, title, snippet_html}'

# Kofi is a member of the community but not of the circle: the thread does not exist for him.
call 404 GET /v1/threads/$THREAD -H "Authorization: Bearer $KOFI_TOKEN" | jq -r .type
call 200 GET "/v1/search?q=tablet" -H "Authorization: Bearer $KOFI_TOKEN" | jq -c '[.data[] | select(.type != "need") | .type]'
