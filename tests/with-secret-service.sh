#!/bin/bash
# Runs one test program under a private D-Bus session bus with an unlocked gnome-keyring: a real
# Secret Service for QtKeychain, in a throwaway HOME, never the user's own keyring.
# Usage: with-secret-service.sh PROGRAM [ARGS...]
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
# The keyring's password is a fixed test value: this keyring lives and dies with $tmp.
dbus-run-session -- bash -c \
  'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL; "$@"' \
  bash "$@"
