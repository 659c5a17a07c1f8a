/*
 * The client half of the fake-server test (tests/host/sp/fake_server.py):
 * each scenario named by argv[1] makes calls through librumpclient against
 * a scripted server and checks what the library hands back. Exit status 0
 * means the client side of the scenario passed; the server script checks
 * the wire side and the status.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"

static int failed;

#define EXPECT(cond)                                           \
	do {                                                   \
		if (!(cond)) {                                 \
			fprintf(stderr,                        \
			    "client_fake: %s:%d: failed: %s "  \
			    "(errno %d)\n",                    \
			    __FILE__, __LINE__, #cond, errno); \
			failed = 1;                            \
		}                                              \
	} while (0)

#define BIG (1024 * 1024)

static void
init(void)
{
	if (rumpclient_init() == -1) {
		fprintf(stderr, "client_fake: rumpclient_init: %s\n",
		    strerror(errno));
		exit(2);
	}
}

static long
call(int num, int *errp)
{
	long rv[2] = { -1, -1 };

	*errp = rumpclient_syscall(num, NULL, 0, rv);
	return rv[0];
}

static void
sc_getpid(void)
{
	long rv[2];

	init();
	EXPECT(rump_sys_getpid() == 2);
	EXPECT(rumpclient_syscall(20, NULL, 0, rv) == 0);
	EXPECT(rv[0] == 2 && rv[1] == 1);
}

static void
sc_io(void)
{
	char buf[16];

	init();
	EXPECT(rump_sys_write(1, "hello", 5) == 5);
	EXPECT(rump_sys_open("/some/path", RUMP_O_RDONLY) == -1);
	EXPECT(errno == RUMP_ENOENT);
	memset(buf, 0, sizeof(buf));
	EXPECT(rump_sys_read(0, buf, sizeof(buf)) == 6);
	EXPECT(strcmp(buf, "abcdef") == 0);
}

static void
sc_errors(void)
{
	long rv[2];

	init();
	EXPECT(rumpclient_syscall(20, NULL, 0, rv) == EINVAL);
	/* TRYAGAIN: sent again transparently. */
	EXPECT(rumpclient_syscall(20, NULL, 0, rv) == 0 && rv[0] == 7);
	/* A negative error (ERESTART) comes back unchanged. */
	EXPECT(rumpclient_syscall(20, NULL, 0, rv) == -3);
}

static void
sc_anonmmap(void)
{
	long rv[2];

	init();
	EXPECT(rumpclient_syscall(99, NULL, 0, rv) == 0);
	EXPECT(rv[0] != 0 && memcmp((void *)rv[0], "xyz", 3) == 0);
}

static volatile sig_atomic_t usr1;

static void
onusr1(int sig)
{
	(void)sig;
	usr1++;
}

static void
sc_raise(void)
{
	struct sigaction sa;
	int error;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onusr1;
	sigaction(SIGUSR1, &sa, NULL);
	init();
	EXPECT(call(20, &error) == 2 && error == 0);
	/* Blocked while the call ran, delivered once as it returned. */
	EXPECT(usr1 == 1);
}

struct thr {
	int num;
	long want;
	int ok;
};

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	char buf[8] = "thread";
	long rv[2] = { 0, 0 };
	long args[2] = { (long)buf, sizeof(buf) };

	t->ok = rumpclient_syscall(t->num, args, sizeof(args), rv) == 0 &&
	    rv[0] == t->want;
	return NULL;
}

static void
sc_threads(void)
{
	struct thr t[3] = { { 100, 1000, 0 }, { 101, 1001, 0 }, { 102, 1002, 0 } };
	pthread_t tid[3];

	init();
	for (int i = 0; i < 3; i++)
		pthread_create(&tid[i], NULL, thr_main, &t[i]);
	for (int i = 0; i < 3; i++) {
		pthread_join(tid[i], NULL);
		EXPECT(t[i].ok);
	}
	EXPECT(rump_sys_getpid() == 2);
}

static void
sc_malformed(void)
{
	int error;

	init();
	(void)call(20, &error);
	EXPECT(error == ENOTCONN);
	(void)call(20, &error);
	EXPECT(error == ENOTCONN);
}

static void
sc_reconnect(void)
{
	int error;

	rumpclient_setconnretry(-4); /* ignored */
	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_ONCE);
	init();
	EXPECT(call(20, &error) == 42 && error == 0);
	EXPECT(call(20, &error) == 43 && error == 0);
}

