#!/usr/bin/python3
"""Raw rump_sp frames against a live server (doc/rump_sp.md): the
protocol as NetBSD's client speaks it, and every malformed input a robust
server must survive. Prints "PASS name" / "FAIL name: why" per case; the
harness (test_server.c) counts them and then checks that the server's
processes and memory are back to their baseline.

usage: frames.py unix:///path/to/socket [CASE...]   (the cases named, or all)
       frames.py --list                         (the case names)"""
import os
import struct
import threading
import sys
import time

URL = sys.argv[1] if len(sys.argv) > 1 else "--list"
PATH = URL[len("unix://"):]
from spframes import (REQ, RESP, ERROR, HANDSHAKE, SYSCALL, COPYIN,
                      COPYINSTR, COPYOUT, ANONMMAP, PREFORK, RAISE, GUEST,
                      AUTH, FORK, EXEC, RawConn)
BANNER = b"RUMPSP-0.4-NetBSD-10.0/amd64\n"
failures = 0


class Conn(RawConn):
    def __init__(self, banner=True):
        super().__init__(PATH)
        self.mem = {}       # our "address space": addr -> bytes
        self.raised = []
        if banner:
            self.banner = self.s.recv(95)

    def guest(self, name=b"frames\0"):
        self.send(self.reqno, REQ, HANDSHAKE, GUEST, name)
        r = self.frame()
        self.reqno += 1
        return r

    def syscall(self, num, *slots, body=None):
        """Runs one call, answering the server's copy requests from
        self.mem; returns (error, rv0, rv1)."""
        if body is None:
            body = b"".join(struct.pack("<q", s) for s in slots)
        me = self.reqno
        self.reqno += 1
        self.send(me, REQ, SYSCALL, num, body)
        while True:
            reqno, cls, typ, u, b = self.frame()
            if cls == REQ and typ in (COPYIN, COPYINSTR):
                ln, addr = struct.unpack("<QQ", b)
                data = self.mem[addr]
                if typ == COPYINSTR:
                    data = data[:data.index(b"\0") + 1][:ln]
                else:
                    data = data[:ln]
                self.send(reqno, RESP, COPYIN, 0, data)
            elif cls == REQ and typ == COPYOUT:
                ln, addr = struct.unpack("<QQ", b[:16])
                self.mem[addr] = b[16:16 + ln]
            elif cls == REQ and typ == RAISE:
                self.raised.append(u)
            elif cls == RESP and typ == SYSCALL and reqno == me:
                return struct.unpack("<iiqq", b)[0:1] + \
                    struct.unpack("<iiqq", b)[2:4]
            else:
                raise AssertionError("unexpected frame %r" %
                                     ((reqno, cls, typ, u, b),))

    def close(self):
        self.s.close()


CASES = []


def case(fn):
    """Registers a case; run_cases() runs them."""
    CASES.append(fn)
    return fn


def run_cases(names):
    """Runs the cases named (all when none), in file order."""
    global failures
    for fn in CASES:
        if names and fn.__name__ not in names:
            continue
        try:
            fn()
            print("PASS", fn.__name__, flush=True)
        except Exception as e:  # noqa: BLE001 - any failure is a FAIL line
            failures += 1
            print("FAIL %s: %r" % (fn.__name__, e), flush=True)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# ---- banner and handshakes ----

@case
def banner_is_one_line():
    c = Conn()
    expect(c.banner == BANNER, "banner %r" % c.banner)
    c.close()


@case
def guest_reply_is_resp_handshake_int0():
    c = Conn()
    c.reqno = 7
    reqno, cls, typ, u, b = c.guest()
    expect((reqno, cls, typ, u, b) == (7, RESP, HANDSHAKE, 0, b"\0" * 4),
           "reply %r" % ((reqno, cls, typ, u, b),))
    c.close()


