"""make bench, the appliance figures (issue: your program as an appliance),
each beside its baseline from the same run; called by bench/run.py, whose
helpers (QEMU flags, boot(), the table, error()) it gets as `b`.

  size         a hello world (bench/hello.c) built with rumpimg-cc for an
               image without the network (BUILD/bench/nonet, made by
               `make bench`), stripped, beside the goal of 200 KiB; and the
               same program with the current .config (with the network).
  launch       QEMU launch to the first HTTP response of the httpd appliance
               (apps/httpd, root file system with a 1 KiB file), polled from
               the host through QEMU's user network, with a static address
               and with DHCP, interleaved with launch to exit of
               bench/minimal.S; medians. The DHCP lease is the difference
               of the two httpd medians, beside what the image's console
               reports ("net: dhcp lease after N ms").
  requests     HTTP/1.1 GETs of the 1 KiB file on one keep-alive connection
               into the image, beside round trips of a 64-byte message on a
               TCP echo served by a thread of the same httpd (-e), one echo
               and one request alternating, in one boot; each kind's rate
               from the time spent in it, medians over the runs.
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZE_GOAL = 200 * 1024
LAUNCH_GOAL = 1.5
RATE_GOAL = 0.7
LAUNCH_TIMEOUT = 60             # s to the first response, a loaded machine
PROBE_WAIT = 0.25               # s a probe waits for an answer
REQUESTS = 400                  # requests (and echoes) a run
RATE_RUNS = 5                   # runs of REQUESTS echoes and requests, alternating
STATIC = "RUMP_NET_IPV4=10.0.2.15/24 RUMP_NET_GW=10.0.2.2"
FILE = "/f.txt"
REQ = b"GET " + FILE.encode() + b" HTTP/1.1\r\nHost: bench\r\n\r\n"


def sh_in(cwd, argv):
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def hello_size(b, t, cc, nonet_cc, out):
    """The stripped size of bench/hello.c built with each rumpimg-cc."""
    sizes = {}
    for name, c in (("nonet", nonet_cc), ("net", cc)):
        if not (c and os.path.exists(c)):
            continue
        d = os.path.join(out, "hello-" + name)
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(HERE, "hello.c"), d)
        try:
            sh_in(d, [os.path.abspath(c), "-o", "hello.elf", "hello.c"])
            sh_in(d, ["strip", "-o", "hello.stripped.elf", "hello.elf"])
        except subprocess.CalledProcessError as e:
            b.error("building the hello world with %s failed: %s" % (c, e.stderr))
            continue
        sizes[name] = os.path.getsize(os.path.join(d, "hello.stripped.elf"))
    t.rule()
    goals = []
    if "nonet" in sizes:
        n = sizes["nonet"]
        t.add("hello world appliance, stripped, no network (rumpimg-cc)",
              b.kib(n) + " (%d B)" % n, "goal " + b.kib(SIZE_GOAL), b.ratio(n, SIZE_GOAL))
        goals.append("goal: stripped hello world without the network at most 200 KiB: "
                     "%.1f KiB -- %s" % (n / 1024, "met" if n <= SIZE_GOAL else "not met"))
    if "net" in sizes:
        t.add("hello world appliance, stripped, with the network (.config)",
              b.kib(sizes["net"]), "no network " + b.kib(sizes["nonet"])
              if "nonet" in sizes else "", b.ratio(sizes["net"], sizes.get("nonet")))
    return goals


def www(out):
    """The root file system: FILE, 1 KiB, as a ustar archive."""
    d = os.path.join(out, "www")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, FILE.lstrip("/")), "wb") as f:
        f.write(b"x" * 1024)
    tar = os.path.join(out, "www.tar")
    with tarfile.open(tar, "w", format=tarfile.USTAR_FORMAT) as t:
        t.add(d, arcname=".")
    return tar


def qemu_httpd(b, elf, tar, append, fwds, serial):
    fwd = ",".join("hostfwd=tcp:127.0.0.1:%d-:%d" % p for p in fwds)
    open(serial, "w").close()           # there to read before QEMU writes
    cmd = b.QEMU + ["-m", b.MEM, "-serial", "file:" + serial, "-kernel", elf,
                    "-append", append, "-initrd", tar + " rootfs",
                    "-netdev", "user,id=n0," + fwd,
                    "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,romfile="]  # as scripts/run-qemu
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def read_response(s, buf=b""):
    """One HTTP response off s: (status line, the rest after it)."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise OSError("closed before the headers")
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        d = s.recv(65536)
        if not d:
            raise OSError("closed inside the body")
        rest += d
    return head.split(b"\r\n", 1)[0], rest[:length], rest[length:]


