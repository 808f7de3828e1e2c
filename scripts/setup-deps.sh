#!/usr/bin/env bash
# Installs every Debian 12 package Kiqdesk needs to build, run and test (scripts/packages.sh). Safe to re-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
missing=()
for p in "${KIQ_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${KIQ_APT_FLAGS[@]}" "${missing[@]}"
fi
# The Debian redis-server package starts a system instance on 6379; Kiqdesk never uses it (tests and
# the sandbox start private servers on free ports), so it is left alone.
