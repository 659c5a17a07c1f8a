#!/usr/bin/python3
"""make bench: figures for the image, each beside a baseline measured in the
same run. Wall-clock medians; QEMU under TCG (no KVM); never gates CI, but a
boot that fails is loud and makes the exit status 1.

usage: bench/run.py --image build/rumpimg.elf --build build
                    [--test-image build/test/rumpimg.elf] [--runs N]
                    [--cc build/bin/rumpimg-cc] [--nonet-cc CC] [--only-appliance]
                    [--only-storage]

Figures:
  boot to exit  QEMU launch to QEMU exit for the image (command line
                log=error app=off: boot to the workload) and for
                bench/minimal.S, each under -kernel and
                through a GRUB ISO, interleaved run by run; every run must
                exit with status 33 or it is reported, not timed.
  sizes         the image's ELF, a stripped copy (BUILD/bench/), what the
                loader places in memory, and the GRUB ISO.
  smallest -m   the smallest guest memory (1, 2, 3, 4, 6, 8, 16 MiB) the
                image boots in under -kernel, and what smaller sizes did.
  scheduler     with --test-image and BUILD/host/bench/sched: the switch,
                create+join, mutex and cv figures in the guest and natively,
                beside a host pthread ping-pong.
  appliances    with --cc: a stripped hello world built with rumpimg-cc
                without the network (--nonet-cc) beside 200 KiB; launch to
                the first HTTP response of apps/httpd beside launch to exit
                of the minimal kernel; keep-alive HTTP requests a second
                beside a TCP echo into the same image (bench/appliance.py).
  storage       sequential 64 MiB on ext2 beside raw /dev/rld in the same
                boot, and on the host build beside dd on the same image
                file; 10,000 files in one directory (bench/storage.py).
  rump_sp       remote calls into rump_server on the host, beside a raw
                socket ping-pong; and with --test-image, remote calls into
                the image over TCP through QEMU's user network beside a raw
                TCP echo into the same image (its own echo server,
                RUMP_ECHO_PORT), the two interleaved in one boot.
The minimal kernel and the ISOs go to BUILD/bench/.
"""
import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

import appliance
import storage

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MKISO = os.path.join(ROOT, "scripts", "mkiso")
# scripts/run-qemu's flags exactly; -m, -serial and the boot medium follow.
QEMU = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",
        "-accel", "tcg", "-cpu", "qemu64,+rdrand",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
MEM = "64M"                     # scripts/run-qemu's default
OK = 33
STATUS = {OK: "exited with status 33 (success)",
          35: "status 35: the workload reported failure",
          37: "status 37: panic",
          39: "status 39: unhandled CPU exception",
          41: "status 41: too little memory",
          124: "no exit within the timeout",
          0: "status 0: reset or triple fault",
          1: "status 1: QEMU error"}
MEM_STEPS = (1, 2, 3, 4, 6, 8, 16)
MEM_TIMEOUT = 10
BOOT_TIMEOUT = 20
GOAL = 1.3

errors = []                     # every failure, printed loudly at the end


def error(msg):
    errors.append(msg)
    print("bench: error: " + msg, file=sys.stderr, flush=True)


def describe(st):
    return STATUS.get(st, "status %d" % st)


