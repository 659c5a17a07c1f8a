/*
 * rump_sp benchmarks (make bench): remote system calls through
 * librumpclient, and the floor they are compared with in the same run.
 *
 *	bench_sp floor unix|tcp	a raw ping-pong between two processes:
 *				24 bytes out, 48 back (a getpid's frames)
 *	bench_sp remote [ROUNDS] against $RUMP_SERVER: getpid round trip,
 *				open + write 4 KiB + close, 16 MiB read
 *				(ROUNDS getpids a run, default 20000)
 *	bench_sp echo PORT [ROUNDS]  the image's TCP echo server
 *				(apps/spserver, RUMP_ECHO_PORT) at
 *				127.0.0.1:PORT: a 24-byte ping-pong, and
 *				16 MiB into its sink in 64 KiB writes
 *
 * Each figure is the median of RUNS runs, printed as "bench NAME VALUE UNIT".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rump/rumpclient.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define RUNS	7
#define ROUNDS	20000
#define BIGFILE (16 * 1024 * 1024)
#define CHUNK	(64 * 1024)

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
full(int fd, void *buf, size_t len, int out)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = out ? write(fd, (char *)buf + done, len - done) :
			  read(fd, (char *)buf + done, len - done);
		if (n <= 0)
			die(out ? "write" : "read");
		done += (size_t)n;
	}
}

/* Two connected stream sockets of the kind asked for. */
static void
pair(const char *kind, int fds[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l, one = 1;

	if (strcmp(kind, "unix") == 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
			die("socketpair");
		return;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0)
		die("tcp listen");
	if ((fds[0] = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fds[0], (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (fds[1] = accept(l, NULL, NULL)) < 0)
		die("tcp connect");
	setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(l);
}

/* 16 MiB through the socket in 64 KiB writes, as the remote read moves it. */
static void
stream_bench(const char *kind)
{
	static char buf[CHUNK];
	double v[RUNS];
	int fds[2];
	pid_t pid;

	pair(kind, fds);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		for (int r = 0; r < RUNS; r++) {
			for (int i = 0; i < BIGFILE / CHUNK; i++)
				full(fds[1], buf, CHUNK, 1);
			full(fds[1], buf, 1, 0); /* next round */
		}
		_exit(0);
	}
	close(fds[1]);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < BIGFILE / CHUNK; i++)
			full(fds[0], buf, CHUNK, 0);
		v[r] = (double)BIGFILE / ((double)(now_ns() - t0) / 1e9) / 1e6;
		full(fds[0], buf, 1, 1);
	}
	waitpid(pid, NULL, 0);
	printf("bench floor_%s_stream_mbps %.0f MB/s\n", kind, median(v, RUNS));
}

static void
floor_bench(const char *kind)
{
	char req[24] = { 0 }, resp[48] = { 0 };
	double v[RUNS];
	int fds[2];
	pid_t pid;

	pair(kind, fds);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		for (int i = 0; i < RUNS * ROUNDS; i++) {
			full(fds[1], req, sizeof(req), 0);
			full(fds[1], resp, sizeof(resp), 1);
		}
		_exit(0);
	}
	close(fds[1]);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < ROUNDS; i++) {
			full(fds[0], req, sizeof(req), 1);
			full(fds[0], resp, sizeof(resp), 0);
		}
		v[r] = (double)(now_ns() - t0) / ROUNDS;
	}
	waitpid(pid, NULL, 0);
	printf("bench floor_%s_ns %.0f ns\n", kind, median(v, RUNS));
	close(fds[0]);
	stream_bench(kind);
}

/* A TCP connection to 127.0.0.1:port, Nagle off, mode byte sent. */
static int
echo_connect(int port, char mode)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect to the echo server");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	full(s, &mode, 1, 1);
	return s;
}

/*
 * The floor of a remote call into the image: the same TCP path through
 * QEMU's user network, answered by a thread in the image with no rump_sp
 * between (24 bytes out and back, as a getpid's request); then 16 MiB
 * into the image, counted there.
 */
