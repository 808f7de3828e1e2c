#!/usr/bin/env bash
# Command 2 of the README: install dependencies, build, and run the whole test suite with CTest.
#   --with-hardening  then also build core with clang + ASan/UBSan, run its tests under them and run
#                     each libFuzzer target briefly (scripts/hardening.sh); CI passes this.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hardening=0
args=()
for a in "$@"; do
  if [[ $a == --with-hardening ]]; then hardening=1; else args+=("$a"); fi
done
"$root/scripts/setup-deps.sh"
# The house style first: a minute's work that would otherwise surface only in review.
"$root/scripts/check-format.sh"
"$root/scripts/build.sh"
# Before any test: prove the package list complete for an empty machine (not just for this one).
"$root/scripts/check-deps.sh" "${KIQ_BUILD_DIR:-$root/build}"
(cd "${KIQ_BUILD_DIR:-$root/build}" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "${args[@]}")
if ((hardening)); then
  # Tests labelled "slow" (large data sets) are left out: under ASan they take minutes and add no
  # coverage the normal run lacks.
  KIQ_FUZZ_SECONDS=${KIQ_FUZZ_SECONDS:-15} "$root/scripts/hardening.sh" -LE slow
fi