def plain(text):
    """Serial output without CRs and the ANSI escapes GRUB writes."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text.replace("\r", ""))


def tail(out, n=6):
    lines = [l for l in plain(out).splitlines() if l.strip()]
    return "\n".join("    | " + l for l in lines[-n:]) if lines else "    (no output)"


def sh(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


# ---- the baseline and the media ------------------------------------------------

def build_minimal(out):
    obj = os.path.join(out, "minimal.o")
    elf = os.path.join(out, "minimal.elf")
    sh(["gcc", "-m32", "-c", os.path.join(HERE, "minimal.S"), "-o", obj])
    sh(["ld", "-m", "elf_i386", "-Ttext", "0x100000", "-o", elf, obj])
    return elf


def mkiso(elf, iso, cmdline):
    """scripts/mkiso, retried: it fails now and then (see the note printed)."""
    for attempt in range(3):
        p = subprocess.run([MKISO, elf, iso, cmdline], capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
        if p.returncode == 0:
            if attempt:
                print("bench: note: scripts/mkiso %s failed %d time(s) before "
                      "it worked (%s)" % (os.path.basename(elf), attempt, why),
                      file=sys.stderr)
            return True
        why = ("xorriso MISHAP, its log file inside the ISO tree changed size"
               if "has changed" in p.stderr else p.stderr.strip()[-200:])
    error("scripts/mkiso %s %s failed 3 times: %s" % (elf, iso, why))
    return False


def multiboot_span(elf):
    """Bytes from load_addr to bss_end_addr in the a.out-kludge header."""
    with open(elf, "rb") as f:
        head = f.read(8192)
    for off in range(0, len(head) - 32, 4):
        magic, flags, check, _, load, _, bss_end = struct.unpack_from("<7I", head, off)
        if magic == 0x1BADB002 and (magic + flags + check) & 0xffffffff == 0:
            return bss_end - load if flags & (1 << 16) else None
    return None


# ---- booting -------------------------------------------------------------------

def boot(medium, mem=MEM, timeout=BOOT_TIMEOUT):
    """(seconds from QEMU's launch to its exit, status, serial output)."""
    cmd = QEMU + ["-m", mem, "-serial", "stdio"] + medium
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        return time.perf_counter() - t0, p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return time.perf_counter() - t0, 124, (e.stdout or b"").decode(errors="replace")


# A sign that a probe boot will never exit by itself: GRUB reported an error
# and waits for a key. Anything else gets the full timeout.
GIVE_UP = (("serial", "Press any key to continue"),)


def probe(media, mem, tmp, timeout=MEM_TIMEOUT):
    """Boots several media at once (pass/fail only, never timed), each with
    SeaBIOS's debug console captured to explain a hang. Returns, per medium,
    (status, serial output, what the firmware or loader said)."""
    procs = []
    for i, m in enumerate(media):
        ser, fw = (os.path.join(tmp, "probe%d.%s" % (i, x)) for x in ("serial", "fw"))
        for f in (ser, fw):
            open(f, "w").close()
        cmd = QEMU + ["-m", mem, "-serial", "file:" + ser,
                      "-chardev", "file,id=fw,path=" + fw,
                      "-device", "isa-debugcon,iobase=0x402,chardev=fw"] + m
        procs.append((subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE), ser, fw))
    deadline = time.monotonic() + timeout
    res = [None] * len(procs)
    while None in res:
        time.sleep(0.02)
        for i, (p, ser, fw) in enumerate(procs):
            if res[i] is not None:
                continue
            logs = {}
            for name, f in (("serial", ser), ("firmware", fw)):
                with open(f, "rb") as fh:
                    logs[name] = fh.read().decode(errors="replace")
            st = p.poll()
            stuck = [m for w, m in GIVE_UP if m in logs[w]]
            if st is None and (stuck or time.monotonic() > deadline):
                p.kill()
                p.wait()
                st = 124
            if st is None:
                continue
            err = p.stderr.read().decode(errors="replace").strip()
            res[i] = (st, logs["serial"], explain(st, logs, err))
    return res


def explain(st, logs, err):
    ser = plain(logs["serial"])
    grub = [l.strip() for l in ser.splitlines() if l.strip().startswith("error:")
            and "controller info" not in l]      # GRUB's harmless VBE remark
    if grub:
        return "GRUB: '%s'" % grub[0]
    if st == 124:
        fw = logs["firmware"]
        ram = sum(int(m.group(1), 16) for m in
                  re.finditer(r"qemu/e820: addr 0x[0-9a-f]+ len (0x[0-9a-f]+) \[RAM\]", fw))
        booting = re.findall(r"^Booting from ([^.\n]+)\.\.\.", fw, re.M)
        if ram and ram <= 0x100000:
            return "no exit in %d s (no RAM at 1 MiB)" % MEM_TIMEOUT
        why = "no exit in %d s" % MEM_TIMEOUT
        if booting:
            why += ", SeaBIOS booted from %s" % booting[-1]
        if ser.strip():
            why += ", last output '%s'" % ser.strip().splitlines()[-1][:40]
        return why
    if st == 1 and err:
        return "QEMU: " + err.splitlines()[-1]
    lines = [l.strip() for l in ser.splitlines() if l.strip()]
    return describe(st) + (": '%s'" % lines[-1][:70] if lines and st != OK else "")


def kernel(elf, append=""):
    return ["-kernel", elf] + (["-append", append] if append else [])


def cdrom(iso):
    return ["-cdrom", iso]


# ---- the table -----------------------------------------------------------------

