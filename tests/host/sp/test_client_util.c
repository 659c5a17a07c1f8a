/*
 * The machinery of the librumpclient tests (test_client.h): rump_server
 * processes in temporary directories, host child processes that cannot
 * outlive the test, and a raw rump_sp connection for frames that
 * librumpclient would never send.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "test_client.h"

/* ---- processes ---- */

const char *
bindir(void)
{
	const char *d = getenv("RUMP_TEST_BINDIR");

	return d != NULL ? d : "build/host/bin";
}

double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/*
 * fork() for tests: buffered output goes out first (or both processes
 * would print it), and the child dies with the test process, so that a
 * crashed test leaves no client behind. The signals the cases send get
 * their default action back: a test run started in the background of a
 * shell without job control inherits SIGINT and SIGQUIT ignored, and an
 * ignored signal rightly leaves a remote call asleep.
 */
pid_t
child_fork(void)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
	}
	return pid;
}

/* The first line of /proc file path into buf (empty if unreadable). */
static void
proc_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)n, f) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * Where each thread of a hung child is, for the report: its kernel wait
 * channel and its system call (/proc/PID/task/TID/syscall: the number
 * and arguments; 202 is futex, 7 poll, 45 recvfrom, 230
 * clock_nanosleep), so that a hang says whether the client waits for
 * the server or for itself.
 */
static void
show_threads(pid_t pid)
{
	char path[320], wchan[64], sc[160];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)pid,
		    e->d_name);
		proc_line(path, wchan, sizeof(wchan));
		snprintf(path, sizeof(path), "/proc/%d/task/%s/syscall",
		    (int)pid, e->d_name);
		proc_line(path, sc, sizeof(sc));
		printf("    thread %s: wchan %s, syscall %s\n", e->d_name,
		    wchan, sc);
	}
	closedir(d);
}

/*
 * The wait status of child pid, or -1 if it had not ended within secs
 * seconds (it is killed then, after its threads' places are shown).
 */
