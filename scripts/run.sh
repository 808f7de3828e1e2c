#!/usr/bin/env bash
# Command 1 of the README: install dependencies, build, and start Kiqdesk on the local sandbox
# (a private redis-server on loopback with demo jobs and local workers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
exec "${KIQ_BUILD_DIR:-$root/build}/app/kiqdesk" --sandbox "$@"
