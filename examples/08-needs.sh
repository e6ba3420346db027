#!/usr/bin/env bash
# Needs analysis: the convenor curates themes (members suggest them) and runs an intake survey
# (a free-text answer becomes a need in its author's name), members write needs and co-sign each
# other's, a need heard in an intake interview is recorded in the member's name with their
# consent, and the analysis shows what the members most need, as JSON, CSV and an SVG heatmap.
# Figures under min_cell_size (3 here) are suppressed: with a handful of members most are, as
# they should be.
source "$(dirname "$0")/common.sh"
AMINA_H=(-H "Authorization: Bearer $AMINA_TOKEN")
call 201 POST /v1/communities/$COP/norms/2/acceptances -H "Authorization: Bearer $KOFI_TOKEN" >/dev/null

PROCUREMENT=$(call 201 POST /v1/communities/$COP/themes "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"name":"Procurement","description":"Buying devices and platforms"}' | jq -r .id)
DEVICES=$(call 201 POST /v1/communities/$COP/themes "${AMINA_H[@]}" "${JSON[@]}" -d '{"name":"Devices"}' | jq -r .id)
# A member's theme is a suggestion until a convenor accepts (or declines) it.
TRAINING=$(call 201 POST /v1/communities/$COP/themes -H "Authorization: Bearer $WANJIRU_TOKEN" "${JSON[@]}" \
  -d '{"name":"Teacher training"}' | jq -r .id)
call 200 POST /v1/themes/$TRAINING/accept "${AMINA_H[@]}" | jq -c '{name, status}'

# An intake survey: a free-text question, a theme pick and a scale, open for a week.
SURVEY=$(call 201 POST /v1/communities/$COP/surveys "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"title":"Intake","opens_at":"'"$(date -u -d '-1 minute' +%FT%TZ)"'","closes_at":"'"$(date -u -d '+7 days' +%FT%TZ)"'",
       "questions":[{"kind":"text","prompt":"Your hardest challenge?","required":true},
                    {"kind":"theme_pick","prompt":"Which areas?"},{"kind":"scale","prompt":"How urgent?"}]}')
QUESTIONS=($(echo "$SURVEY" | jq -r '.questions[].id'))
SURVEY=$(echo "$SURVEY" | jq -r .id)
# Kofi answers and lets the convenors quote him; Wanjiru answers without.
call 201 PUT /v1/surveys/$SURVEY/responses/me -H "Authorization: Bearer $KOFI_TOKEN" "${JSON[@]}" \
  -d '{"answers":[{"question_id":"'"${QUESTIONS[0]}"'","value":"Teachers do not use the tablets we bought"},
                  {"question_id":"'"${QUESTIONS[1]}"'","value":["'"$TRAINING"'"]},
                  {"question_id":"'"${QUESTIONS[2]}"'","value":4}],"quote_consent":true}' >/dev/null
call 201 PUT /v1/surveys/$SURVEY/responses/me -H "Authorization: Bearer $WANJIRU_TOKEN" "${JSON[@]}" \
  -d '{"answers":[{"question_id":"'"${QUESTIONS[0]}"'","value":"Procurement takes two years"},
                  {"question_id":"'"${QUESTIONS[2]}"'","value":5}]}' >/dev/null
# Results come once the survey has closed (else two readings would tell one answer); Amina closes it.
call 409 GET /v1/surveys/$SURVEY/results "${AMINA_H[@]}" | jq -r .type
call 200 PATCH /v1/surveys/$SURVEY "${AMINA_H[@]}" -H 'If-Match: *' "${MERGE_PATCH[@]}" \
  -d '{"closes_at":"'"$(date -u +%FT%TZ)"'"}' | jq -c '{title}'
# The results (two respondents: under min_cell_size, so suppressed), and the answers Amina may quote.
call 200 GET /v1/surveys/$SURVEY/results "${AMINA_H[@]}" | jq -c '.results[] | {prompt: .question.prompt, answered, suppressed}'
ANSWER=$(call 200 GET /v1/surveys/$SURVEY/answers "${AMINA_H[@]}" | jq -r '.data[0].id')
call 200 POST /v1/survey-answers/$ANSWER/code "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"need":{"title":"Getting teachers to use the tablets","urgency":4,"theme_ids":["'"$TRAINING"'"]}}' \
  | jq -c '{text, respondent: .respondent.display_name, coded_need_id}'