class Table:
    HEAD = ("figure", "value", "baseline", "ratio")

    def __init__(self):
        self.rows = []

    def add(self, figure, value, baseline="", ratio=""):
        self.rows.append((figure, value, baseline, ratio))

    def rule(self):
        self.rows.append(None)

    def show(self):
        rows = [r for r in self.rows if r]
        w = [max(len(r[i]) for r in rows + [self.HEAD]) for i in range(4)]

        def line(r):
            return "  ".join("%-*s" % (w[i], r[i]) for i in range(4)).rstrip()
        print(line(self.HEAD))
        print("-" * (sum(w) + 6))
        for r in self.rows:
            print(line(r) if r else "")


def ms(s):
    return "%.1f ms" % (s * 1000)


def kib(n):
    if n < 1024:
        return "%d B" % n
    return "%.1f KiB" % (n / 1024) if n < 10 * 1024 else "%d KiB" % round(n / 1024)


def ratio(a, b):
    if not (a and b):
        return ""
    return "%.2fx" % (a / b) if a / b < 10 else "%.0fx" % (a / b)


# ---- the figures ---------------------------------------------------------------

def boot_times(kinds, runs):
    """kinds: name -> QEMU medium. Returns (name -> list of seconds, the
    names that failed a boot)."""
    times = {k: [] for k in kinds}
    broken = set()
    # One untimed round first: warms the page cache and proves every medium
    # boots before any time is taken.
    for k, medium in kinds.items():
        dt, st, out = boot(medium)
        if st != OK:
            broken.add(k)
            error("%s did not boot: %s, after %.2f s; its serial output:\n%s"
                  % (k, describe(st), dt, tail(out)))
    for i in range(runs):               # interleaved: drift hits all alike
        for k, medium in kinds.items():
            if k in broken:
                continue
            dt, st, out = boot(medium)
            if st != OK:
                broken.add(k)
                error("%s, timed run %d of %d: %s after %.2f s (not timed; no "
                      "further runs of it); its serial output:\n%s"
                      % (k, i + 1, runs, describe(st), dt, tail(out)))
                continue
            times[k].append(dt)
    return times, broken


def boot_rows(t, times, runs):
    ratios = {}
    for how in ("-kernel", "GRUB ISO"):
        img, base = times["image " + how], times["minimal " + how]
        for name, f in (("median", statistics.median), ("min", min)):
            a = f(img) if img else None
            b = f(base) if base else None
            def shown(v, n):
                if not v:
                    return "failed"
                return ms(v) + (" (%d ok runs)" % n if n < runs else "")
            t.add("boot to exit, %s, %s of %d" % (how, name, runs),
                  shown(a, len(img)), "minimal " + shown(b, len(base)), ratio(a, b))
            if name == "median" and a and b:
                ratios[how] = a / b
    if times["image -kernel"] and times["minimal -kernel"]:
        t.add("boot to exit, -kernel, image minus minimal (median)",
              ms(statistics.median(times["image -kernel"]) -
                 statistics.median(times["minimal -kernel"])))
    return ratios


def sizes(t, image, minimal, build, out, img_iso, min_iso):
    def stripped(elf, name):
        dst = os.path.join(out, name)
        sh(["strip", "-o", dst, elf])
        return os.path.getsize(dst)

    a, b = os.path.getsize(image), os.path.getsize(minimal)
    t.add("image ELF", kib(a), "minimal " + kib(b), ratio(a, b))
    a, b = stripped(image, "rumpimg.stripped.elf"), stripped(minimal, "minimal.stripped.elf")
    t.add("image ELF, stripped", kib(a), "minimal " + kib(b), ratio(a, b))
    a, b = multiboot_span(image), multiboot_span(minimal)
    if a and b:
        t.add("loaded into memory (load_addr..bss_end)", kib(a), "minimal " + kib(b),
              ratio(a, b))
    iso = os.path.join(build, "rumpimg.iso")
    if not os.path.exists(iso):
        iso = img_iso
    if os.path.exists(iso) and os.path.exists(min_iso):
        a, b = os.path.getsize(iso), os.path.getsize(min_iso)
        t.add("GRUB ISO (%s)" % iso, kib(a), "minimal " + kib(b),
              ratio(a, b))


def scan_mem(media, steps, tmp):
    """media: name -> (QEMU medium, first step to try). Tries each -m from
    small upwards, all media of a step at once. Returns (name -> smallest
    MiB that boots, [(MiB, name -> what happened)])."""
    found, seen = {}, []
    for mb in steps:
        todo = [k for k in media if k not in found and mb >= media[k][1]]
        if not todo:
            if all(k in found for k in media):
                break
            continue
        res = dict(zip(todo, probe([media[k][0] for k in todo], "%dM" % mb, tmp)))
        row = {k: "(boots at %dM)" % found[k] if k in found else "(not tried)"
               for k in media}
        for k, (st, out, why) in res.items():
            if st == OK:
                found[k] = mb
            row[k] = "boots" if st == OK else why
        seen.append((mb, row))
    return found, seen