@case
def guest_process_is_child_of_init_with_console_fds():
    c = Conn()
    c.guest()
    err, pid, ppid = c.syscall(20)
    expect(err == 0 and pid >= 2 and ppid == 1, "getpid %r" % ((err, pid, ppid),))
    expect(c.syscall(39) == (0, 1, 0), "getppid")
    expect(c.syscall(24)[0:2] == (0, 0), "getuid root")
    c.mem[0x1000] = b"frames: console write\n"
    expect(c.syscall(4, 1, 0x1000, 22) == (0, 22, 0), "write(1)")
    expect(c.syscall(3, 0, 0x2000, 4)[0] == 9, "read(0) EBADF")
    c.mem[0x3000] = b"/nonexistent\0"
    expect(c.syscall(5, 0x3000, 0, 0)[0] == 2, "open ENOENT")
    c.mem[0x3000] = b"/frames.tmp\0"
    err, fd, _ = c.syscall(5, 0x3000, 0x202, 0o644)  # O_RDWR|O_CREAT
    expect(err == 0 and fd == 3, "first open is 3: %r" % ((err, fd),))
    c.syscall(10, 0x3000)
    c.close()


@case
def syscall_numbers_out_of_the_table_are_enosys():
    c = Conn()
    c.guest()
    for num in (26, 2, 59, 511, 512, 600, 0x7fffffff, 0x80000000, 0xffffffff):
        err, rv0, _ = c.syscall(num)
        expect(err == 78, "syscall %#x gave %d" % (num, err))
    c.close()


@case
def short_and_long_argument_blocks():
    c = Conn()
    c.guest()
    # close with no body: zero-extended, i.e. close(0), which is open.
    expect(c.syscall(6, body=b"")[0] == 0, "close(0) without a body")
    expect(c.syscall(6, body=b"\x01")[0] == 0, "close(1) from one byte")
    expect(c.syscall(20, body=b"\xff" * 200)[0] == 0, "getpid, long body")
    c.close()


@case
def paths_travel_by_copyinstr_up_to_1023_bytes():
    c = Conn()
    c.guest()
    c.mem[0x5000] = b"/" * 1023 + b"\0"
    err = c.syscall(439, 0x5000, 0x6000)[0]  # __stat50
    expect(err == 0 and len(c.mem[0x6000]) == 152, "stat of 1023 slashes: %d" % err)
    c.mem[0x5000] = b"/" * 1024 + b"\0"
    expect(c.syscall(439, 0x5000, 0x6000)[0] == 63, "1024 bytes: ENAMETOOLONG")
    c.close()


@case
def pipe_returns_both_fds_and_broken_pipe_raises_sigpipe():
    c = Conn()
    c.guest()
    err, r, w = c.syscall(42)
    expect(err == 0 and (r, w) == (3, 4), "pipe %r" % ((err, r, w),))
    c.mem[0x1000] = b"x"
    expect(c.syscall(6, r)[0] == 0, "close read end")
    err = c.syscall(4, w, 0x1000, 1)[0]
    expect(err == 32, "EPIPE, got %d" % err)
    expect(c.raised == [13], "RAISE SIGPIPE before the reply: %r" % c.raised)
    c.close()


@case
def exec_keeps_pid_and_drops_cloexec_descriptors():
    c = Conn()
    c.guest()
    pid = c.syscall(20)[1]
    c.mem[0x3000] = b"/exec.tmp\0"
    keep = c.syscall(5, 0x3000, 0x202, 0o644)[1]
    drop = c.syscall(5, 0x3000, 0x400002, 0)[1]   # O_RDWR|O_CLOEXEC
    c.send(0, REQ, HANDSHAKE, EXEC, b"after-exec\0")
    expect(c.frame() == (0, RESP, HANDSHAKE, 0, b"\0" * 4), "exec reply")
    expect(c.syscall(20)[1] == pid, "pid kept")
    expect(c.syscall(440, keep, 0x7000)[0] == 0, "plain descriptor kept")
    expect(c.syscall(440, drop, 0x7000)[0] == 9, "close-on-exec one gone")
    c.syscall(10, 0x3000)
    c.close()


