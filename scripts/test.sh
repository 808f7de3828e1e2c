#!/usr/bin/env bash
# Command 2 of the README: install dependencies, build, and run the whole test suite with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
cd "${KIQ_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
