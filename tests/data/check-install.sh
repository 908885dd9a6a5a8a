#!/bin/sh
# Install the build tree into a temporary DESTDIR and check that every
# expected file is there.
#
# Usage: check-install.sh MESON BUILDDIR PATH...
#
# Each PATH is an absolute installed path (prefix included).  The install
# uses --no-rebuild: `meson test` has already built everything, and the
# install must not start another build or run any test.

set -u

if [ $# -lt 3 ]; then
    echo "usage: check-install.sh MESON BUILDDIR PATH..." >&2
    exit 2
fi
meson=$1
builddir=$2
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/phone-rescue-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
destdir=$work/root

if ! "$meson" install -C "$builddir" --destdir "$destdir" --no-rebuild > "$work/install.log" 2>&1; then
    echo "meson install into DESTDIR failed:" >&2
    cat "$work/install.log" >&2
    exit 1
fi

status=0
for path in "$@"; do
    if [ -e "$destdir$path" ]; then
        echo "ok: $path"
    else
        echo "not installed: $path" >&2
        status=1
    fi
done

if [ $status -ne 0 ]; then
    echo "installed files:" >&2
    (cd "$destdir" && find . -type f | sort | sed 's|^\.||; s/^/  /') >&2
fi
exit $status
