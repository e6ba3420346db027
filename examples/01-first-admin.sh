#!/usr/bin/env bash
# The first admin: on an empty database only the command line makes one (there is no default
# password). It prints an `admin`-scoped API token, once; a lost one is issued anew with
# `praxis admin token --email root@example.org`.
source "$(dirname "$0")/common.sh"

$PRAXIS admin create-admin --email root@example.org | remember ADMIN
call 200 GET /v1/me -H "Authorization: Bearer $ADMIN" | jq '{email, platform_role, status}'
