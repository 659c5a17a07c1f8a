/*
 * Our stand-in for NetBSD's tests/rump/rumpkern/h_server/h_simpleserver
 * (doc/netbsd-tests.md), with the command line t_sp.sh gives it:
 *
 *	h_simpleserver URL [sendsig SIGNO]
 *
 * Daemonizes (rump_daemonize_begin/done: the command returns, status 0,
 * once URL is served), boots the kernel and serves URL. With "sendsig",
 * the detached server then waits for a process other than init to appear
 * in its kernel (a client's) and posts NetBSD signal SIGNO to it, which
 * reaches the client program as a RAISE frame (doc/rump_sp.md); NetBSD's
 * version does the same from inside its kernel. Any other action, or a
 * missing URL, is exit status 1. The server runs until a client halts it
 * (rump.halt). Built by scripts/netbsd-tests when NetBSD's own version
 * lacks these arguments, and by make for tests/netbsd/standins.sh.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

/*
 * Wait until the kernel has a process other than init and this thread's
 * own (kill(-1, 0) finds one), then post signo to them.
 */
static void
sendsig(const char *arg)
{
	char *end;
	long signo;

	if (arg == NULL)
		errx(1, "sendsig: no signal number");
	errno = 0;
	signo = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || signo < 1 || signo > 63)
		errx(1, "sendsig: \"%s\" is not a signal number", arg);
	while (rump_sys_kill(-1, 0) == -1) {
		if (errno != ESRCH)
			err(1, "kill(-1, 0)");
		usleep(10000); /* as NetBSD's helper, one tick at a time */
	}
	if (rump_sys_kill(-1, (int)signo) == -1)
		err(1, "kill(-1, %ld)", signo);
}

int
main(int argc, char **argv)
{
	int error;

	/* errc(3) is not in every C library: errno, then err(3). */
#define FAIL(e, ...)                 \
	do {                         \
		errno = (e);         \
		err(1, __VA_ARGS__); \
	} while (0)
	if (argc < 2 || argc > 4)
		exit(1);
	if ((error = rump_daemonize_begin()) != 0)
		FAIL(error, "rump_daemonize_begin");
	if ((error = rump_init()) != 0) {
		rump_daemonize_done(error);
		FAIL(error, "rump_init");
	}
	if ((error = rump_init_server(argv[1])) != 0) {
		rump_daemonize_done(error);
		FAIL(error, "rump_init_server %s", argv[1]);
	}
	if ((error = rump_daemonize_done(RUMP_DAEMONIZE_SUCCESS)) != 0)
		FAIL(error, "rump_daemonize_done");

	if (argc > 2) {
		if (strcmp(argv[2], "sendsig") != 0)
			exit(1);
		sendsig(argc > 3 ? argv[3] : NULL);
	}
	for (;;)
		pause();
}
