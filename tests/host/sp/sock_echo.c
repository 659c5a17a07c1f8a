/*
 * Sockets of a remote kernel (the image's, through librumpclient) serving
 * plain host sockets: a TCP listener made with remote socket, bind and
 * listen on port TCP_PORT, reached by Linux sockets at 127.0.0.1:TCP_PORT
 * (QEMU's user network forwards it), and an echo loop of remote poll,
 * accept, read and write. Checked: poll and select readiness of listening
 * and connected sockets (none, then some, EOF at the peer's close), 16
 * host connections at once, one 1 MiB transfer, and with UDP_PORT a UDP
 * datagram echoed by remote recvfrom and sendto.
 *
 *	RUMP_SERVER=tcp://127.0.0.1:P sock_echo TCP_PORT [UDP_PORT]
 *
 * Prints a line per case and "N passed, N failed"; used by
 * tests/qemu/run.py, whose case forwards the ports, and by
 * tests/host/net/net_remote.sh against rump_server with a TAP device
 * (SOCK_ECHO_ADDR=a.b.c.d: the kernel's address instead of 127.0.0.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"

/* NetBSD's values and layouts, as the remote kernel takes them. */

#define NB_FDSET_WORDS (RUMP_FD_SETSIZE / 32)
#define NCONN	       16
#define CONN_BYTES     (64 * 1024)
#define CONN_CHUNK     (8 * 1024)
#define BIG_BYTES      (1024 * 1024)
#define WAIT_MS	       30000

static int tcp_port, udp_port;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct rump_sockaddr_in
nb_addr(uint32_t addr, int port)
{
	struct rump_sockaddr_in a = { .sin_len = sizeof(a),
		.sin_family = RUMP_AF_INET };

	a.sin_port = htons((uint16_t)port);
	a.sin_addr = htonl(addr);
	return a;
}

/* ---- the remote side ---- */

/* A remote listening TCP socket on port, or -1. */
static int
remote_listen(int port)
{
	struct rump_sockaddr_in a = nb_addr(INADDR_ANY, port), got;
	unsigned len = sizeof(got);
	int s, one = 1;

	s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(s >= 0);
	CHECK_EQ_INT(rump_sys_setsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_REUSEADDR,
			 &one, sizeof(one)),
	    0);
	CHECK_EQ_INT(rump_sys_bind(s, &a, sizeof(a)), 0);
	CHECK_EQ_INT(rump_sys_listen(s, NCONN), 0);
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(rump_sys_getsockname(s, &got, &len), 0);
	CHECK_EQ_INT(got.sin_family, RUMP_AF_INET);
	CHECK_EQ_INT(ntohs(got.sin_port), port);
	if (check_case_failed) {
		if (s >= 0)
			rump_sys_close(s);
		return -1;
	}
	return s;
}

/* Remote poll of one descriptor: its revents, or -1. */
static int
remote_poll1(int fd, short events, int ms)
{
	struct rump_pollfd p = { .fd = fd, .events = events };
	int n = rump_sys_poll(&p, 1, ms);

	return n < 0 ? -1 : n == 0 ? 0 : p.revents;
}

/* Remote select for reading on fd: 1 ready, 0 not, -1 error. */
static int
remote_select_read(int fd, int ms)
{
	uint32_t set[NB_FDSET_WORDS] = { 0 };
	struct rump_timeval tv = { ms / 1000, (ms % 1000) * 1000, 0 };
	int n;

	set[fd / 32] |= 1U << (fd % 32);
	if ((n = rump_sys_select(fd + 1, set, NULL, NULL, &tv)) <= 0)
		return n;
	return (set[fd / 32] & (1U << (fd % 32))) != 0;
}

/* Writes all of buf to the remote fd: 0 or -1. */
static int
remote_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = rump_sys_write(fd, buf, len)) <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the host side ---- */