def first_response(b, elf, tar, append, out):
    """Seconds from QEMU's launch to the first 200 answer, or None."""
    port = b.free_port()
    serial = os.path.join(out, "httpd-launch.serial")
    t0 = time.perf_counter()
    q = qemu_httpd(b, elf, tar, append + " -- -p 80", [(port, 80)], serial)
    dt = None
    try:
        while time.perf_counter() - t0 < LAUNCH_TIMEOUT and q.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port),
                                              timeout=PROBE_WAIT) as s:
                    s.sendall(REQ)
                    status, body, _ = read_response(s)
                if status.startswith(b"HTTP/1.1 200") and len(body) == 1024:
                    dt = time.perf_counter() - t0
                    break
            except OSError:
                pass            # not up yet: QEMU's forwarder closed or waited
            time.sleep(0.002)
    finally:
        q.kill()
        q.wait()
    with open(serial, "rb") as f:
        text = f.read().decode(errors="replace")
    if dt is None:
        b.error("the httpd appliance (%s) gave no HTTP answer within %d s; "
                "its serial output:\n%s" % (append or "DHCP", LAUNCH_TIMEOUT, b.tail(text)))
    lease = re.search(r"dhcp lease after (\d+) ms", text)
    return dt, int(lease.group(1)) / 1000 if lease else None


def launch(b, t, httpd, tar, minimal, runs, out):
    kinds = ("minimal", "httpd static", "httpd DHCP")
    times = {k: [] for k in kinds}
    broken = set()
    leases = []                         # as the image's console reports them
    for i in range(runs + 1):           # the first round untimed
        for k in kinds:
            if k in broken:
                continue
            if k == "minimal":
                dt, st, o = b.boot(b.kernel(minimal))
                if st != b.OK:
                    b.error("the minimal kernel: %s" % b.describe(st))
                    dt = None
            else:
                dt, lease = first_response(b, httpd, tar,
                                           STATIC if k == "httpd static" else "", out)
                if lease is not None and i > 0:
                    leases.append(lease)
            if dt is None:
                broken.add(k)
            elif i > 0:
                times[k].append(dt)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    t.rule()
    m = med.get("minimal")
    for k, label in (("httpd static", "static address"), ("httpd DHCP", "DHCP")):
        if k in med:
            t.add("httpd: launch to first HTTP response, %s, median of %d" % (label, len(times[k])),
                  b.ms(med[k]), "minimal launch to exit " + b.ms(m) if m else "",
                  b.ratio(med[k], m))
    goals = []
    if "httpd static" in med and "httpd DHCP" in med:
        lease = med["httpd DHCP"] - med["httpd static"]
        t.add("httpd: the DHCP lease (DHCP minus static, medians)", b.ms(lease),
              "the image's console: %s" % b.ms(statistics.median(leases))
              if leases else "")
    if m and "httpd static" in med:
        x = med["httpd static"] / m
        goals.append("goal: launch to first HTTP response within 1.5x of the minimal kernel's "
                     "launch to exit, plus the DHCP lease: %.2fx with a static address%s -- %s"
                     % (x, (", %.2fx with DHCP (lease %.0f ms)"
                            % (med["httpd DHCP"] / m, lease * 1000))
                        if "httpd DHCP" in med else "",
                        "met" if x <= LAUNCH_GOAL else "not met"))
    return goals


