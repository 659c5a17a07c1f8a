/*
 * Signals and remote clients, against rump_server (or $RUMP_TEST_SERVER:
 * the image's):
 *  - kill(2) inside the kernel reaches the target's client program as a
 *    RAISE frame, and the program dies of that signal, whether it is
 *    making calls (t_sp's signal case) or asleep in one;
 *  - a client asleep in a call that sleeps in the kernel (a read of an
 *    empty pipe, an open of a FIFO with no writer, a kevent without
 *    timeout) dies of a host SIGTERM or SIGINT (doc/rump_sp.md, "Signals
 *    during a call"), and the server then wakes the call and frees the
 *    process; a handler runs during such a call, which goes on, also in
 *    a thread that waits for another thread's reading of the socket and
 *    in the reconnection back-off after the server went away.
 * "Asleep" is the kernel's word (sysctl kern.nsleeping), never a pause.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "test_client.h"

#define NB_SIGPROF 27 /* NetBSD's number, t_sp.sh's "sendsig 27" */
#define DEATH_SECS 30 /* a killed client is gone well within this */

enum block {
	B_GETPID_LOOP,
	B_PIPE_READ,
	B_FIFO_OPEN,
	B_KEVENT,
	B_PIPE_READ_HANDLER,
	B_WAITER_HANDLER,    /* a pipe read waiting for another's reading */
	B_RECONNECT_HANDLER, /* a pipe read, then reconnecting forever */
	B_RECONNECT_WAITER,  /* a call waiting for another's reconnection */
	B_FORK_HANDLER	     /* a pipe read; its handler tries to fork */
};

struct victim {
	enum block v_how;
	int v_report; /* host pipe: the rump pid, then handler marks */
	int v_err;    /* host pipe for the victim's stderr, or -1 */
	int v_go;     /* host pipe: B_RECONNECT_WAITER calls on a byte */
};

static int handler_fd = -1;

static void
onusr1(int sig)
{
	(void)sig;
	(void)write(handler_fd, "h", 1); /* async-signal-safe */
}

/*
 * A handler that makes a call of its own and reports how it went: 'p' a
 * pid, 'n' ENOTCONN (the server is gone), 'x' anything else.
 */
static void
onusr1_call(int sig)
{
	int e = errno;
	pid_t pid = rump_sys_getpid();
	char c = pid > 1 ? 'p' : pid == -1 && errno == ENOTCONN ? 'n' : 'x';

	(void)sig;
	(void)write(handler_fd, &c, 1);
	errno = e;
}

/*
 * In a host child of a handler: rumpclient_fork_init must refuse with
 * EDEADLK, give the preforked process back, and leave the parent's socket
 * alone (the child's calls fail with ENOTCONN). Exit status 7 if so.
 */
static void
refused_child(struct rumpclient_fork *rf)
{
	int r = rumpclient_fork_init(rf), e = errno;
	bool ok = r == -1 && e == EDEADLK;

	ok = ok && rump_sys_getpid() == -1 && errno == ENOTCONN;
	_exit(ok ? 7 : 8);
}

/*
 * A handler that tries the fork calls while its thread's read waits: a
 * child would return into that read on a connection it threw away, so
 * each must fail with EDEADLK, the low-level rumpclient_fork_init in a
 * host child too, which also frees the server's preforked process.
 * Reports 'd' if all went so, 'x' otherwise.
 */
static void
onusr1_fork(int sig)
{
	struct rumpclient_fork *rf;
	int e = errno, status = -1, n0 = kern_int(RUMP_KERN_NPROCS);
	double end = now() + WAIT_LONG;
	bool ok;
	pid_t pid;

	(void)sig;
	ok = rumpclient_fork() == -1 && errno == EDEADLK;
	ok = ok && rumpclient_daemon(1, 1) == -1 && errno == EDEADLK;
	if ((rf = rumpclient_prefork()) == NULL) {
		ok = false;
	} else if ((pid = fork()) == 0) {
		refused_child(rf);
	} else {
		ok = ok && n0 > 0 && pid > 0 && waitpid(pid, &status, 0) == pid;
		ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 7;
		free(rf); /* the child gave the process back */
		while (kern_int(RUMP_KERN_NPROCS) != n0 && now() < end)
			msleep(5);
		ok = ok && kern_int(RUMP_KERN_NPROCS) == n0;
	}
	(void)write(handler_fd, ok ? "d" : "x", 1);
	errno = e;
}

