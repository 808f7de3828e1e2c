#!/usr/bin/env bash
# The .deb as a user gets it (issue 22, item 2): `cpack -G DEB` from the build tree, unpacked into a
# temporary root with dpkg-deb -x. Checks the layout (both executables, desktop entry, icons in SVG
# and PNG sizes, AppStream metadata, two manual pages, bash and zsh completions, copyright and
# changelog), the dependencies the shared-library scan cannot see, runs `kiqdesk-cli --version` from
# the unpacked tree, validates the desktop entry and the metadata, renders both manual pages without
# a warning, makes sure every kiqdesk-cli command is in its manual page and completes in bash, checks
# the zsh completion's syntax, and runs lintian: no error and no warning.
# Usage: tst_package.sh BUILD_DIR VERSION
set -euo pipefail
build=$1
version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
}
deb="$work/out/kiqdesk_${version}_amd64.deb"
[[ -f $deb ]] || fail "no $deb"
root="$work/root"
dpkg-deb -x "$deb" "$root"

for f in usr/bin/kiqdesk usr/bin/kiqdesk-cli \
  usr/share/applications/kiqdesk.desktop \
  usr/share/icons/hicolor/scalable/apps/kiqdesk.svg \
  usr/share/metainfo/io.kiqdesk.Kiqdesk.metainfo.xml \
  usr/share/man/man1/kiqdesk.1.gz usr/share/man/man1/kiqdesk-cli.1.gz \
  usr/share/bash-completion/completions/kiqdesk-cli \
  usr/share/zsh/vendor-completions/_kiqdesk-cli \
  usr/share/doc/kiqdesk/copyright usr/share/doc/kiqdesk/changelog.gz; do
  [[ -s $root/$f ]] || fail "the package lacks /$f"
done
for size in 16 22 24 32 48 64 128 256; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/kiqdesk.png
  [[ -s $png ]] || fail "no ${size}x${size} icon"
  file "$png" | grep -q "PNG image data, $size x $size" || fail "$png is not a ${size}x${size} PNG: $(file "$png")"
done

depends=$(dpkg-deb -f "$deb" Depends)
for d in libqt6sql6-sqlite libhiredis libqt6widgets6 libssl3; do
  [[ $depends == *"$d"* ]] || fail "Depends lacks $d: $depends"
done

cli=$root/usr/bin/kiqdesk-cli
[[ $("$cli" --version) == "kiqdesk-cli $version" ]] || fail "kiqdesk-cli --version says: $("$cli" --version)"

desktop-file-validate "$root/usr/share/applications/kiqdesk.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.kiqdesk.Kiqdesk.metainfo.xml" || fail "appstreamcli validate"

for page in kiqdesk kiqdesk-cli; do
  warnings=$(MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
  [[ -z $warnings ]] || fail "man $page: $warnings"
done
manual=$(MANWIDTH=200 man -l "$root/usr/share/man/man1/kiqdesk-cli.1.gz" 2>/dev/null)
# Every command --help lists (the indented lines after "Subcommands:").
commands=$("$cli" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[[ $(wc -w <<<"$commands") -ge 15 ]] || fail "too few commands read from --help: $commands"
completion=$root/usr/share/bash-completion/completions/kiqdesk-cli
for c in $commands; do
  grep -Eq "^   $c( |$)" <<<"$manual" || fail "the manual page has no section for '$c'"
  got=$(bash -c 'source "$1"; COMP_WORDS=(kiqdesk-cli --json "${2:0:3}"); COMP_CWORD=2; _kiqdesk_cli; echo "${COMPREPLY[*]}"' _ "$completion" "$c")
  [[ " $got " == *" $c "* ]] || fail "bash completes '${c:0:3}' to '$got', not $c"
done
got=$(bash -c 'source "$1"; COMP_WORDS=(kiqdesk-cli jobs retry --s); COMP_CWORD=3; _kiqdesk_cli; echo "${COMPREPLY[*]}"' _ "$completion")
[[ " $got " == *" --set "* ]] || fail "bash completes 'jobs retry --s' to '$got'"
zsh -n "$root/usr/share/zsh/vendor-completions/_kiqdesk-cli" || fail "zsh completion syntax"

# lintian refuses nothing for running as root in a container; its findings are what count.
report=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -E '^[EW]: ' || true)
[[ -z $report ]] || fail "lintian:"$'\n'"$report"
echo "PASS: $deb"
