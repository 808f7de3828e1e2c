#!/usr/bin/env bash
# The hardening pass: core and its tests built with clang, AddressSanitizer and UndefinedBehavior-
# Sanitizer, run against real servers; then each libFuzzer target for KIQ_FUZZ_SECONDS (default 20).
# The GUI is left out (Qt's widgets are not what this pass is about). Extra arguments go to ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KIQ_HARDENING_DIR:-$root/build-hardening}
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIQ_FUZZ=ON -DKIQ_BUILD_GUI=OFF \
  -DKIQ_FUZZ_SECONDS="${KIQ_FUZZ_SECONDS:-20}" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
# detect_leaks stays on; Qt's and libc's one-time allocations at exit are not leaks of ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
