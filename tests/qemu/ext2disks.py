"""ext2 disk images for run.py's boot-mount cases (mount=, root=;
tests/qemu/apps/test_ext2boot.c) and their checks on the host once QEMU is
gone: e2fsck -fn finds nothing to fix, and what debugfs dumps is exactly
what the guest wrote. The images are made with e2fsprogs' mke2fs -d from a
directory holding host/hello. The pattern of SEED over n bytes is byte
i = (i * 7 + SEED) & 0xff, as test_ext2boot.c and disk_client write it."""
import os
import random
import re
import shutil
import subprocess
import tempfile

KIB, MIB = 1 << 10, 1 << 20
HELLO = b"from the host\n"
SLOW_TARGET = "/".join(["long"] * 30)


def pattern(n, seed):
    period = bytes(((i * 7 + seed) & 0xff) for i in range(256))
    return (period * (n // 256 + 1))[:n]


def run(argv):
    """(status, output) of a host command."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def image(block, size, then=None):
    """A maker for run.py's disks: an ext2 image of size bytes with
    blocks of block bytes holding /host/hello; then(path) changes it."""
    def make(path):
        src = tempfile.mkdtemp(prefix="ext2src.")
        try:
            os.mkdir(os.path.join(src, "host"))
            with open(os.path.join(src, "host", "hello"), "wb") as f:
                f.write(HELLO)
            st, out = run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block),
                           "-d", src, path, "%dk" % (size // KIB)])
            if st != 0:
                raise RuntimeError("mke2fs: " + out)
        finally:
            shutil.rmtree(src)
        if then is not None:
            then(path)
    return make


def debugfs(path, req, write=False):
    st, out = run(["debugfs"] + (["-w"] if write else []) + ["-R", req, path])
    if st != 0:
        raise RuntimeError("debugfs %s: %s" % (req, out))
    return out


def unclean(path):
    """The state flag of a file system not cleanly unmounted."""
    debugfs(path, "ssv state 0", write=True)


def damage_inodes(path):
    """Random bytes over the inodes mke2fs wrote for /host and
    /host/hello (12 and 13; not the root directory's)."""
    m = re.search(r"located at block (\d+), offset (0x[0-9a-f]+)",
                  debugfs(path, "imap <12>"))
    bs = int(re.search(r"Block size:\s+(\d+)", debugfs(path, "stats")).group(1))
    at = int(m.group(1)) * bs + int(m.group(2), 16)
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(random.Random(14).randbytes(512))


def damage_dir(path):
    """The first block of directory /host past the end of the disk."""
    debugfs(path, "sif /host block[0] 99999999", write=True)


def bad_super(path):
    """Random bytes over the superblock (at byte 1024)."""
    with open(path, "r+b") as f:
        f.seek(1024 + 8)
        f.write(random.Random(1024).randbytes(256))


def fsck(case, say, i):
    st, out = run(["e2fsck", "-fn", case.disk_paths[i]])
    if st == 0:
        say("host: disk%d: e2fsck -fn: clean" % i)
        return []
    say("host: disk%d: e2fsck -fn: status %d" % (i, st))
    for l in out.splitlines()[:30]:
        say("host:   " + l)
    return ["disk%d: e2fsck -fn status %d" % (i, st)]


def inodes(path, d):
    """{name: (inode, size)} of directory d (debugfs ls -p)."""
    out = debugfs(path, "ls -p " + d)
    got = {}
    for l in out.splitlines():
        f = l.strip().split("/")
        if len(f) >= 7 and f[0] == "" and f[5] not in (".", ".."):
            got[f[5]] = (int(f[1]), int(f[6]) if f[6] else 0)
    return got


def compare(case, say, i, want):
    """want: {path: bytes, or ("link", target)}; None: must be absent."""
    problems = []
    path = case.disk_paths[i]
    out = tempfile.mkdtemp(prefix="ext2dump.")
    try:
        for name, exp in sorted(want.items()):
            d, base = os.path.split(name)
            names = inodes(path, d or "/")
            if exp is None:
                if base in names:
                    problems.append("%s: still there" % name)
                continue
            if base not in names:
                problems.append("%s: missing" % name)
                continue
            if isinstance(exp, tuple):
                got = debugfs(path, "stat " + name)
                m = re.search(r'Fast link dest: "(.*)"', got)
                target = m.group(1) if m else None
                if target is None:
                    dump = os.path.join(out, "link")
                    debugfs(path, "dump %s %s" % (name, dump))
                    with open(dump, "rb") as f:
                        target = f.read().decode()
                if target != exp[1]:
                    problems.append("%s: link to %r, expected %r" %
                                    (name, target, exp[1]))
                continue
            dump = os.path.join(out, "f")
            debugfs(path, "dump %s %s" % (name, dump))
            with open(dump, "rb") as f:
                got = f.read()
            if got != exp:
                problems.append("%s: %d bytes differ from the %d written" %
                                (name, len(got), len(exp)))
    finally:
        shutil.rmtree(out)
    for p in problems[:20]:
        say("host: disk%d: FAIL %s" % (i, p))
    if len(problems) > 20:
        problems[20:] = ["and %d more" % (len(problems) - 20)]
    if not problems:
        say("host: disk%d: debugfs dumps %d names as written" % (i, len(want)))
    return ["disk%d: %s" % (i, p) for p in problems]


def scenario_files(second):
    """What test=ext2_scenario (and ext2_readback when second) leaves."""
    w = {
        "/host/hello": HELLO,
        "/w/b": pattern(10000, 3),
        "/w/b.link": pattern(10000, 3),
        "/w/sym": ("link", "b"),
        "/w/slowsym": ("link", SLOW_TARGET),
        "/w/trunc": pattern(1234, 4) + bytes(70000 - 1234),
        "/w/sparse": bytes(5 * MIB) + pattern(4096, 5),
        "/w/big": pattern(3 * MIB, 9),
        "/w/a": None, "/w/gone": None, "/w/open": None, "/w/tmpdir": None,
        "/w/second": b"second boot\n" if second else None,
    }
    for k in range(300):
        w["/w/many/f%03d" % k] = ("f%03d\n" % k).encode()
    if second:
        w["/w/many/f000"] = None
    return w


def check_scenario(case, say, second=True):
    problems = fsck(case, say, 0)
    path = case.disk_paths[0]
    b = inodes(path, "/w")
    if b.get("b", (0,))[0] != b.get("b.link", (1,))[0]:
        problems.append("disk0: /w/b and /w/b.link are not one inode")
    blocks = re.search(r"Blockcount: (\d+)", debugfs(path, "stat /w/sparse"))
    if blocks is None or int(blocks.group(1)) > 64:
        problems.append("disk0: /w/sparse is not sparse")
    return problems + compare(case, say, 0, scenario_files(second))


def unchanged(case, say, i):
    with open(case.disk_paths[i], "rb") as f:
        same = f.read() == case.disk_orig[i]
    say("host: disk%d: %s" % (i, "unchanged" if same else "FAIL: changed"))
    return [] if same else ["disk%d: a read-only disk changed" % i]


def check_full(case, say):
    problems = fsck(case, say, 0)
    names = inodes(case.disk_paths[0], "/")
    want = {"/small": b"after ENOSPC\n", "/host/hello": HELLO}
    if "fill" in names:
        want["/fill"] = pattern(names["fill"][1], 11)
    else:
        problems.append("disk0: /fill missing")
    return problems + compare(case, say, 0, want)


def check_root(case, say):
    problems = fsck(case, say, 0)
    names = inodes(case.disk_paths[0], "/")
    if "dev" not in names:
        problems.append("disk0: no /dev directory made on the root disk")
    return problems + compare(case, say, 0, {
        "/from-root-boot": b"written on the root disk\n",
        "/host/hello": HELLO})


REMOTE = [("/data/remote/f%d" % k, 100000 * (k + 1), 20 + k) for k in range(3)]


def remote_steps():
    """disk_client steps writing files on the image's mounted disk."""
    steps = [("disk_client mkdir", ["mkdir", "/data/remote"], r"mkdir .*: ok")]
    for path, n, seed in REMOTE:
        steps.append(("disk_client write " + path,
                      ["write", path, "0", str(n), str(seed)],
                      r"wrote %d bytes at 0: ok" % n))
    return steps + [("rump.halt", None, None)]


def check_remote(case, say):
    return fsck(case, say, 0) + compare(case, say, 0, {
        p[len("/data"):]: pattern(n, seed) for p, n, seed in REMOTE})
