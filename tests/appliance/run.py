#!/usr/bin/python3
"""Appliance tests: builds the programs under tests/appliance/ out of the
build tree with build/bin/rumpimg-cc (a plain Makefile with CC=, and a
one-shot compile and link), boots them under scripts/run-qemu with
arguments, environment and root file systems, and checks each exit status
and console transcript. One line per case, then 'N passed, N failed'.

usage: tests/appliance/run.py --cc build/bin/rumpimg-cc [--filter RE] [-v]
                              [--counts FILE]
"""
import argparse
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN_QEMU = os.path.join(ROOT, "scripts", "run-qemu")

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


class Failed(Exception):
    pass


class Ctx:
    def __init__(self, cc, tmp, verbose):
        self.cc, self.tmp, self.verbose = cc, tmp, verbose
        self.built = {}

    def sh(self, argv, cwd=None, want=0, timeout=300):
        # As from a shell outside the tree: none of our make's settings.
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "KCONFIG_CONFIG")}
        # In a group of its own: a timeout kills run-qemu's QEMU too, not
        # only the script that started it.
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, env=env,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            raw, _ = p.communicate(timeout=timeout)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        out = raw.decode("utf-8", "replace")
        if self.verbose:
            print("    $ " + " ".join(argv))
            print("    | " + out.replace("\n", "\n    | "))
        if want is not None and p.returncode != want:
            raise Failed("%s: exit status %d, expected %d\n%s" % (
                " ".join(argv), p.returncode, want, tail(out)))
        return p.returncode, out

    def program(self, name, src=None):
        """Copies tests/appliance/NAME (or SRC) to a folder outside the
        build tree and builds it there with its own Makefile and
        CC=rumpimg-cc."""
        if name not in self.built:
            d = os.path.join(self.tmp, name)
            shutil.copytree(src or os.path.join(HERE, name), d)
            self.sh(["make", "-s", "CC=" + self.cc], cwd=d)
            self.built[name] = os.path.join(d, "app.elf")
        return self.built[name]

    def boot(self, image, append="", status=0, must=(), must_not=(),
             extra=(), timeout=60):
        argv = [RUN_QEMU, "--timeout", str(timeout)]
        if append:
            argv += ["-a", append]
        argv += list(extra) + [image]
        st, out = self.sh(argv, want=None, timeout=timeout + 30)
        out = out.replace("\r", "")
        problems = []
        if st != status:
            problems.append("run-qemu exit status %d, expected %d" % (st, status))
        for pat in must:
            if not re.search(pat, out, re.M):
                problems.append("transcript lacks /%s/" % pat)
        for pat in must_not:
            if re.search(pat, out, re.M):
                problems.append("transcript has /%s/" % pat)
        if problems:
            raise Failed("\n".join(problems) + "\n" + tail(out))
        return out


def tail(out, n=30):
    return "\n".join(out.rstrip("\n").split("\n")[-n:])


# ---- arguments, environment, exit status ----

@case
def args_and_env_reach_main(c):
    c.boot(c.program("hello-multi"),
           "env.GREETING=hi env.HOME=/ -- one two=2 -x",
           must=(r"^argc=4$", r"^argv\[1\]=<one>$", r"^argv\[2\]=<two=2>$",
                 r"^argv\[3\]=<-x>$", r"^argv\[argc\]=NULL$",
                 r"^env GREETING=<hi>$", r"^getenv GREETING=<hi>$", r"^done$"))


@case
def no_arguments_no_environment(c):
    c.boot(c.program("hello-multi"), "",
           must=(r"^argc=1$", r"^env GREETING unset$", r"^getenv GREETING=<\(null\)>$"))


@case
def exit_status_from_exit(c):
    c.boot(c.program("hello-multi"), "-- exit 7", status=7,
           must=(r"^calling exit\(7\)$", r"exit: program exited with status 7"))


@case
def exit_status_from__exit(c):
    c.boot(c.program("hello-multi"), "-- _exit 31", status=31)


@case
def exit_status_from_return(c):
    c.boot(c.program("hello-multi"), "-- return 1", status=1)


