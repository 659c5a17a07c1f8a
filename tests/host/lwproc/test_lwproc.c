/*
 * rump_lwproc(3) and doc/lwproc.md on the host build (kernel + POSIX
 * hypercalls), with the first system calls. Fatal misuse is tried in a
 * forked child, which must die of SIGABRT with the reference's message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef RUMPIMG_IMAGE
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#ifndef RUMPIMG_IMAGE
/* Runs fn in a child; true when it died of SIGABRT saying msg on stderr. */
static int
dies_saying(void (*fn)(void), const char *msg)
{
	int fds[2], status;
	char buf[512] = "";
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds) != 0)
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT ||
	    strstr(buf, msg) == NULL) {
		printf("  child: status %#x, stderr: %s\n", status, buf);
		return 0;
	}
	return 1;
}

#endif

/* Back to an implicit context, releasing whatever this thread was bound to. */
static void
unbind(void)
{
	if (rump_pub_lwproc_curlwp() != NULL)
		rump_pub_lwproc_switch(NULL);
}

TEST(init_twice_and_implicit_context_is_pid_1)
{
	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_init(), 0);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_sys_getpid(), 1);
	CHECK_EQ_INT(rump_sys_getppid(), 0);
	CHECK_EQ_INT(rump_sys_getuid(), 0);
	CHECK_EQ_INT(rump_sys_write(1, "", 0), 0); /* init has the console */
}

TEST(pid_sequence_and_reparenting)
{
	struct lwp *l2, *l3, *l4;
	int p2;

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	l2 = rump_pub_lwproc_curlwp();
	CHECK(l2 != NULL);
	p2 = rump_sys_getpid();
#ifndef RUMPIMG_IMAGE
	/* Each case has a kernel of its own here (check_args): the first pid. */
	CHECK_EQ_INT(p2, 2);
#else
	CHECK(p2 >= 2);
#endif
	CHECK_EQ_INT(rump_sys_getppid(), 1);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	l3 = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_sys_getpid(), p2 + 1);
	CHECK_EQ_INT(rump_sys_getppid(), p2);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFD_SHARE), 0);
	l4 = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_sys_getpid(), p2 + 2);
	rump_pub_lwproc_releaselwp(); /* p2 + 2 goes */
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(p2 + 2), RUMP_ESRCH);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(0), 0);
	CHECK_EQ_INT(rump_sys_getpid(), p2 + 3); /* not p2 + 2 again */
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(l2);
	rump_pub_lwproc_releaselwp(); /* p2 goes; p2 + 1 goes to init */
	rump_pub_lwproc_switch(l3);
	CHECK_EQ_INT(rump_sys_getpid(), p2 + 1);
	CHECK_EQ_INT(rump_sys_getppid(), 1);
	rump_pub_lwproc_releaselwp();
	(void)l4;
}

TEST(rfork_bad_flags_change_nothing)
{
	static const int bad[] = { 3, 4, 0x10, RUMP_RFFDG | 0x100 };

	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ_INT(rump_pub_lwproc_rfork(bad[i]), RUMP_EINVAL);
		CHECK(rump_pub_lwproc_curlwp() == NULL);
		CHECK_EQ_INT(rump_sys_getpid(), 1);
	}
}

TEST(descriptor_tables_copy_share_clear)
{
	struct lwp *parent;
	int fd;

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	parent = rump_pub_lwproc_curlwp();
	fd = rump_sys_dup(1);
	CHECK_EQ_INT(fd, 3);
	/* Copy: closing in the child leaves the parent's open. */
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFD_COPY), 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ_INT(rump_sys_write(fd, "", 0), 0);
	/* Share: closing in the child closes the parent's. */
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFD_SHARE), 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ_INT(rump_sys_write(fd, "", 0), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);
	/* Clear: nothing open, not even 0, 1 and 2. */
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFD_CLEAR), 0);
	CHECK_EQ_INT(rump_sys_write(1, "x", 1), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	rump_pub_lwproc_releaselwp();
}

TEST(descriptor_errors)
{
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_close(77), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_dup(-1), -1);
	CHECK_EQ_INT(errno, RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_write(1, NULL, 4), -1);
	CHECK_EQ_INT(errno, RUMP_EFAULT);
	CHECK_EQ_INT(rump_sys_dup2(1, 10), 10);
	int n = 0;
	while (rump_sys_dup(1) != -1)
		n++;
	CHECK_EQ_INT(errno, RUMP_EMFILE);
	CHECK(n > 10);
	rump_pub_lwproc_releaselwp();
}

