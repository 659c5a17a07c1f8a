#!/usr/bin/env python3
"""librumpclient against a scripted fake rump_sp server.

usage: fake_server.py CLIENT_FAKE_BINARY

Each case starts a listener, runs the client program (client_fake.c) with
a scenario name, and plays the server's side of the protocol from a
script, checking every frame the client sends (types, request numbers,
bodies). A case passes when the script ran to its end and the client
exited with the expected status. Ends with "N passed, N failed".
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HDR = struct.Struct('<QQHHI')
REQ, RESP, ERROR = 0, 1, 2
(HANDSHAKE, SYSCALL, COPYIN, COPYINSTR, COPYOUT, COPYOUTSTR, ANONMMAP,
 PREFORK, RAISE) = range(9)
GUEST, AUTH, FORK, EXEC = range(4)
BANNER = b'RUMPSP-0.4-NetBSD-10.0/amd64\n'
PROGNAME = b'client_fake\0'
COOKIE = bytes(range(16))
BIG = 1024 * 1024


def recvall(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError('client closed the connection')
        b += d
    return b


class Frame:
    def __init__(self, reqno, cls, typ, u, body):
        self.reqno, self.cls, self.type, self.u, self.body = \
            reqno, cls, typ, u, body

    def slots(self):
        return struct.unpack('<%dq' % (len(self.body) // 8), self.body)

    def __repr__(self):
        return 'Frame(reqno=%d class=%d type=%d u=%d len=%d)' % (
            self.reqno, self.cls, self.type, self.u, len(self.body))


class Conn:
    """One accepted connection, banner already sent."""

    def __init__(self, s):
        self.s = s
        self.nextreq = 0

    def frame(self):
        ln, reqno, cls, typ, u = HDR.unpack(recvall(self.s, 24))
        assert ln >= 24, 'rsp_len %d' % ln
        return Frame(reqno, cls, typ, u, recvall(self.s, ln - 24))

    def raw(self, data):
        self.s.sendall(data)

    def send(self, reqno, cls, typ, u=0, body=b''):
        self.s.sendall(HDR.pack(24 + len(body), reqno, cls, typ, u) + body)

    def req(self, typ, u=0, body=b''):
        rq = self.nextreq
        self.nextreq += 1
        self.send(rq, REQ, typ, u, body)
        return rq

    def expect(self, typ, u=None, reqno=None, cls=REQ):
        f = self.frame()
        assert f.cls == cls and f.type == typ, \
            'got %r, want class %d type %d' % (f, cls, typ)
        assert u is None or f.u == u, 'got %r, want u %d' % (f, u)
        assert reqno is None or f.reqno == reqno, \
            'got %r, want reqno %d' % (f, reqno)
        return f

    def handshake(self, kind, reqno, body=PROGNAME):
        f = self.expect(HANDSHAKE, kind, reqno)
        assert body is None or f.body == body, 'handshake body %r' % f.body
        self.send(f.reqno, RESP, HANDSHAKE, 0, struct.pack('<i', 0))
        return f

    def sysreply(self, reqno, err=0, r0=0, r1=0):
        self.send(reqno, RESP, SYSCALL, 0, struct.pack('<iiqq', err,
                                                        0x5a5a5a5a, r0, r1))

    def copyin(self, addr, n, typ=COPYIN):
        rq = self.req(typ, 0, struct.pack('<QQ', n, addr))
        f = self.frame()
        assert f.cls == RESP and f.type == COPYIN and f.reqno == rq, \
            'copyin reply %r' % f
        return f.body

    def copyout(self, addr, data):
        self.req(COPYOUT, 0, struct.pack('<QQ', len(data), addr) + data)

    def eof(self):
        """The client has gone: the next read sees end of file."""
        try:
            self.s.settimeout(20)
            d = self.s.recv(1)
        except ConnectionResetError:
            d = b''
        assert d == b'', 'unexpected data %r' % d

    def close(self):
        self.s.close()


class Server:
    def __init__(self, listener):
        self.listener = listener

    def accept(self, banner=BANNER):
        self.listener.settimeout(20)
        s, _ = self.listener.accept()
        s.settimeout(20)
        if banner:
            s.sendall(banner)
        return Conn(s)


# ---- scripts: the server side of each scenario ------------------------------

def guest(srv):
    c = srv.accept()
    c.handshake(GUEST, 1)
    return c


def s_getpid(srv):
    c = guest(srv)
    f = c.expect(SYSCALL, 20, 2)
    assert f.body == b'', 'getpid has no arguments'
    c.sysreply(f.reqno, 0, 2, 1)
    c.sysreply(c.expect(SYSCALL, 20, 3).reqno, 0, 2, 1)
    c.eof()


def s_io(srv):
    c = guest(srv)
    f = c.expect(SYSCALL, 4, 2)
    fd, addr, n = f.slots()
    assert (fd, n) == (1, 5) and len(f.body) == 24
    assert c.copyin(addr, n) == b'hello'
    c.sysreply(f.reqno, 0, 5)
    f = c.expect(SYSCALL, 5, 3)
    path, flags, mode = f.slots()
    assert (flags, mode) == (0, 0)
    assert c.copyin(path, 1024, COPYINSTR) == b'/some/path\0'
    assert c.copyin(path, 4, COPYINSTR) == b'/som'
    c.sysreply(f.reqno, 2)
    f = c.expect(SYSCALL, 3, 4)
    fd, addr, n = f.slots()
    assert (fd, n) == (0, 16)
    c.copyout(addr, b'abcdef')
    c.sysreply(f.reqno, 0, 6)
    c.eof()


def s_errors(srv):
    c = guest(srv)
    f = c.expect(SYSCALL, 20, 2)
    c.send(f.reqno, ERROR, 0, 7)                # MALFORMED_REQUEST
    f = c.expect(SYSCALL, 20, 3)
    c.send(f.reqno, ERROR, 0, 1)                # TRYAGAIN: resent
    f = c.expect(SYSCALL, 20, 4)
    c.send(1234, RESP, SYSCALL, 0, b'\0' * 24)  # nobody's: dropped
    c.sysreply(f.reqno, 0, 7)
    c.sysreply(c.expect(SYSCALL, 20, 5).reqno, -3)
    c.eof()


def s_anonmmap(srv):
    c = guest(srv)
    f = c.expect(SYSCALL, 99, 2)
    rq = c.req(ANONMMAP, 0, struct.pack('<Q', 4096))
    r = c.expect(ANONMMAP, reqno=rq, cls=RESP)
    (addr,) = struct.unpack('<Q', r.body)
    assert addr != 0
    c.copyout(addr, b'xyz')
    c.sysreply(f.reqno, 0, addr)
    c.eof()


def s_raise(srv):
    c = guest(srv)
    f = c.expect(SYSCALL, 20, 2)
    c.send(0xdeadbeef, REQ, RAISE, 30)          # SIGUSR1, garbage reqno
    c.send(0, REQ, RAISE, 7)                    # SIGEMT: none on Linux
    c.send(0, REQ, RAISE, 200)                  # out of range
    c.sysreply(f.reqno, 0, 2)
    c.eof()


def s_threads(srv):
    c = guest(srv)
    got = {}
    while len(got) < 3:
        f = c.expect(SYSCALL)
        got[f.u] = f
    assert sorted(f.reqno for f in got.values()) == [2, 3, 4]
    addr, n = got[101].slots()
    assert c.copyin(addr, n) == b'thread\0\0'
    for num in (102, 101, 100):                 # out of order
        c.sysreply(got[num].reqno, 0, num + 900)
    c.sysreply(c.expect(SYSCALL, 20, 5).reqno, 0, 2)
    c.eof()


def s_malformed(how):
    def script(srv):
        c = guest(srv)
        if how == 'eof':
            c.close()
            return
        f = c.expect(SYSCALL, 20, 2)
        if how == 'short':
            c.raw(HDR.pack(10, f.reqno, RESP, SYSCALL, 0))
        elif how == 'huge':
            c.raw(HDR.pack(1 << 40, f.reqno, RESP, SYSCALL, 0))
        elif how == 'badtype':
            c.send(0, REQ, 99)
        elif how == 'shortresp':
            c.send(f.reqno, RESP, SYSCALL, 0, b'\0' * 8)
        elif how == 'copyout':
            c.req(COPYOUT, 0, struct.pack('<QQ', 100, 0x1000) + b'x')
        elif how == 'copyin':
            c.req(COPYIN, 0, b'\0' * 8)
        c.eof()
    return script


def s_reconnect(srv):
    c = guest(srv)
    c.expect(SYSCALL, 20, 2)
    c.close()                                   # lost while waiting
    c = srv.accept()
    c.handshake(GUEST, 3)                       # numbers go on
    c.sysreply(c.expect(SYSCALL, 20, 4).reqno, 0, 42)
    c.sysreply(c.expect(SYSCALL, 20, 5).reqno, 0, 43)
    c.eof()


def s_die(srv):
    c = guest(srv)
    c.expect(SYSCALL, 20, 2)
    c.close()


def s_timeout(srv):
    c = guest(srv)
    c.expect(SYSCALL, 20, 2)
    srv.listener.close()                        # nothing to reconnect to
    if srv.path:
        os.unlink(srv.path)
    c.close()


def s_fork(srv):
    c = guest(srv)
    c.send(c.expect(PREFORK, 0, 2).reqno, RESP, PREFORK, 0, COOKIE)
    child = srv.accept()
    f = child.handshake(FORK, 1, COOKIE + struct.pack('<i', 0))
    child.sysreply(child.expect(SYSCALL, 20, 2).reqno, 0, 5)
    child.eof()
    c.sysreply(c.expect(SYSCALL, 20, 3).reqno, 0, 2)
    c.eof()


def s_forkcancel(srv):
    c = guest(srv)
    c.send(c.expect(PREFORK, 0, 2).reqno, RESP, PREFORK, 0, COOKIE)
    x = srv.accept()
    f = x.expect(HANDSHAKE, FORK)
    assert f.body == COOKIE + struct.pack('<i', 1), 'cancel body %r' % f.body
    x.eof()
    c.sysreply(c.expect(SYSCALL, 20, 3).reqno, 0, 2)
    c.eof()


def s_forkbad(srv):
    c = guest(srv)
    c.send(c.expect(PREFORK, 0, 2).reqno, RESP, PREFORK, 0, COOKIE)
    x = srv.accept()
    f = x.expect(HANDSHAKE, FORK, 1)
    x.send(f.reqno, ERROR, 0, 3)                # INVALID_PREFORK
    x.eof()


def s_exec(srv):
    c = guest(srv)
    c.sysreply(c.expect(SYSCALL, 20, 2).reqno, 0, 2)
    c.handshake(EXEC, 0)                        # the new image, same socket
    c.sysreply(c.expect(SYSCALL, 20, 1).reqno, 0, 2)
    c.eof()


def s_daemon(srv):
    c = guest(srv)
    c.send(c.expect(PREFORK, 0, 2).reqno, RESP, PREFORK, 0, COOKIE)
    d = srv.accept()
    d.handshake(FORK, 1, COOKIE + struct.pack('<i', 0))
    d.sysreply(d.expect(SYSCALL, 20, 2).reqno, 0, 5)
    f = d.expect(SYSCALL, 201, 3)               # 202: the daemon's check failed
    d.sysreply(f.reqno)
    d.eof()


def pattern(n):
    return bytes((i * 7 + i // 4096) & 0xff for i in range(n))


def s_big(srv):
    c = guest(srv)
    data = pattern(BIG)
    f = c.expect(SYSCALL, 4, 2)
    fd, addr, n = f.slots()
    assert (fd, n) == (3, BIG)
    got = c.copyin(addr, BIG // 2) + c.copyin(addr + BIG // 2, BIG // 2)
    assert got == data, 'copyin data differs'
    c.sysreply(f.reqno, 0, BIG)
    f = c.expect(SYSCALL, 3, 3)
    fd, addr, n = f.slots()
    q = BIG // 4
    for i in range(4):
        c.copyout(addr + i * q, data[i * q:(i + 1) * q])
    c.sysreply(f.reqno, 0, BIG)
    c.eof()


def s_badbanner(banner):
    def script(srv):
        c = srv.accept(banner=banner)
        if banner is None:
            c.close()
        else:
            c.eof()
    return script


def s_silent(srv):
    c = srv.accept(banner=None)                 # accepted, never greets
    c.eof()                                     # the client gives up


def s_silent_reconnect(srv):
    c = guest(srv)
    c.expect(SYSCALL, 20, 2)
    c.close()                                   # lost while waiting
    srv.accept(banner=None).eof()               # an attempt that times out
    c = srv.accept()                            # and the next one
    c.handshake(GUEST, 3)
    c.sysreply(c.expect(SYSCALL, 20, 4).reqno, 0, 42)
    c.eof()


# name, scenario argument(s), script, expected exit status, options
CASES = [
    ('guest_getpid', ['getpid'], s_getpid, 0, {}),
    ('tcp_getpid', ['tcp'], s_getpid, 0, {'tcp': True}),
    ('copyin_copyinstr_copyout', ['io'], s_io, 0, {}),
    ('error_frames_tryagain', ['errors'], s_errors, 0, {}),
    ('anonmmap', ['anonmmap'], s_anonmmap, 0, {}),
    ('raise_after_call', ['raise'], s_raise, 0, {}),
    ('threads_out_of_order', ['threads'], s_threads, 0, {}),
    ('malformed_short_len', ['malformed'], s_malformed('short'), 0, {}),
    ('malformed_huge_len', ['malformed'], s_malformed('huge'), 0, {}),
    ('malformed_unknown_request', ['malformed'], s_malformed('badtype'), 0,
     {}),
    ('malformed_short_sysresp', ['malformed'], s_malformed('shortresp'), 0,
     {}),
    ('malformed_copyout_len', ['malformed'], s_malformed('copyout'), 0, {}),
    ('malformed_copyin_body', ['malformed'], s_malformed('copyin'), 0, {}),
    ('eof_without_retry', ['malformed'], s_malformed('eof'), 0, {}),
    ('reconnect_once', ['reconnect'], s_reconnect, 0, {}),
    ('reconnect_die', ['die'], s_die, 1, {}),
    ('reconnect_timeout', ['timeout'], s_timeout, 0,
     {'stderr': b'reconnect failed, 1 second timeout'}),
    ('fork', ['fork'], s_fork, 0, {}),
    ('fork_cancel', ['forkcancel'], s_forkcancel, 0, {}),
    ('fork_bad_cookie', ['forkbad'], s_forkbad, 0, {}),
    ('exec_relative_url', ['exec'], s_exec, 0, {'relative': True}),
    ('daemon', ['daemon'], s_daemon, 0, {}),
    ('big_copies', ['big'], s_big, 0, {}),
    ('banner_without_newline', ['noinit'], s_badbanner(b'RUMPSP-0.4'), 0,
     {}),
    ('banner_eof', ['noinit'], s_badbanner(None), 0, {}),
    ('url_errors', ['url'], None, 0, {}),
    ('banner_timeout', ['silent'], s_silent, 0,
     {'env': {'RUMPCLIENT_BANNER_TIMEOUT': '1'}}),
    ('banner_timeout_tcp', ['silent'], s_silent, 0,
     {'tcp': True, 'env': {'RUMPCLIENT_BANNER_TIMEOUT': '1'}}),
    ('banner_timeout_then_reconnect', ['silentrecon'], s_silent_reconnect,
     0, {'env': {'RUMPCLIENT_BANNER_TIMEOUT': '1'}}),
    ('banner_timeout_bad_values', ['bannerenv'], None, 0, {}),
]


def run_case(binary, name, args, script, want, opts):
    tmp = tempfile.mkdtemp(prefix='spc')
    env = dict(os.environ)
    env.pop('RUMP__PARSEDSERVER', None)
    env.pop('RUMPCLIENT__EXECFD', None)
    env.pop('RUMPCLIENT_BANNER_TIMEOUT', None)
    env.update(opts.get('env', {}))
    cwd = None
    srv = None
    if opts.get('tcp'):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(('127.0.0.1', 0))
        env['RUMP_SERVER'] = 'tcp://127.0.0.1:%d/x' % ls.getsockname()[1]
        path = None
    else:
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.path.join(tmp, 'sock')
        ls.bind(path)
        env['RUMP_SERVER'] = 'unix://' + path
        if opts.get('relative'):
            cwd = tmp
            env['RUMP_SERVER'] = 'unix://sock'
            args = args + ['unix://' + path]
    ls.listen(8)
    srv = Server(ls)
    srv.path = path
    errors = []

    def serve():
        try:
            script(srv)
        except Exception:
            errors.append(traceback.format_exc())

    t = None
    if script is not None:
        t = threading.Thread(target=serve, daemon=True)
        t.start()
    try:
        p = subprocess.run([binary] + args, env=env, cwd=cwd, timeout=30,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = 'timeout', b''
    if t is not None:
        t.join(30)
        if t.is_alive():
            errors.append('server script did not finish')
    try:
        ls.close()
    except OSError:
        pass
    shutil.rmtree(tmp, ignore_errors=True)
    ok = not errors and rc == want
    if ok and 'stderr' in opts and opts['stderr'] not in err:
        errors.append('stderr lacks %r' % opts['stderr'])
        ok = False
    print('%s %s' % ('PASS' if ok else 'FAIL', name))
    if not ok:
        print('  client exit %s (want %s)' % (rc, want))
        for line in err.decode(errors='replace').splitlines():
            print('  client: ' + line)
        for e in errors:
            for line in e.splitlines():
                print('  server: ' + line)
    return ok


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    passed = failed = 0
    for case in CASES:
        if run_case(binary, *case):
            passed += 1
        else:
            failed += 1
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