@case
def large_exit_status_clipped_to_32(c):
    c.boot(c.program("hello-multi"), "-- exit 200", status=32,
           must=(r"exit: program exited with status 200",))


@case
def failed_assertion_reported_and_fails_the_run(c):
    img = c.program("hello-multi")
    c.boot(img, "-- assert 0 return 0", must=(r"^assertion 0 == 0 held$",))
    c.boot(img, "-- assert 1 return 0", status=35,
           must=(r'^assertion "n == 0" failed: file "main\.c", line \d+, function: main$',),
           must_not=(r"^assertion 1 == 0 held$", r"exit: program exited with status 0"))


@case
def success_is_zero_for_and_and(c):
    img = c.program("hello-multi")
    st, out = c.sh(["sh", "-c", '"$0" "$1" >/dev/null 2>&1 && echo passed',
                    RUN_QEMU, img], want=0)
    if out.strip() != "passed":
        raise Failed("'run-qemu app.elf && echo passed' printed %r" % out)
    st, out = c.sh(["sh", "-c", '"$0" -a "-- exit 3" "$1" >/dev/null 2>&1 && echo passed',
                    RUN_QEMU, img], want=3)
    if "passed" in out:
        raise Failed("a failing program still printed 'passed'")


@case
def sigterm_to_run_qemu_stops_qemu_too(c):
    """A killed run-qemu takes its QEMU with it (it used to go on alone)
    and says so with status 143."""
    img = c.program("hello-multi")
    p = subprocess.Popen([RUN_QEMU, "-a", "-- sleep 600", img], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        seen = b""
        deadline = time.monotonic() + 120
        while b"sleeping" not in seen:
            line = p.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise Failed("the program never said 'sleeping':\n" + tail(seen.decode()))
            seen += line
        qemus = subprocess.run(["pgrep", "-g", str(p.pid), "qemu-system"],
                               stdout=subprocess.PIPE).stdout.split()
        if not qemus:
            raise Failed("no QEMU in run-qemu's process group")
        os.kill(p.pid, signal.SIGTERM)      # the script alone, not its group
        out, _ = p.communicate(timeout=60)
        if p.returncode != 143:
            raise Failed("run-qemu exit status %d after SIGTERM, expected 143\n%s"
                         % (p.returncode, tail((seen + out).decode("utf-8", "replace"))))
        if b"stopped by SIGTERM" not in out:
            raise Failed("run-qemu did not say why it stopped: %r" % out[-300:])
        deadline = time.monotonic() + 30
        while any(os.path.exists("/proc/" + q.decode()) for q in qemus):
            if time.monotonic() > deadline:
                raise Failed("QEMU still runs 30 s after run-qemu got SIGTERM")
            time.sleep(0.1)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@case
def one_shot_compile_and_link(c):
    d = os.path.join(c.tmp, "oneshot")
    shutil.copytree(os.path.join(HERE, "hello-multi"), d)
    c.sh([c.cc, "-o", "x.elf", "main.c", "report.c"], cwd=d)
    c.boot(os.path.join(d, "x.elf"), "-- return 5", status=5,
           must=(r"^returning 5$",))


@case
def readme_walkthrough_works_as_written(c):
    """The program of README.md's "Appliances", taken from the README itself,
    built and booted with the arguments, environment and root file system
    the README shows, with the output it shows."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    start = "    $ cat > app.c <<'EOF'\n"
    if start not in readme:
        raise Failed("README.md has no '$ cat > app.c' program any more")
    i = readme.index(start) + len(start)
    body = readme[i:readme.index("    EOF\n", i)]
    d = os.path.join(c.tmp, "readme")
    os.makedirs(os.path.join(d, "root", "etc"))
    with open(os.path.join(d, "app.c"), "w") as f:
        f.write("".join(l[4:] + "\n" for l in body.splitlines()))
    with open(os.path.join(d, "root", "etc", "app.conf"), "w") as f:
        f.write("port 80\n")
    c.sh([c.cc, "-o", "app.elf", "app.c"], cwd=d)
    img = os.path.join(d, "app.elf")
    c.boot(img, "env.HOME=/root -- world 3", status=3,
           must=(r"^hello world, HOME=/root$", r"^exit: program exited with status 3$"))
    c.boot(img, "log=error -- again", extra=("--rootfs", os.path.join(d, "root")),
           must=(r"^rootfs: \S*root\.tar: 3 entries unpacked", r"^hello again, HOME=unset$",
                 r"^app\.conf: port 80$", r"^exit: program exited with status 0$"))


@case
def compile_errors_fail_the_build(c):
    d = os.path.join(c.tmp, "bad")
    os.makedirs(d)
    with open(os.path.join(d, "bad.c"), "w") as f:
        f.write("int main(void) { return undeclared; }\n")
    st, out = c.sh([c.cc, "-o", "bad.elf", "bad.c"], cwd=d, want=None)
    if st == 0 or os.path.exists(os.path.join(d, "bad.elf")):
        raise Failed("a compile error gave status 0 or an image")
    with open(os.path.join(d, "nomain.c"), "w") as f:
        f.write("int f(void) { return 0; }\n")
    st, out = c.sh([c.cc, "-o", "nomain.elf", "nomain.c"], cwd=d, want=None)
    if st == 0 or "main" not in out:
        raise Failed("a program without main linked (status %d)" % st)


# ---- POSIX for programs ----

POSIX_CHECKS = ("errno_enoent", "strerror_enoent", "errno_eexist", "errno_enotdir",
                "errno_ebadf", "fork_enosys", "mkdir", "opendir", "readdir_all",
                "rewinddir", "closedir", "opendir_enoent", "pipe", "fcntl_setfl",
                "nonblock_eagain", "poll_empty", "select_empty", "write", "poll_ready",
                "select_ready", "dup2", "fcntl_cloexec", "fcntl_lock_enosys",
                "isatty_console", "isatty_pipe", "time", "gettimeofday",
                "clock_realtime", "clock_monotonic", "nanosleep", "nanosleep_waited",
                "clock_bad_id", "getenv", "getopt", "sysconf_pagesize",
                "sysconf_open_max", "sysconf_bad", "getpid", "umask")


@case
def posix_calls_in_a_program(c):
    c.boot(c.program("posix"), "env.COLOR=blue -- -v -n 3",
           must=tuple(r"^ok %s$" % n for n in POSIX_CHECKS) + (r"^posix: 0 failed$",),
           must_not=(r"^not ok",))


SOCKET_CHECKS = ("inet_pton", "inet_pton_bad", "inet_pton_inet6", "inet_ntop",
                 "inet_ntop_short", "tcp_socket", "setsockopt", "bind", "listen",
                 "getsockname", "connect", "accept", "tcp_nodelay", "send", "recv",
                 "shutdown", "recv_eof", "connect_refused", "udp_bind", "sendto",
                 "recvfrom", "gai_numeric", "gai_both_types", "gai_passive_any",
                 "gai_null_host_loopback", "gai_connect", "getnameinfo",
                 "getnameinfo_namereqd", "getnameinfo_overflow", "gai_name_enoname",
                 "gai_service_name", "gai_port_range", "gai_inet6", "gai_badflags",
                 "gai_nothing")


@case
def bsd_sockets_in_a_program(c):
    st, cfg = c.sh([c.cc, "--print-config"])
    if "CONFIG_NET_LWIP=y" not in cfg:
        return      # an image without TCP/IP: nothing to check
    c.boot(c.program("sockets"), "",
           must=tuple(r"^ok %s$" % n for n in SOCKET_CHECKS) + (r"^sockets: 0 failed$",),
           must_not=(r"^not ok",))


THREAD_CHECKS = ("create", "join_values", "mutex_counts", "once", "join_twice_esrch",
                 "cond_producer_consumer", "cond_timedwait_times_out",
                 "mutex_held_after_timedwait", "unlock_unowned_eperm", "relock_edeadlk",
                 "keys", "detached", "shared_descriptors")


@case
def pthreads_in_a_program(c):
    c.boot(c.program("threads"), "",
           must=tuple(r"^ok %s$" % n for n in THREAD_CHECKS) + (r"^threads: 0 failed$",),
           must_not=(r"^not ok",))


# ---- the httpd appliance, from the host with curl ----

def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@case
def httpd_serves_curl_from_the_host(c):
    st, cfg = c.sh([c.cc, "--print-config"])
    if "CONFIG_NET_LWIP=y" not in cfg:
        return
    img = c.program("httpd", os.path.join(ROOT, "apps", "httpd"))
    www = os.path.join(c.tmp, "www")
    os.makedirs(os.path.join(www, "sub"))
    os.makedirs(os.path.join(www, "noindex"))
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<h1>appliance</h1>\n")
    with open(os.path.join(www, "sub", "a.txt"), "w") as f:
        f.write("x" * 1024)
    port = free_port()
    log = os.path.join(c.tmp, "httpd.console")
    conns = 8
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [RUN_QEMU, "--timeout", "150", "--port", "%d:80" % port,
             "--rootfs", www, "-a",
             "RUMP_NET_IPV4=10.0.2.15/24 RUMP_NET_GW=10.0.2.2 -- -p 80 -n %d" % conns,
             img], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    problems = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with open(log, errors="replace") as f:
                if "httpd: serving / on port 80" in f.read():
                    break
            time.sleep(0.2)
        base = "http://127.0.0.1:%d" % port

        def curl(*args):
            p = subprocess.run(["curl", "-s", "-S", "-m", "30"] + list(args),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=60)
            return p.stdout.decode("utf-8", "replace").replace("\r", "")

        out = curl("-v", "-i", base + "/", base + "/sub/a.txt")
        for pat in (r"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 19\n",
                    r"<h1>appliance</h1>", r"Content-Type: text/plain\nContent-Length: 1024\n",
                    r"x{1024}", r"(Re-using|Reusing) existing connection"):
            if not re.search(pat, out):
                problems.append("GET + keep-alive lacks /%s/" % pat)
        # The last file stays open between requests: switching files and
        # back serves each one's own contents.
        out = curl(base + "/sub/a.txt", base + "/", base + "/sub/a.txt", base + "/")
        if out != ("x" * 1024 + "<h1>appliance</h1>\n") * 2:
            problems.append("a.txt, /, a.txt, / in turn: %r" % out[:200])
        out = curl("-I", base + "/sub/a.txt")
        if "Content-Length: 1024" not in out or "xxx" in out:
            problems.append("HEAD: %r" % out[:200])
        for path, want in (("/nope", "404 Not Found"), ("/../etc", "403 Forbidden"),
                           ("/sub/%2e%2e/%2e%2e/x", "403 Forbidden"),
                           ("/noindex/", "403 Forbidden")):
            out = curl("-i", "--path-as-is", base + path)
            if not out.startswith("HTTP/1.1 " + want):
                problems.append("%s: %r" % (path, out[:80]))
        out = curl("-i", "-X", "POST", base + "/")
        if not out.startswith("HTTP/1.1 405"):
            problems.append("POST: %r" % out[:80])
        st = proc.wait(timeout=60)
        if st != 0:
            problems.append("run-qemu exit status %d after %d connections" % (st, conns))
    finally:
        # run-qemu is a shell script: killing it alone would leave its
        # timeout(1) and QEMU running, so the whole group goes.
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if problems:
        with open(log, errors="replace") as f:
            raise Failed("\n".join(problems) + "\n" + tail(f.read()))


# ---- serial-console test runs: scripts/qemu-test ----

@case
def qemu_test_runs_images_in_parallel_and_reports(c):
    t = c.program("testrun")
    h = c.program("hello-multi")
    out = os.path.join(c.tmp, "qt.out")
    junit = os.path.join(c.tmp, "qt.xml")
    st, text = c.sh([os.path.join(ROOT, "scripts", "qemu-test"), "-j", "2",
                     "-t", "120", "-o", out, "--junit", junit,
                     t + ":-- arith file_roundtrip snprintf", t,
                     t + ":-- arith", h], want=1)
    lines = text.strip().split("\n")
    problems = []
    if lines[-1] != "3 passed, 1 failed":
        problems.append("last line %r" % lines[-1])
    if len([l for l in lines if l.startswith("PASS ")]) != 3:
        problems.append("not 3 PASS lines")
    fail = [l for l in lines if l.startswith("FAIL ")]
    if len(fail) != 1 or not re.match(r"FAIL app-2 .*program exit status 1; transcript \S+app-2\.log", fail[0]):
        problems.append("FAIL lines: %r" % fail)
    with open(os.path.join(out, "app-2.log")) as f:
        log = f.read()
    for pat in ("PASS arith", "FAIL fails", "3 passed, 1 failed",
                "exit: program exited with status 1"):
        if pat not in log:
            problems.append("app-2.log lacks %r" % pat)
    with open(os.path.join(out, "app.log")) as f:
        if "3 passed, 0 failed" not in f.read():
            problems.append("app.log lacks '3 passed, 0 failed'")
    with open(junit) as f:
        x = f.read()
    if 'tests="4" failures="1"' not in x or x.count("<failure") != 1:
        problems.append("JUnit report: %r" % x[:300])
    if problems:
        raise Failed("\n".join(problems) + "\n" + text)
    # All passing: status 0; TAP on request.
    st, text = c.sh([os.path.join(ROOT, "scripts", "qemu-test"), "--tap",
                     "-o", out, t + ":-- arith", h], want=0)
    if not re.search(r"^1\.\.2$", text, re.M) or "# 2 passed, 0 failed" not in text \
            or len(re.findall(r"^ok \d - ", text, re.M)) != 2:
        raise Failed("TAP output:\n" + text)


# ---- root file system ----

def make_tree(c, name):
    """A directory tree with every kind of entry, owners and times."""
    d = os.path.join(c.tmp, name)
    os.makedirs(os.path.join(d, "etc", "deep", "er"))
    os.makedirs(os.path.join(d, "bin"))
    with open(os.path.join(d, "etc", "motd"), "w") as f:
        f.write("hello")
    os.chmod(os.path.join(d, "etc", "motd"), 0o640)
    os.utime(os.path.join(d, "etc", "motd"), (1000000000, 1000000000))
    if os.geteuid() == 0:
        os.chown(os.path.join(d, "etc", "motd"), 1234, 5678)
    with open(os.path.join(d, "bin", "tool"), "w") as f:
        f.write("#!x")
    os.chmod(os.path.join(d, "bin", "tool"), 0o4755)
    long = os.path.join(d, "etc", "deep", "er", "n" * 95)
    with open(long, "w") as f:
        f.write("long")
    os.symlink("etc/motd", os.path.join(d, "motd"))
    # The link's own owner and time, not its target's (lchown, lutimes).
    if os.geteuid() == 0:
        os.lchown(os.path.join(d, "motd"), 4321, 8765)
    os.utime(os.path.join(d, "motd"), (1200000000, 1200000000),
             follow_symlinks=False)
    os.chmod(os.path.join(d, "etc"), 0o750)
    os.utime(os.path.join(d, "etc"), (1100000000, 1100000000))
    return d


TREE_PATHS = "/etc /etc/motd /motd /bin/tool /etc/deep/er/" + "n" * 95


def tree_must(owner=True):
    return (r"^/etc type=d mode=0750 uid=\d+ gid=\d+ mtime=1100000000$",
            r"^/etc/motd type=f mode=0640 uid=%s gid=%s mtime=1000000000 size=5 data=<hello>$"
            % (("1234", "5678") if owner and os.geteuid() == 0 else (r"\d+", r"\d+")),
            r"^/motd type=l mode=\d+ uid=%s gid=%s mtime=1200000000 target=<etc/motd>$"
            % (("4321", "8765") if owner and os.geteuid() == 0 else (r"\d+", r"\d+")),
            r"^/bin/tool type=f mode=4755 .* size=3 data=<#!x>$",
            r"^/etc/deep/er/n{95} type=f .* data=<long>$",
            r"exit: program exited with status 0")


@case
def rootfs_from_a_directory(c):
    d = make_tree(c, "tree1")
    c.boot(c.program("files"), "-- " + TREE_PATHS, extra=("--rootfs", d),
           must=(r"rootfs: \S*/tree1\.tar: \d+ entries unpacked",) + tree_must())


@case
def rootfs_and_status_through_grub_iso(c):
    d = make_tree(c, "tree-iso")
    c.boot(c.program("files"), "-- " + TREE_PATHS + " /missing", status=1,
           extra=("--iso", "--rootfs", d),
           must=(r"rootfs: /boot/rootfs\.tar: \d+ entries unpacked",)
           + tree_must()[:-1] + (r"exit: program exited with status 1",))


def tar_of(c, d, name, fmt):
    import tarfile
    path = os.path.join(c.tmp, name)
    with tarfile.open(path, "w", format=fmt) as t:
        t.add(d, arcname=".")
    return path


@case
def rootfs_from_gnu_and_pax_tar_files(c):
    import tarfile
    d = make_tree(c, "tree2")
    for name, fmt in (("gnu.tar", tarfile.GNU_FORMAT), ("pax.tar", tarfile.PAX_FORMAT)):
        c.boot(c.program("files"), "-- " + TREE_PATHS,
               extra=("--rootfs", tar_of(c, d, name, fmt)),
               must=(r"rootfs: \S*%s: \d+ entries unpacked" % re.escape(name),)
               + tree_must())


def corrupt_case(c, name, mutate, why):
    import tarfile
    d = make_tree(c, "tree-" + name)
    path = tar_of(c, d, name + ".tar", tarfile.USTAR_FORMAT)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    data = mutate(data)
    with open(path, "wb") as f:
        f.write(data)
    c.boot(c.program("files"), "-- /etc/motd", status=35,
           extra=("--rootfs", path),
           must=(r"rootfs: \S*%s\.tar: offset \d+: %s" % (re.escape(name), why),
                 r"rootfs: archive refused; not starting the program"),
           must_not=(r"^/etc/motd type", r"entries unpacked"))


def flip_second_header(data):
    data[1024 + 10] ^= 0x20      # a name byte of the second entry's header
    return data


@case
def rootfs_bad_checksum_refused_by_name_and_offset(c):
    corrupt_case(c, "badsum", flip_second_header, r"header checksum \d+, computed \d+")


@case
def rootfs_truncated_archive_refused(c):
    def cut(data):
        # Drop the end blocks and half the last file's data block.
        end = len(data)
        while end >= 512 and not any(data[end - 512:end]):
            end -= 512
        return data[:end - 512]
    corrupt_case(c, "short", cut, r"no end-of-archive block \(truncated\?\)")

    def cut_data(data):
        import io
        import tarfile
        b = io.BytesIO()
        with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
            i = tarfile.TarInfo("big")
            i.size = 2000
            t.addfile(i, io.BytesIO(b"x" * 2000))
        return bytearray(b.getvalue()[:1024])   # the header and one of 4 blocks
    corrupt_case(c, "shortdata", cut_data,
                 r"'big' has 2000 bytes but the archive ends first")


@case
def rootfs_path_escape_refused(c):
    import io
    import tarfile
    path = os.path.join(c.tmp, "escape.tar")
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
        for n in ("ok.txt", "../outside.txt"):
            i = tarfile.TarInfo(n)
            i.size = 2
            t.addfile(i, io.BytesIO(b"hi"))
    c.boot(c.program("files"), "-- /ok.txt", status=35,
           extra=("--rootfs", path),
           must=(r"rootfs: \S*escape\.tar: offset 1024: '\.\./outside\.txt': a path with '\.\.'",),
           must_not=(r"^/ok.txt type",))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--filter")
    ap.add_argument("--counts")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    cc = os.path.abspath(args.cc)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="rumpimg-appliance.") as tmp:
        c = Ctx(cc, tmp, args.verbose)
        for fn in CASES:
            if args.filter and not re.search(args.filter, fn.__name__):
                continue
            t0 = time.monotonic()
            try:
                fn(c)
                problem = None
            except Failed as e:
                problem = str(e)
            except Exception as e:  # a broken case must not stop the others
                problem = "%s: %s" % (type(e).__name__, e)
            print("%s %-46s %6.2f s" % ("PASS" if problem is None else "FAIL",
                                        fn.__name__, time.monotonic() - t0),
                  flush=True)
            if problem is not None:
                failed += 1
                print("    " + problem.replace("\n", "\n    "))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    if args.counts:
        with open(args.counts, "a") as f:
            f.write("appliance %d %d 0\n" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