TEST(newlwp_lids_and_switching)
{
	struct lwp *a, *b, *c;

	CHECK_EQ_INT(rump_pub_lwproc_newlwp(999), RUMP_ESRCH);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	a = rump_pub_lwproc_curlwp();
	pid_t pa = rump_sys_getpid();
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(pa), 0); /* a stays, unbound */
	b = rump_pub_lwproc_curlwp();
	CHECK(b != NULL && b != a);
	CHECK_EQ_INT(rump_sys_getpid(), pa);
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(1), 0); /* attach to init */
	c = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_sys_getpid(), 1);
	rump_pub_lwproc_releaselwp(); /* init survives */
	CHECK_EQ_INT(rump_sys_getpid(), 1);
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(rump_sys_getpid(), pa);
	rump_pub_lwproc_releaselwp(); /* b keeps the process */
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(pa), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(b);
	rump_pub_lwproc_releaselwp(); /* the last: process goes */
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(pa), RUMP_ESRCH);
	(void)c;
}

TEST(hundred_twenty_eight_lwps_in_one_process)
{
	static struct lwp *l[128];

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	pid_t pid = rump_sys_getpid();
	l[0] = rump_pub_lwproc_curlwp();
	for (int i = 1; i < 128; i++) {
		CHECK_EQ_INT(rump_pub_lwproc_newlwp(pid), 0);
		l[i] = rump_pub_lwproc_curlwp();
		CHECK(l[i] != l[i - 1]);
	}
	for (int i = 127; i >= 0; i--) {
		if (i != 127) /* l[127] is bound already: no self-switch */
			rump_pub_lwproc_switch(l[i]);
		CHECK_EQ_INT(rump_sys_getpid(), pid);
		rump_pub_lwproc_releaselwp();
	}
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(pid), RUMP_ESRCH);
}

TEST(ten_thousand_processes_created_and_released)
{
	pid_t last = 0;

	for (int i = 0; i < 10000; i++) {
		if (rump_pub_lwproc_rfork(i % 3 == 0 ? RUMP_RFFDG :
			    i % 3 == 1		     ? RUMP_RFCFDG :
						       RUMP_RFFD_SHARE) != 0)
			break;
		pid_t p = rump_sys_getpid();
		CHECK(p > last || last > 29000); /* increasing until the wrap */
		last = p;
		rump_pub_lwproc_releaselwp();
	}
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(last), RUMP_ESRCH);
	/* Leaks, if any, are LeakSanitizer's to report at exit. */
}

TEST(credentials_as_root_and_not)
{
	gid_t g[4] = { 5, 6, 7, 8 }, out[16];

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_setgroups(4, g), 0);
	CHECK_EQ_INT(rump_sys_getgroups(0, NULL), 4);
	CHECK_EQ_INT(rump_sys_getgroups(2, out), -1);
	CHECK_EQ_INT(errno, RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_getgroups(16, out), 4);
	CHECK(out[0] == 5 && out[3] == 8);
	CHECK_EQ_INT(rump_sys_setgid(100), 0);
	CHECK_EQ_INT(rump_sys_getegid(), 100);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0); /* root may */
	CHECK_EQ_INT(rump_sys_getuid(), 1000);
	CHECK_EQ_INT(rump_sys_geteuid(), 1000);
	CHECK_EQ_INT(rump_sys_setuid(0), -1); /* no longer */
	CHECK_EQ_INT(errno, RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_seteuid(0), -1);
	CHECK_EQ_INT(rump_sys_setgid(0), -1);
	CHECK_EQ_INT(rump_sys_setegid(0), -1);
	CHECK_EQ_INT(rump_sys_setgroups(1, g), -1);
	CHECK_EQ_INT(errno, RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0); /* to one's own id */
	/* A child inherits the credentials; the parent of the test, init, kept root. */
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_getuid(), 1000);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ_INT(rump_sys_getuid(), 0); /* implicit: init */
	CHECK_EQ_INT(rump_sys_setgroups(-1, g), -1);
	CHECK_EQ_INT(errno, RUMP_EINVAL);
}

TEST(resources_follow_curlwp)
{
	struct lwp *a, *b;
	char cwd[64];

	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	a = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_sys_setuid(1234), 0);
	CHECK_EQ_INT(rump_sys_chdir("/dev"), 0);
	CHECK_EQ_INT(rump_sys_close(2), 0);
	rump_pub_lwproc_switch(NULL); /* back to implicit: init */
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_sys_getpid(), 1);
	CHECK_EQ_INT(rump_sys_getuid(), 0);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	b = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(a); /* a survived switch(NULL) */
	CHECK_EQ_INT(rump_sys_getuid(), 1234);
	CHECK_EQ_INT(rump_sys___getcwd(cwd, sizeof(cwd)), 5); /* "/dev" and NUL */
	CHECK_EQ_STR(cwd, "/dev");
	CHECK_EQ_INT(rump_sys_write(2, "", 0), -1); /* a's table: 2 closed */
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(rump_sys_getuid(), 0);
	CHECK_EQ_INT(rump_sys___getcwd(cwd, sizeof(cwd)), 2);
	CHECK_EQ_STR(cwd, "/");
	CHECK_EQ_INT(rump_sys_write(2, "", 0), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(a);
	rump_pub_lwproc_releaselwp();
}

