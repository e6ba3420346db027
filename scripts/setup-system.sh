#!/usr/bin/env bash
# Installs the Debian packages Praxis builds and runs with, when any is missing.
set -euo pipefail
packages=(libmicrohttpd-dev libpq-dev libsodium-dev zlib1g-dev libcurl4-openssl-dev postgresql pkg-config "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
