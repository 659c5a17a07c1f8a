/*
 * Process groups, sessions, login names, issetugid, resource limits, kill,
 * setreuid/setregid, dup3 and the time calls (kernel/kern_prot.c,
 * kernel/kern_time.c, kernel/syscall.c), pathconf and the sync calls
 * (kernel/vfs_info.c), with
 * NetBSD's errno for each failure. Each case works in processes of its
 * own (rfork) and releases them, so cases stand alone. Built for the host
 * and, with RUMPIMG_IMAGE, for the image (tests/qemu/apps/suite_prot.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

/* expr must fail with NetBSD's errno e. */
#define CHECK_ERR(expr, e)                \
	do {                              \
		errno = 0;                \
		CHECK_EQ_INT((expr), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

/* A new process, child of the current one, bound to this thread. */
static struct lwp *
fork_bound(int flags)
{
	if (rump_pub_lwproc_rfork(flags) != 0)
		return NULL;
	return rump_pub_lwproc_curlwp();
}

/* Releases the bound process and returns to the lwp back (or implicit). */
static void
release_to(struct lwp *back)
{
	rump_pub_lwproc_releaselwp();
	if (back != NULL)
		rump_pub_lwproc_switch(back);
}

TEST(groups_and_sessions_follow_netbsd_rules)
{
	struct lwp *pl, *cl;
	int p, c;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_sys_getpgrp(), 1); /* init's own session */
	CHECK_EQ_INT(rump_sys_getsid(0), 1);
	pl = fork_bound(RUMP_RFFDG);
	CHECK(pl != NULL);
	p = rump_sys_getpid();
	CHECK_EQ_INT(rump_sys_getpgrp(), 1); /* inherited */
	CHECK_EQ_INT(rump_sys_getsid(p), 1);
	CHECK_EQ_INT(rump_sys_setsid(), p);
	CHECK_EQ_INT(rump_sys_getpgrp(), p);
	CHECK_EQ_INT(rump_sys_getsid(0), p);
	CHECK_ERR(rump_sys_setsid(), RUMP_EPERM);      /* a group leader */
	CHECK_ERR(rump_sys_setpgid(0, 0), RUMP_EPERM); /* a session leader */

	cl = fork_bound(RUMP_RFFDG);
	c = rump_sys_getpid();
	CHECK_EQ_INT(rump_sys_getpgrp(), p);
	CHECK_EQ_INT(rump_sys_getsid(0), p);
	CHECK_EQ_INT(rump_sys_setpgid(0, 0), 0); /* a group of its own */
	CHECK_EQ_INT(rump_sys_getpgrp(), c);
	CHECK_ERR(rump_sys_setsid(), RUMP_EPERM); /* now a leader */
	rump_pub_lwproc_switch(pl);
	CHECK_EQ_INT(rump_sys_getpgid(c), c);
	CHECK_EQ_INT(rump_sys_setpgid(c, p), 0); /* back into p's group */
	CHECK_EQ_INT(rump_sys_getpgid(c), p);
	CHECK_ERR(rump_sys_setpgid(c, 29999), RUMP_EPERM); /* no such group */
	CHECK_ERR(rump_sys_setpgid(c, -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_setpgid(1, 1), RUMP_ESRCH); /* not a child */
	CHECK_ERR(rump_sys_setpgid(29999, 0), RUMP_ESRCH);
	CHECK_ERR(rump_sys_getpgid(29999), RUMP_ESRCH);
	CHECK_ERR(rump_sys_getsid(29999), RUMP_ESRCH);
	rump_pub_lwproc_switch(cl);
	release_to(pl);
	release_to(NULL);
	CHECK_EQ_INT(rump_sys_getpid(), 1);
}

TEST(login_names_belong_to_the_session)
{
	char name[RUMP_MAXLOGNAME + 8];
	struct lwp *pl;

	CHECK_EQ_INT(rump_init(), 0);
	pl = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_setsid(), rump_sys_getpid());
	memset(name, 'x', sizeof(name));
	CHECK_EQ_INT(rump_sys___getlogin(name, sizeof(name)), 0);
	CHECK_EQ_STR(name, "");
	CHECK_EQ_INT(rump_sys___setlogin("alice"), 0);
	fork_bound(RUMP_RFFDG); /* same session */
	CHECK_EQ_INT(rump_sys___getlogin(name, sizeof(name)), 0);
	CHECK_EQ_STR(name, "alice");
	release_to(pl);
	/* Sixteen characters leave no room for the NUL. */
	CHECK_ERR(rump_sys___setlogin("abcdefghijklmnop"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys___setlogin("mallory"), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys___getlogin(name, sizeof(name)), 0);
	CHECK_EQ_STR(name, "alice");
	release_to(NULL);
}

TEST(issetugid_after_changing_ids)
{
	struct lwp *pl;

	CHECK_EQ_INT(rump_init(), 0);
	pl = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_issetugid(), 0);
	CHECK_EQ_INT(rump_sys_seteuid(1000), 0);
	CHECK_EQ_INT(rump_sys_issetugid(), 1);
	fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_issetugid(), 1); /* inherited */
	release_to(pl);
	release_to(NULL);
}

