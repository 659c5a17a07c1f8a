#!/usr/bin/python3
"""Raw frames against a rump_sp server that has a key (doc/rump_sp-auth.md):
the handshake computed here with Python's own hmac module, every way to
skip or fake it, and that none of those creates a process. Prints
"PASS name" / "FAIL name: why" per case, then "refused N" (how many
refusals the cases caused); test_auth_server.c counts and checks them.

usage: auth_frames.py unix:///path/to/socket KEYHEX [CASE...]  (named, or all)
       auth_frames.py --list                            (the case names)"""
import hashlib
import hmac
import os
import re
import struct
import sys

URL = sys.argv[1] if len(sys.argv) > 1 else "--list"
KEY = bytes.fromhex(sys.argv[2]) if URL != "--list" else b""
PATH = URL[len("unix://"):]
from spframes import (REQ, RESP, ERROR, HANDSHAKE, SYSCALL, PREFORK, GUEST,
                      AUTH, FORK, EXEC, RawConn)
ERR_AUTH = 2
SYS_GETPID = 20
BANNER = re.compile(rb"^RUMPSP-0\.4-NetBSD-10\.0/amd64 auth=hmac-sha256:"
                    rb"([0-9a-f]{32})\n$")
failures = 0
refused = 0


def proof(role, snonce, cnonce, key=KEY):
    return hmac.new(key, b"rumpsp-auth-" + role + snonce + cnonce,
                    hashlib.sha256).digest()


class Conn(RawConn):
    def __init__(self):
        super().__init__(PATH)
        self.banner = self.s.recv(95)
        m = BANNER.match(self.banner)
        if not m:
            raise AssertionError("banner %r" % self.banner)
        self.snonce = bytes.fromhex(m.group(1).decode())
        self.reqno = 1

    def auth(self, key=KEY, cnonce=None, mac=None):
        cnonce = os.urandom(16) if cnonce is None else cnonce
        mac = proof(b"client", self.snonce, cnonce, key) if mac is None else mac
        self.send(self.reqno, REQ, HANDSHAKE, AUTH, cnonce + mac)
        self.reqno += 1
        return cnonce, self.frame()

    def guest(self):
        self.send(self.reqno, REQ, HANDSHAKE, GUEST, b"authframes\0")
        self.reqno += 1
        return self.frame()

    def getpid(self):
        self.send(self.reqno, REQ, SYSCALL, SYS_GETPID)
        self.reqno += 1
        reqno, cls, typ, u, b = self.frame()
        expect(cls == RESP and typ == SYSCALL, "getpid reply %r" % ((cls, typ),))
        return struct.unpack("<iiqq", b)[2]

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


def expect_refused(c, frame, reqno, reason):
    """An ERROR AUTH echoing reqno with a reason, then the close."""
    global refused
    r, cls, typ, u, body = frame
    expect((r, cls, typ, u) == (reqno, ERROR, 0, ERR_AUTH),
           "not ERROR AUTH: %r" % (frame,))
    expect(body.endswith(b"\0") and reason in body,
           "reason %r lacks %r" % (body, reason))
    expect(c.eof(), "connection left open")
    refused += 1


def served_pid():
    """A client that does everything right: its pid."""
    c = Conn()
    c.auth()
    expect(c.guest()[1] == RESP, "guest refused")
    pid = c.getpid()
    c.close()
    return pid


@case
def right_key_is_answered_with_the_servers_proof():
    c = Conn()
    cnonce, (reqno, cls, typ, u, body) = c.auth()
    expect((reqno, cls, typ, u) == (1, RESP, HANDSHAKE, 0), "reply %r" %
           ((reqno, cls, typ, u),))
    expect(len(body) == 36 and body[:4] == b"\0\0\0\0", "body %r" % body)
    expect(body[4:] == proof(b"server", c.snonce, cnonce),
           "the server's proof is not HMAC(key, server label, nonces)")
    expect(c.guest()[:4] == (2, RESP, HANDSHAKE, 0), "guest after auth")
    expect(c.getpid() > 0, "no pid after auth")
    c.close()


