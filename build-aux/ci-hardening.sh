#!/usr/bin/env bash
# build-aux/ci-hardening.sh — the sanitizer build and the fuzzers (issue 7)
#
#  1. Installs what is missing (clang, its sanitizer and libFuzzer runtimes,
#     the build dependencies, iproute2) with apt-get, as root or with sudo.
#  2. Builds Phone Rescue with clang, -Db_sanitize=address,undefined and the
#     libFuzzer harnesses (-Dfuzzing=true), without the GTK app, into a build
#     directory of its own ($HARDENING_BUILD_DIR, default build-hardening).
#  3. Runs the unit, integration and security suites there under ASan, LSan
#     and UBSan (G_SLICE=always-malloc, G_DEBUG=gc-friendly, halt on the first
#     error, leak suppressions in tests/lsan.supp), and each fuzzer for
#     $FUZZ_SECONDS seconds (default 60) as the meson suite 'fuzz': one
#     `meson test` run, so <builddir>/meson-logs/testlog.json has them all.
#  4. Prints, as its last line, "TESTLOGS: <path of that testlog.json>".
#
# Temporary files go below the build directory; nothing else is written
# outside it (apart from what apt-get installs). Exit status: non-zero when
# the build or a test failed. About 10 minutes on 2 cores.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
SRC_DIR=$PWD
BUILD_DIR=${HARDENING_BUILD_DIR:-build-hardening}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$SRC_DIR/$BUILD_DIR" ;; esac
export FUZZ_SECONDS=${FUZZ_SECONDS:-60}

PACKAGES=(
  clang libclang-rt-14-dev llvm
  meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libsoup-3.0-dev libarchive-dev nettle-dev
  iproute2 util-linux python3
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ci-hardening: installing ${missing[*]}"
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

status=0
started=$(date +%s)

if ! install_missing; then
  echo "ci-hardening: could not install the packages it needs" >&2
  status=1
fi

if [ $status -eq 0 ] && [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang meson setup "$BUILD_DIR" \
    -Dgui=false -Dtests=true -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || status=1
fi
if [ $status -eq 0 ]; then
  meson compile -C "$BUILD_DIR" || status=1
fi

if [ $status -eq 0 ]; then
  mkdir -p "$BUILD_DIR/tmp"
  symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
  (
    export TMPDIR="$BUILD_DIR/tmp"
    export G_SLICE=always-malloc
    export G_DEBUG=gc-friendly
    # fast_unwind_on_malloc=0: Debian's GLib has no frame pointers, and the
    # suppressions need whole allocation stacks
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=20:quarantine_size_mb=64"
    export LSAN_OPTIONS="suppressions=$SRC_DIR/tests/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    # GIO's libproxy module is C++: its exceptions trip ASan's __cxa_throw
    # interceptor in a C program ("CHECK failed: asan_interceptors.cpp");
    # loopback tests need no proxy
    export GIO_USE_PROXY_RESOLVER=dummy
    [ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
    # one test at a time: the timing checks (slow clients, the simulated
    # fleet) are not meant to share two cores with a fuzzer under ASan
    meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 1 --timeout-multiplier 3 \
      --suite unit --suite integration --suite security --suite fuzz
  ) || status=1
  rm -rf "$BUILD_DIR/tmp"
fi

echo "ci-hardening: $(( $(date +%s) - started )) s, status $status"
echo "TESTLOGS: $BUILD_DIR/meson-logs/testlog.json"
exit $status