def smallest_mem(t, image, minimal, img_iso, min_iso, tmp):
    """The smallest -m for the image and the minimal kernel, under -kernel
    from 1 MiB up, then through GRUB from each one's -kernel answer up."""
    def rows(how, found, seen, img, base):
        for mb, row in seen:
            t.add("-m %dM, %s" % (mb, how), row.get(img, "-"),
                  "minimal " + row.get(base, "-"))
        a, b = found.get(img), found.get(base)
        t.add("smallest -m that boots, %s" % how,
              "%dM" % a if a else "none up to %dM" % MEM_STEPS[-1],
              "minimal " + ("%dM" % b if b else "none up to %dM" % MEM_STEPS[-1]),
              ratio(a, b))
        return a

    found, seen = scan_mem({"image": (kernel(image, "log=error app=off"), 1),
                            "minimal": (kernel(minimal), 1)}, MEM_STEPS, tmp)
    if rows("-kernel", found, seen, "image", "minimal") is None:
        error("the image booted under -kernel at none of -m %s MiB"
              % ", ".join(map(str, MEM_STEPS)))
    isos = {}
    if os.path.exists(img_iso):
        isos["image"] = (cdrom(img_iso), found.get("image", 1))
    if os.path.exists(min_iso):
        isos["minimal"] = (cdrom(min_iso), found.get("minimal", 1))
    if isos:
        t.rule()
        gfound, gseen = scan_mem(isos, MEM_STEPS, tmp)
        if "image" in isos and rows("GRUB ISO", gfound, gseen, "image", "minimal") is None:
            error("the image booted through GRUB at none of -m %s MiB"
                  % ", ".join(map(str, MEM_STEPS)))


def sched_figures(t, build, test_image):
    host_bin = os.path.join(build, "host", "bench", "sched")
    taskset = shutil.which("taskset")
    pin = [taskset, "-c", "0"] if taskset else []

    def parse(text):
        out = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "bench":
                out[parts[1]] = float(parts[2])
        return out

    if not os.path.exists(host_bin):
        return None
    try:
        host = parse(sh(pin + [host_bin]).stdout)
        base = parse(sh(pin + [host_bin, "pthread"]).stdout)
        unpinned = parse(sh([host_bin, "pthread"]).stdout)["pthread_pingpong_ns"]
    except (subprocess.CalledProcessError, KeyError) as e:
        error("the host scheduler benchmark %s failed: %s" % (host_bin, e))
        return None
    pthread = base["pthread_pingpong_ns"]
    guest = {}
    if test_image and os.path.exists(test_image):
        dt, st, out = boot(kernel(test_image, "log=warn test=bench_sched"), timeout=120)
        if st != OK:
            error("the scheduler benchmark in %s: %s; its serial output:\n%s"
                  % (test_image, describe(st), tail(out)))
        guest = parse(out)
    t.rule()
    hand = "host pthread hand-over %.0f ns" % pthread
    rows = (("switch_ns", "thread switch", pthread, hand),
            ("create_join_ns", "thread create+join", base["pthread_create_join_ns"],
             "host pthread create+join %.0f ns" % base["pthread_create_join_ns"]),
            ("mutex_enter_exit_ns", "uncontended mutex enter+exit",
             base["pthread_mutex_ns"],
             "host pthread mutex lock+unlock %.1f ns" % base["pthread_mutex_ns"]),
            ("cv_pingpong_ns", "cv ping-pong, per hand-over", pthread, hand))
    for key, label, b, btext in rows:
        g, n = guest.get(key), host.get(key)
        if g is not None:
            t.add(label + " (guest, TCG)", "%.1f ns" % g, btext, "%.3fx" % (g / b))
        if n is not None:
            t.add(label + " (same code natively)", "%.1f ns" % n, btext, "%.3fx" % (n / b))
    if "switch_cycles" in guest and "switch_cycles" in host:
        t.add("thread switch in cycles", "guest %.0f, native %.0f" % (
            guest["switch_cycles"], host["switch_cycles"]))
    if not guest:
        t.add("(guest figures: run with --test-image, as make bench does)", "")
    t.add("host pthread hand-over, unpinned", "%.0f ns" % unpinned,
          "pinned %.0f ns" % pthread, "%.1fx" % (unpinned / pthread))
    return (pthread / guest["switch_ns"] if guest.get("switch_ns") else None,
            pthread / host["switch_ns"] if host.get("switch_ns") else None)


