#!/bin/bash
# bench.sh — Phone Rescue vs nginx vs python3 -m http.server on loopback (issue 6)
#
#   tests/bench/bench.sh --cli build-perf/src/cli/phone-rescue-cli [--results FILE]
#   PR_BENCH_QUICK=1 …   shorter runs, smaller samples
#   PR_BENCH_ONLY=small,latency …   only some figures (big,small,rss,latency,import)
#
# Needs wrk, nginx (nginx-light), bsdtar (libarchive-tools); exits 77 (skip) without them.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/bench.py" "$@"