static void
sc_die(void)
{
	int error;

	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_DIE);
	init();
	(void)call(20, &error);
	exit(5); /* not reached: the library exits with 1 */
}

static void
sc_timeout(void)
{
	struct timespec a, b;
	int error;

	rumpclient_setconnretry(1);
	init();
	clock_gettime(CLOCK_MONOTONIC, &a);
	(void)call(20, &error);
	clock_gettime(CLOCK_MONOTONIC, &b);
	EXPECT(error == ENOTCONN);
	EXPECT(b.tv_sec - a.tv_sec >= 1 && b.tv_sec - a.tv_sec < 5);
}

static void
sc_fork(void)
{
	int status;
	pid_t pid;

	init();
	if ((pid = rumpclient_fork()) == 0)
		_exit(rump_sys_getpid() == 5 ? 0 : 1);
	EXPECT(pid > 0);
	EXPECT(waitpid(pid, &status, 0) == pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(rump_sys_getpid() == 2);
}

static void
sc_forkcancel(void)
{
	struct rumpclient_fork *rf;

	init();
	EXPECT((rf = rumpclient_prefork()) != NULL);
	errno = 1234;
	rumpclient_fork_cancel(rf);
	EXPECT(errno == 1234);
	EXPECT(rump_sys_getpid() == 2);
}

static void
sc_forkbad(void)
{
	struct rumpclient_fork *rf;

	init();
	EXPECT((rf = rumpclient_prefork()) != NULL);
	EXPECT(rumpclient_fork_init(rf) == -1 && errno == ESRCH);
}

static void
sc_exec(char *self, const char *parsed)
{
	extern char **environ;
	char *av[] = { self, "execd", (char *)parsed, NULL };

	init();
	EXPECT(rumpclient_exec("/nonexistent/prog", av, environ) == -1);
	EXPECT(errno == ENOENT);
	EXPECT(rump_sys_getpid() == 2); /* still connected */
	rumpclient_exec(self, av, environ);
	EXPECT(0);
}

static void
sc_execd(const char *parsed)
{
	const char *p;

	init();
	EXPECT(getenv("RUMPCLIENT__EXECFD") == NULL);
	p = getenv("RUMP__PARSEDSERVER");
	EXPECT(p != NULL && strcmp(p, parsed) == 0);
	EXPECT(rump_sys_getpid() == 2);
}

static void
sc_daemon(void)
{
	int error;

	init();
	if (rumpclient_daemon(1, 0) == -1)
		exit(3);
	/* The daemon: tell the server whether it is the forked process. */
	(void)call(rump_sys_getpid() == 5 ? 201 : 202, &error);
	exit(0);
}

static void
sc_big(void)
{
	char *a = malloc(BIG), *b = malloc(BIG);

	for (int i = 0; i < BIG; i++)
		a[i] = (char)(i * 7 + i / 4096);
	init();
	EXPECT(rump_sys_write(3, a, BIG) == BIG);
	memset(b, 0, BIG);
	EXPECT(rump_sys_read(3, b, BIG) == BIG);
	EXPECT(memcmp(a, b, BIG) == 0);
	free(a);
	free(b);
}

static void
expect_init(const char *url, int err)
{
	if (url == NULL)
		unsetenv("RUMP_SERVER");
	else
		setenv("RUMP_SERVER", url, 1);
	errno = 0;
	EXPECT(rumpclient_init() == -1);
	if (errno != err) {
		fprintf(stderr, "client_fake: %s: errno %d, want %d\n",
		    url ? url : "(unset)", errno, err);
		failed = 1;
	}
}

static void
sc_url(void)
{
	char path[200];
	int error;

	expect_init(NULL, ENOENT);
	expect_init("nothing", EINVAL);
	expect_init("sixteencharsxxxx://x", EINVAL);
	expect_init("udp://1.2.3.4:5", EINVAL);
	expect_init("tcp://127.0.0.1", EINVAL);
	expect_init("tcp://localhost:1234", EINVAL);
	expect_init("tcp://0:1234", EINVAL);
	expect_init("tcp://*:1234", EINVAL);
	expect_init("tcp://0.0.0.0:1234", EINVAL);
	expect_init("tcp://127.0.0.1:", EINVAL);
	expect_init("tcp://127.0.0.1:12x", EINVAL);
	expect_init("tcp://127.0.0.1:65536", ERANGE);
	expect_init("tcp://127.0.0.1:99999999999999999999", ERANGE);
	expect_init("tcp6://[::1]:1234", EOPNOTSUPP);
	memset(path, 'a', sizeof(path));
	memcpy(path, "unix:///", 8);
	path[8 + 108] = '\0';
	expect_init(path, ENAMETOOLONG);
	expect_init("unix:///nonexistent/sock", ENOENT);
	/* Never initialised: calls fail, nothing crashes. */
	(void)call(20, &error);
	EXPECT(error == ENOTCONN);
	EXPECT(rumpclient_prefork() == NULL && errno == ENOTCONN);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A server that accepts and never sends its banner (fake_server.py). */
static void
sc_silent(void)
{
	double t = mono();

	errno = 0;
	EXPECT(rumpclient_init() == -1 && errno == ETIMEDOUT);
	EXPECT(mono() - t >= 0.9); /* RUMPCLIENT_BANNER_TIMEOUT=1 */
}

/* A reconnection attempt that meets a silent server: the next one works. */
static void
sc_silentrecon(void)
{
	int error;

	rumpclient_setconnretry(RUMPCLIENT_RETRYCONN_INFTIME);
	init();
	EXPECT(call(20, &error) == 42 && error == 0);
}

/* Values of RUMPCLIENT_BANNER_TIMEOUT that are not whole seconds. */
static void
sc_bannerenv(void)
{
	static const char *bad[] = { "x", "-1", "1.5", "2s", "86401",
		"99999999999999999999", " " };
	size_t i;

	setenv("RUMP_SERVER", "unix:///nonexistent/sock", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("RUMPCLIENT_BANNER_TIMEOUT", bad[i], 1);
		errno = 0;
		EXPECT(rumpclient_init() == -1 && errno == EINVAL);
	}
	/* Good values (empty is the default) get as far as connecting. */
	setenv("RUMPCLIENT_BANNER_TIMEOUT", "0", 1);
	errno = 0;
	EXPECT(rumpclient_init() == -1 && errno == ENOENT);
	setenv("RUMPCLIENT_BANNER_TIMEOUT", "", 1);
	errno = 0;
	EXPECT(rumpclient_init() == -1 && errno == ENOENT);
}

static void
sc_noinit(void)
{
	EXPECT(rumpclient_init() == -1);
}

int
main(int argc, char *argv[])
{
	const char *sc = argc > 1 ? argv[1] : "";

	if (strcmp(sc, "getpid") == 0 || strcmp(sc, "tcp") == 0)
		sc_getpid();
	else if (strcmp(sc, "io") == 0)
		sc_io();
	else if (strcmp(sc, "errors") == 0)
		sc_errors();
	else if (strcmp(sc, "anonmmap") == 0)
		sc_anonmmap();
	else if (strcmp(sc, "raise") == 0)
		sc_raise();
	else if (strcmp(sc, "threads") == 0)
		sc_threads();
	else if (strcmp(sc, "malformed") == 0)
		sc_malformed();
	else if (strcmp(sc, "reconnect") == 0)
		sc_reconnect();
	else if (strcmp(sc, "die") == 0)
		sc_die();
	else if (strcmp(sc, "timeout") == 0)
		sc_timeout();
	else if (strcmp(sc, "fork") == 0)
		sc_fork();
	else if (strcmp(sc, "forkcancel") == 0)
		sc_forkcancel();
	else if (strcmp(sc, "forkbad") == 0)
		sc_forkbad();
	else if (strcmp(sc, "exec") == 0 && argc > 2)
		sc_exec(argv[0], argv[2]);
	else if (strcmp(sc, "execd") == 0 && argc > 2)
		sc_execd(argv[2]);
	else if (strcmp(sc, "daemon") == 0)
		sc_daemon();
	else if (strcmp(sc, "big") == 0)
		sc_big();
	else if (strcmp(sc, "url") == 0)
		sc_url();
	else if (strcmp(sc, "silent") == 0)
		sc_silent();
	else if (strcmp(sc, "silentrecon") == 0)
		sc_silentrecon();
	else if (strcmp(sc, "bannerenv") == 0)
		sc_bannerenv();
	else if (strcmp(sc, "noinit") == 0)
		sc_noinit();
	else {
		fprintf(stderr, "client_fake: unknown scenario '%s'\n", sc);
		return 2;
	}
	return failed;
}