def parse_bench(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "bench":
            try:
                out[parts[1]] = float(parts[2])
            except ValueError:
                pass
    return out


def kernel_figures(t, build, test_image, pthread_switch):
    """The rump kernel on the host build and in the image, beside host
    baselines measured in the same run (issue 4's goals)."""
    host_bin = os.path.join(build, "host", "bench", "kernel")
    taskset = shutil.which("taskset")
    pin = [taskset, "-c", "0"] if taskset else []
    if not os.path.exists(host_bin):
        return []
    try:
        k = parse_bench(sh(pin + [host_bin]).stdout)
        b = parse_bench(sh(pin + [host_bin, "baseline"]).stdout)
    except subprocess.CalledProcessError as e:
        error("the host kernel benchmark %s failed: %s" % (host_bin, e))
        return []
    guest = {}
    if test_image and os.path.exists(test_image):
        dt, st, out = boot(kernel(test_image, "log=warn test=bench_kernel"), timeout=120)
        if st != OK:
            error("the kernel benchmark in %s: %s; its serial output:\n%s"
                  % (test_image, describe(st), tail(out)))
        guest = parse_bench(out)
    t.rule()
    rows = (
        ("lwproc_switch_ns", "lwproc switch between two processes", pthread_switch,
         "host pthread switch %.0f ns" % (pthread_switch or 0)),
        ("getpid_bound_ns", "rump_sys_getpid, bound lwp", b.get("host_getpid_ns"),
         "host getpid syscall %.0f ns" % b.get("host_getpid_ns", 0)),
        ("getpid_implicit_ns", "rump_sys_getpid, implicit context", b.get("host_getpid_ns"),
         "host getpid syscall %.0f ns" % b.get("host_getpid_ns", 0)),
        ("rfork_release_ns", "rfork + releaselwp", b.get("host_fork_exit_wait_ns"),
         "host fork+exit+wait %.0f ns" % b.get("host_fork_exit_wait_ns", 0)),
        ("open_write4k_close_ns", "open + write 4 KiB + close (tmpfs)",
         b.get("host_open_write4k_close_ns"),
         "host /dev/shm %.0f ns" % b.get("host_open_write4k_close_ns", 0)),
    )
    for key, label, base, btext in rows:
        if key in k and base:
            t.add(label + " (host build)", "%.1f ns" % k[key], btext, "%.3fx" % (k[key] / base))
        if key in guest and base:
            cyc = (" = %.0f cycles" % (guest[key] * guest["tsc_mhz"] / 1000.0)
                   if guest.get("tsc_mhz") else "")
            t.add(label + " (image, TCG)", "%.1f ns%s" % (guest[key], cyc), btext,
                  "%.3fx" % (guest[key] / base))
    if "read16m_mbps" in k:
        t.add("read 16 MiB tmpfs file, 64 KiB reads (host build)", "%.0f MB/s" % k["read16m_mbps"],
              "host /dev/shm %.0f MB/s" % b.get("host_read16m_mbps", 0),
              "%.2fx" % (k["read16m_mbps"] / b["host_read16m_mbps"]) if b.get("host_read16m_mbps") else "")
    if "read16m_mbps" in guest:
        t.add("read 16 MiB tmpfs file, 64 KiB reads (image, TCG)", "%.0f MB/s" % guest["read16m_mbps"])
    for where, fig in (("host build", k), ("image, TCG", guest)):
        first, last = fig.get("dir_create_first_ns"), fig.get("dir_create_30000th_ns")
        if first and last:
            t.add("create a file, 1st-1000th in a directory (%s)" % where, "%.0f ns" % first)
            t.add("create a file, 29,001st-30,000th (%s)" % where, "%.0f ns" % last,
                  "the first 1000 %.0f ns" % first, "%.2fx" % (last / first))
    goals = []
    def goal(text, value, ok):
        goals.append("goal: %s: %s -- %s" % (text, value, "met" if ok else "not met"))
    if "lwproc_switch_ns" in k and pthread_switch:
        r = pthread_switch / k["lwproc_switch_ns"]
        goal("lwproc switch at least 100x faster than a host pthread switch", "%.0fx" % r, r >= 100)
    hg = b.get("host_getpid_ns")
    if hg and "getpid_bound_ns" in k:
        r = k["getpid_bound_ns"] / hg
        goal("bound getpid at most 0.1x a host getpid syscall", "%.3fx" % r, r <= 0.1)
    if hg and "getpid_implicit_ns" in k:
        r = k["getpid_implicit_ns"] / hg
        goal("implicit getpid at most 1x a host getpid syscall", "%.3fx" % r, r <= 1)
    if b.get("host_fork_exit_wait_ns") and "rfork_release_ns" in k:
        r = b["host_fork_exit_wait_ns"] / k["rfork_release_ns"]
        goal("rfork+releaselwp at least 1000x faster than host fork+exit+wait",
             "%.0fx" % r, r >= 1000)
    return goals


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sp_figures(t, build):
    """Remote system calls over rump_sp (issue 5) beside a raw socket
    ping-pong of the same sizes between two processes, all pinned to CPU 0
    (a cross-CPU wake-up costs ~20 us on these VMs)."""
    server = os.path.join(build, "host", "bin", "rump_server")
    bench = os.path.join(build, "host", "bench", "sp")
    halt = os.path.join(build, "host", "bin", "rump.halt")
    if not all(os.path.exists(p) for p in (server, bench, halt)):
        return []
    taskset = shutil.which("taskset")
    pin = [taskset, "-c", "0"] if taskset else []
    tmp = tempfile.mkdtemp(prefix="rumpsp-bench-")
    res = {}
    try:
        for kind, url in (("unix", "unix://%s/sock" % tmp),
                          ("tcp", "tcp://127.0.0.1:%d" % free_port())):
            env = dict(os.environ, RUMP_SERVER=url)
            try:
                sh(pin + [server, url])
                r = parse_bench(subprocess.run(pin + [bench, "remote"], env=env,
                                               check=True, capture_output=True,
                                               text=True, timeout=600).stdout)
                subprocess.run([halt], env=env, capture_output=True, timeout=30)
                f = parse_bench(sh(pin + [bench, "floor", kind]).stdout)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                error("the rump_sp benchmark over %s failed: %s" % (kind, e))
                continue
            res[kind] = (r, f.get("floor_%s_ns" % kind), f.get("floor_%s_stream_mbps" % kind))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.rule()
    goals = []
    for kind in ("unix", "tcp"):
        if kind not in res:
            continue
        r, fl, stream = res[kind]
        if "remote_getpid_ns" in r and fl:
            t.add("remote getpid round trip (%s)" % kind, "%.1f us" % (r["remote_getpid_ns"] / 1000),
                  "raw %s ping-pong 24/48 B %.1f us" % (kind, fl / 1000),
                  "%.2fx" % (r["remote_getpid_ns"] / fl))
        if "remote_open_write4k_close_ns" in r:
            t.add("remote open + write 4 KiB + close (%s)" % kind,
                  "%.1f us" % (r["remote_open_write4k_close_ns"] / 1000),
                  "%.1f getpid round trips" % (r["remote_open_write4k_close_ns"] / fl) if fl else "")
        if "remote_read16m_mbps" in r:
            t.add("remote read 16 MiB file, 64 KiB reads (%s)" % kind,
                  "%.0f MB/s" % r["remote_read16m_mbps"],
                  "raw %s stream, 64 KiB writes %.0f MB/s" % (kind, stream) if stream else "",
                  "%.2fx" % (r["remote_read16m_mbps"] / stream) if stream else "")
        if kind == "unix" and "remote_getpid_ns" in r and fl:
            x = r["remote_getpid_ns"] / fl
            goals.append("goal: remote getpid within 1.5x of the raw unix-socket ping-pong: "
                         "%.2fx -- %s" % (x, "met" if x <= 1.5 else "not met"))
    return goals


IMAGE_SP_ROUNDS = 2000          # getpids a run (7 runs) against the image
IMAGE_SP_PAIRS = 3              # echo and remote, interleaved


def sp_image_figures(t, build, test_image):
    """Remote calls into the image (test=sp_server) beside the floor of the
    same path: a TCP echo served by threads in the image (apps/spserver's
    RUMP_ECHO_PORT), no rump_sp. Echo and remote runs are interleaved; each
    figure is the mean of IMAGE_SP_PAIRS medians. Not pinned: QEMU's
    threads float, and so do the clients."""
    bench = os.path.join(build, "host", "bench", "sp")
    halt = os.path.join(build, "host", "bin", "rump.halt")
    if not (test_image and os.path.exists(test_image) and
            all(os.path.exists(p) for p in (bench, halt))):
        return []
    sp, echo = free_port(), free_port()
    while echo == sp:
        echo = free_port()
    fwd = ",".join("hostfwd=tcp:127.0.0.1:%d-:%d" % (p, p) for p in (sp, echo))
    cmd = QEMU + ["-m", MEM, "-serial", "stdio",
                  "-kernel", test_image, "-append",
                  "log=warn test=sp_server RUMP_SP_PORT=%d RUMP_ECHO_PORT=%d" % (sp, echo),
                  "-netdev", "user,id=n0," + fwd,
                  "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,romfile="]  # as scripts/run-qemu
    q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []

    def reader():
        for line in q.stdout:
            out.append(line.decode(errors="replace"))
    rd = threading.Thread(target=reader, daemon=True)
    rd.start()
    env = dict(os.environ, RUMP_SERVER="tcp://127.0.0.1:%d" % sp)
    runs = {"echo": [], "remote": []}
    try:
        deadline = time.monotonic() + 60
        while not any("rump_sp: listening" in l for l in out):
            if q.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the image's server did not listen")
            time.sleep(0.05)
        for _ in range(IMAGE_SP_PAIRS):
            runs["echo"].append(parse_bench(sh([bench, "echo", str(echo),
                                                str(IMAGE_SP_ROUNDS)]).stdout))
            runs["remote"].append(parse_bench(subprocess.run(
                [bench, "remote", str(IMAGE_SP_ROUNDS)], env=env, check=True,
                capture_output=True, text=True, timeout=600).stdout))
        subprocess.run([halt], env=env, capture_output=True, timeout=30)
        st = q.wait(timeout=30)
        if st != OK:
            error("the image's rump_sp server after rump.halt: %s" % describe(st))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired,
            RuntimeError) as e:
        error("the rump_sp benchmark against the image failed: %s; its serial "
              "output:\n%s" % (e, tail("".join(out))))
        return []
    finally:
        if q.poll() is None:
            q.kill()
            q.wait()

    def mean(kind, key):
        v = [r[key] for r in runs[kind] if key in r]
        return sum(v) / len(v) if len(v) == len(runs[kind]) and v else None

    fl, rp = mean("echo", "echo_tcp_ns"), mean("remote", "remote_getpid_ns")
    sink, rd16 = mean("echo", "sink_tcp16m_mbps"), mean("remote", "remote_read16m_mbps")
    ow = mean("remote", "remote_open_write4k_close_ns")
    t.rule()
    if rp and fl:
        t.add("remote getpid round trip into the image (tcp, TCG)",
              "%.1f us" % (rp / 1000),
              "raw tcp echo 24 B into the image %.1f us" % (fl / 1000),
              "%.2fx" % (rp / fl))
    if ow:
        t.add("remote open + write 4 KiB + close (image)", "%.1f us" % (ow / 1000),
              "%.1f getpid round trips" % (ow / rp) if rp else "")
    if sink:
        t.add("tcp 16 MiB host -> image, 64 KiB writes (image's sink)",
              "%.0f MB/s" % sink)
    if rd16:
        t.add("remote read 16 MiB tmpfs file, 64 KiB reads (image)",
              "%.0f MB/s" % rd16,
              "tcp host -> image %.0f MB/s" % sink if sink else "",
              "%.2fx" % (rd16 / sink) if sink else "")
    if not (rp and fl):
        return []
    x = rp / fl
    return ["goal: remote getpid into the image within 1.3x of the raw TCP echo "
            "into the same image: %.2fx (%.0f us vs %.0f us) -- %s"
            % (x, rp / 1000, fl / 1000, "met" if x <= 1.3 else "not met")]


