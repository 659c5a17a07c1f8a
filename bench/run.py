#!/usr/bin/python3
"""make bench: figures for the image, each beside a baseline measured in the
same run. Wall-clock medians; QEMU under TCG (no KVM); never gates CI.

usage: bench/run.py --image build/rumpimg.elf --build build
                    [--test-image build/test/rumpimg.elf] [--runs N]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
QEMU = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",
        "-accel", "tcg", "-cpu", "qemu64,+rdrand",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
OK = 33


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def build_minimal(out):
    obj = os.path.join(out, "minimal.o")
    elf = os.path.join(out, "minimal.elf")
    sh(["gcc", "-m32", "-c", os.path.join(HERE, "minimal.S"), "-o", obj])
    sh(["ld", "-m", "elf_i386", "-Ttext", "0x100000", "-o", elf, obj])
    return elf


def boot(args, timeout=30):
    """Seconds from QEMU's launch to its exit, and its status."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(QEMU + args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return time.monotonic() - t0, p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return time.monotonic() - t0, 124, out


def kernel_args(elf, append="", mem="64M"):
    a = ["-m", mem, "-serial", "stdio", "-kernel", elf]
    return a + (["-append", append] if append else [])


def iso_args(iso, mem="64M"):
    return ["-m", mem, "-serial", "stdio", "-cdrom", iso]


def fmt_ms(s):
    return "%.1f ms" % (s * 1000)


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, baseline="", ratio=""):
        self.rows.append((figure, value, baseline, ratio))

    def show(self):
        w = [max(len(r[i]) for r in self.rows + [("figure", "value", "baseline", "ratio")])
             for i in range(4)]
        line = "  ".join("%-*s" % (w[i], h) for i, h in
                         enumerate(("figure", "value", "baseline", "ratio")))
        print(line)
        print("-" * len(line))
        for r in self.rows:
            print("  ".join("%-*s" % (w[i], r[i]) for i in range(4)))


def boot_times(t, image, minimal, tmp, runs):
    img_iso = os.path.join(tmp, "image.iso")
    min_iso = os.path.join(tmp, "minimal.iso")
    sh([os.path.join(ROOT, "scripts", "mkiso"), image, img_iso, "log=error"])
    sh([os.path.join(ROOT, "scripts", "mkiso"), minimal, min_iso, ""])
    kinds = {
        "image -kernel": kernel_args(image, "log=error"),
        "minimal -kernel": kernel_args(minimal),
        "image GRUB ISO": iso_args(img_iso),
        "minimal GRUB ISO": iso_args(min_iso),
    }
    times = {k: [] for k in kinds}
    for _ in range(runs):               # interleaved: drift hits all alike
        for k, a in kinds.items():
            dt, st, out = boot(a)
            if st != OK:
                sys.exit("bench: %s exited with status %d, not %d:\n%s"
                         % (k, st, OK, out[-2000:]))
            times[k].append(dt)
    med = {k: statistics.median(v) for k, v in times.items()}
    for what in ("-kernel", "GRUB ISO"):
        img, base = med["image " + what], med["minimal " + what]
        t.add("boot to exit, %s (median of %d, min %s)" % (what, runs,
              fmt_ms(min(times["image " + what]))),
              fmt_ms(img), "minimal kernel " + fmt_ms(base), "%.2fx" % (img / base))
    return med["image -kernel"] / med["minimal -kernel"]


