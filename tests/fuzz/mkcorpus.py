#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/README.md).

Usage: mkcorpus.py DIR   (makes DIR/fuzz_sp and DIR/fuzz_syscall)

Each seed is a small, valid-looking input in the target's format (see the
comment at the top of fuzz_sp.c and fuzz_syscall.c) that reaches one area:
the fuzzer mutates from there. The files are named after what they do.
"""
import os
import struct
import sys

# ---- fuzz_syscall: u16 n, n bytes of client memory, 68-byte call records ----

VM_BASE = 0x10000000
AT_FDCWD = -100 & 0xFFFFFFFFFFFFFFFF


def mem_image(items, size=3072):
    """items: {offset: bytes}; returns the memory prefix."""
    m = bytearray(size)
    for off, b in items.items():
        m[off:off + len(b)] = b
    return bytes(m)


def call(num, *args, ptr=()):
    """A record: ptr lists the slots that are offsets into client memory."""
    a = list(args) + [0] * (8 - len(args))
    mask = 0
    for i in ptr:
        mask |= 1 << i
    a = [x & 0xFFFFFFFFFFFFFFFF for x in a]
    return struct.pack("<HBB8Q", 0x8000 | num, mask, 0, *a)


def sys_input(mem, calls):
    return struct.pack("<H", len(mem)) + mem + b"".join(calls)


O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC = 0, 1, 2, 0x200, 0x400
O_NONBLOCK, O_DIRECTORY = 0x4, 0x200000

P = {0: b"/fz\0", 64: b"/fz/a\0", 128: b"/fz/b\0", 192: b"a\0", 224: b"b\0",
     512: b"hello, fuzz\0"}


def iovecs(off, pairs):
    return {off: b"".join(struct.pack("<QQ", VM_BASE + o, n) for o, n in pairs)}


def syscall_seeds():
    s = {}
    m = mem_image(P)
    s["file_rw"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(4, 3, 512, 11, ptr=(1,)),
        call(199, 3, 0, 0, 0),                  # lseek(fd, PAD, 0, SEEK_SET)
        call(3, 3, 1024, 11, ptr=(1,)),
        call(440, 3, 2048, ptr=(1,)),
        call(6, 3)])
    s["dirs"] = sys_input(m, [
        call(136, 0, 0o755, ptr=(0,)),
        call(12, 0, ptr=(0,)),
        call(296, 1024, 256, ptr=(0,)),
        call(5, 192, O_CREAT | O_WRONLY, 0o600, ptr=(0,)),
        call(128, 192, 224, ptr=(0, 1)),
        call(9, 224, 192, ptr=(0, 1)),
        call(57, 64, 300, ptr=(0, 1)),          # symlink /fz/a -> garbage
        call(58, 192, 1024, 100, ptr=(0, 1)),
        call(10, 192, ptr=(0,)),
        call(10, 224, ptr=(0,)),
        call(137, 0, ptr=(0,))])
    s["pipe"] = sys_input(m, [
        call(42, 2048, ptr=(0,)),
        call(4, 4, 512, 11, ptr=(1,)),
        call(3, 3, 1024, 64, ptr=(1,)),
        call(3, 3, 1024, 64, ptr=(1,)),         # empty: sleeps, interrupted
        call(6, 4),
        call(3, 3, 1024, 64, ptr=(1,))])
    s["pipe2_nonblock"] = sys_input(m, [
        call(453, 2048, O_NONBLOCK, ptr=(0,)),
        call(3, 3, 1024, 64, ptr=(1,)),
        call(6, 3),
        call(4, 4, 512, 11, ptr=(1,))])
    s["socketpair"] = sys_input(m, [
        call(135, 1, 1, 0, 2048, ptr=(3,)),
        call(4, 3, 512, 11, ptr=(1,)),
        call(3, 4, 1024, 11, ptr=(1,)),
        call(134, 3, 1),
        call(4, 3, 512, 11, ptr=(1,))])
    mu = mem_image({**P, **{1536: struct.pack("<qqqq", 1, 2, 3, 4)}})
    s["utimes"] = sys_input(mu, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(420, 0, 1536, ptr=(0, 1)),
        call(420, 0, 0, ptr=(0,)),
        call(439, 0, 2048, ptr=(0, 1))])
    ms = mem_image({**P, **{1536: struct.pack("<ii", 1, 10),
                              1600: struct.pack("<Q", 256)}})
    s["sysctl_hostname"] = sys_input(ms, [
        call(202, 1536, 2, 1024, 1600, 0, 0, ptr=(0, 2, 3)),
        call(202, 1536, 2, 0, 0, 512, 5, ptr=(0, 4))])
    mp = mem_image({**P, **{1536: struct.pack("<ihh", 3, 1, 0),
                              1664: struct.pack("<qq", 0, 1000)}})
    s["poll_select"] = sys_input(mp, [
        call(42, 2048, ptr=(0,)),
        call(209, 1536, 1, 0, ptr=(0,)),
        call(4, 4, 512, 1, ptr=(1,)),
        call(209, 1536, 1, 10, ptr=(0,)),
        call(417, 5, 1600, 0, 0, 1664, ptr=(1, 4))])
    mt = mem_image({**P, **{1536: struct.pack("<qq", 0, 1000)}})
    s["time"] = sys_input(mt, [
        call(427, 0, 1024, ptr=(1,)),
        call(427, 3, 1024, ptr=(1,)),
        call(430, 1536, 1600, ptr=(0, 1))])
    mg = mem_image({**P, **{1536: struct.pack("<4I", 0, 5, 6, 7)}})
    s["creds"] = sys_input(mg, [
        call(24), call(25), call(47), call(43),
        call(79, 16, 1024, ptr=(1,)),
        call(80, 4, 1536, ptr=(1,)),
        call(183, 1000), call(23, 0), call(181, 5), call(182, 5)])
    s["fcntl_ioctl_dup"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(92, 3, 1), call(92, 3, 2, 1), call(92, 3, 3), call(92, 3, 4, O_NONBLOCK),
        call(54, 3, 0x4004667f, 1024, ptr=(2,)),   # FIONREAD
        call(41, 3), call(90, 3, 10), call(6, 10)])
    s["getdents"] = sys_input(m, [
        call(136, 0, 0o755, ptr=(0,)),
        call(5, 64, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(5, 0, O_RDONLY | O_DIRECTORY, ptr=(0,)),
        call(390, 4, 1024, 1024, ptr=(1,)),
        call(390, 4, 1024, 1024, ptr=(1,))])
    s["sizes"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(174, 3, 512, 11, 0, 4096, ptr=(1,)),
        call(173, 3, 1024, 100, 0, 4090, ptr=(1,)),
        call(201, 3, 0, 100),
        call(200, 0, 0, 5000, ptr=(0,)),
        call(95, 3)])
    mv = mem_image({**P, **iovecs(1536, [(512, 5), (600, 3)])})
    s["readv_writev"] = sys_input(mv, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(121, 3, 1536, 2, ptr=(1,)),
        call(199, 3, 0, 0, 0),
        call(120, 3, 1536, 2, ptr=(1,))])
    s["attrs"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(33, 0, 6, ptr=(0,)),
        call(15, 0, 0o600, ptr=(0,)),
        call(16, 0, 5, 6, ptr=(0,)),
        call(124, 3, 0o700), call(123, 3, 7, 8),
        call(60, 0o22)])
    s["at_calls"] = sys_input(m, [
        call(461, AT_FDCWD, 0, 0o755, ptr=(1,)),
        call(468, AT_FDCWD, 64, O_CREAT | O_RDWR, 0o644, ptr=(1,)),
        call(13, 3),
        call(471, AT_FDCWD, 64, 0, ptr=(1,)),
        call(471, AT_FDCWD, 0, 0x800, ptr=(1,))])
    s["bad_pointers"] = sys_input(m, [
        call(5, 0x2000, O_RDONLY),
        call(5, VM_BASE + 8192 - 2, O_RDONLY),
        call(3, 0, 0x7fffffffffff, 16),
        call(420, 0, 0x2000, ptr=(0,)),
        call(42, 0x1000),
        call(440, 0, 0xdeadbeef)])
    # Known bugs (issue 10, items 1 and 9): stepped around by the harness
    # until FUZZ_KNOWN_BUGS=1 (utimes above is item 1 as well).
    s["known_pwrite_2p40"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(174, 3, 512, 1, 0, 1 << 40, ptr=(1,)),
        call(201, 3, 0, 0)])
    # Known bug "uaddr" (found by this target): &uiov[i] with uiov NULL.
    s["known_readv_null_iov"] = sys_input(m, [
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(120, 3, 0, 2)])
    # Found by this target: a time far in the future overflowed the
    # nanosecond arithmetic of kernel/kern_time.c kclock_set (UBSan).
    mtm = mem_image({**P, **{1536: struct.pack("<qii", 91617345360723, 0, 0),
                             1600: struct.pack("<qq", 1 << 62, 0),
                             1664: struct.pack("<qii", 0x7fffffffffffffff, 999999, 0)}})
    s["settime_far_future"] = sys_input(mtm, [
        call(419, 1536, 0, ptr=(0,)),
        call(428, 0, 1600, ptr=(1,)),
        call(419, 1664, 0, ptr=(0,)),
        call(418, 1024, 1100, ptr=(0, 1))])
    # Found by this target: kill(INT_MIN, sig) negated the pid
    # (kernel/kern_prot.c sys_kill, UBSan).
    s["kill_int_min"] = sys_input(m, [call(37, -(1 << 31), 0), call(37, -(1 << 31), 15)])
    s["unknown_numbers"] = sys_input(m, [call(0), call(1), call(511), call(300)])
    # kqueue's filters through NetBSD 10's __kevent100 (72-byte entries):
    # a user event triggered, a 1 ns one-shot timer, the process's own
    # exit and fork, a signal it then sends its group, a file's vnode
    # notes after a write; then the same lists through __kevent50.
    def kev100(ident, filt, flags, fflags=0, data=0):
        return struct.pack("<QIIIIqQ4Q", ident, filt, flags, fflags, 0, data,
                           0, 0, 0, 0, 0)
    mk = mem_image({**P, 1024: b"".join([
        kev100(1, 8, 0x21, 0xc1000005),        # USER, ADD|CLEAR, TRIGGER|FFCOPY
        kev100(2, 6, 0x11, 3, 1),               # TIMER, ADD|ONESHOT, NSECONDS
        kev100(1, 4, 0x1, 0xc0000000),          # PROC pid 1, EXIT|FORK
        kev100(30, 5, 0x1),                     # SIGNAL SIGUSR1
        kev100(4, 3, 0x21, 0x3f),               # VNODE fd 4, every note
        kev100(4, 0, 0x1)])})                   # READ fd 4
    s["kevent100_filters"] = sys_input(mk, [
        call(344),                              # kqueue: 3
        call(5, 0, O_CREAT | O_RDWR, 0o644, ptr=(0,)),  # 4
        call(501, 3, 1024, 6, 1600, 8, 2800, ptr=(1, 3, 5)),
        call(4, 4, 512, 11, ptr=(1,)),
        call(37, 0, 30),
        call(501, 3, 0, 0, 1600, 8, 2800, ptr=(3, 5)),
        call(435, 3, 1024, 6, 1600, 8, 2800, ptr=(1, 3, 5)),
        call(435, 3, 0, 0, 1600, 8, 2800, ptr=(3, 5))])
    # Kqueues watching kqueues (the review's crash, fixed in 36b4ba7): one
    # registers itself, two register each other, then a user event in one
    # makes both readable and a collect walks the cycle.
    mq = mem_image({**P, 1024: b"".join([
        kev100(3, 0, 0x1),                      # READ on kqueue 3 itself
        kev100(4, 0, 0x1),                      # READ on kqueue 4
        kev100(7, 8, 0x21, 0xc1000001)]),       # USER 7, ADD|CLEAR, TRIGGER
        1216: kev100(3, 0, 0x1) + kev100(7, 8, 0x21, 0xc1000001)})
    s["kqueue_cycle"] = sys_input(mq, [
        call(344),                              # kqueue: 3
        call(344),                              # kqueue: 4
        call(501, 3, 1024, 3, 1600, 8, 2800, ptr=(1, 3, 5)),
        call(501, 4, 1216, 2, 1600, 8, 2800, ptr=(1, 3, 5)),
        call(501, 3, 0, 0, 1600, 8, 2800, ptr=(3, 5)),
        call(501, 4, 0, 0, 1600, 8, 2800, ptr=(3, 5)),
        call(6, 4),
        call(501, 3, 0, 0, 1600, 8, 2800, ptr=(3, 5))])
    # mount(2): tmpfs on /fz, a file in it, a second tmpfs stacked on it
    # and one inside that, a relative mount point; all left mounted for
    # fuzz_reset.c to undo.
    mm = mem_image({**P, 256: b"tmpfs\0", 288: b"fz/b\0"})
    s["mount_tmpfs"] = sys_input(mm, [
        call(136, 0, 0o755, ptr=(0,)),
        call(410, 256, 0, 0, 0, 0, ptr=(0, 1)),
        call(5, 64, O_CREAT | O_RDWR, 0o644, ptr=(0,)),
        call(410, 256, 0, 0, 0, 0, ptr=(0, 1)),
        call(136, 128, 0o755, ptr=(0,)),
        call(12, 0, ptr=(0,)),
        call(410, 256, 224, 0, 0, 0, ptr=(0, 1)),
        call(12, 288, ptr=(0,))])
    return s


# ---- fuzz_sp: one flag byte, chunks of u8 op, u16 length, data ----

MEMBASE = 0x20000000
REQ, RESP, ERROR = 0, 1, 2
HANDSHAKE, SYSCALL, COPYIN, COPYINSTR, COPYOUT, COPYOUTSTR, ANONMMAP, PREFORK = range(8)
GUEST, AUTH, FORK, EXEC = range(4)


def frame(reqno, cls, typ, u, body=b""):
    return struct.pack("<QQHHI", 24 + len(body), reqno, cls, typ, u) + body


def guest(reqno=0, name=b"fuzz"):
    return frame(reqno, REQ, HANDSHAKE, GUEST, name + b"\0")


def sysc(reqno, num, *args):
    return frame(reqno, REQ, SYSCALL, num,
                 b"".join(struct.pack("<q", a) for a in args))


def chunk(op, k, data):
    return struct.pack("<BH", (op << 5) | k, len(data)) + data


def data(k, b):
    return chunk(0, k, b)


def close(k):
    return chunk(1, k, b"")


def mode(k, m):
    return chunk(2, k, bytes([m]))


def memory(k, b):
    return chunk(3, k, b)


def sp_input(*chunks):
    return b"\0" + b"".join(chunks)


SPMEM = mem_image({0: b"/x\0", 64: b"hello\0", 128: b"/y\0"}, 1024)


def sp_seeds():
    s = {}
    s["guest_getpid"] = sp_input(data(0, guest() + sysc(1, 20)), close(0))
    s["guest_file_copies"] = sp_input(
        memory(0, SPMEM),
        data(0, guest() + sysc(1, 5, MEMBASE, O_CREAT | O_RDWR, 0o644)),
        data(0, sysc(2, 4, 3, MEMBASE + 64, 5)),
        data(0, sysc(3, 199, 3, 0, 0, 0)),
        data(0, sysc(4, 3, 3, MEMBASE + 256, 5)),
        data(0, sysc(5, 440, 3, MEMBASE + 512)),
        close(0))
    for m in range(1, 6):
        s["copy_mode_%d" % m] = sp_input(
            memory(0, SPMEM), mode(0, m),
            data(0, guest() + sysc(1, 5, MEMBASE, O_CREAT | O_RDWR, 0o644)),
            data(0, sysc(2, 4, 3, MEMBASE + 64, 5)),
            data(0, sysc(3, 296, MEMBASE + 512, 256)),
            close(0))
    s["prefork_fork"] = sp_input(
        data(0, guest() + frame(1, REQ, PREFORK, 0)),
        data(1, frame(0, REQ, HANDSHAKE, FORK, struct.pack("<4Ii", 0, 0, 0, 0, 0))),
        data(1, sysc(1, 20) + sysc(2, 39)),
        close(1), close(0))
    s["prefork_cancel"] = sp_input(
        data(0, guest() + frame(1, REQ, PREFORK, 0)),
        data(1, frame(0, REQ, HANDSHAKE, FORK, struct.pack("<4Ii", 0, 0, 0, 0, 1))))
    s["prefork_unclaimed"] = sp_input(
        data(0, guest() + frame(1, REQ, PREFORK, 0) + frame(2, REQ, PREFORK, 0)),
        close(0))
    # More preforks than one connection may hold (16): the harness must
    # cancel every one at the end, or they outlive the input as orphans.
    many = b"".join(frame(r, REQ, PREFORK, 0) for r in range(1, 10))
    s["prefork_many_connections"] = sp_input(
        data(0, guest() + many), data(1, guest() + many),
        close(0), close(1))
    # More than the harness's 64 connections can cancel at once (80
    # preforks, of which the server keeps the newest 64 as orphans).
    sixteen = b"".join(frame(r, REQ, PREFORK, 0) for r in range(1, 17))
    s["prefork_eighty_orphans"] = sp_input(
        *[c for _ in range(5) for c in (data(0, guest() + sixteen), close(0))])
    s["exec"] = sp_input(
        data(0, guest() + sysc(1, 5, MEMBASE, O_CREAT | O_RDWR | 0x400000, 0o644)),
        memory(0, SPMEM),
        data(0, frame(2, REQ, HANDSHAKE, EXEC, b"newname\0")),
        data(0, sysc(3, 20) + sysc(4, 6, 3)),
        close(0))
    s["exec_then_prefork"] = sp_input(
        data(0, guest() + frame(1, REQ, HANDSHAKE, EXEC, b"n\0") +
             frame(2, REQ, PREFORK, 0)),
        close(0))
    s["blocked_read_disconnect"] = sp_input(
        memory(0, SPMEM),
        data(0, guest() + sysc(1, 42, MEMBASE + 512)),
        data(0, sysc(2, 3, 3, MEMBASE + 256, 10)),
        data(0, sysc(3, 4, 4, MEMBASE + 64, 5)),
        data(0, sysc(4, 3, 3, MEMBASE + 256, 10)),
        close(0))
    s["no_answer_disconnect"] = sp_input(
        memory(0, SPMEM), mode(0, 3),
        data(0, guest() + sysc(1, 5, MEMBASE, O_RDONLY)),
        close(0))
    s["nanosleep"] = sp_input(
        memory(0, mem_image({0: struct.pack("<qq", 0, 100000)}, 64)),
        data(0, guest() + sysc(1, 430, MEMBASE, MEMBASE + 32)),
        close(0))
    s["two_clients"] = sp_input(
        memory(0, SPMEM), memory(1, SPMEM),
        data(0, guest(0, b"one")), data(1, guest(0, b"two")),
        data(0, sysc(1, 136, MEMBASE, 0o755)),
        data(1, sysc(1, 12, MEMBASE)),
        data(1, sysc(2, 296, MEMBASE + 512, 256)),
        close(0), close(1))
    s["malformed"] = sp_input(
        data(0, frame(0, REQ, SYSCALL, 20)),                      # before handshake
        data(1, struct.pack("<QQHHI", 5, 0, 0, 0, 0)),            # length < header
        data(2, guest() + frame(1, 7, 0, 0) + frame(2, REQ, 99, 0) +
             frame(3, RESP, COPYIN, 0, b"junk") + sysc(4, 600) +
             frame(5, REQ, HANDSHAKE, GUEST, b"again\0")),
        data(3, frame(0, REQ, HANDSHAKE, FORK, b"short")))
    s["guest_empty_name"] = sp_input(data(0, frame(0, REQ, HANDSHAKE, GUEST, b"")))
    s["arg_blocks"] = sp_input(
        data(0, guest() + frame(1, REQ, SYSCALL, 20, b"\1\2\3") +
             frame(2, REQ, SYSCALL, 24, bytes(100)) + sysc(3, 1000)),
        close(0))
    s["socketpair_sigpipe"] = sp_input(
        memory(0, SPMEM),
        data(0, guest() + sysc(1, 135, 1, 1, 0, MEMBASE + 512)),
        data(0, sysc(2, 6, 4) + sysc(3, 4, 3, MEMBASE + 64, 5)),
        close(0))
    s["sysctl"] = sp_input(
        memory(0, mem_image({0: struct.pack("<ii", 1, 10), 64: struct.pack("<Q", 256)}, 1024)),
        data(0, guest() + sysc(1, 202, MEMBASE, 2, MEMBASE + 128, MEMBASE + 64, 0, 0)),
        close(0))
    # Known bugs (issue 10, items 3 and 4): the harness steps around them
    # until FUZZ_KNOWN_BUGS=1; then they are regression inputs.
    s["known_exec_empty_body"] = sp_input(
        data(0, guest() + frame(1, REQ, HANDSHAKE, EXEC, b"")), close(0))
    s["known_exec_empty_name_prefork"] = sp_input(
        data(0, guest() + frame(1, REQ, HANDSHAKE, EXEC, b"\0")),
        data(0, frame(2, REQ, PREFORK, 0)), close(0))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"
    for target, seeds in (("fuzz_syscall", syscall_seeds()), ("fuzz_sp", sp_seeds())):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for name, b in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(b)


if __name__ == "__main__":
    main()
