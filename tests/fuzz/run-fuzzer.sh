#!/bin/sh
# run-fuzzer.sh HARNESS SEEDS WORKDIR [libFuzzer options…]
#
# Runs one libFuzzer harness for $FUZZ_SECONDS seconds (default 60) from the
# committed seed corpus SEEDS (read only). New inputs, crash artifacts and
# every temporary file go below WORKDIR (in the build directory), nothing
# elsewhere. Exit status 0: no crash, no leak, no failed check in that time.
set -eu

harness=$1
seeds=$2
work=$3
shift 3
seconds=${FUZZ_SECONDS:-60}

rm -rf "$work/tmp"
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
cd "$work"
export TMPDIR="$work/tmp"
export PR_FUZZ_PRIVATE_TMP=1
export G_DEBUG="${G_DEBUG:-gc-friendly},fatal-criticals"
export G_SLICE=always-malloc
# speed over whole allocation stacks here (the test suites need those for
# the suppressions; the harnesses' own frames unwind fast anyway)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=1"

status=0
"$harness" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds" || status=$?
rm -rf "$work/tmp"
if [ "$status" -ne 0 ]; then
  echo "fuzzing $(basename "$harness") failed (status $status); the input is in $work/artifacts/:" >&2
  ls -l "$work/artifacts/" >&2 || true
  echo "Reproduce with: $harness $work/artifacts/<file>; then add it to a regression test." >&2
fi
exit "$status"