int
child_wait(pid_t pid, int secs)
{
	double end = now() + secs;
	int status;
	pid_t r;

	if (pid <= 0) /* a failed fork; never kill(-1) */
		return -1;
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r == -1 && errno != EINTR)
			return -1;
		if (now() > end)
			break;
		msleep(5);
	}
	printf("  child %d still running after %d s: killed\n", (int)pid, secs);
	show_threads(pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* ---- servers ---- */

const char *test_server_url;

/* A tcp port nobody listens on now (another could take it meanwhile). */
static int
free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int s, port = -1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(s, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(s);
	return port;
}

/* A server description in a fresh directory: unix socket there, or tcp. */
int
server_init(struct server *sv, bool tcp)
{
	memset(sv, 0, sizeof(*sv));
	snprintf(sv->sv_dir, sizeof(sv->sv_dir), "/tmp/rumpclient.XXXXXX");
	if (mkdtemp(sv->sv_dir) == NULL) {
		sv->sv_dir[0] = '\0'; /* nothing to remove */
		return -1;
	}
	snprintf(sv->sv_log, sizeof(sv->sv_log), "%s/log", sv->sv_dir);
	if (tcp) {
		if ((sv->sv_port = free_port()) <= 0)
			return -1;
		snprintf(sv->sv_url, sizeof(sv->sv_url), "tcp://127.0.0.1:%d",
		    sv->sv_port);
	} else {
		snprintf(sv->sv_sock, sizeof(sv->sv_sock), "%s/sock", sv->sv_dir);
		snprintf(sv->sv_url, sizeof(sv->sv_url), "unix://%s",
		    sv->sv_sock);
	}
	return 0;
}

/*
 * A description of the running server at url (tcp://127.0.0.1:PORT or
 * unix://PATH), which this test does not own: no pid, no directory, no
 * log. Returns 0 if it hands out a banner, else -1.
 */
int
server_remote(struct server *sv, const char *url)
{
	const char *p;
	int fd;

	memset(sv, 0, sizeof(*sv));
	snprintf(sv->sv_url, sizeof(sv->sv_url), "%s", url);
	if (strncmp(url, "unix://", 7) == 0)
		snprintf(sv->sv_sock, sizeof(sv->sv_sock), "%s", url + 7);
	else if (strncmp(url, "tcp://127.0.0.1:", 16) == 0 &&
	    (sv->sv_port = atoi(url + 16)) > 0) {
		for (p = url + 16; *p >= '0' && *p <= '9'; p++)
			continue;
		if (*p != '\0')
			return -1;
	} else
		return -1;
	if ((fd = raw_connect(sv, WAIT_LONG * 1000)) == -1)
		return -1;
	close(fd);
	return 0;
}

/*
 * Start rump_server -s on sv's URL and wait until it hands out banners.
 * The foreground mode keeps the server our child, to be stopped by pid;
 * its output is appended to sv_log. Returns 0 or -1.
 */
int
server_start(struct server *sv)
{
	char path[256];
	double end;
	pid_t pid;
	int fd;

	snprintf(path, sizeof(path), "%s/rump_server", bindir());
	if ((pid = child_fork()) == -1)
		return -1;
	if (pid == 0) {
		/* SIGTERM, not the KILL of clients: the socket file goes. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		fd = open(sv->sv_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd == -1)
			_exit(127);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		char *argv[10] = { "rump_server", "-s", "-c", "2" };
		int n = 4;
		if (sv->sv_keyfile[0] != '\0') {
			argv[n++] = "-k";
			argv[n++] = sv->sv_keyfile;
		}
		if (sv->sv_user[0] != '\0') {
			argv[n++] = "-u";
			argv[n++] = sv->sv_user;
		}
		argv[n++] = sv->sv_url;
		argv[n] = NULL;
		execv(path, argv);
		_exit(127);
	}
	sv->sv_pid = pid;
	for (end = now() + WAIT_LONG; now() < end; msleep(10)) {
		if (!server_alive(sv)) {
			printf("  %s did not start\n", path);
			return -1;
		}
		if ((fd = raw_connect(sv, 1000)) != -1) {
			close(fd);
			return 0;
		}
	}
	printf("  %s: no banner within %d s\n", sv->sv_url, WAIT_LONG);
	return -1;
}

/*
 * Whether the server still runs (a server that exited is reaped); one we
 * do not own, whether it answers a connection with its banner.
 */
bool
server_alive(struct server *sv)
{
	int status, fd;

	if (test_server_url != NULL) {
		if ((fd = raw_connect(sv, WAIT_LONG * 1000)) == -1)
			return false;
		close(fd);
		return true;
	}
	if (sv->sv_pid <= 0)
		return false;
	if (waitpid(sv->sv_pid, &status, WNOHANG) == 0)
		return true;
	sv->sv_pid = 0;
	return false;
}

/* Wait for the server to exit by itself: its wait status, or -1. */
int
server_wait(struct server *sv, int secs)
{
	int status;

	if (sv->sv_pid <= 0)
		return -1;
	status = child_wait(sv->sv_pid, secs);
	sv->sv_pid = 0;
	return status;
}

/*
 * Halt the server with SIGTERM: its wait status (0 if it exited 0). A
 * server we do not own is left running: 0.
 */
int
server_stop(struct server *sv)
{
	if (test_server_url != NULL)
		return 0;
	if (sv->sv_pid <= 0)
		return -1;
	kill(sv->sv_pid, SIGTERM);
	return server_wait(sv, WAIT_LONG);
}

/* Whether the server's output so far contains s: 1, 0, or -1. */
int
server_logcontains(const struct server *sv, const char *s)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(sv->sv_log, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

/*
 * Kill a server still running, show its output if the case failed, and
 * remove its directory (it holds nothing but the socket and the log).
 */
void
server_cleanup(struct server *sv, bool failed)
{
	char line[512];
	FILE *f;

	if (sv->sv_pid > 0) {
		kill(sv->sv_pid, SIGKILL);
		waitpid(sv->sv_pid, NULL, 0);
		sv->sv_pid = 0;
	}
	if (failed && (f = fopen(sv->sv_log, "r")) != NULL) {
		printf("  server output (%s):\n", sv->sv_url);
		while (fgets(line, sizeof(line), f) != NULL)
			printf("  | %s", line);
		fclose(f);
	}
	if (sv->sv_dir[0] == '\0')
		return;
	if (sv->sv_sock[0] != '\0')
		unlink(sv->sv_sock);
	unlink(sv->sv_log);
	if (rmdir(sv->sv_dir) == -1)
		printf("  cannot remove %s: %s\n", sv->sv_dir, strerror(errno));
}

/* ---- raw protocol ---- */

/* Wait up to ms for fd to become ready for events: 1, or 0 on timeout. */
int
fd_ready(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	while ((n = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		continue;
	return n > 0;
}

/*
 * A socket connected to sv with the banner read (within ms), or -1: the
 * readiness probe of server_start and the raw client of the tests.
 */
int
raw_connect(const struct server *sv, int ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char c;
	int s;

	if (sv->sv_port != 0) {
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)sv->sv_port);
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s == -1 ||
		    connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			goto fail;
	} else {
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sv->sv_sock);
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s == -1 ||
		    connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			goto fail;
	}
	do {
		if (!fd_ready(s, POLLIN, ms) || read(s, &c, 1) != 1)
			goto fail;
	} while (c != '\n');
	return s;
fail:
	if (s != -1)
		close(s);
	return -1;
}

/* Send one frame; 0 or -1. */
int
raw_send(int s, uint64_t reqno, int class, int type, uint32_t u,
    const void *body, size_t len)
{
	struct rsp_hdr h = {
		.rsp_len = SP_HDRSIZE + len,
		.rsp_reqno = reqno,
		.rsp_class = (uint16_t) class,
		.rsp_type = (uint16_t)type,
		.rsp_u = u,
	};

	if (write(s, &h, sizeof(h)) != (ssize_t)sizeof(h))
		return -1;
	if (len > 0 && write(s, body, len) != (ssize_t)len)
		return -1;
	return 0;
}

static int
readn(int s, void *buf, size_t len, int ms)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		if (!fd_ready(s, POLLIN, ms))
			return -1;
		if ((n = read(s, p, len)) <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Receive one frame with a body of at most max bytes; 0 or -1. */
int
raw_recv(int s, struct rsp_hdr *h, void *body, size_t max, size_t *lenp, int ms)
{
	size_t len;

	if (readn(s, h, sizeof(*h), ms) != 0 || h->rsp_len < SP_HDRSIZE)
		return -1;
	len = (size_t)(h->rsp_len - SP_HDRSIZE);
	if (len > max || readn(s, body, len, ms) != 0)
		return -1;
	*lenp = len;
	return 0;
}

/* The kernel's int sysctl kern.<node> through this client, or -1. */
int
kern_int(int node)
{
	int mib[2] = { RUMP_CTL_KERN, node }, v = -1;
	size_t len = sizeof(v);

	if (rump_sys___sysctl(mib, 2, &v, &len, NULL, 0) != 0)
		return -1;
	return v;
}