TEST(descriptor_limit_is_enforced)
{
	struct rump_rlimit rl;
	int n = 0;

	CHECK_EQ_INT(rump_init(), 0);
	fork_bound(RUMP_RFCFDG); /* an empty table */
	CHECK_EQ_INT(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_INT((long long)rl.rlim_cur, 64);
	CHECK_EQ_INT((long long)rl.rlim_max, 64);
	rl.rlim_cur = 8;
	CHECK_EQ_INT(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, &rl), 0);
	while (n < 16 && rump_sys_open("/dev/null", RUMP_O_RDONLY) != -1)
		n++;
	CHECK_EQ_INT(n, 8);
	CHECK_EQ_INT(errno, RUMP_EMFILE);
	CHECK_ERR(rump_sys_dup2(0, 8), RUMP_EBADF);
	rl.rlim_cur = 1000; /* above the maximum */
	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, &rl), RUMP_EINVAL);
	rl.rlim_cur = rl.rlim_max = 1000; /* capped to the table */
	CHECK_EQ_INT(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_INT(rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_INT((long long)rl.rlim_max, 64);
	CHECK_EQ_INT(rump_sys_dup2(0, 8), 8);
	CHECK_ERR(rump_sys_getrlimit(RUMP_RLIM_NLIMITS, &rl), RUMP_EINVAL);
	CHECK_ERR(rump_sys_setrlimit(-1, &rl), RUMP_EINVAL);
	/* Lowering the maximum is for good unless root. */
	rl.rlim_cur = rl.rlim_max = 32;
	CHECK_EQ_INT(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	rl.rlim_max = 33;
	CHECK_ERR(rump_sys_setrlimit(RUMP_RLIMIT_NOFILE, &rl), RUMP_EPERM);
	release_to(NULL);
}

TEST(process_limit_is_enforced_except_for_root)
{
	struct rump_rlimit rl = { 2, 2 };
	struct lwp *a, *b;

	CHECK_EQ_INT(rump_init(), 0);
	a = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_setuid(4242), 0); /* one process of 4242 */
	CHECK_EQ_INT(rump_sys_setrlimit(RUMP_RLIMIT_NPROC, &rl), 0);
	b = fork_bound(RUMP_RFFDG); /* two */
	CHECK(b != NULL);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), RUMP_EAGAIN);
	CHECK(rump_pub_lwproc_curlwp() == b); /* nothing changed */
	release_to(a);
	CHECK(fork_bound(RUMP_RFFDG) != NULL); /* room again */
	release_to(a);
	release_to(NULL);
	/* root is not counted against its limit */
	a = fork_bound(RUMP_RFFDG);
	rl.rlim_cur = rl.rlim_max = 1;
	CHECK_EQ_INT(rump_sys_setrlimit(RUMP_RLIMIT_NPROC, &rl), 0);
	CHECK(fork_bound(RUMP_RFFDG) != NULL);
	release_to(a);
	release_to(NULL);
}

TEST(kill_checks_target_signal_and_permission)
{
	struct lwp *a;
	int pa;

	CHECK_EQ_INT(rump_init(), 0);
	a = fork_bound(RUMP_RFFDG);
	pa = rump_sys_getpid();
	CHECK_EQ_INT(rump_sys_kill(pa, 0), 0);
	CHECK_EQ_INT(rump_sys_kill(0, 0), 0); /* its own group */
	CHECK_ERR(rump_sys_kill(29999, 0), RUMP_ESRCH);
	CHECK_ERR(rump_sys_kill(-29999, 0), RUMP_ESRCH);
	CHECK_ERR(rump_sys_kill(pa, RUMP_NSIG), RUMP_EINVAL);
	CHECK_ERR(rump_sys_kill(pa, -1), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_kill(1, 0), RUMP_EPERM);	  /* init is root's */
	CHECK_EQ_INT(rump_sys_kill(pa, RUMP_SIGTERM), 0); /* itself */
	(void)a;
	release_to(NULL);
}

