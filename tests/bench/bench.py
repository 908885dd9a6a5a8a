#!/usr/bin/env python3
# bench.py — Phone Rescue against nginx and `python3 -m http.server`, side by side (issue 6)
#
# Builds a synthetic store in a temporary directory, serves it on 127.0.0.1 with
# each server in turn and drives them with wrk. Everything runs on loopback, is
# bounded in time and is cleaned up (only processes this script started are
# stopped, by their own process group). Run through bench.sh or
# `meson test --benchmark -C BUILDDIR`.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import atexit
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

BIG = "2345-12375-001.sip.ld"        # 30 MB application image
BOOTROM = "2345-12375-001.bootrom.ld"  # 1 MB BootROM image
SMALL = "sip.cfg"                    # 2 KB config
BOOTROM_UA = "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275"
APP_UA = "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.0.13.1445 (SN:{mac}) Type/Application"

children = []          # Popen objects we started (each in its own process group)
deadline = None


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def remaining():
    return deadline - time.monotonic()


def check_deadline():
    if remaining() < 0:
        raise SystemExit("bench: time budget exhausted")


# ── processes ────────────────────────────────────────────────────────────

def start(argv, **kw):
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    children.append(p)
    return p


def stop(p, grace=5.0):
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(5)
    if p in children:
        children.remove(p)


def stop_all():
    for p in list(children):
        stop(p, 2.0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"bench: server exited early ({proc.args[0]})")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench: nothing listens on port {port}")


def tree_pids(pid):
    """pid and its direct children (nginx workers)"""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def cpu_seconds(pid):
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


# ── servers ──────────────────────────────────────────────────────────────

class Server:
    def __init__(self, name, argv, port, stdout=subprocess.DEVNULL, preexec=None):
        self.name, self.argv, self.port, self.stdout = name, argv, port, stdout
        self.proc = None

    def start(self):
        self.proc = start(self.argv, stdout=self.stdout, stderr=self.stderr_file())
        wait_port(self.port, self.proc)
        return self

    def stderr_file(self):
        return subprocess.DEVNULL

    def stop(self):
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


def ours(cli, store, uploads, stdout=subprocess.DEVNULL):
    port = free_port()
    return Server("phone-rescue", [cli, "serve", "--store", store, "--uploads", uploads,
                                   "--address", "127.0.0.1", "--port", str(port), "--json"],
                  port, stdout)


