#!/usr/bin/python3
"""A rump_server whose kernel memory runs out (rump_server -r 200k) refuses
the next handshake with an ERROR frame that says why, keeps serving the
clients it has, and serves a new one once memory comes back.

usage: server_nomem.py BINDIR (rump_server and rump.halt live there)"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
REQ, RESP, ERROR = 0, 1, 2
HANDSHAKE, SYSCALL = 0, 1
ERR_NOMEM = 6
passed = failed = 0


def frame(s):
    def recvn(n):
        b = b""
        while len(b) < n:
            d = s.recv(n - len(b))
            if not d:
                raise EOFError
            b += d
        return b
    ln, reqno, cls, typ, u = struct.unpack("<QQHHI", recvn(24))
    return cls, typ, u, recvn(ln - 24) if ln > 24 else b""


def guest(path):
    """A new connection's GUEST handshake: (socket, reply frame)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    if not s.recv(95):
        raise EOFError("no banner")
    name = b"nomem\0"
    s.sendall(struct.pack("<QQHHI", 24 + len(name), 1, REQ, HANDSHAKE, 0) + name)
    return s, frame(s)


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", name, flush=True)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why), flush=True)


def main():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "s.sock")
    url = "unix://" + path
    st = subprocess.run([os.path.join(BIN, "rump_server"), "-r", "200k", url])
    if st.returncode != 0:
        check("server_starts_with_200k", False, "exit %d" % st.returncode)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    conns, refusal = [], None
    try:
        for _ in range(255):
            s, (cls, typ, u, body) = guest(path)
            if cls != RESP:
                refusal = (cls, u, body)
                s.close()
                break
            conns.append(s)
        check("out_of_memory_handshake_gets_an_error_frame",
              refusal is not None and refusal[0] == ERROR and
              refusal[1] == ERR_NOMEM and
              refusal[2] == b"out of kernel memory for a process\0",
              "after %d clients: %r" % (len(conns), refusal))
        # A client it already has is still served: getpid (20).
        s = conns[-1]
        s.sendall(struct.pack("<QQHHI", 24, 7, REQ, SYSCALL, 20))
        cls, typ, u, body = frame(s)
        err, _, rv0, _ = struct.unpack("<iiqq", body)
        check("clients_it_has_are_still_served",
              cls == RESP and typ == SYSCALL and err == 0 and rv0 > 1,
              "getpid: %r" % ((cls, typ, err, rv0),))
        # Half the clients go; their processes' memory comes back.
        for s in conns[: len(conns) // 2]:
            s.close()
        conns = conns[len(conns) // 2:]
        served, end = None, time.time() + 60
        while served is None and time.time() < end:
            s, (cls, typ, u, body) = guest(path)
            if cls == RESP:
                served = s
            else:
                s.close()
                time.sleep(0.1)
        check("a_new_client_is_served_once_memory_is_back", served is not None,
              "still refused after 60 s")
        if served is not None:
            conns.append(served)
    finally:
        for s in conns:
            s.close()
        subprocess.run([os.path.join(BIN, "rump.halt")],
                       env=dict(os.environ, RUMP_SERVER=url))
    print("%d passed, %d failed" % (passed, failed))
    return failed != 0


sys.exit(main())
