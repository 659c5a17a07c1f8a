"""What frames.py and auth_frames.py share: the rump_sp frame header and
its class, type and handshake numbers (doc/rump_sp.md), and a raw
connection that sends and reads whole frames, for tests that speak the
protocol byte by byte."""
import socket
import struct

REQ, RESP, ERROR = 0, 1, 2
HANDSHAKE, SYSCALL, COPYIN, COPYINSTR, COPYOUT, ANONMMAP, PREFORK, RAISE = \
    0, 1, 2, 3, 4, 6, 7, 8
GUEST, AUTH, FORK, EXEC = 0, 1, 2, 3


class RawConn:
    """A connection to the server at unix socket path, banner unread."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Against a hang, not a measure: a loaded machine is slow.
        self.s.settimeout(30)
        self.s.connect(path)
        self.reqno = 1

    def send(self, reqno, cls, typ, u, body=b""):
        self.s.sendall(struct.pack("<QQHHI", 24 + len(body), reqno, cls,
                                   typ, u) + body)

    def recvn(self, n):
        b = b""
        while len(b) < n:
            d = self.s.recv(n - len(b))
            if not d:
                raise EOFError
            b += d
        return b

    def frame(self):
        ln, reqno, cls, typ, u = struct.unpack("<QQHHI", self.recvn(24))
        return reqno, cls, typ, u, self.recvn(ln - 24) if ln > 24 else b""

    def eof(self):
        """True when the server closed the connection (after any frames)."""
        try:
            while self.s.recv(4096):
                pass
            return True
        except (socket.timeout, OSError):
            return False