TEST(rusage_of_self_and_children)
{
	struct rump_rusage ru;

	CHECK_EQ_INT(rump_init(), 0);
	memset(&ru, 0xff, sizeof(ru));
	CHECK_EQ_INT(rump_sys_getrusage(RUMP_RUSAGE_SELF, &ru), 0);
	CHECK_EQ_INT(ru.ru_maxrss, 0);
	CHECK_EQ_INT(rump_sys_getrusage(RUMP_RUSAGE_CHILDREN, &ru), 0);
	CHECK_ERR(rump_sys_getrusage(1, &ru), RUMP_EINVAL);
	CHECK_EQ_INT((int)sizeof(ru), 144);
}

TEST(wall_clock_set_by_root_only)
{
	struct rump_timeval tv, was;
	struct rump_timespec ts;
	int32_t tz[2] = { -1, -1 };
	struct lwp *a;

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_sys_gettimeofday(&was, tz), 0);
	CHECK_EQ_INT(tz[0], 0);
	CHECK_EQ_INT(tz[1], 0);
	CHECK(was.tv_usec >= 0 && was.tv_usec < 1000000);
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts), 0);
	CHECK(ts.tv_sec >= was.tv_sec && ts.tv_sec - was.tv_sec < 3600);

	memset(&tv, 0, sizeof(tv));
	tv.tv_sec = 2000000000;
	CHECK_EQ_INT(rump_sys_settimeofday(&tv, NULL), 0);
	CHECK_EQ_INT(rump_sys_gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_sec >= 2000000000 && tv.tv_sec < 2000000000 + 3600);
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts), 0);
	CHECK(ts.tv_sec >= 2000000000 && ts.tv_sec < 2000000000 + 3600);
	tv.tv_usec = 1000000;
	CHECK_ERR(rump_sys_settimeofday(&tv, NULL), RUMP_EINVAL);
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_MONOTONIC, &ts), RUMP_EINVAL);
	ts.tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_clock_getres(RUMP_CLOCK_MONOTONIC, &ts), 0);
	CHECK_EQ_INT(ts.tv_sec, 0);
	CHECK_EQ_INT(ts.tv_nsec, 1);
	CHECK_ERR(rump_sys_clock_getres(5, &ts), RUMP_EINVAL);

	a = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_settimeofday(&was, NULL), RUMP_EPERM);
	ts.tv_sec = was.tv_sec;
	ts.tv_nsec = 0;
	CHECK_ERR(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts), RUMP_EPERM);
	(void)a;
	release_to(NULL);
	/* Back to the host's time (give or take the seconds this took). */
	CHECK_EQ_INT(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts), 0);
	CHECK_EQ_INT(rump_sys_gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_sec >= was.tv_sec && tv.tv_sec - was.tv_sec < 3600);
}

TEST(setreuid_and_setregid_follow_netbsd_rules)
{
	struct lwp *a;

	CHECK_EQ_INT(rump_init(), 0);
	a = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_setreuid(-1, -1), 0);
	CHECK_EQ_INT(rump_sys_issetugid(), 0);	      /* nothing changed */
	CHECK_EQ_INT(rump_sys_setreuid(100, 200), 0); /* root: anything */
	CHECK_EQ_INT(rump_sys_getuid(), 100);
	CHECK_EQ_INT(rump_sys_geteuid(), 200);
	CHECK_EQ_INT(rump_sys_issetugid(), 1);
	/* The saved id became 200 with the real id's change: swap back and forth. */
	CHECK_EQ_INT(rump_sys_setreuid(200, 100), 0);
	CHECK_EQ_INT(rump_sys_getuid(), 200);
	CHECK_EQ_INT(rump_sys_geteuid(), 100);
	CHECK_ERR(rump_sys_setreuid(300, -1), RUMP_EPERM);
	CHECK_ERR(rump_sys_setreuid(-1, 300), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_setreuid(-1, 200), 0); /* effective = real */
	CHECK_EQ_INT(rump_sys_geteuid(), 200);
	CHECK_EQ_INT(rump_sys_setregid(-1, -1), 0);
	CHECK_ERR(rump_sys_setregid(5, 6), RUMP_EPERM); /* not root now */
	(void)a;
	release_to(NULL);
	a = fork_bound(RUMP_RFFDG);
	CHECK_EQ_INT(rump_sys_setregid(10, 20), 0);
	CHECK_EQ_INT(rump_sys_getgid(), 10);
	CHECK_EQ_INT(rump_sys_getegid(), 20);
	release_to(NULL);
}