def nginx(nginx_bin, prefix, store):
    port = free_port()
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    mime = "include /etc/nginx/mime.types;" if os.path.exists("/etc/nginx/mime.types") else ""
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""# Debian's defaults where they matter: worker_processes auto, sendfile on
worker_processes auto;
worker_rlimit_nofile 8192;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 4096; }}
http {{
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  {mime}
  default_type application/octet-stream;
  access_log {prefix}/logs/access.log;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {store};
  }}
}}
""")
    argv = [nginx_bin, "-p", prefix, "-c", conf, "-e", f"{prefix}/logs/error.log", "-g", "daemon off;"]
    if os.geteuid() == 0:
        # Unprivileged: the master itself runs as nobody, not just the workers
        for root, dirs, files in os.walk(prefix):
            for n in dirs + files:
                os.chown(os.path.join(root, n), 65534, 65534)
        os.chown(prefix, 65534, 65534)
        argv = [shutil.which("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
    return Server("nginx", argv, port)


def soup_floor(binary, store):
    port = free_port()
    return Server("libsoup floor", [binary, store, str(port)], port)


def python_server(store):
    port = free_port()
    return Server("python", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", store], port)


# ── wrk ──────────────────────────────────────────────────────────────────

UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}
TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_size(text):
    m = re.match(r"([\d.]+)([KMGT]?B)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * TIME_UNITS[m.group(2)]


def wrk(url, connections, duration, threads=2):
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", url]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+[KMGT]?B) read", out)
    secs = float(m.group(2)) * {"ms": 1e-3, "s": 1, "m": 60}[m.group(3)]
    nbytes = parse_size(m.group(4))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        log(f"  warning: {non2xx.group(1)} error responses from {url}")
    return {"rps": rps, "mbps": nbytes / secs / 1e6, "bytes": nbytes,
            "p99_ms": parse_ms(p99.group(1)) if p99 else float("nan"),
            "errors": errors.group(1) if errors else ""}


def measure_wrk(server, path, connections, duration):
    before = cpu_seconds(server.proc.pid)
    r = wrk(f"http://127.0.0.1:{server.port}/{path}", connections, duration)
    r["cpu_s"] = cpu_seconds(server.proc.pid) - before
    r["cpu_per_gb"] = r["cpu_s"] / (r["bytes"] / 1e9) if r["bytes"] else float("nan")
    return r


# ── request → event latency ──────────────────────────────────────────────

def latency_run(cli, store, uploads, phones, background_duration):
    """Probe requests with phone User-Agents from distinct loopback addresses
    while a background load downloads the 30 MB image; time from sending each
    request to the matching `phone` event on the CLI's stdout."""
    srv = ours(cli, store, uploads, stdout=subprocess.PIPE).start()
    events = []

    def reader():
        for line in srv.proc.stdout:
            t = time.monotonic()
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if obj.get("event") == "phone":
                events.append((t, obj.get("ip"), obj.get("stage")))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    load = start(["wrk", "-t1", "-c20", f"-d{background_duration}s", "--timeout", "30s",
                  f"http://127.0.0.1:{srv.port}/{BIG}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    probes = []   # (ip, stage expected or None, t0)

    def request(ip, path, ua):
        with socket.socket() as s:
            s.settimeout(10)
            s.bind((ip, 0))
            s.connect(("127.0.0.1", srv.port))
            t0 = time.monotonic()
            s.sendall(f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {ua}\r\n"
                      "Connection: close\r\n\r\n".encode())
            while s.recv(65536):
                pass
        return t0

    for i in range(phones):
        ip = f"127.0.{1 + i // 250}.{2 + i % 250}"
        mac = "0004f2%06x" % (0x100000 + i)
        probes.append((ip, None, request(ip, "000000000000.cfg", BOOTROM_UA)))      # detection
        time.sleep(0.002)
        probes.append((ip, "done", request(ip, "sip.cfg", APP_UA.format(mac=mac))))  # stage change
        time.sleep(0.002)
    time.sleep(0.5)
    stop(load)
    srv.stop()
    th.join(5)

    lat = []
    missing = 0
    for ip, stage, t0 in probes:
        hit = next((t for (t, eip, est) in events if eip == ip and t >= t0 and (stage is None or est == stage)), None)
        if hit is None:
            missing += 1
        else:
            lat.append((hit - t0) * 1000)
    return lat, missing


# ── import ───────────────────────────────────────────────────────────────

def make_vendor_zip(path, total_mb=100):
    """A synthetic split application bundle, about total_mb of incompressible data"""
    rnd = random.Random(6)
    top = "spip_ssip_vvx_3_2_4B_release_sig_split"
    parts = ["2345-12375-001", "2345-12450-001", "2345-12500-001"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        budget = total_mb * 1000 * 1000
        for p in parts:
            z.writestr(f"{top}/{p}.sip.ld", rnd.randbytes(30 * 1000 * 1000))
            budget -= 30 * 1000 * 1000
        z.writestr(f"{top}/sip.ver", "3.2.4.0267\n")
        z.writestr(f"{top}/sip.cfg", "<sip>" + "x" * 2000 + "</sip>\n")
        z.writestr(f"{top}/phone1.cfg", "<phone1>" + "x" * 2000 + "</phone1>\n")
        z.writestr(f"{top}/000000000000.cfg", '<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="phone1.cfg, sip.cfg"/>\n')
        n = 0
        while budget > 0:
            size = min(budget, 256 * 1000)
            z.writestr(f"{top}/SoundPointIPLocalization/Language_{n:03d}/tone_{n:03d}.wav", rnd.randbytes(size))
            budget -= size
            n += 1


def time_cmd(argv):
    """wall seconds, CPU seconds (user + system, all threads)"""
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
    dt = time.monotonic() - t0
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.strip()[:300]}")
    return dt, u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime


# ── report ───────────────────────────────────────────────────────────────

def med(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def fmt(x, digits=0):
    if x != x:
        return "–"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return a / b if b and a == a and b == b else float("nan")


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = []
    for argv in (["nginx", "-v"], ["wrk", "-v"]):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=5)
            versions.append((r.stdout + r.stderr).strip().splitlines()[0])
        except (OSError, IndexError, subprocess.TimeoutExpired):
            pass
    versions.append("Python " + platform.python_version())
    return (f"{os.cpu_count()} CPUs ({model}), Linux {platform.release()}, "
            f"{'; '.join(versions)}; load average at start {os.getloadavg()[0]:.2f}")


def main():
    global deadline
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True, help="the built phone-rescue-cli")
    ap.add_argument("--soup-floor", help="the built tests/bench/soup-floor (a minimal libsoup handler, for reference)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("PR_BENCH_RUNS", "3")))
    ap.add_argument("--duration", type=int, default=None, help="seconds per wrk run")
    ap.add_argument("--quick", action="store_true", default=os.environ.get("PR_BENCH_QUICK") == "1")
    ap.add_argument("--only", default=os.environ.get("PR_BENCH_ONLY", "big,small,rss,latency,import"),
                    help="comma-separated: big,small,rss,latency,import")
    ap.add_argument("--results", help="also write the table (markdown) to this file")
    ap.add_argument("--budget", type=int, default=1500, help="abort after this many seconds")
    ap.add_argument("--build-type", default=None, help="meson buildtype of --cli (printed; release expected)")
    args = ap.parse_args()
    deadline = time.monotonic() + args.budget
    only = set(args.only.split(","))
    duration = args.duration or (3 if args.quick else 6)
    runs = max(args.runs, 3)
    phones = 40 if args.quick else 150

    missing = [t for t in ("wrk", "nginx") if shutil.which(t) is None and not os.path.exists(f"/usr/sbin/{t}")]
    if "import" in only and shutil.which("bsdtar") is None:
        missing.append("bsdtar (libarchive-tools)")
    if missing:
        log("bench: missing " + ", ".join(missing) + " — apt-get install wrk nginx-light libarchive-tools")
        return 77
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    cli = os.path.abspath(args.cli)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))

    tmp = tempfile.mkdtemp(prefix="pr-bench-")
    os.chmod(tmp, 0o755)
    atexit.register(shutil.rmtree, tmp, True)
    atexit.register(stop_all)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))

    store = os.path.join(tmp, "store")
    uploads = os.path.join(tmp, "uploads")
    os.makedirs(store)
    os.makedirs(uploads)
    rnd = random.Random(30)
    with open(os.path.join(store, BIG), "wb") as f:
        f.write(rnd.randbytes(30 * 1000 * 1000))
    with open(os.path.join(store, BOOTROM), "wb") as f:
        f.write(rnd.randbytes(1000 * 1000))
    for name in ("sip.cfg", "phone1.cfg", "000000000000.cfg"):
        with open(os.path.join(store, name), "w") as f:
            f.write("<config " + " ".join(f'a{i}="{i:08d}"' for i in range(150))[:2030] + "/>\n")
    with open(os.path.join(store, "sip.ver"), "w") as f:
        f.write("3.2.4.0267\n")

    if args.build_type not in (None, "release", "plain"):
        log(f"bench: warning: {cli} is a '{args.build_type}' build; measure a release build "
            "(meson setup build-perf --buildtype=release)")
    log(f"bench: {machine()}")
    log(f"bench: {runs} alternating runs per figure, {duration} s per wrk run, temp dir {tmp}")
    res = {}

    servers = [ours(cli, store, uploads), nginx(nginx_bin, os.path.join(tmp, "nginx"), store), python_server(store)]
    if args.soup_floor:
        servers.append(soup_floor(os.path.abspath(args.soup_floor), store))
    if only & {"big", "small"}:
        for s in servers:
            s.start()
            wrk(f"http://127.0.0.1:{s.port}/{SMALL}", 10, 1)   # warm up
            wrk(f"http://127.0.0.1:{s.port}/{BIG}", 4, 1)
        for fig, path in (("big", BIG), ("small", SMALL)):
            if fig not in only:
                continue
            for r in range(runs):
                order = servers[r % len(servers):] + servers[:r % len(servers)]
                for s in order:
                    check_deadline()
                    m = measure_wrk(s, path, 50, duration)
                    res.setdefault((fig, s.name), []).append(m)
                    log(f"  {fig:5} run {r + 1} {s.name:12} {m['rps']:10.1f} req/s {m['mbps']:9.1f} MB/s "
                        f"p99 {m['p99_ms']:8.1f} ms cpu {m['cpu_per_gb']:.2f} s/GB {m['errors']}")
        for s in servers:
            s.stop()

    rss = []
    if "rss" in only:
        for r in range(runs):
            check_deadline()
            s = ours(cli, store, uploads).start()
            m = wrk(f"http://127.0.0.1:{s.port}/{BIG}", 500, max(duration, 5))
            rss.append(vm_hwm_kib(s.proc.pid) / 1024)
            log(f"  rss   run {r + 1} VmHWM {rss[-1]:.1f} MiB with 500 clients ({m['mbps']:.0f} MB/s, {m['errors']})")
            s.stop()

    lat_p99, lat_p50, lat_missing = [], [], 0
    if "latency" in only:
        for r in range(runs):
            check_deadline()
            lat, miss = latency_run(cli, store, uploads, phones, 60)
            lat_missing += miss
            if lat:
                lat.sort()
                lat_p50.append(lat[len(lat) // 2])
                lat_p99.append(lat[min(len(lat) - 1, int(len(lat) * 0.99))])
                log(f"  event run {r + 1} p50 {lat_p50[-1]:.2f} ms p99 {lat_p99[-1]:.2f} ms max {lat[-1]:.2f} ms "
                    f"({len(lat)} events, {miss} missing)")

    imp, tar, imp_cpu, tar_cpu = [], [], [], []
    import_error = None
    import_base = None
    if "import" in only:
        zpath = os.path.join(tmp, "spip_ssip_vvx_3_2_4B_release_sig_split.zip")
        make_vendor_zip(zpath, 100)
        zsize = os.path.getsize(zpath) / 1e6
        # Both extract into a tmpfs when there is one: the figure is the work
        # each tool does, not the disk's writeback or ext4's inode allocator
        # (which slows down right after the previous run's files were deleted)
        import_base = os.environ.get("PR_BENCH_IMPORT_DIR")
        if import_base is None and os.path.isdir("/dev/shm") and shutil.disk_usage("/dev/shm").free > 1 << 30:
            import_base = "/dev/shm"
        import_base = tempfile.mkdtemp(prefix="pr-bench-import-", dir=import_base or tmp)
        atexit.register(shutil.rmtree, import_base, True)
        for r in range(max(2 * runs + 1, 7)):   # cheap: more runs against the noise
            check_deadline()
            for which in (("ours", "bsdtar") if r % 2 == 0 else ("bsdtar", "ours")):
                d = os.path.join(import_base, f"import-{which}-{r}")
                os.makedirs(d)
                try:
                    if which == "ours":
                        wall, cpu = time_cmd([cli, "import", "--store", d, zpath])
                        imp.append(wall)
                        imp_cpu.append(cpu)
                    else:
                        wall, cpu = time_cmd(["bsdtar", "-xf", zpath, "-C", d])
                        tar.append(wall)
                        tar_cpu.append(cpu)
                except RuntimeError as e:
                    import_error = str(e)
                shutil.rmtree(d, True)
            if import_error:
                log(f"  import: {import_error}")
                break
            log(f"  import run {r + 1}: phone-rescue {imp[-1]:.2f} s ({imp_cpu[-1]:.2f} s CPU), "
                f"bsdtar {tar[-1]:.2f} s ({tar_cpu[-1]:.2f} s CPU) ({zsize:.0f} MB zip)")

    # ── table ──
    def col(fig, name, key):
        return med([m[key] for m in res.get((fig, name), [])])

    rows = []

    floor_on = bool(args.soup_floor)

    def row(label, o, n, p, digits, target, ok, f=float("nan")):
        rows.append(f"| {label} | {fmt(o, digits)} | {fmt(n, digits)} | {fmt(p, digits)} | "
                    + (f"{fmt(f, digits)} ({fmt(ratio(f, n), 2)}× nginx) | " if floor_on else "")
                    + f"{fmt(ratio(o, n), 2)}× | {fmt(ratio(o, p), 2)}× | {target} | {ok} |")

    def cols(fig, key):
        return [col(fig, s, key) for s in ("phone-rescue", "nginx", "python")]

    def fl(fig, key):
        return col(fig, "libsoup floor", key)

    def verdict(ok):
        return "–" if ok is None else ("✔" if ok else "✘")

    if "big" in only:
        o, n, p = cols("big", "mbps")
        row("30 MB image, 50 clients: MB/s", o, n, p, 0, "≥ 1.0× nginx, > python",
            verdict(ratio(o, n) >= 1.0 and o > p if o == o else None), fl("big", "mbps"))
        row("30 MB image: requests/s", *cols("big", "rps"), 1, "", "", fl("big", "rps"))
        row("30 MB image: p99 latency (ms)", *cols("big", "p99_ms"), 0, "", "", fl("big", "p99_ms"))
        row("30 MB image: CPU s per GB served", *cols("big", "cpu_per_gb"), 2, "", "", fl("big", "cpu_per_gb"))
    if "small" in only:
        o, n, p = cols("small", "rps")
        row("2 KB config, 50 clients: requests/s", o, n, p, 0, "≥ 0.5× nginx, ≥ 5× python",
            verdict(ratio(o, n) >= 0.5 and ratio(o, p) >= 5 if o == o else None), fl("small", "rps"))
        row("2 KB config: MB/s", *cols("small", "mbps"), 1, "", "", fl("small", "mbps"))
        row("2 KB config: p99 latency (ms)", *cols("small", "p99_ms"), 1, "", "", fl("small", "p99_ms"))
        row("2 KB config: CPU s per GB served", *cols("small", "cpu_per_gb"), 1, "", "", fl("small", "cpu_per_gb"))
    extra = []
    if rss:
        v = med(rss)
        extra.append(f"| Peak RSS (VmHWM), 500 concurrent 30 MB downloads | {v:.1f} MiB | ≤ 48 MiB | {verdict(v <= 48)} |")
    if lat_p99:
        v = med(lat_p99)
        extra.append(f"| Request → `phone` event, p99 (p50), {phones} phones × 2 requests under 20 × 30 MB load "
                     f"| {v:.1f} ms ({med(lat_p50):.1f} ms){' — %d missing' % lat_missing if lat_missing else ''} "
                     f"| ≤ 20 ms | {verdict(v <= 20 and lat_missing == 0)} |")
    if imp and tar:
        v = ratio(med(imp), med(tar))
        extra.append(f"| Import {zsize:.0f} MB vendor zip (SHA-256 of every file) vs `bsdtar -xf`, into {os.path.dirname(import_base)}: "
                     f"wall time (CPU time) | {med(imp):.2f} s vs {med(tar):.2f} s = {v:.2f}× "
                     f"({med(imp_cpu):.2f} s vs {med(tar_cpu):.2f} s = {ratio(med(imp_cpu), med(tar_cpu)):.2f}×) "
                     f"| ≤ 1.5× | {verdict(v <= 1.5)} |")
    elif import_error:
        extra.append(f"| Import vs `bsdtar -xf` | not measured: {import_error[:120]} | ≤ 1.5× | – |")

    out = [f"Machine: {machine()}.", "",
           *( [f"**Warning: a '{args.build_type}' build was measured, not a release build.**", ""]
              if args.build_type not in (None, "release", "plain") else [] ),
           f"Medians of {runs} alternating runs (imports: {max(2 * runs + 1, 7)}); wrk -t2 -c50 -d{duration}s on 127.0.0.1. MB = 10⁶ bytes.",
           "Absolute numbers are specific to this machine (and to whatever else ran on it); the ratios are what matter.",
           ""]
    if rows:
        out += ["| Figure | Phone Rescue | nginx | python3 -m http.server | "
                + ("minimal libsoup handler | " if floor_on else "") + "vs nginx | vs python | Target | |",
                "|---|---:|---:|---:|" + ("---:|" if floor_on else "") + "---:|---:|---|---|"] + rows + [""]
    if extra:
        out += ["| Figure | Phone Rescue | Target | |", "|---|---|---|---|"] + extra + [""]
    text = "\n".join(out)
    print(text)
    if args.results:
        with open(args.results, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all()
