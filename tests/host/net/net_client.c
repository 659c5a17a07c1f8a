/*
 * A remote client's AF_INET sockets in rump_server's kernel (the host
 * build's lwIP, loopback interface), through librumpclient: a TCP
 * listener and a connection to it made by two threads of this client (one
 * remote process), data both ways and the close seen as end of file; UDP
 * with the sender's address; poll on the remote sockets; socket() in a
 * second remote process made by rumpclient's fork connecting to the
 * first's listener.
 *
 *	RUMP_SERVER=unix://PATH net_client
 *
 * Prints a line per case and "N passed, N failed" (tests/host/net/net_remote.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "net/net_util.h"

#define BIG (128 * 1024)

static int
xfer(int s, unsigned char *p, size_t len, bool out)
{
	while (len > 0) {
		ssize_t n = out ? rump_sys_write(s, p, len) :
				  rump_sys_read(s, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct server {
	int lsock;
	int failed_step;
	int eof;
};

/* Accepts one connection, echoes BIG bytes back, waits for the close. */
static void *
serve(void *arg)
{
	struct server *sv = arg;
	static unsigned char buf[BIG];
	char one;
	int c;

	sv->failed_step = 1;
	if ((c = rump_sys_accept(sv->lsock, NULL, NULL)) == -1)
		return NULL;
	sv->failed_step = 2;
	if (xfer(c, buf, BIG, false) != 0)
		goto out;
	sv->failed_step = 3;
	if (xfer(c, buf, BIG, true) != 0)
		goto out;
	sv->failed_step = 4;
	if (rump_sys_read(c, &one, 1) != 0)
		goto out;
	sv->eof = 1;
	sv->failed_step = 0;
out:
	rump_sys_close(c);
	return NULL;
}

TEST(tcp_listener_and_connection_in_one_remote_process)
{
	static unsigned char out[BIG], in[BIG];
	struct server sv = { -1, -1, 0 };
	struct rump_sockaddr_in a, peer;
	unsigned plen = sizeof(peer);
	uint16_t port = 0;
	pthread_t t;
	int s;

	sv.lsock = bound_socket(RUMP_SOCK_STREAM, &port);
	CHECK(sv.lsock >= 0);
	CHECK(port != 0);
	CHECK_EQ_INT(rump_sys_listen(sv.lsock, 4), 0);
	CHECK_EQ_INT(pthread_create(&t, NULL, serve, &sv), 0);
	s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
	CHECK(s >= 0);
	a = sin_of(INADDR_LOOPBACK, port);
	CHECK_EQ_INT(rump_sys_connect(s, &a, sizeof(a)), 0);
	CHECK_EQ_INT(rump_sys_getpeername(s, &peer, &plen), 0);
	CHECK_EQ_INT(ntohs(peer.sin_port), port);
	CHECK_EQ_INT(ntohl(peer.sin_addr), INADDR_LOOPBACK);
	for (size_t i = 0; i < BIG; i++)
		out[i] = (unsigned char)(i * 7 + (i >> 11));
	CHECK_EQ_INT(xfer(s, out, BIG, true), 0);
	CHECK_EQ_INT(xfer(s, in, BIG, false), 0);
	CHECK(memcmp(in, out, BIG) == 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
	CHECK_EQ_INT(pthread_join(t, NULL), 0);
	CHECK_EQ_INT(sv.failed_step, 0);
	CHECK_EQ_INT(sv.eof, 1);
	CHECK_EQ_INT(rump_sys_close(sv.lsock), 0);
}

TEST(udp_and_poll_on_remote_sockets)
{
	struct rump_sockaddr_in to, from;
	struct rump_pollfd p;
	unsigned flen = sizeof(from);
	uint16_t rport = 0, sport = 0;
	char buf[32];
	int r, s;

	r = bound_socket(RUMP_SOCK_DGRAM, &rport);
	s = bound_socket(RUMP_SOCK_DGRAM, &sport);
	CHECK(r >= 0 && s >= 0);
	p.fd = r;
	p.events = RUMP_POLLIN;
	p.revents = 0;
	CHECK_EQ_INT(rump_sys_poll(&p, 1, 0), 0);
	to = sin_of(INADDR_LOOPBACK, rport);
	CHECK_EQ_INT(rump_sys_sendto(s, "datagram", 8, 0, &to, sizeof(to)), 8);
	CHECK_EQ_INT(rump_sys_poll(&p, 1, 30000), 1);
	CHECK(p.revents & RUMP_POLLIN);
	CHECK_EQ_INT(rump_sys_recvfrom(r, buf, sizeof(buf), 0, &from, &flen), 8);
	CHECK(memcmp(buf, "datagram", 8) == 0);
	CHECK_EQ_INT(ntohs(from.sin_port), sport);
	CHECK_EQ_INT(ntohl(from.sin_addr), INADDR_LOOPBACK);
	CHECK_EQ_INT(rump_sys_close(r), 0);
	CHECK_EQ_INT(rump_sys_close(s), 0);
}

TEST(forked_remote_process_connects_to_listener)
{
	struct rump_sockaddr_in a;
	struct rumpclient_fork *rf;
	uint16_t port = 0;
	char buf[8];
	int l, c, status;
	pid_t pid;

	l = bound_socket(RUMP_SOCK_STREAM, &port);
	CHECK(l >= 0);
	CHECK_EQ_INT(rump_sys_listen(l, 4), 0);
	CHECK((rf = rumpclient_prefork()) != NULL);
	if (rf == NULL)
		return;
	pid = fork();
	CHECK(pid != -1);
	if (pid == 0) {
		int s;

		if (rumpclient_fork_init(rf) != 0)
			_exit(10);
		rump_sys_close(l); /* the listener stays the parent's */
		if ((s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) == -1)
			_exit(11);
		a = sin_of(INADDR_LOOPBACK, port);
		if (rump_sys_connect(s, &a, sizeof(a)) != 0)
			_exit(12);
		if (rump_sys_write(s, "hello", 5) != 5)
			_exit(13);
		_exit(rump_sys_close(s) == 0 ? 0 : 14);
	}
	free(rf); /* the parent's copy: its process lives on */
	c = rump_sys_accept(l, NULL, NULL);
	CHECK(c >= 0);
	CHECK_EQ_INT(xfer(c, (unsigned char *)buf, 5, false), 0);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ_INT(rump_sys_read(c, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
	CHECK_EQ_INT(rump_sys_close(c), 0);
	CHECK_EQ_INT(rump_sys_close(l), 0);
}

int
main(int argc, char **argv)
{
	/* "net_client fork": only the fork case (to repeat it alone). */
	bool only_fork = argc > 1 && strcmp(argv[1], "fork") == 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(120); /* a remote call that never returns ends us */
	if (rumpclient_init() != 0) {
		printf("rumpclient_init: %s\n", strerror(errno));
		return 1;
	}
	if (!only_fork) {
		RUN(tcp_listener_and_connection_in_one_remote_process);
		RUN(udp_and_poll_on_remote_sockets);
	}
	RUN(forked_remote_process_connects_to_listener);
	return check_done();
}
