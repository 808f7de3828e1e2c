#!/usr/bin/env bash
# Fails, listing the files, when a tracked C++ file differs from what clang-format (the house style in
# .clang-format) makes of it. Fix with: scripts/check-format.sh --fix
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Tracked and new (not ignored) files: a file is checked before its first commit too.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
# One clang-format process for all files; its warnings start with "path:line:col:".
mapfile -t bad < <(clang-format --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: .*/\1/p' | sort -u)
if ((${#bad[@]})); then
  echo "check-format: FAILED: ${#bad[@]} files differ from clang-format's output (run scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check-format: ok: ${#files[@]} files match .clang-format ($(clang-format --version | grep -o 'version [0-9.]*'))"
