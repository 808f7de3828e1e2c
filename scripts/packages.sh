# The one list of Debian 12 packages Kiqdesk needs to build, run and test, and the apt flags they are
# installed with. Sourced by scripts/setup-deps.sh (installs them) and scripts/check-deps.sh (proves
# that on an empty machine these exact packages and flags bring every file the build uses). The README's
# "Dependencies" table says why each is here.
# shellcheck shell=bash disable=SC2034
KIQ_APT_FLAGS=(--no-install-recommends)
KIQ_PACKAGES=(
  # the build
  build-essential cmake ninja-build pkg-config
  # the house style, checked by scripts/check-format.sh
  clang-format
  # the hardening pass: clang with the sanitizer and libFuzzer runtimes
  clang libclang-rt-14-dev
  # Qt. qt6-charts-dev needs Qt6OpenGL's CMake package, which it only recommends.
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite libgl-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  # libraries
  libhiredis-dev libssl-dev openssl zlib1g-dev libsimdjson-dev libcli11-dev libtomlplusplus-dev qtkeychain-qt6-dev
  libarchive-dev
  # the servers and tools the sandbox and the tests run
  redis-server redis-sentinel redis-tools ruby-sidekiq xvfb
  # Japanese and Chinese glyphs for the ja and zh_CN translations (tests, screenshots, the app)
  fonts-noto-cjk
  # the keychain test: a private session bus (dbus-run-session) and a real Secret Service
  dbus-daemon gnome-keyring
  # the .deb: PNG icons rendered from the SVG, and tst_package's checks of the package (lintian, the
  # desktop entry and AppStream validators, man pages rendered, zsh completion syntax, file types)
  librsvg2-bin lintian desktop-file-utils appstream man-db zsh file
)
