#!/usr/bin/env python3
# latency.py — is the GTK app responsive with hundreds of phones? (issue 6)
#
#   tests/bench/latency.py BUILDDIR [--phones 500] [--seconds 30] [--runs 3]
#
# BUILDDIR is a build with -Dgui=true (release for figures). Two scenarios,
# each under xvfb-run with the probe module preloaded (pr-latency-probe.c):
#   demo      phone-rescue --demo=N: the phones are simulated inside the app,
#             on a thread of their own (what the issue asks for)
#   external  phone-rescue --demo=1 serves, N-1 phones come from a separate
#             phone-rescue-sim process: the app's own work only, as with real phones
# Prints main-loop lateness at default (input) and redraw priority, and frame
# times, as medians of the runs' percentiles. Needs xvfb-run and dbus-run-session.
# Run it with GSK_RENDERER=cairo for figures: under Xvfb the default GL
# renderer rasterises in software (llvmpipe) and dominates the app's CPU.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

RATE = 384 * 1024   # bytes/s per phone, as the app's big demo


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def find_descendant(pid, exe):
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            if os.path.realpath(f"/proc/{p}/exe") == exe:
                return p
        except OSError:
            pass
        todo += children_of(p)
    return None


def listening_port(pid):
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        return None
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:   # LISTEN
                return int(fields[1].split(":")[1], 16)
    return None


def run(build, source, phones, seconds, scenario, tmp):
    app = os.path.realpath(os.path.join(build, "src/app/phone-rescue"))
    out = os.path.join(tmp, f"{scenario}.json")
    env = dict(os.environ,
               LD_PRELOAD=os.path.join(build, "tests/bench/libpr-latency-probe.so"),
               PR_LATENCY_PROBE_OUT=out,
               PR_LATENCY_PROBE_SECONDS=str(seconds),
               PR_LATENCY_PROBE_DELAY="8" if scenario == "external" else "3",
               GSETTINGS_BACKEND="memory",
               GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"),
               PHONE_RESCUE_FIRMWARE_DIR=os.path.join(source, "firmware"),
               NO_AT_BRIDGE="1")
    count = phones if scenario == "demo" else 1
    top = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
                            app, f"--demo={count}"], env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sim = None
    try:
        if scenario == "external":
            port = None
            end = time.monotonic() + 30
            while port is None and time.monotonic() < end:
                time.sleep(0.2)
                pid = find_descendant(top.pid, app)
                port = listening_port(pid) if pid else None
            if port is None:
                raise SystemExit("latency: the app does not listen")
            sim = subprocess.Popen([os.path.join(build, "src/sim/phone-rescue-sim"), "-s", f"http://127.0.0.1:{port}",
                                    "-n", str(phones - 1), "-r", str(RATE), "--reboot-delay", "1500",
                                    "-a", "127.0.2.1", "--mac", "0004f2100001"],
                                   start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        top.wait(timeout=seconds + 90)
    finally:
        for p in (sim, top):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
    with open(out) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--phones", type=int, default=500)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scenarios", default="demo,external")
    args = ap.parse_args()
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for tool in ("xvfb-run", "dbus-run-session"):
        if shutil.which(tool) is None:
            print(f"latency: {tool} is missing (apt-get install xvfb xauth dbus-daemon)", file=sys.stderr)
            return 77
    tmp = tempfile.mkdtemp(prefix="pr-latency-")
    results = {}
    try:
        for r in range(args.runs):
            for scenario in args.scenarios.split(","):
                res = run(args.build, source, args.phones, args.seconds, scenario, tmp)
                results.setdefault(scenario, []).append(res)
                print(f"  {scenario:8} run {r + 1}: " + json.dumps({k: v for k, v in res.items() if k != "seconds"}),
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, True)

    def med(scenario, series, key):
        xs = [r[series].get(key) for r in results[scenario] if r[series].get(key) is not None]
        return statistics.median(xs) / 1000 if xs else float("nan")

    def count(scenario, series):
        return statistics.median(r[series]["count"] for r in results[scenario]) / args.seconds

    print(f"\nGTK app with {args.phones} phones, {args.seconds} s per run, medians of {args.runs} runs "
          f"(ms; CPUs: {os.cpu_count()})\n")
    print("| Scenario | main loop late, input priority p50 / p99 / max | redraw priority p99 (ticks/s of 100) "
          "| frames/s | frame interval p50 / p99 | layout+paint p50 / p99 |")
    print("|---|---|---|---|---|---|")
    for scenario in results:
        print(f"| {scenario} | {med(scenario, 'loop_default_priority_late_us', 'p50'):.1f} / "
              f"{med(scenario, 'loop_default_priority_late_us', 'p99'):.1f} / "
              f"{med(scenario, 'loop_default_priority_late_us', 'max'):.0f} "
              f"| {med(scenario, 'loop_redraw_priority_late_us', 'p99'):.0f} "
              f"({count(scenario, 'loop_redraw_priority_late_us'):.1f}) "
              f"| {count(scenario, 'frame_interval_us'):.1f} "
              f"| {med(scenario, 'frame_interval_us', 'p50'):.0f} / {med(scenario, 'frame_interval_us', 'p99'):.0f} "
              f"| {med(scenario, 'frame_paint_us', 'p50'):.1f} / {med(scenario, 'frame_paint_us', 'p99'):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
