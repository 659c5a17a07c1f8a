/*
 * librumpclient against real rump_server processes, under ASan and UBSan,
 * after NetBSD's own server tests (t_sp, t_signals, h_client): a simple
 * client over unix and tcp sockets, clients killed at random while they
 * hammer the server, SIGPIPE raised in the client, rump.halt and
 * rump.sysctl, out-of-order replies, and a client that stops reading. The
 * fork, exec and reconnect cases are in test_client_fork.c, the servers
 * and child processes in test_client_util.c.
 *
 * Run from the repository root; the server and tools are taken from
 * $RUMP_TEST_BINDIR, build/host/bin by default.
 *
 * With RUMP_TEST_SERVER=URL (tcp://127.0.0.1:PORT, unix://PATH) the cases
 * that make sense against a running server run against that one (the
 * image's, in tests/qemu/run.py), smaller where the server is slow, and
 * never halt it: see remote_tests.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "test_client.h"

#define NB_SYS_READ 3
#define NB_SYS_OPEN 5
#define BIGFILE	    (64L * 1024 * 1024)

/* ---- clients ---- */

static int
get_hostname(char *buf, size_t size)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	size_t len = size - 1;

	memset(buf, 0, size);
	if (rump_sys___sysctl(mib, 2, buf, &len, NULL, 0) == -1)
		return -1;
	return (int)len;
}

static int
set_hostname(const char *name)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };

	return rump_sys___sysctl(mib, 2, NULL, NULL, name, strlen(name) + 1);
}

/*
 * The first client of a fresh server: pid 2, files, errors, sysctl. Of a
 * running server, just a new process: pid 2 and 2 CPUs are not checked,
 * and the files are removed before and after.
 */