TEST(proc0_takes_lwps_like_any_process)
{
	struct lwp *l0;
	int child;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(0), 0);
	l0 = rump_pub_lwproc_curlwp();
	CHECK(l0 != NULL);
	CHECK_EQ_INT(rump_sys_getpid(), 0);
	/* Unbound, then bound again: the first switch cleared "running". */
	rump_pub_lwproc_switch(NULL);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_sys_getpid(), 1);
	rump_pub_lwproc_switch(l0);
	CHECK(rump_pub_lwproc_curlwp() == l0);
	/* A child of proc0 after boot is a new process, never a second init. */
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	child = rump_sys_getpid();
	CHECK(child > 1);
	CHECK_EQ_INT(rump_sys_getppid(), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(child), RUMP_ESRCH);
	/* Releasing proc0's only extra lwp leaves proc0 in place. */
	rump_pub_lwproc_switch(l0);
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ_INT(rump_pub_lwproc_newlwp(0), 0);
	CHECK_EQ_INT(rump_sys_getpid(), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ_INT(rump_sys_getpid(), 1);
}

/*
 * rump_daemonize_begin(3) forks, so it must come before rump_init (whose
 * threads a fork would lose): after it, EALREADY; done without a begin is
 * ENOENT. The whole fork-and-wait is tried by tests/host/sp (h_simpleserver).
 */
TEST(daemonize_after_init_is_refused)
{
	CHECK_EQ_INT(rump_daemonize_begin(), RUMP_EALREADY);
	CHECK_EQ_INT(rump_daemonize_done(RUMP_DAEMONIZE_SUCCESS), RUMP_ENOENT);
}

#ifndef RUMPIMG_IMAGE
/* Fatal misuse: in the image each is a boot of its own (tests/qemu/run.py). */
static struct lwp *shared_lwp;
static volatile int bound_ready, may_leave;

static void *
hold_lwp(void *arg)
{
	(void)arg;
	rump_pub_lwproc_switch(shared_lwp); /* bound in this thread */
	bound_ready = 1;
	while (!may_leave)
		usleep(1000);
	return NULL;
}

static void
use_lwp_in_two_threads(void)
{
	pthread_t t;

	rump_pub_lwproc_rfork(RUMP_RFFDG);
	shared_lwp = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(NULL);
	pthread_create(&t, NULL, hold_lwp, NULL);
	while (!bound_ready)
		usleep(1000);
	rump_pub_lwproc_switch(shared_lwp); /* running elsewhere: fatal */
}

static void
switch_to_self(void)
{
	rump_pub_lwproc_rfork(RUMP_RFFDG);
	rump_pub_lwproc_switch(rump_pub_lwproc_curlwp());
}

static void
release_in_implicit(void)
{
	rump_pub_lwproc_releaselwp();
}

static void
release_twice(void)
{
	rump_pub_lwproc_rfork(RUMP_RFFDG);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_releaselwp();
}

static void
switch_null_in_implicit(void)
{
	rump_pub_lwproc_switch(NULL);
}

TEST(fatal_misuse_stops_the_kernel)
{
	CHECK(dies_saying(switch_to_self, ":0) already running"));
	CHECK(dies_saying(release_in_implicit, "releasing non-pertinent lwp"));
	CHECK(dies_saying(release_twice, "releasing non-pertinent lwp"));
	CHECK(dies_saying(switch_null_in_implicit, "kernel assertion"));
	CHECK(dies_saying(use_lwp_in_two_threads, ":0) already running"));
}

#endif

#ifdef RUMPIMG_IMAGE
int
lwproc_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	/* Every case runs on a booted kernel, whichever runs first or alone. */
	if (rump_init() != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(init_twice_and_implicit_context_is_pid_1);
	RUN(pid_sequence_and_reparenting);
	RUN(rfork_bad_flags_change_nothing);
	RUN(descriptor_tables_copy_share_clear);
	RUN(descriptor_errors);
	RUN(newlwp_lids_and_switching);
	RUN(hundred_twenty_eight_lwps_in_one_process);
	RUN(ten_thousand_processes_created_and_released);
	RUN(credentials_as_root_and_not);
	RUN(resources_follow_curlwp);
	RUN(proc0_takes_lwps_like_any_process);
	RUN(daemonize_after_init_is_refused);
#ifndef RUMPIMG_IMAGE
	RUN(fatal_misuse_stops_the_kernel);
#endif
	unbind();
	return check_done();
}