static int
host_connect(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (getenv("SOCK_ECHO_ADDR") != NULL &&
	    inet_pton(AF_INET, getenv("SOCK_ECHO_ADDR"), &a.sin_addr) != 1)
		return -1;
	a.sin_port = htons((uint16_t)port);
	if ((s = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == -1) {
		close(s);
		return -1;
	}
	return s;
}

/* Receives exactly len bytes within WAIT_MS each: 0, or -1. */
static int
host_recv_all(int s, char *buf, size_t len)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	ssize_t n;

	while (len > 0) {
		if (poll(&p, 1, WAIT_MS) != 1 || (n = recv(s, buf, len, 0)) <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static char
pattern(int id, size_t i)
{
	return (char)(i * 31 + i / 997 + (size_t)id * 7);
}

/* ---- the cases ---- */

/*
 * Readiness as poll and select see it: a listener with nobody waiting is
 * not readable, one with a connection is; a connection is readable once
 * data came, writable, and readable (EOF) after the peer closed.
 */
TEST(poll_and_select_see_tcp_readiness)
{
	char buf[16];
	int l, a = -1, h = -1;

	if ((l = remote_listen(tcp_port)) < 0)
		return;
	CHECK_EQ_INT(remote_poll1(l, RUMP_POLLIN, 0), 0);
	CHECK_EQ_INT(remote_select_read(l, 0), 0);
	CHECK((h = host_connect(SOCK_STREAM, tcp_port)) != -1);
	CHECK_EQ_INT(remote_select_read(l, WAIT_MS), 1);
	CHECK_EQ_INT(remote_poll1(l, RUMP_POLLIN, WAIT_MS), RUMP_POLLIN);
	a = rump_sys_accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK_EQ_INT(remote_poll1(a, RUMP_POLLIN, 0), 0);
	CHECK_EQ_INT(remote_poll1(a, RUMP_POLLOUT, 0), RUMP_POLLOUT);
	CHECK_EQ_INT(send(h, "ping", 4, 0), 4);
	CHECK_EQ_INT(remote_poll1(a, RUMP_POLLIN, WAIT_MS), RUMP_POLLIN);
	CHECK_EQ_INT(remote_select_read(a, 0), 1);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(a, buf, sizeof(buf)), 4);
	CHECK_EQ_STR(buf, "ping");
	CHECK_EQ_INT(rump_sys_write(a, "pong", 4), 4);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(host_recv_all(h, buf, 4), 0);
	CHECK_EQ_STR(buf, "pong");
	/* The peer's close: readable, and the read says EOF. */
	if (h != -1)
		close(h);
	CHECK(remote_poll1(a, RUMP_POLLIN, WAIT_MS) > 0);
	CHECK_EQ_INT(rump_sys_read(a, buf, sizeof(buf)), 0);
	/* The port is taken while the listener lives. */
	{
		struct rump_sockaddr_in sa = nb_addr(INADDR_ANY, tcp_port);
		int s2 = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);

		CHECK_EQ_INT(rump_sys_bind(s2, &sa, sizeof(sa)), -1);
		CHECK_EQ_INT(errno, RUMP_EADDRINUSE);
		rump_sys_close(s2);
	}
	if (a >= 0)
		CHECK_EQ_INT(rump_sys_close(a), 0);
	CHECK_EQ_INT(rump_sys_close(l), 0);
	CHECK_EQ_INT(remote_poll1(l, RUMP_POLLIN, 0), RUMP_POLLNVAL);
}

struct conn {
	int c_id;
	int c_ok;
};

/* A host connection: CONN_BYTES out and back in CONN_CHUNK steps. */
static void *
host_conn(void *arg)
{
	struct conn *c = arg;
	char out[CONN_CHUNK], in[CONN_CHUNK];
	size_t off, i;
	int s;

	if ((s = host_connect(SOCK_STREAM, tcp_port)) == -1)
		return NULL;
	for (off = 0; off < CONN_BYTES; off += CONN_CHUNK) {
		for (i = 0; i < CONN_CHUNK; i++)
			out[i] = pattern(c->c_id, off + i);
		if (send(s, out, CONN_CHUNK, MSG_NOSIGNAL) != CONN_CHUNK ||
		    host_recv_all(s, in, CONN_CHUNK) != 0 ||
		    memcmp(in, out, CONN_CHUNK) != 0)
			break;
	}
	c->c_ok = off == CONN_BYTES;
	close(s);
	return NULL;
}

/*
 * NCONN host connections at once, served by one remote poll loop over the
 * listener and every accepted socket; each connection's bytes come back
 * to it unchanged.
 */
TEST(poll_loop_echoes_16_host_connections)
{
	static char buf[CONN_CHUNK * 2];
	struct rump_pollfd p[NCONN + 1];
	struct conn c[NCONN];
	pthread_t t[NCONN];
	int l, n, i, np = 1, accepted = 0, closed = 0, ok = 0, polls = 0;
	ssize_t got;
	double t0 = now();

	if ((l = remote_listen(tcp_port)) < 0)
		return;
	for (i = 0; i < NCONN; i++) {
		c[i] = (struct conn){ .c_id = i };
		CHECK_EQ_INT(pthread_create(&t[i], NULL, host_conn, &c[i]), 0);
	}
	p[0] = (struct rump_pollfd){ .fd = l, .events = RUMP_POLLIN };
	while (closed < NCONN && now() - t0 < WAIT_MS / 1000.0) {
		if ((n = rump_sys_poll(p, (unsigned)np, WAIT_MS)) <= 0) {
			CHECK(!"remote poll returned a ready descriptor");
			break;
		}
		polls++;
		for (i = np - 1; i >= 0; i--) {
			if (p[i].revents == 0)
				continue;
			if (i == 0) {
				int a = rump_sys_accept(l, NULL, NULL);

				CHECK(a >= 0 && np <= NCONN);
				if (a < 0 || np > NCONN)
					goto out;
				p[np++] = (struct rump_pollfd){ .fd = a,
					.events = RUMP_POLLIN };
				accepted++;
				continue;
			}
			got = rump_sys_read(p[i].fd, buf, sizeof(buf));
			if (got > 0 &&
			    remote_write_all(p[i].fd, buf, (size_t)got) == 0)
				continue;
			CHECK(got == 0); /* EOF, not an error */
			CHECK_EQ_INT(rump_sys_close(p[i].fd), 0);
			p[i] = p[--np];
			closed++;
		}
	}
out:
	for (i = 1; i < np; i++)
		rump_sys_close(p[i].fd);
	rump_sys_close(l);
	for (i = 0; i < NCONN; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].c_ok;
	}
	CHECK_EQ_INT(accepted, NCONN);
	CHECK_EQ_INT(closed, NCONN);
	CHECK_EQ_INT(ok, NCONN);
	printf("  %d connections x %d KiB echoed in %.2f s, %d remote polls\n",
	    ok, CONN_BYTES / 1024, now() - t0, polls);
}

