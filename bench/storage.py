"""make bench's storage figures (bench/storage/cases.c), each beside a
baseline measured in the same run; medians of several runs.

  image       test=bench_storage with two disks: ld0 an ext2 (mke2fs -t
              ext2 -b 4096, 160 MiB), ld1 64 MiB raw. Three rounds a boot
              of 64 MiB of 1 MiB writes (+ cache flush) and reads on
              /dev/rld1 beside the same on one file of the ext2 (+ fsync;
              read after a remount, nothing cached); then create + write
              4 KiB + close of 10,000 files in one directory, the first
              1000 beside the last 1000. Goal: file system >= 0.8x raw.
  host build  build/host/bench/storage on an image file (rump_etfs(3)):
              the same 64 MiB file beside dd on the same image file (write
              with conv=fdatasync; reads from the host's page cache for
              both), and librump's own raw /dev/rld0. Goal >= 0.5x dd. The
              first round of a process pays for its buffer cache's memory
              coming fresh from the host (page faults); the second round
              of the same process finds it there: both are shown.
"""
import os
import re
import statistics
import subprocess
import time

MIB = 1 << 20


def parse(text):
    """'bench NAME VALUE UNIT' lines: NAME -> [values] in order."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"\s*bench (\w+) ([\d.]+) ", line)
        if m:
            out.setdefault(m.group(1), []).append(float(m.group(2)))
    return out


def med(xs):
    return statistics.median(xs) if xs else None


def mkfs(img, size_mb):
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img,
                    "%dM" % size_mb], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def dd(args):
    """MB/s from dd's own summary line."""
    p = subprocess.run(["dd"] + args, capture_output=True, text=True)
    m = re.search(r"copied, ([\d.e-]+) s", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError("dd %s: %s" % (" ".join(args), p.stderr.strip()))
    return 64 * MIB / float(m.group(1)) / 1e6


def host_figures(b, t, build, runs, out):
    prog = os.path.join(build, "host", "bench", "storage")
    if not os.path.exists(prog):
        return []
    img = os.path.join(out, "storage-host.img")
    f = {}
    try:
        for _ in range(runs):
            mkfs(img, 160)
            f.setdefault("dd_write", []).append(
                dd(["if=/dev/zero", "of=" + img, "bs=1M", "count=64",
                    "conv=notrunc,fdatasync"]))
            f.setdefault("dd_read", []).append(
                dd(["if=" + img, "of=/dev/null", "bs=1M", "count=64"]))
            r = parse(b.sh([prog, img, "raw", "2"]).stdout)
            for k in ("raw_write_mbps", "raw_read_mbps"):
                f.setdefault(k + "_cold", []).append(r[k][0])
                f.setdefault(k, []).append(r[k][1])
            mkfs(img, 160)
            r = parse(b.sh([prog, img, "fs", "2"]).stdout)
            for k in ("fs_write_mbps", "fs_read_mbps"):
                f.setdefault(k + "_cold", []).append(r[k][0])
                f.setdefault(k, []).append(r[k][1])
            mkfs(img, 160)
            r = parse(b.sh([prog, img, "files"]).stdout)
            for k in ("files_first_ns", "files_last_ns"):
                f.setdefault(k, []).append(r[k][0])
    except (subprocess.CalledProcessError, RuntimeError, KeyError,
            IndexError) as e:
        b.error("the host storage benchmark failed: %s" % e)
        return []
    finally:
        if os.path.exists(img):
            os.unlink(img)
    m = {k: med(v) for k, v in f.items()}
    t.rule()
    n = " (host build, median of %d)" % runs
    for what, dkey in (("write", "dd_write"), ("read", "dd_read")):
        base = "host dd %.0f MB/s" % m[dkey]
        t.add("64 MiB ext2 file, 1 MiB %ss%s" % (what, n),
              "%.0f MB/s" % m["fs_%s_mbps" % what], base,
              b.ratio(m["fs_%s_mbps" % what], m[dkey]))
        t.add("  the same, the process's first round (cold heap)",
              "%.0f MB/s" % m["fs_%s_mbps_cold" % what], base,
              b.ratio(m["fs_%s_mbps_cold" % what], m[dkey]))
        t.add("64 MiB raw /dev/rld0, 1 MiB %ss%s" % (what, n),
              "%.0f MB/s" % m["raw_%s_mbps" % what], base,
              b.ratio(m["raw_%s_mbps" % what], m[dkey]))
    t.add("create+write 4 KiB+close, files 9,001-10,000 in one dir%s" % n,
          "%.0f ns" % m["files_last_ns"],
          "files 1-1,000: %.0f ns" % m["files_first_ns"],
          b.ratio(m["files_last_ns"], m["files_first_ns"]))
    goals = []
    for what in ("write", "read"):
        r = m["fs_%s_mbps" % what] / m["dd_%s" % what]
        rc = m["fs_%s_mbps_cold" % what] / m["dd_%s" % what]
        goals.append("goal: host build ext2 sequential %s at least 0.5x host dd "
                     "on the same image file: %.2fx (first round of a process "
                     "%.2fx) -- %s" % (what, r, rc, "met" if r >= 0.5 else "not met"))
    return goals


def image_figures(b, t, test_image, runs, out):
    if not test_image or not os.path.exists(test_image):
        return []
    d0 = os.path.join(out, "storage-ld0.img")
    d1 = os.path.join(out, "storage-ld1.img")
    f = {}
    boots = max(1, min(runs, 3))
    try:
        for _ in range(boots):
            mkfs(d0, 160)
            with open(d1, "wb") as fh:
                fh.truncate(64 * MIB)
            medium = b.kernel(test_image, "log=warn test=bench_storage") + [
                "-drive", "if=none,id=d0,format=raw,file=" + d0,
                "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
                "-drive", "if=none,id=d1,format=raw,file=" + d1,
                "-device", "virtio-blk-pci,drive=d1,disable-legacy=on"]
            dt, st, text = b.boot(medium, timeout=600)
            if st != b.OK:
                b.error("the storage benchmark in %s: %s; its serial output:\n%s"
                        % (test_image, b.describe(st), b.tail(text)))
                return []
            for k, v in parse(text).items():
                f.setdefault(k, []).extend(v)
    finally:
        for p in (d0, d1):
            if os.path.exists(p):
                os.unlink(p)
    m = {k: med(v) for k, v in f.items()}
    need = ("raw_write_mbps", "raw_read_mbps", "fs_write_mbps", "fs_read_mbps",
            "files_first_ns", "files_last_ns")
    if any(m.get(k) is None for k in need):
        b.error("the storage benchmark in the image printed no figures")
        return []
    t.rule()
    n = " (image, TCG, median of %d)" % len(f["fs_write_mbps"])
    for what in ("write", "read"):
        t.add("64 MiB ext2 file, 1 MiB %ss%s" % (what, n),
              "%.0f MB/s" % m["fs_%s_mbps" % what],
              "/dev/rld1 %.0f MB/s" % m["raw_%s_mbps" % what],
              b.ratio(m["fs_%s_mbps" % what], m["raw_%s_mbps" % what]))
    t.add("create+write 4 KiB+close, files 9,001-10,000 in one dir (image, TCG, "
          "median of %d)" % len(f["files_last_ns"]),
          "%.0f ns" % m["files_last_ns"],
          "files 1-1,000: %.0f ns" % m["files_first_ns"],
          b.ratio(m["files_last_ns"], m["files_first_ns"]))
    goals = []
    for what in ("write", "read"):
        r = m["fs_%s_mbps" % what] / m["raw_%s_mbps" % what]
        goals.append("goal: image ext2 sequential %s at least 0.8x raw /dev/rld "
                     "in the same boot: %.2fx -- %s" % (what, r, "met" if r >= 0.8
                                                        else "not met"))
    r = m["files_last_ns"] / m["files_first_ns"]
    goals.append("goal: flat per-file cost in a directory of 10,000 (image): "
                 "last 1000 / first 1000 = %.2fx -- %s" % (r, "met" if r <= 1.5
                                                           else "not met"))
    return goals


def figures(b, t, build, test_image, runs, out):
    """Adds the rows to table t; returns the goal lines. b: bench/run.py."""
    return host_figures(b, t, build, min(runs, 5), out) + \
        image_figures(b, t, test_image, runs, out)
