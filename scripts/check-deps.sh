#!/usr/bin/env bash
# Proves that scripts/packages.sh is complete for an empty Debian 12 machine, even on a machine that
# has more installed (a CI machine kept from earlier work once hid a missing libqt6opengl6-dev):
#   1. the closure: what apt would install on a system with nothing installed, for the exact package
#      list and flags setup-deps.sh uses, plus what every Debian 12 system has (Essential and
#      Priority: required packages) and git (the clone);
#   2. the files the build and the tests actually use: every header and CMake file the compiler and
#      CMake read (ninja's deps, the *_DIR entries of CMakeCache.txt), the tools the build runs, the
#      shared libraries ldd lists for every executable and the Qt plugins the tests load, the servers
#      and tools the scripts and tests call, the sanitizer runtimes, the Ruby files Sidekiq loads;
#   3. fails, naming them, if any package owning one of those files is not in the closure.
# Usage: scripts/check-deps.sh [BUILD_DIR] [--drop PKG ...]   (--drop shows the check catching a gap)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KIQ_BUILD_DIR:-$root/build}
drop=()
while (($#)); do
  case $1 in
    --drop) drop+=("$2"); shift 2 ;;
    *) build=$1; shift ;;
  esac
done
source "$root/scripts/packages.sh"
packages=()
for p in "${KIQ_PACKAGES[@]}"; do
  [[ " ${drop[*]} " == *" $p "* ]] || packages+=("$p")
done
[[ -f $build/CMakeCache.txt && -f $build/build.ninja ]] || { echo "check-deps: no configured build in $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The closure on an empty system.
: >"$work/empty-status"
mapfile -t base < <(dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' | awk '$2 == "yes" || $3 == "required" {print $1}')
base+=(git)
simulate() {
  apt-get install -s -q "${KIQ_APT_FLAGS[@]}" -o Dir::State::status="$work/empty-status" "${packages[@]}" "${base[@]}"
}
if ! simulate >"$work/sim" 2>&1; then
  # Package lists may be missing or stale on a machine where setup-deps.sh installed nothing.
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -q >/dev/null
  simulate >"$work/sim" 2>&1 || { cat "$work/sim" >&2; echo "check-deps: apt cannot resolve the package list" >&2; exit 1; }
fi
{ awk '$1 == "Inst" {print $2}' "$work/sim"; printf '%s\n' "${base[@]}"; } | sort -u >"$work/closure"

# 2. The files in use.
files=$work/files
{
  (cd "$build" && ninja -t deps) | sed -n 's/^ *\(\/.*\)$/\1/p'
  sed -n 's/^[A-Za-z0-9_]*_DIR:PATH=\(\/.*\)$/\1/p' "$build/CMakeCache.txt" | while read -r d; do
    ls "$d"/*[Cc]onfig.cmake 2>/dev/null || true
  done
  (cd "$build" && ninja -t commands) | grep -oE '/usr/[^ ;"'"'"':]+' | sort -u
  find "$build" -name AutogenInfo.json -exec sed -n 's/.*"[A-Z_]*EXECUTABLE" *: *"\(\/[^"]*\)".*/\1/p' {} + | sort -u
  qtplugins=$(/usr/lib/qt6/bin/qtpaths -query QT_INSTALL_PLUGINS)
  elves=("$qtplugins/platforms/libqoffscreen.so" "$qtplugins/sqldrivers/libqsqlite.so")
  while IFS= read -r -d '' f; do elves+=("$f"); done < <(find "$build" -type f -perm -u+x \
    \( -path '*/app/*' -o -path '*/tests/*' -o -path '*/bench/*' \) ! -name '*.sh' -print0)
  for f in "${elves[@]}"; do
    echo "$f"
    ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
  done
  for t in redis-server redis-sentinel redis-cli redis-benchmark ruby sidekiq openssl xvfb-run clang clang++ clang-format \
    cmake ninja pkg-config c++ cc; do
    command -v "$t" || echo "MISSING-TOOL $t"
  done
  find "$(clang++ -print-resource-dir)/lib/linux" -name 'libclang_rt.*x86_64.a' \
    \( -name '*asan*' -o -name '*ubsan*' -o -name '*fuzzer*' \) 2>/dev/null
  ruby -e 'require "sidekiq"; require "sidekiq/api"; require "sidekiq/cli"; puts $LOADED_FEATURES' 2>/dev/null
} | grep -v -e "^$root/" -e "^$build/" | sort -u >"$files"
if grep -q '^MISSING-TOOL' "$files"; then
  echo "check-deps: tools not found: $(sed -n 's/^MISSING-TOOL //p' "$files" | xargs)" >&2
  exit 1
fi

# 3. Owners of those files (and of what their symlinks point at), against the closure.
owners() { # paths on stdin -> "package<TAB>path" lines; paths no package owns -> "-<TAB>path"
  xargs -r dpkg-query -S 2>/dev/null | grep -v '^diversion' | sed 's/^\([^:]*\)\(:[a-z0-9]*\)\?\(, [^:]*\)*: /\1\t/' || true
}
{ cat "$files"; xargs -r realpath -e <"$files" 2>/dev/null || true; } | sort -u >"$work/paths"
owners <"$work/paths" >"$work/owned"
# Merged /usr: a file packaged as /lib/x is found at /usr/lib/x and the other way round.
cut -f2 "$work/owned" | sort -u >"$work/owned-paths"
comm -23 "$work/paths" "$work/owned-paths" | sed -e 's#^/usr/\(lib\|lib64\|bin\|sbin\)/#/\1/#;t' -e 's#^/\(lib\|lib64\|bin\|sbin\)/#/usr/\1/#' |
  owners >>"$work/owned"
cut -f1 "$work/owned" | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u >"$work/needed"
mapfile -t missing < <(comm -23 "$work/needed" "$work/closure")
if ((${#missing[@]})); then
  echo "check-deps: FAILED: on an empty Debian 12 machine scripts/packages.sh does not install these packages," >&2
  echo "which own files the build or the tests use (add them to scripts/packages.sh and the README):" >&2
  for p in "${missing[@]}"; do
    printf '  %s   (e.g. %s)\n' "$p" "$(awk -F'\t' -v p="$p" '$1 == p {print $2; exit}' "$work/owned")" >&2
  done
  exit 1
fi
echo "check-deps: ok: $(wc -l <"$files") files in use, owned by $(wc -l <"$work/needed") packages, all installed on an empty Debian 12 by scripts/packages.sh ($(wc -l <"$work/closure") packages)"
