#!/bin/sh
# Take the AppStream screenshots from `phone-rescue --demo` under Xvfb.
#
# Usage: data/screenshots/take-screenshots.sh [BUILDDIR]
#
# Needs xvfb-run, dbus-run-session, xdotool and ImageMagick (import,
# convert). Writes main.png, setup.png, firmware.png and requests.png next
# to this script; the metainfo points at them through a release tag.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
builddir=$(cd "${1:-$top/build}" && pwd)

if [ "${PHONE_RESCUE_SHOTS_INNER:-}" != 1 ]; then
    for tool in xvfb-run dbus-run-session xdotool import convert; do
        command -v "$tool" > /dev/null || { echo "$tool is not installed" >&2; exit 1; }
    done
    PHONE_RESCUE_SHOTS_INNER=1 exec xvfb-run -a -s '-screen 0 1400x1000x24' \
        dbus-run-session -- "$0" "$builddir"
fi

tmp=$(mktemp -d)
trap 'kill "$pid" 2> /dev/null || true; rm -rf "$tmp"' EXIT

export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$builddir/data"
export GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
export LC_ALL=C.UTF-8 LANGUAGE=
export XDG_DATA_HOME="$tmp/data" PHONE_RESCUE_FIRMWARE_DIR="$top/firmware"

"$builddir/src/app/phone-rescue" --demo=7 > "$tmp/app.log" 2>&1 &
pid=$!

# Xvfb has no window manager: the window sits at the top left; cut it out
shot () {
    import -window root "$tmp/root.png"
    convert "$tmp/root.png" -bordercolor black -border 1 -trim +repage "$here/$1.png"
    echo "wrote $here/$1.png"
}

# Some phones rescued, others still downloading
sleep 22
shot main

window=$(xdotool search --name 'Phone Rescue' | head -n 1)
xdotool windowfocus --sync "$window"
xdotool key --window "$window" alt+2
sleep 2
shot setup
xdotool key --window "$window" alt+3
sleep 2
shot firmware
xdotool key --window "$window" alt+4
sleep 2
shot requests