def sizes(t, image, build, tmp):
    stripped = os.path.join(tmp, "rumpimg.stripped.elf")
    sh(["strip", "-o", stripped, image])
    iso = os.path.join(build, "rumpimg.iso")
    t.add("image size, stripped ELF", "%d KiB" % (os.path.getsize(stripped) // 1024),
          "unstripped %d KiB" % (os.path.getsize(image) // 1024))
    if os.path.exists(iso):
        t.add("GRUB ISO size", "%d KiB" % (os.path.getsize(iso) // 1024))


def smallest_mem(t, image, minimal):
    notes = []
    found = None
    for mb in (1, 2, 3, 4, 6, 8, 16):
        dt, st, out = boot(kernel_args(image, "log=error", "%dM" % mb), timeout=10)
        if st == OK:
            found = mb
            break
        notes.append("%dM: %s" % (mb, {124: "hangs (QEMU's firmware)",
                                       41: "says too little memory"}.get(st, "status %d" % st)))
    dt, st, _ = boot(kernel_args(minimal, "", "1M"), timeout=10)
    base = "minimal kernel at 1M: " + ("boots" if st == OK else "does not boot")
    t.add("smallest -m that boots", "%dM" % found if found else "none up to 16M",
          base, "; ".join(notes))


def sched_figures(t, build, test_image):
    host_bin = os.path.join(build, "host", "bench", "sched")
    host, pthread = {}, None
    taskset = shutil.which("taskset")
    pin = [taskset, "-c", "0"] if taskset else []

    def parse(text):
        out = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "bench":
                out[parts[1]] = float(parts[2])
        return out

    if os.path.exists(host_bin):
        host = parse(sh(pin + [host_bin]).stdout)
        base = parse(sh(pin + [host_bin, "pthread"]).stdout)
        pthread = base["pthread_pingpong_ns"]
        unpinned = parse(sh([host_bin, "pthread"]).stdout)["pthread_pingpong_ns"]
    guest = {}
    if test_image and os.path.exists(test_image):
        dt, st, out = boot(kernel_args(test_image, "log=warn test=bench_sched"), timeout=120)
        if st != OK:
            sys.exit("bench: the scheduler benchmark in the image failed:\n" + out[-2000:])
        guest = parse(out)
    if pthread is None:
        return None
    hand = "host pthread hand-over %.0f ns" % pthread
    rows = (("switch_ns", "thread switch", pthread, hand),
            ("create_join_ns", "thread create+join", base["pthread_create_join_ns"],
             "host pthread create+join %.0f ns" % base["pthread_create_join_ns"]),
            ("mutex_enter_exit_ns", "uncontended mutex enter+exit",
             base["pthread_mutex_ns"],
             "host pthread mutex lock+unlock %.1f ns" % base["pthread_mutex_ns"]),
            ("cv_pingpong_ns", "cv ping-pong, per hand-over", pthread, hand))
    for key, label, b, btext in rows:
        g, n = guest.get(key), host[key]
        t.add(label + " (guest, TCG)", "%.1f ns" % g if g else "-", btext,
              "%.2fx of baseline" % (g / b) if g else "")
        t.add(label + " (same code natively)", "%.1f ns" % n, btext,
              "%.3fx of baseline" % (n / b))
    if "switch_cycles" in guest:
        t.add("thread switch in cycles", "guest %.0f, native %.0f" % (
            guest["switch_cycles"], host["switch_cycles"]))
    t.add("host pthread hand-over, unpinned", "%.0f ns" % unpinned,
          "pinned %.0f ns" % pthread, "%.1fx" % (unpinned / pthread))
    return (pthread / guest["switch_ns"] if "switch_ns" in guest else None,
            pthread / host["switch_ns"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--test-image")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    qv = sh(["qemu-system-x86_64", "--version"]).stdout.splitlines()[0]
    print("rumpimg benchmarks: %s, TCG (no KVM), %d CPUs; wall-clock medians; "
          "ping-pong figures pinned to CPU 0 with taskset" % (qv, os.cpu_count()))
    t = Table()
    with tempfile.TemporaryDirectory() as tmp:
        minimal = build_minimal(tmp)
        ratio = boot_times(t, args.image, minimal, tmp, args.runs)
        sizes(t, args.image, args.build, tmp)
        smallest_mem(t, args.image, minimal)
        ratios = sched_figures(t, args.build, args.test_image)
    t.show()
    print("goal: image boot within 1.3x of the minimal kernel: %.2fx, %s"
          % (ratio, "met" if ratio <= 1.3 else "not met"))
    if ratios is not None:
        guest, native = ratios
        if guest is not None:
            print("goal: cooperative switch at least 100x cheaper than a host "
                  "pthread switch: guest (TCG) %.0fx, %s; the same code natively %.0fx"
                  % (guest, "met" if guest >= 100 else "not met", native))
    return 0


if __name__ == "__main__":
    sys.exit(main())