/* A thread that reads an empty pipe, refusing SIGUSR1 itself. */
static void *
other_reader(void *arg)
{
	int fd = *(int *)arg;
	sigset_t set;
	char c;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	(void)rump_sys_read(fd, &c, 1);
	_exit(3);
}

/*
 * Start other_reader on rump descriptor *fd and return once its read is
 * asleep in the kernel: that thread then reads the socket for all.
 */
static void
start_other_reader(int *fd)
{
	double end = now() + WAIT_LONG;
	pthread_t t;
	int n = kern_int(RUMP_KERN_NSLEEPING);

	CHECK(n >= 0);
	CHECK_EQ_INT(pthread_create(&t, NULL, other_reader, fd), 0);
	while (kern_int(RUMP_KERN_NSLEEPING) != n + 1 && now() < end)
		msleep(5);
	CHECK_EQ_INT(kern_int(RUMP_KERN_NSLEEPING), n + 1);
}

/* How many calls of a victim blocked as how sleep in the kernel. */
static int
asleep(enum block how)
{
	return how == B_GETPID_LOOP ? 0 : how == B_WAITER_HANDLER ? 2 : 1;
}

/*
 * A client that says its pid in the kernel, then blocks as v_how says.
 * It never returns on its own: status 3 says the blocking call ended.
 */
static void
victim_client(void *arg)
{
	struct victim *v = arg;
	struct rump_kevent ch, ev;
	struct sigaction sa;
	pid_t pid;
	int p[2], q[2], kq;
	char c;

	if (v->v_err != -1)
		CHECK_EQ_INT(dup2(v->v_err, 2), 2);
	CHECK_EQ_INT(rumpclient_init(), 0);
	pid = rump_sys_getpid();
	switch (v->v_how) {
	case B_GETPID_LOOP:
		CHECK_EQ_INT(write(v->v_report, &pid, sizeof(pid)), sizeof(pid));
		for (;;) { /* as t_sp's h_simplecli block */
			(void)rump_sys_getpid();
			usleep(10000);
		}
	case B_RECONNECT_WAITER:
		handler_fd = v->v_report;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = onusr1;
		sigemptyset(&sa.sa_mask);
		CHECK_EQ_INT(sigaction(SIGUSR1, &sa, NULL), 0);
		rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_INFTIME);
		CHECK_EQ_INT(rump_sys_pipe(q), 0);
		start_other_reader(&q[0]); /* it will reconnect */
		CHECK_EQ_INT(write(v->v_report, &pid, sizeof(pid)), sizeof(pid));
		CHECK_EQ_INT(read(v->v_go, &c, 1), 1);
		(void)rump_sys_getpid();
		break;
	case B_PIPE_READ_HANDLER:
	case B_WAITER_HANDLER:
	case B_RECONNECT_HANDLER:
	case B_FORK_HANDLER:
		handler_fd = v->v_report;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = v->v_how == B_PIPE_READ_HANDLER ? onusr1 :
		    v->v_how == B_FORK_HANDLER			? onusr1_fork :
								  onusr1_call;
		sigemptyset(&sa.sa_mask);
		CHECK_EQ_INT(sigaction(SIGUSR1, &sa, NULL), 0);
		if (v->v_how == B_RECONNECT_HANDLER)
			rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_INFTIME);
		if (v->v_how == B_WAITER_HANDLER) {
			CHECK_EQ_INT(rump_sys_pipe(q), 0);
			start_other_reader(&q[0]);
		}
		/* FALLTHROUGH */
	case B_PIPE_READ:
		CHECK_EQ_INT(rump_sys_pipe(p), 0);
		CHECK_EQ_INT(write(v->v_report, &pid, sizeof(pid)), sizeof(pid));
		(void)rump_sys_read(p[0], &c, 1);
		break;
	case B_FIFO_OPEN:
		(void)rump_sys_unlink("/tmp/sigfifo"); /* a shared server's */
		CHECK_EQ_INT(rump_sys_mkfifo("/tmp/sigfifo", 0600), 0);
		CHECK_EQ_INT(write(v->v_report, &pid, sizeof(pid)), sizeof(pid));
		(void)rump_sys_open("/tmp/sigfifo", RUMP_O_RDONLY);
		break;
	case B_KEVENT:
		CHECK_EQ_INT(rump_sys_pipe(p), 0);
		CHECK((kq = rump_sys_kqueue()) >= 0);
		memset(&ch, 0, sizeof(ch));
		ch.ident = (uint64_t)p[0];
		ch.filter = RUMP_EVFILT_READ;
		ch.flags = RUMP_EV_ADD;
		CHECK_EQ_INT(rump_sys_kevent(kq, &ch, 1, NULL, 0, NULL), 0);
		CHECK_EQ_INT(write(v->v_report, &pid, sizeof(pid)), sizeof(pid));
		(void)rump_sys_kevent(kq, NULL, 0, &ev, 1, NULL);
		break;
	}
	_exit(3);
}

