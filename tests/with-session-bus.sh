#!/bin/bash
# Runs one test program on a private D-Bus session bus (nothing else on it, never the user's own).
# Usage: with-session-bus.sh PROGRAM [ARGS...]
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- "$@"
