/*
 * The kernel's socket system calls (kernel/net/socket*.c) in the image,
 * through rump_sys_*() as a program would call them, over 127.0.0.1:
 * TCP accept/connect/read/write/shutdown with a thread on each side, names,
 * options, poll and select, nonblocking calls, UDP datagrams, and the
 * errors NetBSD gives. No network device is needed.
 */
#include <errno.h>
#include <string.h>

#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

/* NetBSD errno values (rump_sys_* report those). */
#define BIG (256 * 1024)

static struct rump_sockaddr_in
loopback(uint16_t port)
{
	struct rump_sockaddr_in s = { sizeof(s), RUMP_AF_INET,
		(uint16_t)(port >> 8 | port << 8), 0x0100007f,
		{ 0 } }; /* network order: 127.0.0.1 */

	return s;
}

static unsigned char
pat(size_t i)
{
	return (unsigned char)(i * 13 + i / 509);
}

/* The client side of tcp_echo_through_sockets: sends BIG bytes, reads back. */
static int client_result = -1;

static void *
echo_client(void *arg)
{
	static unsigned char out[4096], in[4096];
	struct rump_sockaddr_in a = loopback((uint16_t)(uintptr_t)arg);
	size_t sent = 0, got = 0;
	int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);

	if (s < 0 || rump_sys_connect(s, &a, sizeof(a)) != 0) {
		client_result = 1;
		return NULL;
	}
	while (got < BIG) {
		if (sent < BIG) {
			for (size_t i = 0; i < sizeof(out); i++)
				out[i] = pat(sent + i);
			if (rump_sys_write(s, out, sizeof(out)) != sizeof(out))
				break;
			sent += sizeof(out);
		}
		while (got < sent) {
			ssize_t n = rump_sys_read(s, in, sizeof(in));
			if (n <= 0)
				goto out;
			for (ssize_t i = 0; i < n; i++)
				if (in[i] != pat(got + (size_t)i))
					goto out;
			got += (size_t)n;
		}
	}
out:
	rump_sys_shutdown(s, RUMP_SHUT_WR);
	/* After our FIN the server closes: read sees end of file. */
	client_result = got == BIG && rump_sys_read(s, in, 1) == 0 ? 0 : 2;
	rump_sys_close(s);
	return NULL;
}