NEED=$(call 201 POST /v1/communities/$COP/needs -H "Authorization: Bearer $WANJIRU_TOKEN" "${JSON[@]}" \
  -d '{"title":"Comparing device procurement models","description":"Leasing or buying tablets for 4,000 schools",
       "theme_ids":["'"$DEVICES"'"],"urgency":5}' | jq -r .id)
call 201 POST /v1/needs/$NEED/cosigns -H "Authorization: Bearer $KOFI_TOKEN" | jq -c '{cosigned_by: .account.display_name}'
# An intake interview: Amina records Kofi's need in his name, with his consent; he can edit or withdraw it.
call 201 POST /v1/communities/$COP/needs "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"title":"Training teachers to use the devices","theme_ids":["'"$TRAINING"'","'"$DEVICES"'"],"urgency":4,
       "member_id":"'"$KOFI"'","consent":true}' | jq -c '{title, source, author: .author.display_name, recorded_by: .recorded_by.display_name}'

# Two themes that are one: every link moves, and the old id points to the theme that took over.
call 200 POST /v1/themes/$DEVICES/merge "${AMINA_H[@]}" "${JSON[@]}" -d '{"into":"'"$PROCUREMENT"'"}' | jq -c '{name, status, merged_into}'
call 200 GET "/v1/communities/$COP/needs?theme=$PROCUREMENT&sort=cosigned" -H "Authorization: Bearer $KOFI_TOKEN" \
  | jq -c '.data[] | {title, themes: [.themes[].name], urgency, cosign_count}'

# Peers across silos: Kofi (a Ghanaian scholar) and Wanjiru (a Kenyan official) face the same problem.
call 200 GET "/v1/me/peers?community_id=$COP" -H "Authorization: Bearer $KOFI_TOKEN" \
  | jq -c '.data[] | {peer: .account.display_name, country, shared: [.shared_themes[].name], score}'

# The analysis: per theme the members behind its needs, where they come from, priority; the gaps.
call 200 GET /v1/communities/$COP/needs/analysis "${AMINA_H[@]}" \
  | jq -c '.themes[] | {theme: .theme.name, needs, members, suppressed, by_country: [.by_country[] | {value, members}]}'
call 200 GET /v1/communities/$COP/needs/analysis "${AMINA_H[@]}" | jq -c '.gaps[] | {title: .need.title, score}'
call 200 GET /v1/communities/$COP/needs/analysis "${AMINA_H[@]}" -H 'Accept: text/csv' | sed -n 1,4p
call 200 GET "/v1/communities/$COP/needs/analysis?by=region" "${AMINA_H[@]}" -H 'Accept: image/svg+xml' >needs-heatmap.svg
echo "needs-heatmap.svg: $(wc -c <needs-heatmap.svg) bytes, open it in a browser"

# The top need onto the agenda of a session; when it is scheduled, Wanjiru and Kofi are told.
call 201 POST /v1/communities/$COP/agenda "${AMINA_H[@]}" "${JSON[@]}" \
  -d '{"title":"Leasing or buying devices: two ministries compare","need_ids":["'"$NEED"'"],"status":"scheduled",
       "presenter_id":"'"$WANJIRU"'","starts_at":"2027-02-03T09:00:00.000Z","ends_at":"2027-02-03T10:00:00.000Z"}' \
  | jq -c '{title, status, presenter: .presenter.display_name, needs: [.needs[].title]}'
call 200 GET "/v1/me/notifications?unread=true" -H "Authorization: Bearer $KOFI_TOKEN" | jq -c '.data[] | {kind, subject_type}'
call 200 GET /v1/communities/$COP/needs/analysis "${AMINA_H[@]}" | jq -c '{gaps: [.gaps[].need.title]}'