TEST(dup3_sets_close_on_exec_and_checks_range)
{
	int fl;

	CHECK_EQ_INT(rump_init(), 0);
	fork_bound(RUMP_RFCFDG);
	CHECK_EQ_INT(rump_sys_open("/dev/null", RUMP_O_RDONLY), 0);
	CHECK_EQ_INT(rump_sys_dup3(0, 5, RUMP_O_CLOEXEC), 5);
	fl = rump_sys_fcntl(5, RUMP_F_GETFD);
	CHECK_EQ_INT(fl, RUMP_FD_CLOEXEC);
	CHECK_EQ_INT(rump_sys_dup3(0, 6, 0), 6);
	CHECK_EQ_INT(rump_sys_fcntl(6, RUMP_F_GETFD), 0);
	CHECK_EQ_INT(rump_sys_dup3(0, 0, RUMP_O_CLOEXEC), 0); /* same: no change */
	CHECK_EQ_INT(rump_sys_fcntl(0, RUMP_F_GETFD), 0);
	CHECK_ERR(rump_sys_dup3(9, 10, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_dup3(0, 64, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_dup3(0, -1, 0), RUMP_EBADF);
	release_to(NULL);
}

TEST(pathconf_answers_tmpfs_limits)
{
	int fds[2], fd;

	CHECK_EQ_INT(rump_init(), 0);
	fork_bound(RUMP_RFCFDG);
	CHECK_EQ_INT(rump_sys_pathconf("/tmp", 4), 255);   /* _PC_NAME_MAX */
	CHECK_EQ_INT(rump_sys_pathconf("/tmp", 5), 1024);  /* _PC_PATH_MAX */
	CHECK_EQ_INT(rump_sys_pathconf("/tmp", 1), 32767); /* _PC_LINK_MAX */
	CHECK_EQ_INT(rump_sys_pathconf("/", 11), 64); /* _PC_FILESIZEBITS */
	CHECK_ERR(rump_sys_pathconf("/tmp", 9999), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pathconf("/nonexistent", 4), RUMP_ENOENT);
	fd = rump_sys_open("/tmp", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_fpathconf(fd, 8), 1); /* _PC_NO_TRUNC */
	CHECK_EQ_INT(rump_sys_pipe2(fds, 0), 0);
	CHECK_EQ_INT(rump_sys_fpathconf(fds[0], 6), 512); /* _PC_PIPE_BUF */
	CHECK_ERR(rump_sys_fpathconf(fds[0], 4), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fpathconf(40, 4), RUMP_EBADF);
	release_to(NULL);
}

TEST(sync_calls_check_their_arguments)
{
	int fds[2], rw, ro;

	CHECK_EQ_INT(rump_init(), 0);
	fork_bound(RUMP_RFCFDG);
	rump_sys_sync();
	rw = rump_sys_open("/tmp/synced", RUMP_O_RDWR | RUMP_O_CREAT, 0600);
	ro = rump_sys_open("/tmp/synced", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_pipe2(fds, 0), 0);
	CHECK_EQ_INT(rump_sys_fdatasync(rw), 0);
	CHECK_ERR(rump_sys_fdatasync(fds[0]), RUMP_EINVAL); /* not a file */
	CHECK_ERR(rump_sys_fdatasync(40), RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_fsync_range(rw, 0x10, 0, 0), 0); /* FDATASYNC */
	CHECK_EQ_INT(rump_sys_fsync_range(rw, 0x20, 4096, 100), 0); /* FFILESYNC */
	CHECK_ERR(rump_sys_fsync_range(rw, 0, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(rw, 0x30, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(rw, 0x10, 10, -20), RUMP_EINVAL);
	CHECK_ERR(rump_sys_fsync_range(ro, 0x10, 0, 0), RUMP_EBADF);
	rump_sys_unlink("/tmp/synced");
	release_to(NULL);
}

#ifdef RUMPIMG_IMAGE
int
prot_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	RUN(groups_and_sessions_follow_netbsd_rules);
	RUN(login_names_belong_to_the_session);
	RUN(issetugid_after_changing_ids);
	RUN(descriptor_limit_is_enforced);
	RUN(process_limit_is_enforced_except_for_root);
	RUN(kill_checks_target_signal_and_permission);
	RUN(rusage_of_self_and_children);
	RUN(wall_clock_set_by_root_only);
	RUN(setreuid_and_setregid_follow_netbsd_rules);
	RUN(dup3_sets_close_on_exec_and_checks_range);
	RUN(pathconf_answers_tmpfs_limits);
	RUN(sync_calls_check_their_arguments);
	return check_done();
}