static void
simple_client(void *arg)
{
	static char big[4 * 1024 * 1024], back[sizeof(big)];
	struct rump_stat st;
	char buf[64];
	long args[2] = { 2, 0 }, rv[2]; /* ptrace(2, 0): not in the table */
	int mib[2] = { RUMP_CTL_HW, 3 }, ncpu = 0, fd;
	size_t len = sizeof(ncpu), i;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	if (test_server_url == NULL)
		CHECK_EQ_INT(rump_sys_getpid(), 2);
	else {
		CHECK(rump_sys_getpid() > 1);
		rump_sys_unlink("/tmp/simple");
	}
	CHECK_EQ_INT(rump_sys_getppid(), 1);

	fd = rump_sys_open("/tmp/simple",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_EXCL, 0600);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_write(fd, "hello, rump", 11), 11);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 11);
	CHECK_EQ_STR(buf, "hello, rump");
	CHECK_EQ_INT(rump_sys_stat("/tmp/simple", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFREG | 0600);
	CHECK_EQ_INT(st.st_size, 11);
	memset(&st, 0, sizeof(st));
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, 11);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_close(fd), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);

	/* Errors come back as NetBSD numbers. */
	CHECK_EQ_INT(rump_sys_open("/nonexistent", RUMP_O_RDONLY), -1);
	CHECK_EQ_INT(errno, RUMP_ENOENT);
	CHECK_EQ_INT(rumpclient_syscall(26, args, sizeof(args), rv), RUMP_ENOSYS);
	CHECK_EQ_INT(rumpclient_syscall(600, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ_INT(rump_sys_read(0, buf, 1), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);

	/* The console: what fd 1 gets, the server prints. */
	CHECK_EQ_INT(rump_sys_write(1, "console-marker\n", 15), 15);

	CHECK(get_hostname(buf, sizeof(buf)) > 0);
	CHECK_EQ_INT(set_hostname("clienthost"), 0);
	CHECK_EQ_INT(get_hostname(buf, sizeof(buf)), 11);
	CHECK_EQ_STR(buf, "clienthost");
	CHECK_EQ_INT(rump_sys___sysctl(mib, 2, &ncpu, &len, NULL, 0), 0);
	if (test_server_url == NULL)
		CHECK_EQ_INT(ncpu, 2); /* rump_server -c 2 */
	else
		CHECK(ncpu >= 1);

	/* Megabytes each way: many copy frames, in order. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 4096);
	fd = rump_sys_open("/tmp/big", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(rump_sys_write(fd, big, sizeof(big)), sizeof(big));
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ_INT(rump_sys_read(fd, back, sizeof(back)), sizeof(back));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/big"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/simple"), 0);
}

static void
simple_case(bool tcp)
{
	struct server sv;

	if (!server_up(&sv, tcp))
		return;
	CHECK_EQ_INT(client_run(&sv, simple_client, NULL), 0);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(server_stop(&sv), 0);
	/* Not ours: its console is somebody else's to check. */
	if (test_server_url == NULL)
		CHECK_EQ_INT(server_logcontains(&sv, "console-marker"), 1);
	if (!tcp && test_server_url == NULL)
		CHECK(access(sv.sv_sock, F_OK) == -1 && errno == ENOENT);
	server_cleanup(&sv, check_case_failed);
}

TEST(simple_client_over_unix_socket)
{
	simple_case(false);
}

TEST(simple_client_over_tcp)
{
	simple_case(true);
}

/* ---- stress: clients dying at random while others hammer ---- */

#define STRESS_PROCS	32
#define STRESS_THREADS	8
#define STRESS_SECS	2.5
#define STRESS_KILLS	16
#define STRESS_MAXPROCS 64 /* test_client --stress: at most */
/* Against a running server (the image's: ~150 us a call under TCG). */
#define REMOTE_PROCS   8
#define REMOTE_THREADS 4
#define REMOTE_KILLS   4
#define REMOTE_CONNS   16

static int stress_procs = STRESS_PROCS, stress_threads = STRESS_THREADS;
static int stress_kills = STRESS_KILLS;

struct hammer {
	int h_idx;
	pid_t h_pid;
	long h_iters;
	long h_bad;
};

static void *
hammer(void *arg)
{
	struct hammer *h = arg;
	double end = now() + STRESS_SECS;
	char name[64];

	while (now() < end) {
		/*
		 * Half the threads also write: the same value, so that a
		 * read of anything else means a torn string.
		 */
		if (h->h_idx % 2 == 0 && set_hostname("stress") != 0)
			h->h_bad++;
		if (get_hostname(name, sizeof(name)) != 7 ||
		    strcmp(name, "stress") != 0)
			h->h_bad++;
		if (rump_sys_getpid() != h->h_pid)
			h->h_bad++;
		h->h_iters++;
	}
	return NULL;
}

/*
 * rumpclient_init, tried again after ETIMEDOUT, three times in all. QEMU's
 * forwarder listens with a backlog of 1: of a burst of connections the
 * host's kernel answers some with SYN cookies and drops their last ACK
 * when the queue is full, so that the client holds a connection nobody
 * else has, and times out waiting for the banner (doc/rump_sp.md,
 * "Connection and banner"). Any other error fails at once.
 */
static int
init_retrying(const char *who)
{
	int i;

	for (i = 0;; i++) {
		if (rumpclient_init() == 0)
			return 0;
		if (errno != ETIMEDOUT || i == 2)
			return -1;
		printf("  %s: no banner in time, connecting again\n", who);
		fflush(stdout);
	}
}

static void
stress_client(void *arg)
{
	struct hammer h[STRESS_THREADS];
	pthread_t t[STRESS_THREADS];
	pid_t pid;
	int i;

	(void)arg;
	if (init_retrying("stress client") != 0) {
		printf("  stress client: rumpclient_init: %s\n", strerror(errno));
		fflush(stdout);
		_exit(1);
	}
	pid = rump_sys_getpid();
	CHECK(pid > 1);
	for (i = 0; i < stress_threads; i++) {
		h[i] = (struct hammer){ .h_idx = i, .h_pid = pid };
		CHECK_EQ_INT(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
	}
	for (i = 0; i < stress_threads; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(h[i].h_bad, 0);
		CHECK(h[i].h_iters > 0);
	}
	/* 32 exit-time leak scans in parallel would only cost time. */
	fflush(stdout);
	_exit(check_case_failed);
}

static void
sethost_client(void *arg)
{
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK_EQ_INT(set_hostname(arg), 0);
}

/* A newcomer after the storm: everything still answers. */
static void
fresh_client(void *arg)
{
	char name[64];
	int fd;

	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK(rump_sys_getpid() > 2);
	CHECK_EQ_INT(rump_sys_getppid(), 1);
	CHECK(get_hostname(name, sizeof(name)) > 0);
	CHECK_EQ_STR(name, arg);
	fd = rump_sys_open("/tmp/fresh", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_write(fd, "ok", 2), 2);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
}

/*
 * Whether the server's 255 connection slots (doc/rump_sp.md) are all free: a
 * slot is given back only after the client's process was released, so
 * this also says that no process of a dead client was left behind. A
 * server we do not own may have other clients (and the image's network
 * stack fewer connections): it must take REMOTE_CONNS new ones.
 */
static bool
all_slots_free(const struct server *sv)
{
	int s[255], n, i, want = test_server_url == NULL ? 255 : REMOTE_CONNS;

	for (n = 0; n < want; n++)
		if ((s[n] = raw_connect(sv, 10000)) == -1)
			break;
	for (i = 0; i < n; i++)
		close(s[i]);
	return n == want;
}

static void
stress_case(int sig)
{
	pid_t pids[STRESS_MAXPROCS];
	bool killed[STRESS_MAXPROCS] = { false };
	struct server sv;
	double start, end;
	int i, k, status, nkilled = 0;
	bool freed;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, sethost_client, "stress"), 0);
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	for (i = 0; i < stress_procs; i++)
		pids[i] = client_start(&sv, stress_client, NULL);
	start = now();
	for (k = 0; k < stress_kills && now() - start < STRESS_SECS - 0.3; k++) {
		msleep(20 + (int)(random() % 100));
		i = (int)(random() % stress_procs);
		while (killed[i])
			i = (i + 1) % stress_procs;
		if (pids[i] > 0)
			kill(pids[i], sig);
		killed[i] = true;
		nkilled++;
	}
	for (i = 0; i < stress_procs; i++) {
		status = child_wait(pids[i], WAIT_LONG);
		if (!killed[i])
			CHECK_EQ_INT(status, 0);
		else /* or it was done before the signal came */
			CHECK(status == 0 ||
			    (WIFSIGNALED(status) && WTERMSIG(status) == sig));
	}
	printf("  %d clients of %d threads, %d killed by signal %d, all gone "
	       "after %.1f s\n",
	    stress_procs, stress_threads, nkilled, sig, now() - start);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(client_run(&sv, fresh_client, "stress"), 0);
	/* Dead clients' slots come back as their last calls finish. */
	for (end = now() + WAIT_LONG;
	     !(freed = all_slots_free(&sv)) && now() < end; msleep(100))
		continue;
	CHECK(freed);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

TEST(stress_clients_killed_by_sigusr1)
{
	stress_case(SIGUSR1);
}

TEST(stress_clients_killed_by_sigkill)
{
	stress_case(SIGKILL);
}

/* ---- a signal the kernel raises in the client ---- */

static volatile sig_atomic_t nsigpipe;

static void
onsigpipe(int sig)
{
	(void)sig;
	nsigpipe++;
}

static void
sigpipe_client(void *arg)
{
	struct sigaction sa;
	int p[2];

	(void)arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsigpipe;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ_INT(sigaction(SIGPIPE, &sa, NULL), 0);
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK_EQ_INT(rump_sys_pipe(p), 0);
	CHECK_EQ_INT(rump_sys_write(p[1], "ok", 2), 2);
	CHECK_EQ_INT(nsigpipe, 0);
	CHECK_EQ_INT(rump_sys_close(p[0]), 0);
	/* Delivered when the call returns, as signals are blocked in it. */
	CHECK_EQ_INT(rump_sys_write(p[1], "x", 1), -1);
	CHECK_EQ_INT(errno, RUMP_EPIPE);
	CHECK_EQ_INT(nsigpipe, 1);
	CHECK_EQ_INT(rump_sys_write(p[1], "y", 1), -1);
	CHECK_EQ_INT(errno, RUMP_EPIPE);
	CHECK_EQ_INT(nsigpipe, 2);
	CHECK(rump_sys_getpid() > 1);
	CHECK_EQ_INT(nsigpipe, 2);
}

TEST(sigpipe_raised_in_client)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, sigpipe_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* ---- the tools ---- */

/*
 * Run bindir()/tool with RUMP_SERVER set to sv; its stdout into out.
 * Returns the wait status, or -1.
 */
static int
run_tool(const struct server *sv, char *const argv[], char *out, size_t size)
{
	char path[256];
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int p[2];

	snprintf(path, sizeof(path), "%s/%s", bindir(), argv[0]);
	memset(out, 0, size);
	if (pipe(p) == -1 || (pid = child_fork()) == -1)
		return -1;
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDOUT_FILENO);
		close(p[1]);
		setenv("RUMP_SERVER", sv->sv_url, 1);
		execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	while (got < size - 1 && fd_ready(p[0], POLLIN, WAIT_LONG * 1000) &&
	    (n = read(p[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	return child_wait(pid, WAIT_LONG);
}

TEST(rump_sysctl_and_rump_halt)
{
	char *rd[] = { "rump.sysctl", "-n", "kern.hostname", NULL };
	char *wr[] = { "rump.sysctl", "-w", "kern.hostname=x", NULL };
	char *halt[] = { "rump.halt", NULL };
	struct server sv;
	char out[256];

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, sethost_client, "toolhost"), 0);
	CHECK_EQ_INT(run_tool(&sv, rd, out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "toolhost\n");
	CHECK_EQ_INT(run_tool(&sv, wr, out, sizeof(out)), 0);
	CHECK_EQ_INT(run_tool(&sv, rd, out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "x\n");
	CHECK_EQ_INT(client_run(&sv, fresh_client, "x"), 0);

	CHECK_EQ_INT(run_tool(&sv, halt, out, sizeof(out)), 0);
	CHECK_EQ_INT(server_wait(&sv, WAIT_LONG), 0);
	CHECK(access(sv.sv_sock, F_OK) == -1 && errno == ENOENT);
	server_cleanup(&sv, check_case_failed);
}

/* The tools against a running server, which they leave running. */
TEST(rump_sysctl_reads_and_writes)
{
	char *rd[] = { "rump.sysctl", "-n", "kern.hostname", NULL };
	char *wr[] = { "rump.sysctl", "-w", "kern.hostname=toolhost", NULL };
	struct server sv;
	char out[256], old[256];

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(run_tool(&sv, rd, old, sizeof(old)), 0);
	CHECK(strlen(old) > 1 && old[strlen(old) - 1] == '\n');
	CHECK_EQ_INT(run_tool(&sv, wr, out, sizeof(out)), 0);
	CHECK_EQ_INT(run_tool(&sv, rd, out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "toolhost\n");
	CHECK_EQ_INT(client_run(&sv, fresh_client, "toolhost"), 0);
	CHECK(server_alive(&sv));
	server_cleanup(&sv, check_case_failed);
}

static void
reboot_client(void *arg)
{
	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	/* The reply comes before the server goes (doc/rump_sp.md). */
	CHECK_EQ_INT(rump_sys_reboot(RUMP_RB_AUTOBOOT, NULL), 0);
}

TEST(reboot_from_client_halts_server)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, reboot_client, NULL), 0);
	CHECK_EQ_INT(server_wait(&sv, WAIT_LONG), 0);
	CHECK(access(sv.sv_sock, F_OK) == -1 && errno == ENOENT);
	server_cleanup(&sv, check_case_failed);
}

/* ---- several calls of one client in flight ---- */

struct blocked_read {
	int br_fd;
	ssize_t br_n;
	int br_done; /* atomic */
	char br_buf[16];
};

static void *
blocked_read(void *arg)
{
	struct blocked_read *r = arg;

	r->br_n = rump_sys_read(r->br_fd, r->br_buf, sizeof(r->br_buf));
	__atomic_store_n(&r->br_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
join_within(pthread_t t, int secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	return pthread_timedjoin_np(t, NULL, &ts);
}

/*
 * Two reads blocked on empty pipes while the main thread's calls pass
 * them; the second one is unblocked first.
 */
static void
out_of_order_client(void *arg)
{
	struct blocked_read a, b;
	pthread_t ta, tb;
	pid_t pid;
	int p1[2], p2[2], i;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	pid = rump_sys_getpid();
	CHECK_EQ_INT(rump_sys_pipe(p1), 0);
	CHECK_EQ_INT(rump_sys_pipe(p2), 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.br_fd = p1[0];
	b.br_fd = p2[0];
	CHECK_EQ_INT(pthread_create(&ta, NULL, blocked_read, &a), 0);
	CHECK_EQ_INT(pthread_create(&tb, NULL, blocked_read, &b), 0);
	msleep(200); /* not needed for correctness: they block anyway */
	for (i = 0; i < 20; i++)
		CHECK_EQ_INT(rump_sys_getpid(), pid);
	CHECK(!__atomic_load_n(&a.br_done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&b.br_done, __ATOMIC_ACQUIRE));

	CHECK_EQ_INT(rump_sys_write(p2[1], "second", 6), 6);
	if (join_within(tb, WAIT_LONG) != 0) {
		CHECK(!"second reader returned");
		return;
	}
	CHECK_EQ_INT(b.br_n, 6);
	CHECK(memcmp(b.br_buf, "second", 6) == 0);
	CHECK(!__atomic_load_n(&a.br_done, __ATOMIC_ACQUIRE));

	CHECK_EQ_INT(rump_sys_write(p1[1], "first", 5), 5);
	if (join_within(ta, WAIT_LONG) != 0) {
		CHECK(!"first reader returned");
		return;
	}
	CHECK_EQ_INT(a.br_n, 5);
	CHECK(memcmp(a.br_buf, "first", 5) == 0);
}

TEST(blocked_read_and_write_from_two_threads)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, out_of_order_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* ---- a client that stops reading ---- */

static void
bigfile_client(void *arg)
{
	static char chunk[1024 * 1024];
	struct rump_stat st;
	int fd;

	(void)arg;
	memset(chunk, 'b', sizeof(chunk));
	CHECK_EQ_INT(rumpclient_init(), 0);
	fd = rump_sys_open("/tmp/big", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_write(fd, chunk, sizeof(chunk)), sizeof(chunk));
	/* The rest a hole: the server reads it just the same. */
	CHECK_EQ_INT(rump_sys_ftruncate(fd, BIGFILE), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, BIGFILE);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
}

/* Another client, reading the same file too. */
static void
bystander_client(void *arg)
{
	char buf[4096];
	int fd, i;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	for (i = 0; i < 10; i++)
		CHECK(rump_sys_getpid() > 2);
	CHECK_EQ_INT(set_hostname("bystander"), 0);
	fd = rump_sys_open("/tmp/big", RUMP_O_RDONLY);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK(buf[0] == 'b' && buf[4095] == 'b');
	CHECK_EQ_INT(rump_sys_close(fd), 0);
}

/* A guest over a raw socket that opens path and returns the descriptor. */
static int
raw_open(int s, const char *path)
{
	uint64_t args[3] = { 0x10000, RUMP_O_RDONLY, 0 };
	struct rsp_sysresp resp;
	struct rsp_hdr h;
	char body[64];
	size_t len;

	if (raw_send(s, 1, RUMPSP_REQ, RUMPSP_HANDSHAKE, HANDSHAKE_GUEST,
		"stuck", 6) != 0 ||
	    raw_recv(s, &h, body, sizeof(body), &len, WAIT_LONG * 1000) != 0 ||
	    h.rsp_class != RUMPSP_RESP || len != 4 || body[0] != 0)
		return -1;
	if (raw_send(s, 2, RUMPSP_REQ, RUMPSP_SYSCALL, NB_SYS_OPEN, args,
		sizeof(args)) != 0)
		return -1;
	for (;;) {
		if (raw_recv(s, &h, body, sizeof(body), &len,
			WAIT_LONG * 1000) != 0)
			return -1;
		if (h.rsp_class == RUMPSP_REQ && h.rsp_type == RUMPSP_COPYINSTR) {
			if (raw_send(s, h.rsp_reqno, RUMPSP_RESP, RUMPSP_COPYIN,
				0, path, strlen(path) + 1) != 0)
				return -1;
		} else if (h.rsp_class == RUMPSP_RESP && h.rsp_reqno == 2 &&
		    len == sizeof(resp)) {
			memcpy(&resp, body, sizeof(resp));
			return resp.rsys_error == 0 ? (int)resp.rsys_retval[0] :
						      -1;
		} else
			return -1;
	}
}

/*
 * A raw guest that asks for the whole big file and then reads nothing:
 * the server's copyout frames pile up until the socket is full. Returns
 * the socket, or -1.
 */
static int
stuck_client(const struct server *sv)
{
	uint64_t args[3];
	double end;
	int s, fd, queued = 0;

	if ((s = raw_connect(sv, WAIT_LONG * 1000)) == -1)
		return -1;
	if ((fd = raw_open(s, "/tmp/big")) < 0)
		goto fail;
	args[0] = (uint64_t)fd;
	args[1] = 0x100000; /* never dereferenced: we take no copyout */
	args[2] = BIGFILE;
	if (raw_send(s, 3, RUMPSP_REQ, RUMPSP_SYSCALL, NB_SYS_READ, args,
		sizeof(args)) != 0)
		goto fail;
	for (end = now() + WAIT_LONG; queued < 65536 && now() < end; msleep(10))
		ioctl(s, FIONREAD, &queued);
	if (queued >= 65536)
		return s;
fail:
	close(s);
	return -1;
}

TEST(client_that_stops_reading_stalls_nobody)
{
	struct server sv;
	double t;
	pid_t pid;
	int s;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, bigfile_client, NULL), 0);
	s = stuck_client(&sv);
	CHECK(s != -1);

	/* Expected in well under a second. */
	t = now();
	pid = client_start(&sv, bystander_client, NULL);
	CHECK_EQ_INT(child_wait(pid, 10), 0);
	printf("  another client's calls took %.2f s\n", now() - t);

	/* Once the stuck client goes, so does its call. */
	close(s);
	CHECK_EQ_INT(client_run(&sv, fresh_client, "bystander"), 0);

	/* And one still stuck does not hold up a halt. */
	s = stuck_client(&sv);
	CHECK(s != -1);
	t = now();
	if (sv.sv_pid > 0)
		kill(sv.sv_pid, SIGTERM);
	CHECK_EQ_INT(server_wait(&sv, 10), 0);
	printf("  halt with a stuck client took %.2f s\n", now() - t);
	if (s != -1)
		close(s);
	server_cleanup(&sv, check_case_failed);
}

/*
 * Against $RUMP_TEST_SERVER: the cases that need not stop, restart or read
 * the output of their server, the stress cases smaller. The server is
 * left running.
 */
static int
remote_tests(void)
{
	int passed, failed;

	stress_procs = REMOTE_PROCS;
	stress_threads = REMOTE_THREADS;
	stress_kills = REMOTE_KILLS;
	printf("against %s, which keeps running\n", test_server_url);
	RUN(simple_client_over_tcp);
	RUN(rump_sysctl_reads_and_writes);
	RUN(stress_clients_killed_by_sigusr1);
	RUN(stress_clients_killed_by_sigkill);
	RUN(sigpipe_raised_in_client);
	RUN(blocked_read_and_write_from_two_threads);
	fork_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	fault_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	signal_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	printf("not run: rump_sysctl_and_rump_halt, "
	       "reboot_from_client_halts_server, "
	       "client_that_stops_reading_stalls_nobody, reconnect_*, "
	       "handler_runs_during_the_reconnection_backoff, "
	       "handler_runs_while_waiting_for_anothers_reconnection (they stop or "
	       "restart the server)\n");
	return check_done();
}

/*
 * test_client --getpid-loop N: N getpids from $RUMP_SERVER, every one the
 * same pid; prints "pid P: N calls, T us each", exits 0 if all were
 * right. tests/qemu/run.py runs several at once against the image.
 */
static int
getpid_loop(int n)
{
	double t;
	pid_t pid;
	int i, bad = 0;

	if (init_retrying("getpid loop") != 0) {
		printf("rumpclient_init: %s\n", strerror(errno));
		return 1;
	}
	t = now();
	pid = rump_sys_getpid();
	for (i = 1; i < n; i++)
		bad += rump_sys_getpid() != pid;
	printf("pid %d: %d calls, %.0f us each, %d wrong\n", (int)pid, n,
	    (now() - t) / n * 1e6, bad);
	return pid <= 1 || bad != 0;
}

/*
 * test_client --stress PROCS THREADS KILLS: the SIGKILL stress case alone
 * against $RUMP_TEST_SERVER with that many forked clients, threads each
 * and clients killed (tests/qemu/run.py's image stress).
 */
static int
stress_only(char **argv)
{
	stress_procs = atoi(argv[2]);
	stress_threads = atoi(argv[3]);
	stress_kills = atoi(argv[4]);
	if (test_server_url == NULL || stress_procs < 1 ||
	    stress_procs > STRESS_MAXPROCS || stress_threads < 1 ||
	    stress_threads > STRESS_THREADS || stress_kills < 0 ||
	    stress_kills > stress_procs) {
		printf("usage: RUMP_TEST_SERVER=URL test_client --stress PROCS "
		       "(1-%d) THREADS (1-%d) KILLS (0-PROCS)\n",
		    STRESS_MAXPROCS, STRESS_THREADS);
		return 2;
	}
	RUN(stress_clients_killed_by_sigkill);
	return check_done();
}

int
main(int argc, char **argv)
{
	int passed, failed;

	if (argc > 1 && strcmp(argv[1], "--exec-image") == 0)
		return exec_image(argc, argv);
	if (argc == 3 && strcmp(argv[1], "--getpid-loop") == 0)
		return getpid_loop(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((test_server_url = getenv("RUMP_TEST_SERVER")) != NULL &&
	    test_server_url[0] == '\0')
		test_server_url = NULL;
	if (argc == 5 && strcmp(argv[1], "--stress") == 0)
		return stress_only(argv);
	if (test_server_url != NULL)
		return remote_tests();
	test_server_url = NULL;
	if (argc == 2 && strcmp(argv[1], "--signal") == 0) {
		signal_tests(&passed, &failed); /* these cases alone */
		check_passed += passed;
		check_failed += failed;
		return check_done();
	}

	RUN(simple_client_over_unix_socket);
	RUN(simple_client_over_tcp);
	RUN(stress_clients_killed_by_sigusr1);
	RUN(stress_clients_killed_by_sigkill);
	RUN(sigpipe_raised_in_client);
	RUN(rump_sysctl_and_rump_halt);
	RUN(reboot_from_client_halts_server);
	RUN(blocked_read_and_write_from_two_threads);
	RUN(client_that_stops_reading_stalls_nobody);
	fork_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	fault_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	stress_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	signal_tests(&passed, &failed);
	check_passed += passed;
	check_failed += failed;
	return check_done();
}
