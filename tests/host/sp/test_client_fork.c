/*
 * librumpclient's process creation against a real rump_server (doc/rump_sp.md):
 * fork sharing descriptors and pipes with the parent, forged and reused
 * fork cookies, exec keeping the process (with a call in flight), and
 * reconnection after a server restart under each retry policy (doc/rump_sp.md),
 * over unix and tcp sockets.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "test_client.h"

#define COOKIE_BYTES (SP_AUTHLEN * 4) /* first in the opaque prefork */

extern char **environ;

/* ---- fork ---- */

/*
 * The child gets the descriptors as of the prefork, sharing the open
 * files (and so their offsets) with the parent; one opened after the
 * prefork is not there.
 */
static void
fork_fd_client(void *arg)
{
	struct rumpclient_fork *rf;
	char buf[32];
	pid_t me, hp;
	int fd, late;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	me = rump_sys_getpid();
	fd = rump_sys_open("/tmp/shared",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_write(fd, "parent:", 7), 7);

	rf = rumpclient_prefork();
	CHECK(rf != NULL);
	late = rump_sys_open("/tmp/late", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(late, 4);
	if ((hp = child_fork()) == 0) {
		check_case_failed = 0;
		CHECK_EQ_INT(rumpclient_fork_init(rf), 0);
		/*
		 * The temporary process of the prefork took me + 1 (unless
		 * other clients of a server we do not own took pids too).
		 */
		if (test_server_url == NULL)
			CHECK_EQ_INT(rump_sys_getpid(), me + 2);
		else
			CHECK(rump_sys_getpid() > me);
		CHECK_EQ_INT(rump_sys_getppid(), 1);
		CHECK_EQ_INT(rump_sys_fcntl(late, RUMP_F_GETFD), -1);
		CHECK_EQ_INT(errno, RUMP_EBADF);
		CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 7);
		CHECK_EQ_INT(rump_sys_write(fd, "child", 5), 5);
		exit(check_case_failed);
	}
	free(rf);
	CHECK_EQ_INT(child_wait(hp, WAIT_LONG), 0);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 12);

	/* Once more through rumpclient_fork itself. */
	if ((hp = rumpclient_fork()) == 0) {
		check_case_failed = 0;
		CHECK(rump_sys_getpid() > me + (test_server_url == NULL ? 2 : 0));
		CHECK_EQ_INT(rump_sys_write(fd, "+fork", 5), 5);
		CHECK_EQ_INT(rump_sys_fcntl(late, RUMP_F_GETFD), 0);
		exit(check_case_failed);
	}
	CHECK(hp > 0);
	CHECK_EQ_INT(child_wait(hp, WAIT_LONG), 0);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 17);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_pread(fd, buf, sizeof(buf), 0), 17);
	CHECK_EQ_STR(buf, "parent:child+fork");
	CHECK_EQ_INT(rump_sys_getpid(), me);
}

/*
 * A prefork outlives its parent's connection: the parent exits at once,
 * the child completes the fork afterwards and reports through a host
 * pipe (its parent is gone, so no wait status reaches us).
 */