static void
echo_bench(int port, int rounds)
{
	static char buf[CHUNK];
	char msg[24] = { 0 };
	unsigned char le[8];
	uint64_t got = 0;
	double v[RUNS];
	int s;

	s = echo_connect(port, 'e');
	for (int i = 0; i < 100; i++) { /* warm up */
		full(s, msg, sizeof(msg), 1);
		full(s, msg, sizeof(msg), 0);
	}
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < rounds; i++) {
			full(s, msg, sizeof(msg), 1);
			full(s, msg, sizeof(msg), 0);
		}
		v[r] = (double)(now_ns() - t0) / rounds;
	}
	close(s);
	printf("bench echo_tcp_ns %.0f ns\n", median(v, RUNS));

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0;

		s = echo_connect(port, 's');
		t0 = now_ns();
		for (int i = 0; i < BIGFILE / CHUNK; i++)
			full(s, buf, CHUNK, 1);
		shutdown(s, SHUT_WR);
		full(s, le, sizeof(le), 0); /* after the image read it all */
		v[r] = (double)BIGFILE / ((double)(now_ns() - t0) / 1e9) / 1e6;
		close(s);
		got = 0;
		for (int i = 0; i < 8; i++)
			got |= (uint64_t)le[i] << (8 * i);
		if (got != BIGFILE)
			die("the sink counted another size");
	}
	printf("bench sink_tcp16m_mbps %.0f MB/s\n", median(v, RUNS));
}

static void
remote_bench(int rounds)
{
	static char buf[CHUNK];
	double v[RUNS];
	int fd;

	if (rumpclient_init() != 0)
		die("rumpclient_init");
	for (int i = 0; i < 100; i++) /* warm up */
		rump_sys_getpid();
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < rounds; i++)
			rump_sys_getpid();
		v[r] = (double)(now_ns() - t0) / rounds;
	}
	printf("bench remote_getpid_ns %.0f ns\n", median(v, RUNS));

	memset(buf, 'x', 4096);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < rounds / 4 / RUNS; i++) {
			fd = rump_sys_open("/bench4k",
			    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
			if (fd < 0 || rump_sys_write(fd, buf, 4096) != 4096)
				die("remote open/write");
			rump_sys_close(fd);
		}
		v[r] = (double)(now_ns() - t0) / (rounds / 4 / RUNS);
	}
	printf("bench remote_open_write4k_close_ns %.0f ns\n", median(v, RUNS));

	fd = rump_sys_open("/bench16m", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	for (int i = 0; i < BIGFILE / CHUNK; i++)
		if (rump_sys_write(fd, buf, CHUNK) != CHUNK)
			die("remote write 16 MiB");
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		rump_sys_lseek(fd, 0, 0);
		for (int i = 0; i < BIGFILE / CHUNK; i++)
			if (rump_sys_read(fd, buf, CHUNK) != CHUNK)
				die("remote read 16 MiB");
		v[r] = (double)BIGFILE / ((double)(now_ns() - t0) / 1e9) / 1e6;
	}
	printf("bench remote_read16m_mbps %.0f MB/s\n", median(v, RUNS));
	rump_sys_close(fd);
	rump_sys_unlink("/bench16m");
	rump_sys_unlink("/bench4k");
}

int
main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[argc - 1]) : ROUNDS;

	if (rounds < 4 * RUNS)
		rounds = 4 * RUNS;
	if (argc == 3 && strcmp(argv[1], "floor") == 0)
		floor_bench(argv[2]);
	else if ((argc == 2 || argc == 3) && strcmp(argv[1], "remote") == 0)
		remote_bench(argc == 3 ? rounds : ROUNDS);
	else if ((argc == 3 || argc == 4) && strcmp(argv[1], "echo") == 0)
		echo_bench(atoi(argv[2]), argc == 4 ? rounds : ROUNDS);
	else {
		fprintf(stderr,
		    "usage: bench_sp floor unix|tcp | bench_sp "
		    "remote [ROUNDS] | bench_sp echo PORT [ROUNDS]\n");
		return 1;
	}
	return 0;
}