struct big {
	int b_sock;
	int b_sent;	/* all of it, then shutdown */
	int b_received; /* all of it, then EOF */
	char *b_in;
};

static void *
host_send_big(void *arg)
{
	struct big *b = arg;
	static char out[64 * 1024];
	size_t off, i;

	for (off = 0; off < BIG_BYTES; off += sizeof(out)) {
		for (i = 0; i < sizeof(out); i++)
			out[i] = pattern(99, off + i);
		if (send(b->b_sock, out, sizeof(out), MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(out))
			return NULL;
	}
	shutdown(b->b_sock, SHUT_WR);
	b->b_sent = 1;
	return NULL;
}

static void *
host_recv_big(void *arg)
{
	struct big *b = arg;
	char c;

	b->b_received = host_recv_all(b->b_sock, b->b_in, BIG_BYTES) == 0 &&
	    recv(b->b_sock, &c, 1, 0) == 0;
	return NULL;
}

/*
 * 1 MiB from the host through a remote accept, read and write loop and
 * back, the host sending and receiving at once; the image sees EOF after
 * the host's shutdown, the host after the image's close.
 */
TEST(one_mib_echoed_through_remote_read_and_write)
{
	static char in[BIG_BYTES], buf[64 * 1024];
	struct big b = { .b_sock = -1, .b_in = in };
	pthread_t ts, tr;
	size_t i, bad = 0, total = 0;
	ssize_t n;
	double t0;
	int l, a;

	if ((l = remote_listen(tcp_port)) < 0)
		return;
	if ((b.b_sock = host_connect(SOCK_STREAM, tcp_port)) == -1 ||
	    (a = rump_sys_accept(l, NULL, NULL)) < 0) {
		CHECK(!"connected and accepted");
		rump_sys_close(l);
		if (b.b_sock != -1)
			close(b.b_sock);
		return;
	}
	t0 = now();
	CHECK_EQ_INT(pthread_create(&ts, NULL, host_send_big, &b), 0);
	CHECK_EQ_INT(pthread_create(&tr, NULL, host_recv_big, &b), 0);
	while ((n = rump_sys_read(a, buf, sizeof(buf))) > 0) {
		if (remote_write_all(a, buf, (size_t)n) != 0)
			break;
		total += (size_t)n;
	}
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(total, BIG_BYTES);
	CHECK_EQ_INT(rump_sys_close(a), 0);
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	CHECK(b.b_sent);
	CHECK(b.b_received); /* and then EOF: the image's close */
	for (i = 0; i < BIG_BYTES; i++)
		bad += in[i] != pattern(99, i);
	CHECK_EQ_INT(bad, 0);
	printf("  1 MiB out and back in %.2f s\n", now() - t0);
	close(b.b_sock);
	CHECK_EQ_INT(rump_sys_close(l), 0);
}

/*
 * A datagram from the host to a remote UDP socket, seen by poll, received
 * with its sender's address and sent back there.
 */
TEST(udp_datagram_echoed_by_recvfrom_and_sendto)
{
	struct rump_sockaddr_in a = nb_addr(INADDR_ANY, udp_port), from;
	unsigned flen = sizeof(from);
	char buf[64];
	int s, h;

	s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0);
	CHECK(s >= 0);
	CHECK_EQ_INT(rump_sys_bind(s, &a, sizeof(a)), 0);
	CHECK_EQ_INT(remote_poll1(s, RUMP_POLLIN, 0), 0);
	CHECK((h = host_connect(SOCK_DGRAM, udp_port)) != -1);
	CHECK_EQ_INT(send(h, "datagram", 8, 0), 8);
	CHECK_EQ_INT(remote_poll1(s, RUMP_POLLIN, WAIT_MS), RUMP_POLLIN);
	memset(buf, 0, sizeof(buf));
	memset(&from, 0, sizeof(from));
	CHECK_EQ_INT(rump_sys_recvfrom(s, buf, sizeof(buf), 0, &from, &flen), 8);
	CHECK_EQ_STR(buf, "datagram");
	CHECK_EQ_INT(from.sin_family, RUMP_AF_INET);
	CHECK(from.sin_port != 0);
	CHECK_EQ_INT(rump_sys_sendto(s, "reply", 5, 0, &from, sizeof(from)), 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(host_recv_all(h, buf, 5), 0);
	CHECK_EQ_STR(buf, "reply");
	if (h != -1)
		close(h);
	CHECK_EQ_INT(rump_sys_close(s), 0);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3 || (tcp_port = atoi(argv[1])) <= 0 ||
	    (argc == 3 && (udp_port = atoi(argv[2])) <= 0)) {
		fprintf(stderr,
		    "usage: RUMP_SERVER=URL sock_echo TCP_PORT "
		    "[UDP_PORT]\n");
		return 2;
	}
	alarm(120); /* a remote call that never returns ends us */
	if (rumpclient_init() != 0) {
		printf("rumpclient_init: %s\n", strerror(errno));
		return 1;
	}
	RUN(poll_and_select_see_tcp_readiness);
	RUN(poll_loop_echoes_16_host_connections);
	RUN(one_mib_echoed_through_remote_read_and_write);
	if (udp_port != 0)
		RUN(udp_datagram_echoed_by_recvfrom_and_sendto);
	return check_done();
}
