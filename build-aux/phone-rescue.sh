#!/usr/bin/env bash
# Set up, build and run Phone Rescue on Debian 12 (or a derivative).
#
#   build-aux/phone-rescue.sh run    install what is missing, build, launch the app
#   build-aux/phone-rescue.sh test   install what is missing, build, run every test suite
#   build-aux/phone-rescue.sh deps   only install what is missing
#
# Environment: BUILD_DIR (default: build), MESON_ARGS (extra `meson setup` arguments).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libarchive-dev nettle-dev
  libgtk-4-dev libadwaita-1-dev
  desktop-file-utils appstream
  xvfb xauth dbus-daemon
  python3 curl
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for pkg in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$BUILD_DIR" ${MESON_ARGS:-}
  fi
  meson compile -C "$BUILD_DIR"
}

headless() {
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$@"
  else
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$@"
  fi
}

case "${1:-}" in
  deps)
    install_missing
    ;;
  run)
    install_missing
    build
    shift
    exec meson devenv -C "$BUILD_DIR" ./src/app/phone-rescue "$@"
    ;;
  test)
    install_missing
    build
    shift
    headless meson test -C "$BUILD_DIR" --print-errorlogs "$@"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