TESTCASE(sockets_tcp_echo)
{
	static unsigned char buf[8192];
	struct rump_sockaddr_in a = loopback(7007), peer;
	unsigned alen = sizeof(peer);
	int l, c, one = 1, v = 0, n, total = 0;
	struct {
		int fd;
		short events, revents;
	} pfd;
	void *th;

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK((l = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0,
	    "socket: errno %d", errno);
	TCHECK(rump_sys_setsockopt(l, RUMP_SOL_SOCKET, RUMP_SO_REUSEADDR, &one,
		   sizeof(one)) == 0,
	    "SO_REUSEADDR");
	TCHECK(rump_sys_bind(l, &a, sizeof(a)) == 0, "bind: %d", errno);
	TCHECK(rump_sys_listen(l, 4) == 0, "listen: %d", errno);
	alen = sizeof(peer);
	TCHECK(rump_sys_getsockname(l, &peer, &alen) == 0 && alen == 16 &&
		peer.sin_family == RUMP_AF_INET && peer.sin_port == a.sin_port,
	    "getsockname");

	/* Nothing pending: poll says so, a nonblocking accept EAGAIN. */
	pfd.fd = l;
	pfd.events = RUMP_POLLIN;
	TCHECK(rump_sys_poll(&pfd, 1, 0) == 0, "poll on an idle listener");

	TCHECK(rumpuser_thread_create(echo_client, (void *)(uintptr_t)7007,
		   "echo-client", 1, 0, -1, &th) == 0,
	    "thread");
	TCHECK(rump_sys_poll(&pfd, 1, 10000) == 1 && (pfd.revents & RUMP_POLLIN),
	    "poll: a connection to accept");
	alen = sizeof(peer);
	TCHECK((c = rump_sys_accept(l, &peer, &alen)) >= 0, "accept: %d", errno);
	TCHECK(peer.sin_addr == 0x0100007f && alen == 16, "peer address");
	alen = sizeof(v);
	TCHECK(rump_sys_setsockopt(c, RUMP_IPPROTO_TCP, RUMP_TCP_NODELAY, &one,
		   sizeof(one)) == 0 &&
		rump_sys_getsockopt(c, RUMP_IPPROTO_TCP, RUMP_TCP_NODELAY, &v,
		    &alen) == 0 &&
		v == 1,
	    "TCP_NODELAY");
	alen = sizeof(v);
	TCHECK(rump_sys_getsockopt(c, RUMP_SOL_SOCKET, RUMP_SO_TYPE, &v,
		   &alen) == 0 &&
		v == RUMP_SOCK_STREAM,
	    "SO_TYPE");
	while ((n = (int)rump_sys_read(c, buf, sizeof(buf))) > 0) {
		TCHECK(rump_sys_write(c, buf, (size_t)n) == n, "echo write");
		total += n;
	}
	TCHECK(n == 0, "read ends with end of file, not %d (errno %d)", n, errno);
	rump_sys_close(c);
	rumpuser_thread_join(th);
	TCHECK(client_result == 0, "client side failed: %d", client_result);
	TCHECK(total == BIG, "echoed %d bytes", total);
	rump_sys_close(l);
	kprintf("sockets: tcp echoed %d bytes over 127.0.0.1\n", total);
	return 0;
}

TESTCASE(sockets_errors_and_udp)
{
	struct rump_sockaddr_in a = loopback(7008), b = loopback(7009), from;
	unsigned flen = sizeof(from);
	char buf[64];
	int s1, s2, u1, u2, v;
	uint32_t rd[8];
	struct rump_timeval tv = { 2, 0, 0 };

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_sys_socket(RUMP_AF_INET6, RUMP_SOCK_STREAM, 0) == -1 &&
		errno == RUMP_EAFNOSUPPORT,
	    "AF_INET6: EAFNOSUPPORT");
	TCHECK(rump_sys_listen(0, 1) == -1 && errno == RUMP_ENOTSOCK,
	    "listen on the console: ENOTSOCK");

	/* The port is taken: EADDRINUSE. */
	TCHECK((s1 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0,
	    "socket");
	TCHECK(rump_sys_bind(s1, &a, sizeof(a)) == 0, "bind");
	TCHECK(rump_sys_listen(s1, 1) == 0, "listen");
	TCHECK((s2 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0,
	    "socket");
	TCHECK(rump_sys_bind(s2, &a, sizeof(a)) == -1 && errno == RUMP_EADDRINUSE,
	    "second bind: errno %d", errno);
	rump_sys_close(s2);
	rump_sys_close(s1);

	/* Nobody listens on b: ECONNREFUSED. */
	TCHECK((s2 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0,
	    "socket");
	TCHECK(rump_sys_connect(s2, &b, sizeof(b)) == -1 &&
		errno == RUMP_ECONNREFUSED,
	    "connect to a closed port: errno %d", errno);
	rump_sys_close(s2);

	/* UDP: a datagram each way, the sender's address, select. */
	TCHECK((u1 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0)) >= 0,
	    "udp");
	TCHECK((u2 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0)) >= 0,
	    "udp");
	TCHECK(rump_sys_bind(u1, &a, sizeof(a)) == 0, "udp bind a");
	TCHECK(rump_sys_bind(u2, &b, sizeof(b)) == 0, "udp bind b");
	TCHECK(rump_sys_sendto(u2, "datagram", 8, 0, &a, sizeof(a)) == 8,
	    "sendto: %d", errno);
	memset(rd, 0, sizeof(rd));
	rd[0] = 1U << u1;
	TCHECK(rump_sys_select(u1 + 1, rd, NULL, NULL, &tv) == 1 &&
		rd[0] == 1U << u1,
	    "select: the datagram is there");
	TCHECK(rump_sys_recvfrom(u1, buf, sizeof(buf), 0, &from, &flen) == 8 &&
		memcmp(buf, "datagram", 8) == 0,
	    "recvfrom");
	TCHECK(flen == 16 && from.sin_port == b.sin_port &&
		from.sin_addr == b.sin_addr,
	    "sender's address");
	/* A short buffer takes the start of a datagram; the rest is gone. */
	TCHECK(rump_sys_sendto(u1, "0123456789", 10, 0, &b, sizeof(b)) == 10,
	    "sendto back");
	TCHECK(rump_sys_recvfrom(u2, buf, 4, 0, NULL, NULL) == 4 &&
		memcmp(buf, "0123", 4) == 0,
	    "truncated datagram");
	/* Empty now: a nonblocking receive says EAGAIN. */
	TCHECK(rump_sys_recvfrom(u2, buf, 4, RUMP_MSG_DONTWAIT, NULL, NULL) == -1 &&
		errno == RUMP_EAGAIN,
	    "MSG_DONTWAIT: errno %d", errno);
	flen = sizeof(v);
	TCHECK(rump_sys_getsockopt(u1, RUMP_SOL_SOCKET, RUMP_SO_ERROR, &v,
		   &flen) == 0 &&
		v == 0,
	    "RUMP_SO_ERROR");
	rump_sys_close(u1);
	rump_sys_close(u2);

	/* A nonblocking socket: accept with nobody waiting is EAGAIN. */
	TCHECK((s1 = rump_sys_socket(RUMP_AF_INET,
		    RUMP_SOCK_STREAM | RUMP_SOCK_NONBLOCK, 0)) >= 0,
	    "nonblocking socket");
	TCHECK(rump_sys_bind(s1, &b, sizeof(b)) == 0 &&
		rump_sys_listen(s1, 1) == 0,
	    "bind+listen");
	TCHECK(rump_sys_accept(s1, NULL, NULL) == -1 && errno == RUMP_EAGAIN,
	    "nonblocking accept: errno %d", errno);
	rump_sys_close(s1);
	return 0;
}

/* accept() blocked in one thread while another closes the descriptor. */
static int blocked_fd, blocked_result, blocked_errno;

static void *
blocked_accept(void *arg)
{
	(void)arg;
	blocked_result = rump_sys_accept(blocked_fd, NULL, NULL);
	blocked_errno = errno;
	return NULL;
}

TESTCASE(sockets_close_under_blocked_accept)
{
	struct rump_sockaddr_in a = loopback(7010);
	struct rump_timespec ts = { 0, 100000000 };
	void *th;

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK((blocked_fd = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >=
		0,
	    "socket");
	TCHECK(rump_sys_bind(blocked_fd, &a, sizeof(a)) == 0 &&
		rump_sys_listen(blocked_fd, 1) == 0,
	    "bind+listen");
	TCHECK(rumpuser_thread_create(blocked_accept, NULL, "acceptor", 1, 0,
		   -1, &th) == 0,
	    "thread");
	rump_sys_nanosleep(&ts, NULL); /* let it block */
	TCHECK(rump_sys_close(blocked_fd) == 0, "close");
	rumpuser_thread_join(th);
	TCHECK(blocked_result == -1 && blocked_errno == RUMP_EBADF,
	    "the blocked accept ended with %d, errno %d", blocked_result,
	    blocked_errno);
	/* The port is free again: the socket really went. */
	TCHECK((blocked_fd = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >=
		    0 &&
		rump_sys_bind(blocked_fd, &a, sizeof(a)) == 0,
	    "bind again: %d", errno);
	rump_sys_close(blocked_fd);
	return 0;
}

/* shutdown() by one thread ends another's blocked read with end of file. */
static int reader_fd;
static ssize_t reader_result = -2;

static void *
blocked_read(void *arg)
{
	char c;

	(void)arg;
	reader_result = rump_sys_read(reader_fd, &c, 1);
	return NULL;
}

TESTCASE(sockets_shutdown_under_blocked_read)
{
	struct rump_sockaddr_in a = loopback(7011);
	struct rump_timespec ts = { 0, 100000000 };
	int l, c, s;
	char buf[4];
	void *th;

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK((l = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0 &&
		rump_sys_bind(l, &a, sizeof(a)) == 0 &&
		rump_sys_listen(l, 1) == 0,
	    "listener");
	TCHECK((s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) >= 0 &&
		rump_sys_connect(s, &a, sizeof(a)) == 0,
	    "connect: %d", errno);
	TCHECK((c = rump_sys_accept(l, NULL, NULL)) >= 0, "accept");
	reader_fd = c;
	TCHECK(rumpuser_thread_create(blocked_read, NULL, "reader", 1, 0, -1,
		   &th) == 0,
	    "thread");
	rump_sys_nanosleep(&ts, NULL); /* let it block */
	TCHECK(rump_sys_shutdown(c, RUMP_SHUT_RDWR) == 0, "shutdown: %d", errno);
	rumpuser_thread_join(th);
	TCHECK(reader_result == 0, "the blocked read returned %d, not 0",
	    (int)reader_result);
	TCHECK(rump_sys_read(s, buf, 1) == 0, "the peer sees our FIN");
	TCHECK(rump_sys_write(c, "x", 1) == -1 && errno == RUMP_EPIPE,
	    "write after RUMP_SHUT_WR: errno %d", errno);
	TCHECK(rump_sys_shutdown(l, 0) == -1 && errno == 57,
	    "shutdown of a listener: ENOTCONN, not %d", errno);
	rump_sys_close(c);
	rump_sys_close(s);
	rump_sys_close(l);
	return 0;
}
