#!/usr/bin/env bash
# Installs every Debian 12 package Kiqdesk needs to build, run and test. Safe to re-run.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6sql6-sqlite libgl-dev
  libhiredis-dev libssl-dev openssl zlib1g-dev libsimdjson-dev libcli11-dev libtomlplusplus-dev qtkeychain-qt6-dev
  redis-server redis-sentinel redis-tools ruby-sidekiq xvfb
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The Debian redis-server package starts a system instance on 6379; Kiqdesk never uses it (tests and
# the sandbox start private servers on free ports), so it is left alone.