/* What a probe client waits for. */
struct probe {
	int pr_sleeping; /* kern.nsleeping to wait for, or -1 */
	pid_t pr_gone;	 /* a pid whose process must go, or 0 */
	int pr_report;	 /* host pipe for kern.nsleeping, or -1 */
	pid_t pr_kill;	 /* kill(pr_kill, pr_sig) first, if set */
	int pr_sig;
};


/*
 * A client that kills, reports or waits (up to WAIT_LONG) for the
 * kernel's state; its CHECKs say whether the state came.
 */
static void
probe_client(void *arg)
{
	struct probe *pr = arg;
	double end = now() + WAIT_LONG;
	int n;

	CHECK_EQ_INT(rumpclient_init(), 0);
	if (pr->pr_kill != 0)
		CHECK_EQ_INT(rump_sys_kill(pr->pr_kill, pr->pr_sig), 0);
	if (pr->pr_report != -1) {
		n = kern_int(RUMP_KERN_NSLEEPING);
		CHECK_EQ_INT(write(pr->pr_report, &n, sizeof(n)), sizeof(n));
	}
	while (pr->pr_sleeping != -1 &&
	    (n = kern_int(RUMP_KERN_NSLEEPING)) != pr->pr_sleeping && now() < end)
		msleep(5);
	if (pr->pr_sleeping != -1)
		CHECK_EQ_INT(kern_int(RUMP_KERN_NSLEEPING), pr->pr_sleeping);
	while (pr->pr_gone != 0 && rump_sys_kill(pr->pr_gone, 0) == 0 &&
	    now() < end)
		msleep(5);
	if (pr->pr_gone != 0) {
		CHECK_EQ_INT(rump_sys_kill(pr->pr_gone, 0), -1);
		CHECK_EQ_INT(errno, RUMP_ESRCH);
	}
	CHECK(rump_sys_getpid() > 1); /* and the server serves */
}

static bool
probe(const struct server *sv, struct probe pr)
{
	return client_run(sv, probe_client, &pr) == 0;
}