static void
orphan_fork_client(void *arg)
{
	int *report = arg;
	struct rumpclient_fork *rf;
	char buf[8];
	char ok;
	pid_t parent;
	int fd;

	CHECK_EQ_INT(rumpclient_init(), 0);
	fd = rump_sys_open("/tmp/orphan", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(rump_sys_write(fd, "data", 4), 4);
	rf = rumpclient_prefork();
	CHECK(rf != NULL);
	fflush(stdout);
	parent = getpid();
	switch (fork()) {
	case -1:
		CHECK(!"fork");
		return;
	case 0:
		alarm(WAIT_LONG);	    /* nobody waits for us */
		while (getppid() == parent) /* the parent has exited */
			msleep(10);
		ok = rumpclient_fork_init(rf) == 0 &&
			rump_sys_pread(fd, buf, sizeof(buf), 0) == 4 &&
			memcmp(buf, "data", 4) == 0 ?
		    'y' :
		    'n';
		/*
		 * The server notices the parent's connection close in its
		 * own time (a loaded host: any time): wait for init to be
		 * our parent, the alarm bounds it.
		 */
		while (ok == 'y' && rump_sys_getppid() != 1)
			msleep(10);
		(void)write(report[1], &ok, 1);
		_exit(0);
	default:
		free(rf);
		fflush(stdout);
		_exit(check_case_failed); /* closes our connection */
	}
}

static void
pipe_fork_client(void *arg)
{
	char buf[16];
	int down[2], up[2];
	pid_t hp;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK_EQ_INT(rump_sys_pipe(down), 0);
	CHECK_EQ_INT(rump_sys_pipe(up), 0);
	if ((hp = rumpclient_fork()) == 0) {
		check_case_failed = 0;
		CHECK_EQ_INT(rump_sys_close(down[1]), 0);
		CHECK_EQ_INT(rump_sys_close(up[0]), 0);
		memset(buf, 0, sizeof(buf));
		/* Blocks until the parent writes. */
		CHECK_EQ_INT(rump_sys_read(down[0], buf, sizeof(buf)), 4);
		CHECK_EQ_STR(buf, "ping");
		CHECK_EQ_INT(rump_sys_write(up[1], "pong", 4), 4);
		exit(check_case_failed);
	}
	CHECK(hp > 0);
	CHECK_EQ_INT(rump_sys_close(down[0]), 0);
	CHECK_EQ_INT(rump_sys_close(up[1]), 0);
	CHECK_EQ_INT(rump_sys_write(down[1], "ping", 4), 4);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(up[0], buf, sizeof(buf)), 4);
	CHECK_EQ_STR(buf, "pong");
	CHECK_EQ_INT(child_wait(hp, WAIT_LONG), 0);
	/* The child's process went with its connection, its write end too. */
	CHECK_EQ_INT(rump_sys_read(up[0], buf, sizeof(buf)), 0);
}

/* ---- fork cookies ---- */

/* In a host child: complete rf and report the outcome as exit status. */
static pid_t
try_fork_init(struct rumpclient_fork *rf)
{
	pid_t hp = child_fork();

	if (hp == 0) {
		if (rumpclient_fork_init(rf) == 0)
			_exit(rump_sys_getppid() == 1 ? 0 : 1);
		_exit(errno == ESRCH ? 3 : 4);
	}
	return hp;
}

static void
cookie_client(void *arg)
{
	unsigned char saved[COOKIE_BYTES];
	struct rumpclient_fork *rf, *rf2;
	int i;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);

	/* A forged cookie: the server knows no such prefork. */
	rf = rumpclient_prefork();
	CHECK(rf != NULL);
	for (i = 0; i < COOKIE_BYTES; i++)
		((unsigned char *)rf)[i] ^= 0x5a;
	CHECK_EQ_INT(child_wait(try_fork_init(rf), WAIT_LONG), 3 << 8);
	free(rf);

	/* A genuine one works once; the same bytes again do not. */
	rf = rumpclient_prefork();
	rf2 = rumpclient_prefork();
	CHECK(rf != NULL && rf2 != NULL);
	memcpy(saved, rf, sizeof(saved));
	CHECK_EQ_INT(child_wait(try_fork_init(rf), WAIT_LONG), 0);
	memcpy(rf2, saved, sizeof(saved));
	CHECK_EQ_INT(child_wait(try_fork_init(rf2), WAIT_LONG), 3 << 8);
	free(rf);
	free(rf2);

	/* The parent's own connection is untouched by all this. */
	CHECK(rump_sys_getpid() > 1);
}

/* ---- exec ---- */

/*
 * The image rumpclient_exec started (main's --exec-image): argv[2] is
 * the pid to keep, argv[3] a descriptor that must survive holding "kept",
 * argv[4] one that was close-on-exec, argv[5] and [6] a pipe that a read
 * of the old image was blocked on. The exit status has a bit per failed
 * check, for the exec'ing client's parent to see.
 */