@case
def prefork_and_fork_handshake():
    p = Conn()
    p.guest()
    ppid = p.syscall(20)[1]
    p.mem[0x3000] = b"/fork.tmp\0"
    fd = p.syscall(5, 0x3000, 0x202, 0o644)[1]
    p.send(p.reqno, REQ, PREFORK, 0)
    reqno, cls, typ, u, cookie = p.frame()
    expect(cls == RESP and typ == PREFORK and len(cookie) == 16, "prefork reply")
    late = p.syscall(5, 0x3000, 0x2, 0)[1]          # after the prefork
    p.close()                                       # parent gone first
    c = Conn()
    c.send(1, REQ, HANDSHAKE, FORK, cookie + b"\0" * 4)
    expect(c.frame() == (1, RESP, HANDSHAKE, 0, b"\0" * 4), "fork reply")
    err, pid, pp = c.syscall(20)
    expect(err == 0 and pid == ppid + 2 and pp == 1,
           "child pid %d (parent %d), ppid %d" % (pid, ppid, pp))
    expect(c.syscall(440, fd, 0x7000)[0] == 0, "inherited descriptor")
    expect(c.syscall(440, late, 0x7000)[0] == 9, "later descriptor absent")
    c.mem[0x3000] = b"/fork.tmp\0"
    expect(c.syscall(10, 0x3000)[0] == 0, "unlink")
    c.close()
    again = Conn()
    again.send(1, REQ, HANDSHAKE, FORK, cookie + b"\0" * 4)
    expect(again.frame()[1:4] == (ERROR, 0, 3), "cookie reuse: ERROR 3")
    expect(again.eof(), "disconnected")


@case
def forged_cookie_is_invalid_prefork():
    c = Conn()
    c.send(1, REQ, HANDSHAKE, FORK, os.urandom(16) + b"\0" * 4)
    expect(c.frame() == (1, ERROR, 0, 3, b""), "ERROR INVALID_PREFORK")
    expect(c.eof(), "disconnected")


@case
def fork_body_of_wrong_size_is_malformed():
    for n in (19, 21, 0):
        c = Conn()
        c.send(1, REQ, HANDSHAKE, FORK, b"\0" * n)
        expect(c.frame()[1:4] == (ERROR, 0, 7), "%d bytes: ERROR 7" % n)
        expect(c.eof(), "disconnected")


@case
def first_frame_must_be_guest_or_fork():
    for typ, u in ((SYSCALL, 20), (HANDSHAKE, AUTH), (HANDSHAKE, EXEC),
                   (PREFORK, 0), (HANDSHAKE, 77)):
        c = Conn()
        c.send(5, REQ, typ, u)
        expect(c.frame() == (5, ERROR, 0, 2, b""), "type %d/%d: ERROR AUTH" % (typ, u))
        expect(c.eof(), "disconnected")


@case
def empty_guest_body_is_refused_not_a_crash():
    for body in (b"", b"\0"):
        c = Conn()
        c.send(1, REQ, HANDSHAKE, GUEST, body)
        expect(c.frame()[1:4] == (ERROR, 0, 7), "ERROR 7 for %r" % body)
        expect(c.eof(), "disconnected")


@case
def long_unterminated_name_is_cut():
    c = Conn()
    reqno, cls, typ, u, b = c.guest(b"x" * 5000)
    expect(cls == RESP and b == b"\0" * 4, "accepted")
    expect(c.syscall(20)[0] == 0, "serves")
    c.close()


@case
def second_guest_is_malformed_and_disconnects():
    c = Conn()
    c.guest()
    c.send(9, REQ, HANDSHAKE, GUEST, b"again\0")
    expect(c.frame() == (9, ERROR, 0, 7, b""), "ERROR 7")
    expect(c.eof(), "disconnected")


@case
def unknown_types_and_classes_keep_the_connection():
    c = Conn()
    c.guest()
    c.send(11, REQ, 99, 0)
    expect(c.frame() == (11, ERROR, 0, 7, b""), "unknown type: ERROR 7")
    c.send(12, ERROR, 0, 1)
    expect(c.frame() == (12, ERROR, 0, 7, b""), "client ERROR frame: ERROR 7")
    c.send(13, 9, 0, 0)
    expect(c.frame() == (13, ERROR, 0, 7, b""), "unknown class: ERROR 7")
    c.send(14, RESP, COPYIN, 0, b"unsolicited")     # dropped silently
    c.reqno = 15
    expect(c.syscall(20)[0] == 0, "still served")
    c.close()


