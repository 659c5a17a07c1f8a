"""Host-side checks of the disk cases of run.py: the image files' bytes
after QEMU is gone, and remote clients (disk_client) on the image's disks.
The pattern of SEED over a region is byte i = (i * 7 + SEED) & 0xff, as
tests/qemu/apps/test_disk.c and tests/host/sp/disk_client.c write it."""
import os
import re

MIB = 1 << 20


def pattern(n, seed):
    return bytes(((i * 7 + seed) & 0xff) for i in range(n))


def expect(case, say, i, regions):
    """Disk i holds its first contents but for regions [(off, bytes)];
    the problems."""
    want = bytearray(case.disk_orig[i])
    for off, data in regions:
        want[off:off + len(data)] = data
    with open(case.disk_paths[i], "rb") as f:
        got = f.read()
    if got == bytes(want):
        say("host: disk%d: the image file holds exactly what was written" % i)
        return []
    if len(got) != len(want):
        why = "%d bytes, expected %d" % (len(got), len(want))
    else:
        first = next(k for k in range(len(want)) if got[k] != want[k])
        why = "first difference at byte %d" % first
    say("host: disk%d: FAIL, %s" % (i, why))
    return ["disk%d: %s" % (i, why)]


def raw_rw_regions():
    """What disk_raw_rw and disk_threads write on ld0."""
    regions = [(MIB, pattern(MIB, 1))]
    for t in range(4):
        for r in range(16):
            regions.append((2 * MIB + (t * 16 + r) * 65536,
                            pattern(65536, t * 16 + r)))
    return regions


def client_steps(build, host_run, ports, say, steps):
    """Runs disk_client (args) or rump.halt (None) steps against the image
    in order: (name, args, expected output RE); the problems."""
    env = {"RUMP_SERVER": "tcp://127.0.0.1:%d" % ports["sp"]}
    prog = os.path.join(build, "host", "tests", "sp", "disk_client")
    problems = []
    for name, args, want in steps:
        argv = ([os.path.join(build, "host", "bin", "rump.halt")]
                if args is None else [prog] + args)
        problem, out = host_run(say, name, argv, env=env, timeout=60)
        if problem is None and want and not re.search(want, out):
            problem = "%s: output lacks /%s/" % (name, want)
            say("host: " + problem)
        if problem:
            problems.append(problem)
    return problems


def remote_steps():
    return [
        ("disk_client size", ["size", "/dev/rld0"], r"size 4194304 sector 512"),
        ("disk_client write", ["write", "/dev/rld0", "65536", "262144", "5"],
         r"wrote 262144 bytes at 65536: ok"),
        ("disk_client misaligned", ["misaligned", "/dev/rld0"], r"EINVAL: ok"),
        ("rump.halt", None, None)]