/* Read an int-sized value from a child through fd, or -1. */
static int
readint(int fd)
{
	int v;

	if (!fd_ready(fd, POLLIN, WAIT_LONG * 1000) ||
	    read(fd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return v;
}

/*
 * Start a victim blocking as how (its stderr to err, unless -1); once
 * the kernel has its calls asleep (unless it loops), return its host pid,
 * its pid in the kernel in *rpid and the kernel's sleeper count before it
 * in *base; -1 if it did not get there.
 */
static pid_t
victim_start_err(const struct server *sv, enum block how, int report[2],
    int err, int go, pid_t *rpid, int *base)
{
	struct probe pr = { -1, 0, report[1], 0, 0 };
	struct victim v = { how, report[1], err, go };
	pid_t pid;

	if (!probe(sv, pr) || (*base = readint(report[0])) < 0)
		return -1;
	pid = client_start(sv, victim_client, &v);
	if ((*rpid = readint(report[0])) <= 1) {
		printf("  the victim did not report its pid\n");
		child_wait(pid, 1);
		return -1;
	}
	pr.pr_report = -1;
	pr.pr_sleeping = *base + asleep(how);
	if (how != B_GETPID_LOOP && !probe(sv, pr)) {
		printf("  the victim's call is not asleep in the kernel\n");
		child_wait(pid, 1);
		return -1;
	}
	return pid;
}

static pid_t
victim_start(const struct server *sv, enum block how, int report[2],
    pid_t *rpid, int *base)
{
	return victim_start_err(sv, how, report, -1, -1, rpid, base);
}

/* Whether status is a death by sig, saying what it was otherwise. */
static bool
died_of(int status, int sig, double secs)
{
	if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig) {
		printf("  died of signal %d after %.2f s\n", sig, secs);
		return true;
	}
	printf("  wait status %d (%s %d), wanted death by signal %d\n", status,
	    status == -1	    ? "still running" :
		WIFSIGNALED(status) ? "signal" :
				      "exit",
	    status == -1	    ? 0 :
		WIFSIGNALED(status) ? WTERMSIG(status) :
				      WEXITSTATUS(status),
	    sig);
	return false;
}

/*
 * A victim blocked as how is sent sig: by the host (hostsig) or by
 * another client's kill(2) (NetBSD number nbsig); it must die of hostsig,
 * the server must wake its call (the sleeper count back) and free its
 * process, and serve a new client.
 */
static void
kill_case(enum block how, int hostsig, int nbsig)
{
	struct probe pr = { -1, 0, -1, 0, 0 };
	struct server sv;
	int report[2], base, status;
	pid_t pid, rpid;
	double t;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(pipe(report), 0);
	pid = victim_start(&sv, how, report, &rpid, &base);
	CHECK(pid > 0);
	if (pid > 0) {
		t = now();
		if (nbsig != 0) {
			pr.pr_kill = rpid;
			pr.pr_sig = nbsig;
			CHECK(probe(&sv, pr));
		} else {
			CHECK_EQ_INT(kill(pid, hostsig), 0);
		}
		status = child_wait(pid, DEATH_SECS);
		CHECK(died_of(status, hostsig, now() - t));
		pr.pr_kill = 0;
		pr.pr_sleeping = base;
		pr.pr_gone = rpid;
		CHECK(probe(&sv, pr));
	}
	close(report[0]);
	close(report[1]);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* t_sp's signal case without NetBSD's programs: kill(2) from a client. */
TEST(kill_from_a_client_raises_sigprof_in_a_calling_client)
{
	kill_case(B_GETPID_LOOP, SIGPROF, NB_SIGPROF);
}

TEST(kill_from_a_client_ends_a_client_asleep_in_read)
{
	kill_case(B_PIPE_READ, SIGTERM, RUMP_SIGTERM);
}

TEST(sigterm_ends_a_client_asleep_in_pipe_read)
{
	kill_case(B_PIPE_READ, SIGTERM, 0);
}

TEST(sigint_ends_a_client_asleep_in_pipe_read)
{
	kill_case(B_PIPE_READ, SIGINT, 0);
}

TEST(sigterm_ends_a_client_asleep_in_fifo_open)
{
	kill_case(B_FIFO_OPEN, SIGTERM, 0);
}

TEST(sigterm_ends_a_client_asleep_in_kevent)
{
	kill_case(B_KEVENT, SIGTERM, 0);
}

/* The handler's mark within DEATH_SECS, or 0. */
static char
handler_mark(int fd)
{
	char c = 0;

	if (fd_ready(fd, POLLIN, DEATH_SECS * 1000))
		CHECK_EQ_INT(read(fd, &c, 1), 1);
	return c;
}

/*
 * A victim blocked as how is sent SIGUSR1: its handler runs and leaves
 * mark, its calls go on sleeping, and SIGTERM then ends the program.
 */
static void
handler_case(enum block how, char mark)
{
	struct probe pr = { -1, 0, -1, 0, 0 };
	struct server sv;
	int report[2], base, status;
	pid_t pid, rpid;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(pipe(report), 0);
	pid = victim_start(&sv, how, report, &rpid, &base);
	CHECK(pid > 0);
	if (pid > 0) {
		CHECK_EQ_INT(kill(pid, SIGUSR1), 0);
		CHECK_EQ_INT(handler_mark(report[0]), mark); /* it ran */
		pr.pr_sleeping = base + asleep(how); /* and they sleep on */
		CHECK(probe(&sv, pr));
		CHECK_EQ_INT(waitpid(pid, &status, WNOHANG), 0);
		CHECK_EQ_INT(kill(pid, SIGTERM), 0);
		CHECK(died_of(child_wait(pid, DEATH_SECS), SIGTERM, 0));
		pr.pr_sleeping = base;
		pr.pr_gone = rpid;
		CHECK(probe(&sv, pr));
	}
	close(report[0]);
	close(report[1]);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * A handler runs while its thread waits in a call, and the call goes on
 * waiting (as NetBSD's librumpclient): SIGUSR1's handler reports, the
 * read is still asleep, and SIGTERM then ends the program.
 */
TEST(handler_runs_during_a_sleeping_call_which_goes_on)
{
	handler_case(B_PIPE_READ_HANDLER, 'h');
}

/*
 * A handler that forks (rumpclient_fork, rumpclient_daemon, or a host
 * fork and rumpclient_fork_init) while its thread's call waits is refused
 * with EDEADLK: the child would go back into that call on a connection
 * it had freed. The read sleeps on, and SIGTERM ends the program.
 */
TEST(fork_calls_in_a_handler_during_a_call_are_refused)
{
	handler_case(B_FORK_HANDLER, 'd');
}

/*
 * The same in a thread whose call waits for another thread's reading of
 * the socket (that one refuses SIGUSR1): the handler's own call works.
 */
TEST(handler_runs_in_a_thread_waiting_for_anothers_reading)
{
	handler_case(B_WAITER_HANDLER, 'p');
}

/* Whether the text `want' comes on fd within WAIT_LONG. */
static bool
output_has(int fd, const char *want)
{
	char buf[4096];
	size_t len = 0;
	double end = now() + WAIT_LONG;
	ssize_t n;

	buf[0] = '\0';
	while (strstr(buf, want) == NULL && len < sizeof(buf) - 1 && now() < end) {
		if (!fd_ready(fd, POLLIN, 1000))
			continue;
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	if (strstr(buf, want) == NULL) {
		printf("  no \"%s\" in the output: \"%s\"\n", want, buf);
		return false;
	}
	return true;
}

/*
 * A call whose server went away waits in the reconnection back-off (retry
 * forever): a handler runs there, its own call fails with ENOTCONN, and
 * the call goes on; once the server is back it is sent again (the read on
 * a descriptor the new process lacks ends, and the victim with it).
 */
TEST(handler_runs_during_the_reconnection_backoff)
{
	struct server sv;
	int report[2], err[2], base, status;
	pid_t pid, rpid;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(pipe(report), 0);
	CHECK_EQ_INT(pipe(err), 0);
	pid = victim_start_err(&sv, B_RECONNECT_HANDLER, report, err[1], -1,
	    &rpid, &base);
	CHECK(pid > 0);
	if (pid > 0) {
		CHECK_EQ_INT(server_stop(&sv), 0);
		CHECK(output_has(err[0], "trying to reconnect"));
		CHECK_EQ_INT(kill(pid, SIGUSR1), 0);
		CHECK_EQ_INT(handler_mark(report[0]), 'n');
		CHECK_EQ_INT(waitpid(pid, &status, WNOHANG), 0);
		CHECK_EQ_INT(server_start(&sv), 0);
		status = child_wait(pid, WAIT_LONG);
		CHECK(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 3);
	}
	close(report[0]);
	close(report[1]);
	close(err[0]);
	close(err[1]);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* Whether pid's main thread gets to sleep in a futex within WAIT_LONG. */
static bool
main_in_futex(pid_t pid)
{
	char path[64], buf[32];
	double end = now() + WAIT_LONG;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid,
	    (int)pid);
	do {
		if ((fd = open(path, O_RDONLY)) == -1)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (atoi(buf) == SYS_futex)
			return true;
		msleep(5);
	} while (now() < end);
	printf("  the victim's main thread is not waiting: \"%s\"\n", buf);
	return false;
}

/*
 * A call that waits for another thread's reconnection (that one retries
 * forever, refusing SIGUSR1) takes SIGUSR1 meanwhile, and SIGTERM ends
 * the program.
 */
TEST(handler_runs_while_waiting_for_anothers_reconnection)
{
	struct server sv;
	int report[2], err[2], go[2], base, status;
	pid_t pid, rpid;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(pipe(report), 0);
	CHECK_EQ_INT(pipe(err), 0);
	CHECK_EQ_INT(pipe(go), 0);
	pid = victim_start_err(&sv, B_RECONNECT_WAITER, report, err[1], go[0],
	    &rpid, &base);
	CHECK(pid > 0);
	if (pid > 0) {
		CHECK_EQ_INT(server_stop(&sv), 0);
		CHECK(output_has(err[0], "trying to reconnect"));
		CHECK_EQ_INT(write(go[1], "g", 1), 1);
		CHECK(main_in_futex(pid)); /* its getpid waits */
		CHECK_EQ_INT(kill(pid, SIGUSR1), 0);
		CHECK_EQ_INT(handler_mark(report[0]), 'h');
		CHECK_EQ_INT(waitpid(pid, &status, WNOHANG), 0);
		CHECK_EQ_INT(kill(pid, SIGTERM), 0);
		CHECK(died_of(child_wait(pid, DEATH_SECS), SIGTERM, 0));
	}
	close(report[0]);
	close(report[1]);
	close(err[0]);
	close(err[1]);
	close(go[0]);
	close(go[1]);
	server_cleanup(&sv, check_case_failed);
}

/*
 * The library's signalfd: a program that closes it (closefrom) and makes
 * a signalfd of its own that gets the same number keeps its own set, and
 * its signal, through the library's next calls.
 */
static void
own_signalfd_client(void *arg)
{
	char path[64], link[128], line[256], mask[64] = "";
	sigset_t set;
	struct signalfd_siginfo si;
	int fd, own;
	ssize_t n;
	FILE *f;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK(rump_sys_getpid() > 1);
	for (fd = 3; fd < 256; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = '\0', strstr(link, "signalfd")))
			break;
	}
	CHECK(fd < 256); /* the library's watcher */
	close(fd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK_EQ_INT(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	own = signalfd(-1, &set, SFD_NONBLOCK);
	CHECK_EQ_INT(own, fd); /* the lowest number: the one just freed */
	CHECK_EQ_INT(kill(getpid(), SIGUSR2), 0);
	CHECK(rump_sys_getpid() > 1);
	CHECK(rump_sys_getpid() > 1);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", own);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "sigmask: %63s", mask) == 1)
				break;
		fclose(f);
	}
	CHECK_EQ_STR(mask, "0000000000000800"); /* SIGUSR2 alone */
	CHECK_EQ_INT(read(own, &si, sizeof(si)), sizeof(si));
	CHECK_EQ_INT(si.ssi_signo, SIGUSR2);
}

TEST(a_programs_own_signalfd_on_a_reused_number_is_left_alone)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, own_signalfd_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

int
signal_tests(int *passed, int *failed)
{
	check_passed = check_failed = 0;
	RUN(kill_from_a_client_raises_sigprof_in_a_calling_client);
	RUN(kill_from_a_client_ends_a_client_asleep_in_read);
	RUN(sigterm_ends_a_client_asleep_in_pipe_read);
	RUN(sigint_ends_a_client_asleep_in_pipe_read);
	RUN(sigterm_ends_a_client_asleep_in_fifo_open);
	RUN(sigterm_ends_a_client_asleep_in_kevent);
	RUN(handler_runs_during_a_sleeping_call_which_goes_on);
	RUN(fork_calls_in_a_handler_during_a_call_are_refused);
	RUN(handler_runs_in_a_thread_waiting_for_anothers_reading);
	if (test_server_url == NULL) /* it stops and restarts the server */
		RUN(handler_runs_during_the_reconnection_backoff);
	if (test_server_url == NULL)
		RUN(handler_runs_while_waiting_for_anothers_reconnection);
	RUN(a_programs_own_signalfd_on_a_reused_number_is_left_alone);
	*passed = check_passed;
	*failed = check_failed;
	return check_failed;
}