@case
def bad_lengths_disconnect_only_that_client():
    for ln in (0, 23, 1 << 40, (1 << 64) - 1):
        c = Conn()
        c.guest()
        c.s.sendall(struct.pack("<QQHHI", ln, 5, REQ, SYSCALL, 20))
        expect(c.eof(), "length %d: disconnected" % ln)
    c = Conn()
    c.s.sendall(b"\x30\0\0\0\0")                    # a header cut short
    c.close()
    c = Conn()
    c.guest()
    c.s.sendall(struct.pack("<QQHHI", 24 + 64, 5, REQ, SYSCALL, 20) + b"\0" * 10)
    c.close()                                       # body cut short


@case
def disconnect_during_a_blocked_read():
    c = Conn()
    c.guest()
    err, r, w = c.syscall(42)
    c.send(50, REQ, SYSCALL, 3, struct.pack("<qqq", r, 0x1000, 10))
    time.sleep(0.1)
    c.close()               # the read must end with EINTR, the process go


@case
def disconnect_during_a_long_nanosleep():
    c = Conn()
    c.guest()
    c.send(50, REQ, SYSCALL, 430, struct.pack("<qq", 0x1000, 0))
    reqno, cls, typ, u, b = c.frame()
    expect((cls, typ) == (REQ, COPYIN), "copyin of the timespec")
    c.send(reqno, RESP, COPYIN, 0, struct.pack("<qq", 60, 0))  # a minute
    time.sleep(0.1)
    c.close()       # the sleep must end with EINTR, the process go (baseline)


@case
def client_that_never_answers_a_copyin():
    c = Conn()
    c.guest()
    c.send(50, REQ, SYSCALL, 4, struct.pack("<qqq", 1, 0x1000, 5))
    expect(c.frame()[1:3] == (REQ, COPYIN), "copyin request")
    c.close()               # the copy fails, the call ends, the process goes


@case
def connection_limit_refuses_cleanly():
    conns = [Conn() for _ in range(255)]
    expect(all(c.banner == BANNER for c in conns), "255 get the banner")
    extra = Conn(banner=False)
    expect(extra.s.recv(95) == b"", "the 256th gets EOF, no banner")
    extra.close()
    for c in conns:
        c.close()
    # The slots come back as the server sees the closes: wait for that
    # state (a loaded host may take its time), not for a fixed 0.3 s.
    deadline = time.monotonic() + 30
    while True:
        c = Conn()
        if c.banner == BANNER or time.monotonic() > deadline:
            break
        c.close()
        time.sleep(0.05)
    expect(c.banner == BANNER, "a slot came back")
    c.guest()
    expect(c.syscall(20)[0] == 0, "served again after")
    c.close()


@case
def thousand_connect_disconnect_cycles():
    for _ in range(1000):
        c = Conn()
        c.guest()
        err = c.syscall(20)[0]
        c.close()
        if err != 0:
            raise AssertionError("getpid error %d" % err)


# ---- what one connection may hold (sp/sp_limits.h; test_server.c sets
# these parameters for the in-process server) ----

MAXPREFORK = int(os.environ.get("RUMP_SP_MAXPREFORK", "16"))
MAXLWP = int(os.environ.get("RUMP_SP_MAXLWP", "64"))
MAXORPHAN = int(os.environ.get("RUMP_SP_MAXORPHAN", "64"))
ORPHANSECS = int(os.environ.get("RUMP_SP_ORPHANSECS", "10"))
KERN_NPROCS, KERN_NLWPS, KERN_NFILES = 1024, 1025, 1026


def sysctl_int(c, node):
    c.mem[0x9000] = struct.pack("<ii", 1, node)     # CTL_KERN
    c.mem[0x9100] = struct.pack("<Q", 4)
    err = c.syscall(202, 0x9000, 2, 0x9200, 0x9100, 0, 0)[0]
    expect(err == 0, "sysctl kern.%d: error %d" % (node, err))
    return struct.unpack("<i", c.mem[0x9200])[0]


def kernel_counts():
    """(processes, lwps, files) as a fresh client sees them (its own
    process, lwps and console file included, the same every time)."""
    c = Conn()
    c.guest(b"counts\0")
    r = tuple(sysctl_int(c, n) for n in (KERN_NPROCS, KERN_NLWPS, KERN_NFILES))
    c.close()
    return r


