/*
 * TCP/IP in the host build's kernel (lwIP on the POSIX hypercalls,
 * kernel/net/host.mk): AF_INET sockets on the loopback interface between
 * processes of one kernel, each process on a host thread of its own.
 * Checked: bind and getsockname, a TCP server and client lwp exchanging
 * data both ways and seeing the other's close, a refused connection, UDP
 * with the sender's address, poll and select readiness, a second
 * kernel-side listener on a port in use (EADDRINUSE), and which close()
 * ends a blocked call (one in the same descriptor table, not one in a
 * forked copy). Errors are NetBSD's numbers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "net/net_util.h"

#define CHECK_ERR(expr, e)                \
	do {                              \
		errno = 0;                \
		CHECK_EQ_INT((expr), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

#define BIG	(256 * 1024)
#define WAIT_MS 30000

/* A new process of init's, bound to the calling thread. */
static int
new_process(void)
{
	return rump_pub_lwproc_rfork(RUMP_RFCFDG);
}

static int
write_all(int s, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = rump_sys_write(s, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int s, unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = rump_sys_read(s, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static unsigned char
pattern(size_t i, int seed)
{
	return (unsigned char)((i * 131 + (size_t)seed * 7 + (i >> 9)) & 0xff);
}

TEST(bind_and_getsockname_on_loopback)
{
	struct rump_sockaddr_in a;
	unsigned len = sizeof(a);
	uint16_t port = 0;
	int s, t;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	s = bound_socket(RUMP_SOCK_STREAM, &port);
	CHECK(s >= 0);
	CHECK(port != 0);
	memset(&a, 0xff, sizeof(a));
	CHECK_EQ_INT(rump_sys_getsockname(s, &a, &len), 0);
	CHECK_EQ_INT(len, 16);
	CHECK_EQ_INT(a.sin_family, RUMP_AF_INET);
	CHECK_EQ_INT(ntohl(a.sin_addr), INADDR_LOOPBACK);
	CHECK_EQ_INT(ntohs(a.sin_port), port);
	/* A second listener on the same address and port. */
	CHECK_EQ_INT(rump_sys_listen(s, 4), 0);
	t = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(t >= 0);
	a = sin_of(INADDR_LOOPBACK, port);
	CHECK_ERR(rump_sys_bind(t, &a, sizeof(a)), RUMP_EADDRINUSE);
	CHECK_EQ_INT(rump_sys_close(t), 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	rump_pub_lwproc_releaselwp();
}

/* ---- a TCP server lwp and a client lwp in two processes ---- */

struct tcp_pair {
	pthread_mutex_t m;
	pthread_cond_t cv;
	uint16_t port;	   /* set once the server listens */
	int server_failed; /* a step that failed, 0 for none */
	int got_eof;
};

static void *
tcp_server(void *arg)
{
	struct tcp_pair *tp = arg;
	static unsigned char buf[BIG];
	struct rump_sockaddr_in peer;
	unsigned plen = sizeof(peer);
	uint16_t port = 0;
	int s, c, step = 0;
	char one;

	if (new_process() != 0 ||
	    (step = 1, s = bound_socket(RUMP_SOCK_STREAM, &port)) == -1 ||
	    (step = 2, rump_sys_listen(s, 4)) == -1) {
		pthread_mutex_lock(&tp->m);
		tp->server_failed = step + 1;
		pthread_cond_broadcast(&tp->cv);
		pthread_mutex_unlock(&tp->m);
		return NULL;
	}
	pthread_mutex_lock(&tp->m);
	tp->port = port;
	pthread_cond_broadcast(&tp->cv);
	pthread_mutex_unlock(&tp->m);

	step = 3;
	if ((c = rump_sys_accept(s, &peer, &plen)) == -1)
		goto out;
	step = 4;
	if (plen != sizeof(peer) || ntohl(peer.sin_addr) != INADDR_LOOPBACK)
		goto out;
	step = 5;
	if (read_all(c, buf, BIG) != 0)
		goto out;
	step = 6;
	for (size_t i = 0; i < BIG; i++)
		if (buf[i] != pattern(i, 1))
			goto out;
	for (size_t i = 0; i < BIG; i++)
		buf[i] = pattern(i, 2);
	step = 7;
	if (write_all(c, buf, BIG) != 0)
		goto out;
	step = 8;
	if (rump_sys_read(c, &one, 1) != 0) /* the client's close */
		goto out;
	tp->got_eof = 1;
	step = 0;
	rump_sys_close(c);
out:
	rump_sys_close(s);
	rump_pub_lwproc_releaselwp();
	pthread_mutex_lock(&tp->m);
	tp->server_failed = step;
	pthread_mutex_unlock(&tp->m);
	return NULL;
}

TEST(tcp_server_and_client_lwps_exchange_data)
{
	struct tcp_pair tp = { PTHREAD_MUTEX_INITIALIZER,
		PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	static unsigned char buf[BIG];
	struct rump_sockaddr_in a, me, peer;
	unsigned len = sizeof(me), plen = sizeof(peer);
	pthread_t t;
	int s, spid;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(pthread_create(&t, NULL, tcp_server, &tp), 0);
	pthread_mutex_lock(&tp.m);
	while (tp.port == 0 && tp.server_failed == 0)
		pthread_cond_wait(&tp.cv, &tp.m);
	pthread_mutex_unlock(&tp.m);
	CHECK_EQ_INT(tp.server_failed, 0);

	CHECK_EQ_INT(new_process(), 0);
	spid = rump_sys_getpid();
	CHECK(spid > 1);
	s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(s >= 0);
	a = sin_of(INADDR_LOOPBACK, tp.port);
	CHECK_EQ_INT(rump_sys_connect(s, &a, sizeof(a)), 0);
	CHECK_EQ_INT(rump_sys_getsockname(s, &me, &len), 0);
	CHECK_EQ_INT(ntohl(me.sin_addr), INADDR_LOOPBACK);
	CHECK(me.sin_port != 0 && me.sin_port != a.sin_port);
	CHECK_EQ_INT(rump_sys_getpeername(s, &peer, &plen), 0);
	CHECK_EQ_INT(ntohs(peer.sin_port), tp.port);
	for (size_t i = 0; i < BIG; i++)
		buf[i] = pattern(i, 1);
	CHECK_EQ_INT(write_all(s, buf, BIG), 0);
	memset(buf, 0, BIG);
	CHECK_EQ_INT(read_all(s, buf, BIG), 0);
	for (size_t i = 0; i < BIG; i++)
		if (buf[i] != pattern(i, 2)) {
			CHECK_EQ_INT(i, -1); /* the first wrong byte */
			break;
		}
	CHECK_EQ_INT(rump_sys_close(s), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ_INT(pthread_join(t, NULL), 0);
	CHECK_EQ_INT(tp.server_failed, 0);
	CHECK_EQ_INT(tp.got_eof, 1);
}

TEST(tcp_connect_without_listener_is_refused)
{
	struct rump_sockaddr_in a;
	uint16_t port = 0;
	int s, t;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	/* A port that was just free: bound, then closed. */
	t = bound_socket(RUMP_SOCK_STREAM, &port);
	CHECK(t >= 0);
	CHECK_EQ_INT(rump_sys_close(t), 0);
	s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(s >= 0);
	a = sin_of(INADDR_LOOPBACK, port);
	CHECK_ERR(rump_sys_connect(s, &a, sizeof(a)), RUMP_ECONNREFUSED);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	rump_pub_lwproc_releaselwp();
}

TEST(udp_datagrams_between_processes)
{
	struct rump_sockaddr_in to, from;
	struct lwp *rl, *sl;
	unsigned flen = sizeof(from);
	uint16_t rport = 0, sport = 0;
	char buf[64];
	int r, s;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	rl = rump_pub_lwproc_curlwp();
	r = bound_socket(RUMP_SOCK_DGRAM, &rport);
	CHECK(r >= 0);
	CHECK_EQ_INT(new_process(), 0);
	sl = rump_pub_lwproc_curlwp();
	s = bound_socket(RUMP_SOCK_DGRAM, &sport);
	CHECK(s >= 0);
	to = sin_of(INADDR_LOOPBACK, rport);
	CHECK_EQ_INT(rump_sys_sendto(s, "first", 5, 0, &to, sizeof(to)), 5);
	CHECK_EQ_INT(rump_sys_sendto(s, "second!", 7, 0, &to, sizeof(to)), 7);

	rump_pub_lwproc_switch(rl);
	memset(&from, 0, sizeof(from));
	CHECK_EQ_INT(rump_sys_recvfrom(r, buf, sizeof(buf), 0, &from, &flen), 5);
	CHECK(memcmp(buf, "first", 5) == 0);
	CHECK_EQ_INT(flen, 16);
	CHECK_EQ_INT(from.sin_family, RUMP_AF_INET);
	CHECK_EQ_INT(ntohl(from.sin_addr), INADDR_LOOPBACK);
	CHECK_EQ_INT(ntohs(from.sin_port), sport);
	/* Datagram boundaries hold: a short buffer takes part of one. */
	CHECK_EQ_INT(rump_sys_recvfrom(r, buf, 3, 0, NULL, NULL), 3);
	CHECK(memcmp(buf, "sec", 3) == 0);
	CHECK_ERR(rump_sys_recvfrom(r, buf, sizeof(buf), RUMP_MSG_DONTWAIT,
		      NULL, NULL),
	    RUMP_EAGAIN);
	/* The reply goes back to the sender's address. */
	CHECK_EQ_INT(rump_sys_sendto(r, "reply", 5, 0, &from, sizeof(from)), 5);
	CHECK_EQ_INT(rump_sys_close(r), 0);
	rump_pub_lwproc_releaselwp();

	rump_pub_lwproc_switch(sl);
	CHECK_EQ_INT(rump_sys_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL), 5);
	CHECK(memcmp(buf, "reply", 5) == 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	rump_pub_lwproc_releaselwp();
}

/* One poll of fd for events within ms: its revents, or -1. */
static int
poll1(int fd, short events, int ms)
{
	struct rump_pollfd p = { fd, events, 0 };
	int n = rump_sys_poll(&p, 1, ms);

	return n < 0 ? -1 : n == 0 ? 0 : p.revents;
}

/* Whether select says fd is readable within ms: 1, 0, or -1. */
static int
select_readable(int fd, int ms)
{
	uint32_t in[RUMP_FD_SETSIZE / 32];
	struct rump_timeval tv = { ms / 1000, (ms % 1000) * 1000, 0 };
	int n;

	memset(in, 0, sizeof(in));
	in[fd / 32] |= 1U << (fd % 32);
	n = rump_sys_select(fd + 1, in, NULL, NULL, &tv);
	if (n < 0)
		return -1;
	return n == 1 && (in[fd / 32] & (1U << (fd % 32))) ? 1 : 0;
}

TEST(poll_and_select_on_sockets)
{
	struct rump_sockaddr_in a;
	uint16_t port = 0;
	int l, c, s;
	char buf[8];

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	l = bound_socket(RUMP_SOCK_STREAM, &port);
	CHECK(l >= 0);
	CHECK_EQ_INT(rump_sys_listen(l, 4), 0);
	CHECK_EQ_INT(poll1(l, RUMP_POLLIN, 0), 0); /* nobody yet */
	CHECK_EQ_INT(select_readable(l, 0), 0);

	c = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(c >= 0);
	a = sin_of(INADDR_LOOPBACK, port);
	CHECK_EQ_INT(rump_sys_connect(c, &a, sizeof(a)), 0);
	CHECK(poll1(l, RUMP_POLLIN, WAIT_MS) & RUMP_POLLIN);
	CHECK_EQ_INT(select_readable(l, WAIT_MS), 1);
	s = rump_sys_accept(l, NULL, NULL);
	CHECK(s >= 0);

	/* Connected: writable, not readable until the peer sends. */
	CHECK_EQ_INT(poll1(s, RUMP_POLLIN | RUMP_POLLOUT, WAIT_MS), RUMP_POLLOUT);
	CHECK_EQ_INT(select_readable(s, 0), 0);
	CHECK_EQ_INT(rump_sys_write(c, "ping", 4), 4);
	CHECK(poll1(s, RUMP_POLLIN, WAIT_MS) & RUMP_POLLIN);
	CHECK_EQ_INT(select_readable(s, WAIT_MS), 1);
	CHECK_EQ_INT(rump_sys_read(s, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ_INT(poll1(s, RUMP_POLLIN, 0), 0);

	/* The peer's close: readable, and the read says end of file. */
	CHECK_EQ_INT(rump_sys_close(c), 0);
	CHECK(poll1(s, RUMP_POLLIN, WAIT_MS) & RUMP_POLLIN);
	CHECK_EQ_INT(select_readable(s, WAIT_MS), 1);
	CHECK_EQ_INT(rump_sys_read(s, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	CHECK_EQ_INT(rump_sys_close(l), 0);
	rump_pub_lwproc_releaselwp();
}

/* A connected pair on loopback in the bound process: *cp client, *sp server. */
static int
connected_pair(int *cp, int *sp)
{
	struct rump_sockaddr_in a;
	uint16_t port = 0;
	int l;

	if ((l = bound_socket(RUMP_SOCK_STREAM, &port)) == -1 ||
	    rump_sys_listen(l, 4) == -1)
		return -1;
	a = sin_of(INADDR_LOOPBACK, port);
	*cp = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	if (*cp == -1 || rump_sys_connect(*cp, &a, sizeof(a)) == -1 ||
	    (*sp = rump_sys_accept(l, NULL, NULL)) == -1)
		return -1;
	return rump_sys_close(l);
}

/*
 * A close in another process's copy of the descriptor table (a fork that
 * closes what it inherited, then exits) leaves this process's calls on
 * the socket alone: a receive with a timeout times out (EAGAIN) instead
 * of failing with EBADF, and the socket still works. NetBSD's close()
 * ends only the calls using the closed descriptor.
 */
TEST(close_in_a_forked_table_leaves_our_calls_alone)
{
	struct rump_timeval tv = { 1, 0, 0 };
	struct lwp *me;
	char buf[8];
	int c = -1, s = -1;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	me = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(connected_pair(&c, &s), 0);
	CHECK_EQ_INT(rump_sys_setsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_RCVTIMEO,
			 &tv, sizeof(tv)),
	    0);

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0); /* a copy */
	CHECK_EQ_INT(rump_sys_close(s), 0);
	CHECK_EQ_INT(rump_sys_close(c), 0);
	rump_pub_lwproc_releaselwp(); /* and gone */
	rump_pub_lwproc_switch(me);

	CHECK_ERR(rump_sys_read(s, buf, sizeof(buf)), RUMP_EAGAIN);
	CHECK_EQ_INT(rump_sys_write(c, "still", 5), 5);
	CHECK_EQ_INT(rump_sys_read(s, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "still", 5) == 0);
	CHECK_EQ_INT(rump_sys_close(c), 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	rump_pub_lwproc_releaselwp();
}

struct blocked_read {
	struct lwp *l;
	int fd;
	int rv, err;
};

static void *
read_blocked(void *arg)
{
	struct blocked_read *br = arg;
	char buf[8];

	rump_pub_lwproc_switch(br->l);
	errno = 0;
	br->rv = (int)rump_sys_read(br->fd, buf, sizeof(buf));
	br->err = errno;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

/* A close in the same table ends a read of another lwp with EBADF. */
TEST(close_in_the_same_table_ends_a_blocked_read)
{
	struct blocked_read br = { NULL, -1, 0, 0 };
	struct lwp *me;
	pthread_t t;
	int c = -1, s = -1;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(new_process(), 0);
	me = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(connected_pair(&c, &s), 0);
	/* A second lwp of this process, for the reader thread. */
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(rump_sys_getpid()), 0);
	br.l = rump_pub_lwproc_curlwp();
	br.fd = s;
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ_INT(pthread_create(&t, NULL, read_blocked, &br), 0);
	rump_pub_lwproc_switch(me);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	CHECK_EQ_INT(pthread_join(t, NULL), 0);
	CHECK_EQ_INT(br.rv, -1);
	CHECK_EQ_INT(br.err, RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_close(c), 0);
	rump_pub_lwproc_releaselwp();
}

int
main(void)
{
	RUN(bind_and_getsockname_on_loopback);
	RUN(tcp_server_and_client_lwps_exchange_data);
	RUN(tcp_connect_without_listener_is_refused);
	RUN(udp_datagrams_between_processes);
	RUN(poll_and_select_on_sockets);
	RUN(close_in_a_forked_table_leaves_our_calls_alone);
	RUN(close_in_the_same_table_ends_a_blocked_read);
	return check_done();
}