@case
def every_banner_has_a_fresh_challenge():
    nonces = set()
    for _ in range(8):
        c = Conn()
        expect(len(c.banner) <= 95, "banner of %d bytes" % len(c.banner))
        nonces.add(c.snonce)
        c.close()
    expect(len(nonces) == 8, "nonces repeat")


@case
def guest_without_the_key_is_refused():
    c = Conn()
    c.send(1, REQ, HANDSHAKE, GUEST, b"netbsd-client\0")
    expect_refused(c, c.frame(), 1, b"no key")


@case
def wrong_key_is_refused():
    c = Conn()
    _, f = c.auth(key=bytes(32))
    expect_refused(c, f, 1, b"wrong key")


@case
def key_that_differs_in_its_last_byte_is_refused():
    c = Conn()
    _, f = c.auth(key=KEY[:-1] + bytes([KEY[-1] ^ 1]))
    expect_refused(c, f, 1, b"wrong key")


@case
def proof_for_another_connections_challenge_is_refused():
    a, b = Conn(), Conn()
    cnonce = os.urandom(16)
    _, f = b.auth(cnonce=cnonce, mac=proof(b"client", a.snonce, cnonce))
    expect_refused(b, f, 1, b"wrong key")
    a.close()


@case
def the_servers_proof_does_not_pass_as_a_clients():
    c = Conn()
    cnonce = os.urandom(16)
    _, f = c.auth(cnonce=cnonce, mac=proof(b"server", c.snonce, cnonce))
    expect_refused(c, f, 1, b"wrong key")


@case
def any_other_first_frame_is_refused():
    for name, (cls, typ, u, body) in {
            "syscall": (REQ, SYSCALL, SYS_GETPID, b""),
            "prefork": (REQ, PREFORK, 0, b""),
            "fork": (REQ, HANDSHAKE, FORK, bytes(20)),
            "exec": (REQ, HANDSHAKE, EXEC, b"x\0"),
            "resp": (RESP, HANDSHAKE, 0, b"\0" * 4),
            "error": (ERROR, 0, 1, b""),
            "unknown": (REQ, 99, 0, b""),
    }.items():
        c = Conn()
        c.send(5, cls, typ, u, body)
        try:
            expect_refused(c, c.frame(), 5, b"no key")
        except AssertionError as e:
            raise AssertionError("%s: %s" % (name, e)) from None


@case
def auth_bodies_of_the_wrong_size_are_refused():
    for n in (0, 47, 49, 1000):
        c = Conn()
        c.send(1, REQ, HANDSHAKE, AUTH, os.urandom(n))
        expect_refused(c, c.frame(), 1, b"malformed")


@case
def a_second_auth_after_success_is_refused():
    c = Conn()
    c.auth()
    _, f = c.auth()
    r, cls, typ, u, _ = f
    expect((r, cls, u) == (2, ERROR, ERR_AUTH), "second auth: %r" % (f,))
    expect(c.eof(), "connection left open")


@case
def a_client_that_leaves_midway_costs_nothing():
    c = Conn()
    c.s.sendall(struct.pack("<QQHHI", 24 + 48, 1, REQ, HANDSHAKE, AUTH) +
                b"\1" * 20)
    c.close()
    c = Conn()
    c.close()


@case
def refused_clients_made_no_process():
    """Pids are never reused: around refused clients, the second good
    client's pid is the first's + 1."""
    first = served_pid()
    c = Conn()
    c.send(1, REQ, HANDSHAKE, GUEST, b"netbsd-client\0")
    expect_refused(c, c.frame(), 1, b"no key")
    c = Conn()
    _, f = c.auth(key=bytes(32))
    expect_refused(c, f, 1, b"wrong key")
    pid = served_pid()
    expect(pid == first + 1, "pid %d after %d: refused clients "
           "made processes" % (pid, first))


if URL == "--list":
    print("\n".join(fn.__name__ for fn in CASES))
    sys.exit(0)
run_cases(sys.argv[3:])
print("refused %d" % refused, flush=True)
sys.exit(1 if failures else 0)
