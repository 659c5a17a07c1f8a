/*
 * rumpuser(3) on POSIX hosts: initialisation, parameters, console, errors,
 * termination, randomness, loader and daemonising.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posix.h"

const struct rumpuser_hyperup *rumpuser__hyp; /* rump/rumpuser_sp.h */

void
posix_fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rumpuser: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

void (*rumpuser__sp_willblock)(void);

void
posix_unsched(int *nlocks, void *interlock)
{
	/* A rump_sp reader running a call inline passes its role on first. */
	if (rumpuser__sp_willblock != NULL)
		rumpuser__sp_willblock();
	if (rumpuser__hyp != NULL && rumpuser__hyp->hyp_backend_unschedule != NULL)
		rumpuser__hyp->hyp_backend_unschedule(0, nlocks, interlock);
	else
		*nlocks = 0;
}

void
posix_sched(int nlocks, void *interlock)
{
	if (rumpuser__hyp != NULL && rumpuser__hyp->hyp_backend_schedule != NULL)
		rumpuser__hyp->hyp_backend_schedule(nlocks, interlock);
}

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		fprintf(stderr,
		    "rumpuser mismatch: the kernel wants hypercall "
		    "revision %d, this library implements %d\n",
		    version, RUMPUSER_VERSION);
		return RUMP_EINVAL;
	}
	rumpuser__hyp = hyp;
	return 0;
}

static int
copy_param(const char *value, void *buf, size_t buflen)
{
	size_t len = strlen(value) + 1;

	if (len > buflen)
		return RUMP_ERANGE; /* never a silently cut value */
	memcpy(buf, value, len);
	return 0;
}

int
rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	char tmp[300];

	if (strcmp(name, RUMPUSER_PARAM_NCPU) == 0) {
		const char *v = getenv("RUMP_NCPU");
		if (v == NULL)
			v = "2";
		if (strcmp(v, "host") == 0) {
			snprintf(tmp, sizeof(tmp), "%ld",
			    sysconf(_SC_NPROCESSORS_ONLN));
			v = tmp;
		}
		return copy_param(v, buf, buflen);
	}
	if (strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0) {
		char host[256];
		if (gethostname(host, sizeof(host)) == 0 && host[0] != '\0') {
			host[sizeof(host) - 1] = '\0';
			snprintf(tmp, sizeof(tmp), "rump-%05d.%s",
			    (int)getpid(), host);
		} else {
			snprintf(tmp, sizeof(tmp), "rump-%05d", (int)getpid());
		}
		return copy_param(tmp, buf, buflen);
	}
	if (name[0] == '_')
		return RUMP_EINVAL; /* an unknown hypervisor parameter */
	const char *v = getenv(name);
	if (v == NULL)
		return RUMP_ENOENT;
	return copy_param(v, buf, buflen);
}

void
rumpuser_putchar(int c)
{
	putc(c, stderr);
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void
rumpuser_exit(int value)
{
	if (value == RUMPUSER_PANIC)
		abort();
	exit(value);
}

/* NetBSD signal numbers 1..32 as host signals (Appendix B); 0: none here. */
static int
host_signal(int sig)
{
	/* clang-format off */
	static const int map[33] = {
		0, SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, 0 /* EMT */,
		SIGFPE, SIGKILL, SIGBUS, SIGSEGV, SIGSYS, SIGPIPE, SIGALRM,
		SIGTERM, SIGURG, SIGSTOP, SIGTSTP, SIGCONT, SIGCHLD, SIGTTIN,
		SIGTTOU, SIGIO, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH,
		0 /* INFO */, SIGUSR1, SIGUSR2, SIGPWR,
	};
	/* clang-format on */

	return sig >= 1 && sig <= 32 ? map[sig] : 0;
}

int
rumpuser_kill(int64_t pid, int sig)
{
	int hs = host_signal(sig);

	if (hs == 0)
		return RUMP_EINVAL; /* no mapping: no signal raised */
	if (pid == RUMPUSER_PID_SELF)
		return raise(hs) == 0 ? 0 : posix_errno(errno);
	return kill((pid_t)pid, hs) == 0 ? 0 : posix_errno(errno);
}

void
rumpuser_seterrno(int error)
{
	errno = error;
}

int
rumpuser_getrandom(void *buf, size_t len, int flags, size_t *retp)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom((char *)buf + done, len - done,
		    (flags & RUMPUSER_RANDOM_NOWAIT) ? GRND_NONBLOCK : 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (done > 0 || (flags & RUMPUSER_RANDOM_NOWAIT))
				break;
			return posix_errno(errno);
		}
		done += (size_t)n;
	}
	*retp = done;
	return 0;
}

void
rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
    rump_compload_fn compload)
{
	/* A static library: every component is linked in, nothing to load. */
	(void)modinit;
	(void)symload;
	(void)compload;
}

/*
 * Daemonising, as NetBSD's rumpuser does (rump_daemonize_begin(3) in
 * include/rump/rump.h): begin forks; the parent waits on a socket pair
 * until the child's done(error) sends the error, then exits with that
 * value as its status. A child that ends (or closes the socket) before
 * done leaves the parent ESRCH (3) as its status. A socket, not a pipe,
 * and MSG_NOSIGNAL: a child whose parent is gone gets EPIPE from done,
 * not a SIGPIPE. One begin per process: a second is EINPROGRESS, even
 * after done.
 */
static int daemon_sock[2] = { -1, -1 };
static bool daemonizing;

int
rumpuser_daemonize_begin(void)
{
	ssize_t n;
	pid_t pid;
	int err = 0;

	if (daemonizing)
		return RUMP_EINPROGRESS;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, daemon_sock) == -1)
		return posix_errno(errno);
	daemonizing = true;
	pid = fork();
	if (pid == -1) {
		err = posix_errno(errno);
		close(daemon_sock[0]);
		close(daemon_sock[1]);
		daemon_sock[0] = daemon_sock[1] = -1;
		return err;
	}
	if (pid > 0) {
		/* Parent: wait for the child's verdict and leave with it. */
		close(daemon_sock[1]);
		do
			n = recv(daemon_sock[0], &err, sizeof(err), MSG_WAITALL);
		while (n == -1 && errno == EINTR);
		if (n == -1)
			err = posix_errno(errno);
		else if (n != sizeof(err))
			err = RUMP_ESRCH; /* the child ended first */
		/* An exit status is 8 bits: no error may read as success. */
		_exit(err == 0 ? 0 : err > 0 && err < 256 ? err : 1);
	}
	close(daemon_sock[0]);
	daemon_sock[0] = -1;
	if (setsid() == -1) {
		err = posix_errno(errno);
		(void)rumpuser_daemonize_done(err);
		return err;
	}
	return 0;
}

int
rumpuser_daemonize_done(int error)
{
	ssize_t n;
	int fd;

	if (!daemonizing)
		return RUMP_ENOENT; /* not daemonizing */
	if (daemon_sock[1] == -1)
		return RUMP_EPIPE; /* said already */
	if (error == 0 && (fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	do
		n = send(daemon_sock[1], &error, sizeof(error), MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	close(daemon_sock[1]);
	daemon_sock[1] = -1;
	return n == sizeof(error) ? 0 : RUMP_EPIPE; /* the parent is gone */
}