def host_line():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return "%s %s, %s, %d CPUs, load average %.2f" % (
        platform.system(), platform.release(), cpu or platform.machine(),
        os.cpu_count() or 0, load)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--test-image")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--cc", help="rumpimg-cc of the current .config")
    ap.add_argument("--nonet-cc", help="rumpimg-cc of an image without the network")
    ap.add_argument("--only-appliance", action="store_true",
                    help="only the appliance figures (size, httpd launch and requests)")
    ap.add_argument("--only-storage", action="store_true",
                    help="only the disk and ext2 figures (bench/storage.py)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.exists(args.image):
        sys.exit("bench: no image at %s (run make first)" % args.image)
    out = os.path.join(args.build, "bench")
    os.makedirs(out, exist_ok=True)
    start = time.monotonic()

    qv = sh(["qemu-system-x86_64", "--version"]).stdout.splitlines()[0]
    print("rumpimg benchmarks")
    print("host: " + host_line())
    print("QEMU: %s; TCG (no KVM), the flags of scripts/run-qemu, -m %s" % (qv, MEM))
    print("boot times: wall clock from QEMU launch to QEMU exit, median and min of "
          "%d runs each (after one untimed round), image and baseline interleaved; "
          "image command line 'log=error app=off' (boot to the workload, which the server appliance never leaves)" % args.runs)
    print("scheduler, kernel and rump_sp figures: pinned to CPU 0 with taskset "
          "(server, client and baselines alike)", flush=True)
    print()

    t = Table()
    try:
        minimal = build_minimal(out)
    except subprocess.CalledProcessError as e:
        sys.exit("bench: building bench/minimal.S failed:\n" + e.stderr)
    if args.only_storage:
        goals = storage.figures(sys.modules[__name__], t, args.build,
                                args.test_image, args.runs, out)
        t.show()
        print()
        for g in goals:
            print(g)
        print("bench: %.0f s" % (time.monotonic() - start))
        return report_errors()
    if args.only_appliance:
        goals = appliance.figures(sys.modules[__name__], t, args.cc, args.nonet_cc,
                                  minimal, args.runs, out)
        t.show()
        print()
        for g in goals:
            print(g)
        print("bench: %.0f s" % (time.monotonic() - start))
        return report_errors()
    img_iso = os.path.join(out, "rumpimg-log_error.iso")
    min_iso = os.path.join(out, "minimal.iso")
    kinds = {"image -kernel": kernel(args.image, "log=error app=off"),
             "minimal -kernel": kernel(minimal)}
    if mkiso(args.image, img_iso, "log=error app=off"):
        kinds["image GRUB ISO"] = cdrom(img_iso)
    if mkiso(minimal, min_iso, ""):
        kinds["minimal GRUB ISO"] = cdrom(min_iso)
    # The same order every round: a, b, c, d, a, b, ...
    kinds = {k: kinds[k] for k in ("image -kernel", "minimal -kernel",
                                   "image GRUB ISO", "minimal GRUB ISO") if k in kinds}
    times, broken = boot_times(kinds, args.runs)
    for k in ("image GRUB ISO", "minimal GRUB ISO"):
        times.setdefault(k, [])
    ratios = boot_rows(t, times, args.runs)
    t.rule()
    sizes(t, args.image, minimal, args.build, out, img_iso, min_iso)
    t.rule()
    if "image -kernel" in broken or "minimal -kernel" in broken:
        t.add("smallest -m that boots", "skipped: a kernel did not boot at -m %s" % MEM)
    else:
        smallest_mem(t, args.image, minimal, img_iso if "image GRUB ISO" not in broken
                     else "", min_iso if "minimal GRUB ISO" not in broken else "", out)
    sched = sched_figures(t, args.build, args.test_image)
    pthread_switch = None
    try:
        pthread_switch = parse_bench(sh([shutil.which("taskset") or "env", "-c", "0",
            os.path.join(args.build, "host", "bench", "sched"), "pthread"]
            if shutil.which("taskset") else
            [os.path.join(args.build, "host", "bench", "sched"), "pthread"]).stdout).get(
            "pthread_pingpong_ns")
    except (subprocess.CalledProcessError, FileNotFoundError):
        pass
    kgoals = kernel_figures(t, args.build, args.test_image, pthread_switch)
    kgoals += sp_figures(t, args.build)
    kgoals += sp_image_figures(t, args.build, args.test_image)
    kgoals += appliance.figures(sys.modules[__name__], t, args.cc, args.nonet_cc,
                                minimal, args.runs, out)
    kgoals += storage.figures(sys.modules[__name__], t, args.build,
                              args.test_image, args.runs, out)

    t.show()
    print()
    parts = ["%s %.2fx" % (how, ratios[how]) for how in ("-kernel", "GRUB ISO")
             if how in ratios]
    verdict = ("met" if len(ratios) == 2 and all(r <= GOAL for r in ratios.values())
               else "not met")
    print("goal: image boot within %.1fx of the minimal kernel: %s -- %s"
          % (GOAL, ", ".join(parts) + " (medians)" if parts else "no figures", verdict))
    if sched is not None:
        guest, native = sched
        if guest is not None:
            print("goal: cooperative switch at least 100x cheaper than a host "
                  "pthread switch: guest (TCG) %.0fx, %s; the same code natively %s"
                  % (guest, "met" if guest >= 100 else "not met",
                     "%.0fx" % native if native else "-"))
    for g in kgoals:
        print(g)
    print("bench: %.0f s" % (time.monotonic() - start))
    return report_errors()


def report_errors():
    if errors:
        print("\nbench: %d FAILURE(S):" % len(errors), file=sys.stderr)
        for e in errors:
            print("  - " + e.splitlines()[0].split("; its serial output")[0],
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