def wait_counts(want, secs, what):
    """Waits until every count is at most want's; the server tears a
    connection down after its EOF, not before close() returns."""
    end = time.monotonic() + secs
    while True:
        now = kernel_counts()
        if all(n <= w for n, w in zip(now, want)):
            return now
        if time.monotonic() > end:
            raise AssertionError("%s: counts %r, want at most %r" %
                                 (what, now, want))
        time.sleep(0.05)


def prefork(c):
    """One PREFORK: the cookie, or (code, message) of an ERROR frame."""
    me = c.reqno
    c.reqno += 1
    c.send(me, REQ, PREFORK, 0)
    reqno, cls, typ, u, b = c.frame()
    expect(reqno == me, "reply to prefork %d: %d" % (me, reqno))
    if cls == ERROR:
        return (u, b)
    expect(cls == RESP and typ == PREFORK and len(b) == 16, "cookie")
    return b


@case
def exec_with_an_empty_body_is_not_a_crash():
    # Was: NULL passed to strnlen/memcpy (UBSan aborted the server).
    c = Conn()
    c.guest()
    pid = c.syscall(20)[1]
    c.send(0, REQ, HANDSHAKE, EXEC, b"")
    expect(c.frame() == (0, RESP, HANDSHAKE, 0, b"\0" * 4), "exec reply")
    expect(c.syscall(20)[1] == pid, "pid kept, still served")
    c.close()


@case
def prefork_of_a_process_with_an_empty_name():
    # Was: proc_create copied 17 bytes out of "rumproc" (ASan overflow).
    c = Conn()
    c.guest()
    c.send(0, REQ, HANDSHAKE, EXEC, b"\0")
    expect(c.frame() == (0, RESP, HANDSHAKE, 0, b"\0" * 4), "exec reply")
    cookie = prefork(c)
    expect(isinstance(cookie, bytes), "prefork refused: %r" % (cookie,))
    f = Conn()
    f.send(1, REQ, HANDSHAKE, FORK, cookie + b"\0" * 4)
    expect(f.frame() == (1, RESP, HANDSHAKE, 0, b"\0" * 4), "fork reply")
    expect(f.syscall(20)[0] == 0, "the child is served")
    f.close()
    c.close()


@case
def preforks_per_connection_are_bounded_and_refused_with_a_reason():
    base = kernel_counts()
    c = Conn()
    c.guest()
    cookies = [prefork(c) for _ in range(MAXPREFORK)]
    expect(all(isinstance(k, bytes) for k in cookies), "within the limit")
    held = kernel_counts()[0]
    for _ in range(3 * MAXPREFORK):     # was: every one a new process
        r = prefork(c)
        expect(isinstance(r, tuple) and r[0] == 4 and b"limit" in r[1] and
               r[1].endswith(b"\0"), "over the limit: %r" % (r,))
    expect(c.syscall(20)[0] == 0, "the connection stays served")
    # Earlier cases' processes may still be going: never more, though.
    procs = kernel_counts()[0]
    expect(procs <= held, "processes %d, %d before" % (procs, held))
    f = Conn()                          # a claim makes room for one more
    f.send(1, REQ, HANDSHAKE, FORK, cookies[0] + b"\0" * 4)
    expect(f.frame()[1] == RESP, "fork reply")
    expect(isinstance(prefork(c), bytes), "room again after a claim")
    f.close()
    c.close()
    wait_counts(base, ORPHANSECS + 30, "after the disconnect")


@case
def a_disconnected_clients_preforks_are_freed():
    base = kernel_counts()
    for _ in range(5):                  # each leaves MAXPREFORK orphans
        c = Conn()
        c.guest()
        for _ in range(MAXPREFORK):
            expect(isinstance(prefork(c), bytes), "prefork")
        c.close()
    # At most MAXORPHAN wait for a child, then they go too.
    wait_counts((base[0] + MAXORPHAN,) + base[1:], 30, "orphans capped")
    wait_counts(base, ORPHANSECS + 30, "orphans freed")
    c = Conn()
    expect(c.guest()[1] == RESP, "new clients still get a process")
    c.close()