int
exec_image(int argc, char **argv)
{
	char buf[8];
	int bad = 0;

	if (argc != 7)
		return 0xfe;
	if (rumpclient_init() != 0)
		return 0xff;
	if (getenv("RUMPCLIENT__EXECFD") != NULL)
		bad |= 0x01;
	if (rump_sys_getpid() != atoi(argv[2]))
		bad |= 0x02;
	memset(buf, 0, sizeof(buf));
	if (rump_sys_read(atoi(argv[3]), buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "kept", 4) != 0)
		bad |= 0x04;
	if (rump_sys_fcntl(atoi(argv[4]), RUMP_F_GETFD) != -1 ||
	    errno != RUMP_EBADF)
		bad |= 0x08;
	if (rump_sys_getppid() != 1)
		bad |= 0x10;
	/* The next descriptor is the lowest free one: the closed one. */
	if (rump_sys_open("/tmp/kept", RUMP_O_RDONLY) != atoi(argv[4]))
		bad |= 0x20;
	/* The old read was interrupted, not left to eat this. */
	if (rump_sys_write(atoi(argv[6]), "pipe", 4) != 4 ||
	    rump_sys_read(atoi(argv[5]), buf, sizeof(buf)) != 4)
		bad |= 0x40;
	return bad;
}

static void *
read_forever(void *arg)
{
	char c;

	(void)rump_sys_read(*(int *)arg, &c, 1);
	return NULL;
}

