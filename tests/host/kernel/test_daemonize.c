/*
 * rump_daemonize_begin/done (include/rump/rump.h), NetBSD's contract: the
 * process calling begin (P here) forks; P returns only to exit, once the
 * child (D) calls done(error), with error as its exit status; a D that
 * ends before done leaves P the status ESRCH. Each case forks its own P
 * (begin must come before rump_init and only once per process); D says
 * what it saw through a pipe, one byte per step, and waits for the test's
 * word before it calls done, so "P is still waiting" is a state.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"

#define WAIT_SECS 60

struct daemon {
	pid_t d_parent; /* P, the caller of begin */
	int d_up[2];	/* D -> test: one byte per step */
	int d_down[2];	/* test -> D: go on */
};

/* Read one byte from fd within WAIT_SECS; -1 on end of file or time out. */
static int
getbyte(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char c;

	if (poll(&pfd, 1, WAIT_SECS * 1000) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

/* The wait status of pid within WAIT_SECS, or -1 (then it is killed). */
static int
waitfor(pid_t pid)
{
	int status;

	for (int i = 0; i < WAIT_SECS * 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void
say(const struct daemon *d, char c)
{
	(void)write(d->d_up[1], &c, 1);
}

/*
 * Fork P, which calls begin; in D run fn (which reports through d_up).
 * Returns P's pid, or -1. P's own begin failure is its exit status 100.
 */
static pid_t
start(struct daemon *d, void (*fn)(struct daemon *))
{
	pid_t pid;
	int error;

	if (pipe(d->d_up) == -1 || pipe(d->d_down) == -1)
		return -1;
	fflush(stdout);
	if ((pid = fork()) != 0)
		return pid;
	close(d->d_up[0]);
	close(d->d_down[1]);
	d->d_parent = getpid();
	if ((error = rump_daemonize_begin()) != 0)
		_exit(100);
	/* Only D gets here: P leaves inside begin. */
	fn(d);
	_exit(0);
}

static void
finish(struct daemon *d)
{
	close(d->d_up[0]);
	close(d->d_up[1]);
	close(d->d_down[0]);
	close(d->d_down[1]);
}

/* D: boot and say so, wait for the word, then done(0). */
static void
ready_on_word(struct daemon *d)
{
	struct stat nul, out;

	say(d,
	    getppid() == d->d_parent && getsid(0) == getpid() && rump_init() == 0 ?
		'b' :
		'x');
	if (getbyte(d->d_down[0]) != 'g')
		_exit(1);
	say(d, rump_daemonize_done(RUMP_DAEMONIZE_SUCCESS) == 0 ? 'd' : 'x');
	/* stdout is /dev/null now */
	say(d,
	    stat("/dev/null", &nul) == 0 && fstat(1, &out) == 0 &&
		    out.st_rdev == nul.st_rdev && S_ISCHR(out.st_mode) ?
		'n' :
		'x');
	/* one begin per process, one done */
	say(d, rump_daemonize_begin() == RUMP_EALREADY ? 'a' : 'x');
	say(d, rump_daemonize_done(0) == RUMP_EPIPE ? 'p' : 'x');
	say(d, rump_sys_getpid() == 1 ? 'k' : 'x'); /* the kernel serves */
}

TEST(parent_returns_only_after_done_with_status_0)
{
	struct daemon d;
	pid_t p;
	int status;

	CHECK((p = start(&d, ready_on_word)) > 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'b');
	/* D is up and has not said done: P still waits in begin. */
	CHECK_EQ_INT(waitpid(p, &status, WNOHANG), 0);
	CHECK_EQ_INT(write(d.d_down[1], "g", 1), 1);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'd');
	status = waitfor(p);
	CHECK(status != -1 && WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'n');
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'a');
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'p');
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'k');
	finish(&d);
}

/* D: done with an error, after a second begin is refused. */
static void
fails_with_22(struct daemon *d)
{
	say(d, rump_daemonize_begin() == RUMP_EINPROGRESS ? 'i' : 'x');
	say(d, rump_daemonize_done(22) == 0 ? 'd' : 'x');
}

TEST(error_given_to_done_is_the_parent_status)
{
	struct daemon d;
	pid_t p;
	int status;

	CHECK((p = start(&d, fails_with_22)) > 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'i');
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'd');
	status = waitfor(p);
	CHECK(status != -1 && WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 22);
	finish(&d);
}

/* D: done with an error that is a multiple of 256. */
static void
fails_with_256(struct daemon *d)
{
	say(d, rump_daemonize_done(256) == 0 ? 'd' : 'x');
}

TEST(an_error_of_256_is_not_exit_status_0)
{
	struct daemon d;
	pid_t p;
	int status;

	CHECK((p = start(&d, fails_with_256)) > 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'd');
	status = waitfor(p);
	CHECK(status != -1 && WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 1);
	finish(&d);
}

/* D: ends (exit 0, or killed) without done. */
static void
dies_first(struct daemon *d)
{
	say(d, 'b');
	if (getbyte(d->d_down[0]) == 'k')
		kill(getpid(), SIGKILL);
	_exit(0);
}

static void
child_dies(const char *word)
{
	struct daemon d;
	pid_t p;
	int status;

	CHECK((p = start(&d, dies_first)) > 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'b');
	CHECK_EQ_INT(waitpid(p, &status, WNOHANG), 0);
	CHECK_EQ_INT(write(d.d_down[1], word, 1), 1);
	status = waitfor(p);
	CHECK(status != -1 && WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 3); /* ESRCH */
	finish(&d);
}

TEST(child_exiting_before_done_leaves_the_parent_esrch)
{
	child_dies("e");
}

TEST(child_killed_before_done_leaves_the_parent_esrch)
{
	child_dies("k");
}

/* D: P is gone (killed by the test) when D calls done: EPIPE, no SIGPIPE. */
static void
parent_gone(struct daemon *d)
{
	say(d, 'b');
	if (getbyte(d->d_down[0]) != 'g')
		_exit(1);
	say(d, rump_daemonize_done(0) == RUMP_EPIPE ? 'p' : 'x');
}

TEST(done_after_the_parent_died_is_epipe_not_sigpipe)
{
	struct daemon d;
	pid_t p;

	CHECK((p = start(&d, parent_gone)) > 0);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'b');
	CHECK_EQ_INT(kill(p, SIGKILL), 0);
	CHECK(waitfor(p) != -1);
	CHECK_EQ_INT(write(d.d_down[1], "g", 1), 1);
	CHECK_EQ_INT(getbyte(d.d_up[0]), 'p');
	finish(&d);
}

TEST(done_without_begin_is_enoent)
{
	CHECK_EQ_INT(rump_daemonize_done(0), RUMP_ENOENT);
}

int
main(int argc, char **argv)
{
	check_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(done_without_begin_is_enoent);
	RUN(parent_returns_only_after_done_with_status_0);
	RUN(error_given_to_done_is_the_parent_status);
	RUN(an_error_of_256_is_not_exit_status_0);
	RUN(child_exiting_before_done_leaves_the_parent_esrch);
	RUN(child_killed_before_done_leaves_the_parent_esrch);
	RUN(done_after_the_parent_died_is_epipe_not_sigpipe);
	return check_done();
}
