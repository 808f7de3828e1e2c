#!/usr/bin/env bash
# Renders the README's screenshots from the built app on the local sandbox (offscreen): the Overview
# at a laptop size (1024×700) and a desktop size (1600×1000), light and dark, and the main pages at
# the desktop size. Writes docs/screenshots/*.png. Usage: scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app=${1:-${KIQ_BUILD_DIR:-$root/build}}/app/kiqdesk
out=$root/docs/screenshots
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen
# A private settings home, so the user's saved window state and theme do not leak in.
XDG_CONFIG_HOME=$(mktemp -d)
XDG_DATA_HOME=$(mktemp -d)
export XDG_CONFIG_HOME XDG_DATA_HOME
trap 'rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"' EXIT
shot() { # name theme size page
  "$app" --sandbox --theme "$2" --size "$3" --page "$4" --screenshot-delay 6000 --screenshot "$out/$1.png"
  echo "docs/screenshots/$1.png"
}
shot_in() { # language name size page: as a user who chose that language in View → Language
  local home
  home=$(mktemp -d)
  mkdir -p "$home/Kiqdesk"
  printf '[ui]\nlanguage=%s\n' "$1" >"$home/Kiqdesk/kiqdesk.conf"
  XDG_CONFIG_HOME=$home "$app" --sandbox --theme light --size "$3" --page "$4" --screenshot-delay 6000 \
    --screenshot "$out/$2.png"
  rm -rf "$home"
  echo "docs/screenshots/$2.png"
}
# Page numbers follow ui/main/PageRegistry.cpp: 0 Overview, 1 Queues, 2 Retries, 3 Dead,
# 4 Scheduled, 5 Busy, 6 Redis, 7 ACL, 8 Local workers.
shot overview-1600-light light 1600x1000 0 &
shot overview-1600-dark dark 1600x1000 0 &
wait
shot overview-1024-light light 1024x700 0 &
shot overview-1024-dark dark 1024x700 0 &
wait
# The translations at the laptop size: German's longer words, Japanese (CJK) text.
shot_in de queues-de 1024x700 1 &
shot_in ja overview-ja 1024x700 0 &
wait
shot dead light 1600x1000 3 &
shot queues-1024-dark dark 1024x700 1 &
wait
shot workers light 1600x1000 8 &
shot acl-1024 light 1024x700 7 &
wait
shot redis-dark dark 1600x1000 6
# The Safety section's pictures need a Production deployment, armed writes and an audit trail: a test
# makes them for real against its own redis-server (tests/tst_safety_screens.cpp).
KIQ_README_SHOTS=$out "$(dirname "$app")/../tests/tst_safety_screens" >/dev/null
echo docs/screenshots/armed.png docs/screenshots/audit-trail.png
# The connection doctor on a hostname mismatch and on a passing mTLS connection, against servers with a
# PKI made at test time (tests/tst_doctor_dialog.cpp).
KIQ_README_SHOTS=$out "$(dirname "$app")/../tests/tst_doctor_dialog" >/dev/null
echo docs/screenshots/doctor-failing.png docs/screenshots/doctor-passing.png
# The Security tab of a deployment with weak settings and a secret in a job (tests/tst_security_page.cpp).
KIQ_README_SHOTS=$out "$(dirname "$app")/../tests/tst_security_page" >/dev/null
echo docs/screenshots/security.png
# The Metrics tab on Sidekiq 8 job metrics written at test time (tests/tst_metricspage.cpp).
KIQ_README_SHOTS=$out KIQDESK_CLI="$(dirname "$app")/kiqdesk-cli" "$(dirname "$app")/../tests/tst_metricspage" >/dev/null
echo docs/screenshots/metrics.png
# The command palette narrowed to pages (tests/tst_command_palette.cpp).
KIQ_README_SHOTS=$out "$(dirname "$app")/../tests/tst_command_palette" >/dev/null
echo docs/screenshots/command-palette.png