static void
exec_client(void *arg)
{
	char pid[16],
	    *argv[] = { "test_client", "--exec-image", pid, "3", "4", "5", "6",
		    NULL };
	char *nope[] = { "nope", NULL };
	pthread_t t;
	int fd, cloexec, p[2];

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	snprintf(pid, sizeof(pid), "%d", (int)rump_sys_getpid());
	fd = rump_sys_open("/tmp/kept", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(rump_sys_write(fd, "kept", 4), 4);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	cloexec = rump_sys_open("/tmp/gone", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK_EQ_INT(cloexec, 4);
	CHECK_EQ_INT(rump_sys_fcntl(cloexec, RUMP_F_SETFD, RUMP_FD_CLOEXEC), 0);
	CHECK_EQ_INT(rump_sys_fcntl(cloexec, RUMP_F_GETFD), RUMP_FD_CLOEXEC);

	/* A failed exec leaves the connection as it was. */
	CHECK_EQ_INT(rumpclient_exec("/nonexistent/image", nope, environ), -1);
	CHECK_EQ_INT(errno, ENOENT);
	CHECK_EQ_INT(rump_sys_getpid(), atoi(pid));

	/* A call in flight when we exec: the server must drain it. */
	CHECK_EQ_INT(rump_sys_pipe(p), 0);
	CHECK(p[0] == 5 && p[1] == 6);
	CHECK_EQ_INT(pthread_create(&t, NULL, read_forever, &p[0]), 0);
	msleep(100); /* most likely blocked by now; either way is fine */

	if (check_case_failed)
		return;
	fflush(stdout);
	rumpclient_exec("/proc/self/exe", argv, environ);
	CHECK(!"rumpclient_exec returned");
}

/* ---- reconnection ---- */

enum restart {
	BEFORE_CALL, /* the server is back before the client calls */
	DURING_CALL, /* the client calls, the server comes back later */
	NOT_AGAIN,   /* the server stays down */
};

struct recon {
	time_t rc_mode;
	enum restart rc_when;
	int rc_expect;	 /* 0: success, else the call's errno */
	int rc_ready[2]; /* host pipes: client -> test */
	int rc_go[2];	 /* test -> client */
};

static void
recon_client(void *arg)
{
	struct recon *rc = arg;
	char c, name[64];
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	size_t len = sizeof(name);
	double t;
	pid_t pid;

	rumpclient_setconnretry(rc->rc_mode);
	/* Connected twice, so that the old pid is not the new server's 2. */
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK_EQ_INT(rumpclient_init(), 0);
	pid = rump_sys_getpid();
	CHECK(pid > 2);
	CHECK_EQ_INT(rump_sys_open("/tmp/r", RUMP_O_RDWR | RUMP_O_CREAT, 0644),
	    3);
	CHECK_EQ_INT(rump_sys___sysctl(mib, 2, NULL, NULL, "old", 4), 0);
	if (rc->rc_mode == RUMPCLIENT_RETRYCONN_DIE && check_case_failed)
		_exit(2);
	c = 'r';
	CHECK_EQ_INT(write(rc->rc_ready[1], &c, 1), 1);
	CHECK_EQ_INT(read(rc->rc_go[0], &c, 1), 1);

	t = now();
	errno = 0;
	if (rc->rc_expect != 0) {
		CHECK_EQ_INT(rump_sys_fcntl(3, RUMP_F_GETFD), -1);
		CHECK_EQ_INT(errno, rc->rc_expect);
		/* And stays so (mode 0 and a lapsed timeout alike). */
		CHECK_EQ_INT(rump_sys_fcntl(3, RUMP_F_GETFD), -1);
		CHECK_EQ_INT(errno, rc->rc_expect);
	} else {
		/* The call went to a new process: no descriptor 3. */
		CHECK_EQ_INT(rump_sys_fcntl(3, RUMP_F_GETFD), -1);
		CHECK_EQ_INT(errno, RUMP_EBADF);
		CHECK(rump_sys_getpid() != pid);
		CHECK_EQ_INT(rump_sys___sysctl(mib, 2, name, &len, NULL, 0), 0);
		CHECK(strcmp(name, "old") != 0);
	}
	if (rc->rc_mode > 0 && rc->rc_when == NOT_AGAIN)
		CHECK(now() - t >= (double)rc->rc_mode - 0.5);
	if (rc->rc_mode == RUMPCLIENT_RETRYCONN_DIE) {
		fflush(stdout);
		_exit(check_case_failed ? 2 : 3); /* not 1: we lived */
	}
}

/*
 * A client of a server that goes away and perhaps comes back; returns the
 * client's wait status.
 */
static int
recon_case(struct server *sv, time_t mode, enum restart when, int expect)
{
	struct recon rc = { .rc_mode = mode, .rc_when = when, .rc_expect = expect };
	pid_t pid;
	char c;
	int status;

	if (pipe(rc.rc_ready) != 0 || pipe(rc.rc_go) != 0)
		return -1;
	pid = client_start(sv, recon_client, &rc);
	close(rc.rc_ready[1]);
	close(rc.rc_go[0]);
	if (read(rc.rc_ready[0], &c, 1) != 1) {
		CHECK(!"client ready");
	} else {
		CHECK_EQ_INT(server_stop(sv), 0);
		if (when == BEFORE_CALL)
			CHECK_EQ_INT(server_start(sv), 0);
		CHECK_EQ_INT(write(rc.rc_go[1], "g", 1), 1);
		if (when == DURING_CALL) {
			msleep(500);
			CHECK_EQ_INT(server_start(sv), 0);
		}
	}
	status = child_wait(pid, WAIT_LONG);
	close(rc.rc_ready[0]);
	close(rc.rc_go[1]);
	if (!server_alive(sv))
		CHECK_EQ_INT(server_start(sv), 0);
	return status;
}

/* ---- the cases ---- */

/* Runs fn as a client of a fresh unix socket server, stopped after. */
static void
with_server(void (*fn)(void *), void *arg)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, fn, arg), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

TEST(fork_shares_descriptors_and_offsets)
{
	with_server(fork_fd_client, NULL);
}

TEST(fork_completes_after_parent_exit)
{
	struct server sv;
	int report[2];
	char ok = 0;

	if (!server_up(&sv, false))
		return;
	if (pipe(report) != 0) {
		CHECK(!"pipe");
		server_cleanup(&sv, true);
		return;
	}
	CHECK_EQ_INT(client_run(&sv, orphan_fork_client, report), 0);
	close(report[1]);
	CHECK_EQ_INT(read(report[0], &ok, 1), 1); /* EOF if it died */
	CHECK_EQ_INT(ok, 'y');
	close(report[0]);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

TEST(fork_pipe_between_parent_and_child)
{
	with_server(pipe_fork_client, NULL);
}

TEST(forged_and_reused_fork_cookies_rejected)
{
	with_server(cookie_client, NULL);
}

TEST(exec_keeps_pid_and_descriptors_but_cloexec)
{
	with_server(exec_client, NULL);
}

TEST(reconnect_after_server_restart)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	/* Default: never. */
	CHECK_EQ_INT(recon_case(&sv, 0, BEFORE_CALL, ENOTCONN), 0);
	CHECK_EQ_INT(recon_case(&sv, RUMPCLIENT_RETRYCONN_ONCE, BEFORE_CALL, 0),
	    0);
	CHECK_EQ_INT(
	    recon_case(&sv, RUMPCLIENT_RETRYCONN_ONCE, NOT_AGAIN, ENOTCONN), 0);
	CHECK_EQ_INT(recon_case(&sv, 30, DURING_CALL, 0), 0);
	CHECK_EQ_INT(recon_case(&sv, 1, NOT_AGAIN, ENOTCONN), 0);
	CHECK_EQ_INT(
	    recon_case(&sv, RUMPCLIENT_RETRYCONN_INFTIME, DURING_CALL, 0), 0);
	/* DIE: _exit(1) from inside the call. */
	CHECK_EQ_INT(recon_case(&sv, RUMPCLIENT_RETRYCONN_DIE, BEFORE_CALL, 0),
	    1 << 8);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* A closed tcp connection shows differently (a reset, EOF on read). */
TEST(reconnect_over_tcp)
{
	struct server sv;

	if (!server_up(&sv, true))
		return;
	CHECK_EQ_INT(recon_case(&sv, 0, BEFORE_CALL, ENOTCONN), 0);
	CHECK_EQ_INT(recon_case(&sv, RUMPCLIENT_RETRYCONN_ONCE, BEFORE_CALL, 0),
	    0);
	CHECK_EQ_INT(recon_case(&sv, 30, DURING_CALL, 0), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * The application closes every descriptor above stderr (its client
 * socket among them) at random moments while four threads make calls, as
 * NetBSD's reconnect test does: with reconnection on, every call still
 * succeeds with the right answer, over new connections, and the client
 * ends. A stale connection must not touch the descriptor number once
 * another socket has it (it read the new connection's banner: a hang).
 */
#define CLOSER_SECS 2.0

static volatile int closer_quit;

static void *
closer_thread(void *arg)
{
	(void)arg;
	while (!closer_quit) {
		msleep((int)(random() % 100));
		for (int fd = 3; fd < 256; fd++)
			close(fd);
	}
	return NULL;
}

static void *
closed_caller(void *arg)
{
	char name[64];
	long *bad = arg;
	double end = now() + CLOSER_SECS;
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	size_t len;

	while (now() < end) {
		len = sizeof(name) - 1;
		memset(name, 0, sizeof(name));
		if (rump_sys_getpid() <= 1 ||
		    rump_sys___sysctl(mib, 2, name, &len, NULL, 0) != 0 ||
		    len == 0 || name[0] == '\0')
			(*bad)++;
	}
	return NULL;
}

static void
closefrom_client(void *arg)
{
	pthread_t closer, t[4];
	long bad[4] = { 0 };

	(void)arg;
	srandom((unsigned)getpid());
	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_INFTIME);
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK_EQ_INT(pthread_create(&closer, NULL, closer_thread, NULL), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(pthread_create(&t[i], NULL, closed_caller, &bad[i]),
		    0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(bad[i], 0);
	}
	closer_quit = 1;
	pthread_join(closer, NULL);
}

TEST(reconnect_after_descriptors_closed_under_calls)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, closefrom_client, NULL), 0);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * This file's cases, counted into *passed and *failed; against a server
 * we do not own ($RUMP_TEST_SERVER), all but the reconnections, which
 * restart the server.
 */
int
fork_tests(int *passed, int *failed)
{
	check_passed = check_failed = 0;
	RUN(fork_shares_descriptors_and_offsets);
	RUN(fork_completes_after_parent_exit);
	RUN(fork_pipe_between_parent_and_child);
	RUN(forged_and_reused_fork_cookies_rejected);
	RUN(exec_keeps_pid_and_descriptors_but_cloexec);
	RUN(reconnect_after_descriptors_closed_under_calls);
	if (test_server_url == NULL) {
		RUN(reconnect_after_server_restart);
		RUN(reconnect_over_tcp);
	}
	*passed = check_passed;
	*failed = check_failed;
	return check_failed;
}