def requests(b, t, httpd, tar, out):
    hport, eport = b.free_port(), b.free_port()
    while eport == hport:
        eport = b.free_port()
    serial = os.path.join(out, "httpd-rate.serial")
    q = qemu_httpd(b, httpd, tar, STATIC + " -- -p %d -e %d" % (hport, eport),
                   [(hport, hport), (eport, eport)], serial)
    runs = {"http": [], "echo": []}
    msg = b"e" * 64
    pending = [b""]

    def http_one(s):
        s.sendall(REQ)
        status, body, pending[0] = read_response(s, pending[0])
        if not status.startswith(b"HTTP/1.1 200") or len(body) != 1024:
            raise OSError("answer %r, %d bytes" % (status, len(body)))

    def echo_one(s):
        s.sendall(msg)
        got = 0
        while got < len(msg):
            d = s.recv(65536)
            if not d:
                raise OSError("echo closed")
            got += len(d)

    try:
        deadline = time.monotonic() + LAUNCH_TIMEOUT
        while True:
            with open(serial, "rb") as f:
                if b"httpd: serving" in f.read():
                    break
            if q.poll() is not None or time.monotonic() > deadline:
                raise OSError("the httpd appliance did not start listening")
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", hport), timeout=30) as hs, \
                socket.create_connection(("127.0.0.1", eport), timeout=30) as es:
            for s in (hs, es):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(20):         # warm both paths
                http_one(hs)
                echo_one(es)
            # One echo, one request, one echo...: a burst of load on this
            # shared machine slows both kinds alike.
            clock = time.perf_counter
            for _ in range(RATE_RUNS):
                spent = {"echo": 0.0, "http": 0.0}
                for _ in range(REQUESTS):
                    t0 = clock()
                    echo_one(es)
                    t1 = clock()
                    http_one(hs)
                    spent["echo"] += t1 - t0
                    spent["http"] += clock() - t1
                for k in spent:
                    runs[k].append(REQUESTS / spent[k])
    except OSError as e:
        with open(serial, "rb") as f:
            b.error("the request-rate benchmark against the httpd appliance failed: "
                    "%s; its serial output:\n%s" % (e, b.tail(f.read().decode(errors="replace"))))
        return []
    finally:
        q.kill()
        q.wait()
    if os.environ.get("BENCH_VERBOSE"):        # every run's rates, to judge the noise
        print("appliance: request rates %r" % runs)
    h, e = statistics.median(runs["http"]), statistics.median(runs["echo"])
    t.add("httpd: keep-alive GETs of a 1 KiB file, median of %d runs of %d"
          % (RATE_RUNS, REQUESTS), "%.0f requests/s" % h,
          "TCP echo 64 B into the same image %.0f round trips/s" % e, "%.2fx" % (h / e))
    x = h / e
    return ["goal: HTTP requests per second at least 0.7x the TCP echo's round trips into "
            "the same image: %.2fx (%.0f/s vs %.0f/s) -- %s"
            % (x, h, e, "met" if x >= RATE_GOAL else "not met")]


def figures(b, t, cc, nonet_cc, minimal, runs, out):
    """All the appliance rows into t; returns the goal lines."""
    out = os.path.join(out, "appliance")
    os.makedirs(out, exist_ok=True)
    goals = hello_size(b, t, cc, nonet_cc, out)
    if not (cc and os.path.exists(cc)):
        return goals
    cfg = sh_in(out, [os.path.abspath(cc), "--print-config"]).stdout
    if "CONFIG_NET_LWIP=y" not in cfg:
        t.add("httpd figures", "skipped: the .config has no network")
        return goals
    d = os.path.join(out, "httpd")
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "apps", "httpd", "httpd.c"), d)
    try:
        sh_in(d, [os.path.abspath(cc), "-O2", "-o", "app.elf", "httpd.c"])
    except subprocess.CalledProcessError as e:
        b.error("building apps/httpd failed: %s" % e.stderr)
        return goals
    httpd, tar = os.path.join(d, "app.elf"), www(out)
    goals += launch(b, t, httpd, tar, minimal, runs, out)
    goals += requests(b, t, httpd, tar, out)
    return goals
