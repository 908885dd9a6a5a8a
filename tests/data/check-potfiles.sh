#!/bin/sh
# Check that po/POTFILES.in is complete and current.
#
# Usage: check-potfiles.sh SOURCE_ROOT
#
# Fails, naming the files, when
#  - a C source or header under src/ calls a gettext macro (_(), N_(), C_(),
#    NC_(), Q_(), g_dngettext(), g_dpgettext2(), ngettext()) but is missing
#    from po/POTFILES.in,
#  - a .ui file under src/ has translatable="yes" but is missing,
#  - a desktop entry, metainfo or GSettings schema in data/ is missing,
#  - po/POTFILES.in names a file that does not exist (xgettext would fail).
# Files listed in po/POTFILES.skip are exempt.

set -u
export LC_ALL=C

srcroot=${1:?usage: check-potfiles.sh SOURCE_ROOT}
cd "$srcroot" || exit 1

potfiles=po/POTFILES.in
skipfiles=po/POTFILES.skip
if [ ! -f "$potfiles" ]; then
    echo "missing $potfiles" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Entries without comments, blank lines and [type: …] prefixes.
{
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$potfiles"
    if [ -f "$skipfiles" ]; then sed -e 's/#.*//' "$skipfiles"; fi
} | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' | sort -u > "$tmp/listed"

gettext_call='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|g_dngettext|g_dpgettext2|ngettext)[[:space:]]*\('
{
    if [ -d src ]; then
        find -H src -type f \( -name '*.c' -o -name '*.h' \) -exec grep -lE "$gettext_call" {} +
        find -H src -type f -name '*.ui' -exec grep -l 'translatable="yes"' {} +
    fi
    find -H data -maxdepth 1 -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
        -o -name '*.gschema.xml' \)
} 2>/dev/null | sed 's|^\./||' | sort -u > "$tmp/needed"

status=0

comm -23 "$tmp/needed" "$tmp/listed" > "$tmp/missing"
if [ -s "$tmp/missing" ]; then
    echo "files with translatable strings missing from $potfiles:" >&2
    sed 's/^/  /' "$tmp/missing" >&2
    status=1
fi

while IFS= read -r f; do
    if [ ! -f "$f" ]; then
        echo "$potfiles names a file that does not exist: $f" >&2
        status=1
    fi
done < "$tmp/listed"

if [ $status -eq 0 ]; then
    echo "$potfiles is complete: $(wc -l < "$tmp/needed") files with translatable strings"
fi
exit $status
