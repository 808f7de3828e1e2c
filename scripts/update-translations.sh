#!/usr/bin/env bash
# Refreshes translations/*.ts from the sources. The build's kiqdesk_lupdate target treats every .ts
# alike, but kiqdesk_en.ts holds only the English plural forms ("1 process", "2 processes"), so it is
# refreshed again with -pluralonly (Qt 6.4's CMake API has no per-file option for that).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${KIQ_BUILD_DIR:-build}"
cmake --build "$build" --target kiqdesk_lupdate
lupdate="$(command -v lupdate || echo /usr/lib/qt6/bin/lupdate)"
git checkout -- translations/kiqdesk_en.ts 2>/dev/null || true
"$lupdate" -pluralonly -no-obsolete -locations none app/main.cpp ui -ts translations/kiqdesk_en.ts
