"""The crash cases of run.py: an ext2 disk made by mke2fs -d, the image's
test=ext2_crash_stream (tests/qemu/apps/test_crash.c) writing files on it,
QEMU killed with SIGKILL once enough "crash: fsynced PATH SIZE SEED" lines
came (waiting for lines, never sleeping), then on the host: every file
reported fsync'ed is intact (debugfs dump against its pattern), the files
mke2fs put there too, e2fsck -fy repairs the rest without losing them,
and e2fsck -fn is clean after it."""
import os
import re
import signal
import subprocess
import threading
import time

FSYNCED = re.compile(r"crash: fsynced (\S+) (\d+) (\d+)$")
ENDED = re.compile(r"crash: stream ended")


def pattern(n, seed):
    return bytes(((i * 7 + seed) & 0xff) for i in range(n))


def make_disk(tmpdir, name, block, size_mb):
    """An ext2 image made by mke2fs -t ext2 -d from a directory of a few
    files; returns (path, {path in the fs: bytes})."""
    src = os.path.join(tmpdir, name + ".src")
    os.makedirs(os.path.join(src, "pre"), exist_ok=True)
    files = {"/pre/blob": os.urandom(70000), "/hello": b"from the host\n"}
    for p, data in files.items():
        with open(src + p, "wb") as f:
            f.write(data)
    img = os.path.join(tmpdir, name + ".img")
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block),
                    "-d", src, img, "%dM" % size_mb], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    return img, files


def dump_all(img, files, outdir, say):
    """debugfs dumps of files {path: bytes} from img in one run; the paths
    whose dump differs (or is missing)."""
    os.makedirs(outdir, exist_ok=True)
    cmds = os.path.join(outdir, "cmds")
    outs = {}
    with open(cmds, "w") as f:
        for k, p in enumerate(sorted(files)):
            outs[p] = os.path.join(outdir, "f%d" % k)
            if os.path.exists(outs[p]):
                os.unlink(outs[p])
            f.write("dump %s %s\n" % (p, outs[p]))
    subprocess.run(["debugfs", "-f", cmds, img], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    bad = []
    for p, want in sorted(files.items()):
        try:
            with open(outs[p], "rb") as f:
                got = f.read()
        except OSError:
            got = None
        if got != want:
            bad.append(p)
            if len(bad) <= 5:
                    say("host: %s: %s" % (p, "missing" if got is None else
                                      "%d bytes differ from the %d expected" %
                                      (len(got), len(want))))
    return bad


def fsck(img, flags, say):
    r = subprocess.run(["e2fsck", flags, img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = r.stdout.decode(errors="replace").strip().splitlines()
    say("host: e2fsck %s: exit %d%s" % (flags, r.returncode,
                                        (": " + out[-1]) if out else ""))
    return r.returncode, out


def run(case, image, tmpdir, run_qemu, block, kill_after=40):
    """Boots image with the ext2 disk, kills QEMU after kill_after fsync
    lines, checks the disk. (status, lines, seconds, problems): status
    33 (ok) when QEMU was killed as planned."""
    lines, problems = [], []

    def say(line):
        lines.append((time.monotonic(), line))

    img, pre = make_disk(tmpdir, case.name, block, 32)
    cmd = [run_qemu, "--raw-status", "-m", case.mem, "-a", case.append,
           "--disk", img, image]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    fsynced, killed = {}, threading.Event()
    timer = threading.Timer(case.timeout, lambda: os.killpg(proc.pid, 9))
    timer.start()
    try:
        for raw in proc.stdout:
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
            say(text)
            m = FSYNCED.search(text)
            if m:
                fsynced[m.group(1)] = pattern(int(m.group(2)), int(m.group(3)))
                if len(fsynced) == kill_after:
                    os.killpg(proc.pid, signal.SIGKILL)
                    killed.set()
                    say("host: SIGKILL to QEMU after %d fsynced files" % kill_after)
                    break
        proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()
    dt = time.monotonic() - start
    if not killed.is_set():
        problems.append("QEMU was not killed mid-stream (%d fsync lines, "
                        "exit %s)" % (len(fsynced), proc.returncode))
        return proc.returncode, lines, dt, problems
    status = 33
    want = dict(pre)
    want.update(fsynced)
    outdir = os.path.join(tmpdir, case.name + ".dump")
    # Before any repair: what the kernel left on the disk.
    fsck(img, "-fn", say)
    bad = dump_all(img, want, outdir, say)
    if bad:
        problems.append("after the kill, %d of %d fsynced files are not "
                        "intact: %s" % (len(bad), len(want), " ".join(b.split("/")[-1][-12:] for b in bad[:5])))
    else:
        say("host: after the kill: all %d fsynced files (and mke2fs's %d) "
            "intact" % (len(fsynced), len(pre)))
    rc, _ = fsck(img, "-fy", say)
    if rc not in (0, 1):
        problems.append("e2fsck -fy exited %d" % rc)
    bad = dump_all(img, want, outdir, say)
    if bad:
        problems.append("after e2fsck -fy, %d fsynced files are not intact: "
                        "%s" % (len(bad), " ".join(b.split("/")[-1][-12:] for b in bad[:5])))
    else:
        say("host: after e2fsck -fy: all %d fsynced files intact" % len(want))
    rc, out = fsck(img, "-fn", say)
    if rc != 0:
        problems.append("e2fsck -fn after the repair exited %d" % rc)
        for line in out[:20]:
            say("host:   " + line)
    return status, lines, dt, problems