@case
def calls_in_flight_per_connection_are_bounded():
    c = Conn()
    c.guest()
    err, r, w = c.syscall(42)
    # MAXLWP reads that block: each holds an lwp and a server thread. The
    # reader reaches the next frame only once the previous call blocked.
    for i in range(MAXLWP):
        c.send(100 + i, REQ, SYSCALL, 3, struct.pack("<qqq", r, 0x1000, 1))
    c.send(99, REQ, SYSCALL, 20)
    reqno, cls, typ, u, b = c.frame()
    expect((reqno, cls, typ) == (99, RESP, SYSCALL), "reply %r" % (reqno,))
    expect(struct.unpack("<iiqq", b)[0] == 35, "EAGAIN over the limit")
    c.close()               # the reads end with EINTR, the process goes


@case
def rename_whose_source_goes_while_its_target_path_is_copied():
    # rename(2) looks its source up, then sleeps while the client sends
    # the target path; another client removes the source meanwhile. The
    # kernel must see the name gone (ENOENT), not remove a name that is
    # no longer there (it asserted, or worse).
    c, o = Conn(), Conn()
    c.guest()
    o.guest()
    c.mem[0x3000] = b"/race.d\0"
    c.mem[0x3100] = b"/race.t\0"
    o.mem[0x3000] = b"/race.d\0"
    o.mem[0x3100] = b"/race.t\0"
    expect(o.syscall(136, 0x3000, 0o755)[0] == 0, "mkdir")
    me = c.reqno
    c.reqno += 1
    c.send(me, REQ, SYSCALL, 128, struct.pack("<qq", 0x3000, 0x3100))
    for addr in (0x3000, 0x3100):
        reqno, cls, typ, u, b = c.frame()
        expect(cls == REQ and typ == COPYINSTR and
               struct.unpack("<QQ", b)[1] == addr, "copyinstr %#x" % addr)
        if addr == 0x3100:
            expect(o.syscall(137, 0x3000)[0] == 0, "rmdir meanwhile")
        c.send(reqno, RESP, COPYIN, 0, c.mem[addr])
    reqno, cls, typ, u, b = c.frame()
    expect((reqno, cls, typ) == (me, RESP, SYSCALL), "rename reply")
    err = struct.unpack("<iiqq", b)[0]
    expect(err == 2, "rename of a source removed meanwhile: %d" % err)
    expect(o.syscall(137, 0x3100)[0] == 2, "no target made")
    c.close()
    o.close()


@case
def group_kill_whose_target_leaves_during_the_signal():
    # kill(0, SIGUSR1) walks the caller's group and sends each process's
    # client a RAISE frame, giving the kernel's CPU up while it sends. A
    # deaf client (it never reads) fills its socket, so a send to it
    # waits; it then closes, and its process goes while the killer's walk
    # is at it. The walk must not touch the freed process, nor the send
    # the freed connection (the server aborted or used freed memory).
    k, deaf = Conn(), Conn()
    k.guest()
    deaf.guest()
    state = {"done": 0, "error": None}

    def killer():
        try:
            for _ in range(20000):
                err = k.syscall(37, 0, 30)[0]
                if err != 0:
                    state["error"] = "kill(0, SIGUSR1): %d" % err
                    return
                state["done"] += 1
        except Exception as e:  # the server died, or a frame was wrong
            state["error"] = "killer: %r" % e

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    last, still = -1, 0
    while t.is_alive() and still < 10:    # a send to deaf blocks it
        time.sleep(0.1)
        still = still + 1 if state["done"] == last else 0
        last = state["done"]
    expect(t.is_alive(), "the killer never waited for the deaf client "
           "(%d kills)" % state["done"])
    deaf.close()
    t.join(60)
    expect(not t.is_alive(), "killer still blocked after the deaf client "
           "left")
    expect(state["error"] is None, str(state["error"]))
    expect(k.syscall(20)[0] == 0, "the killer is served after")
    k.close()


@case
def a_normal_client_is_served_after_all_that():
    c = Conn()
    c.guest()
    expect(c.syscall(20)[0] == 0, "getpid")
    c.close()


if URL == "--list":
    print("\n".join(fn.__name__ for fn in CASES))
    sys.exit(0)
run_cases(sys.argv[2:])
sys.exit(1 if failures else 0)
