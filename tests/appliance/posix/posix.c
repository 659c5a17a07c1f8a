/*
 * POSIX in the image: each check prints "ok NAME" or "not ok NAME: why";
 * the exit status is the number of failed checks. Run with the argument
 * -v -n 3 and env.COLOR=blue on the command line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failed;

#define CHECK(name, cond, ...)                                              \
	do {                                                                \
		if (cond) {                                                 \
			printf("ok %s\n", name);                            \
		} else {                                                    \
			failed++;                                           \
			printf("not ok %s: ", name);                        \
			printf(__VA_ARGS__);                                \
			printf(" (errno %d %s)\n", errno, strerror(errno)); \
		}                                                           \
	} while (0)

static void
errors(void)
{
	int fd;

	errno = 0;
	fd = open("/no/such/file", O_RDONLY);
	CHECK("errno_enoent", fd == -1 && errno == ENOENT, "open gave %d", fd);
	CHECK("strerror_enoent",
	    strcmp(strerror(errno), "No such file or directory") == 0, "'%s'",
	    strerror(errno));
	errno = 0;
	CHECK("errno_eexist", mkdir("/tmp", 0755) == -1 && errno == EEXIST,
	    "mkdir /tmp");
	close(open("/tmp/plain", O_WRONLY | O_CREAT, 0644));
	errno = 0;
	CHECK("errno_enotdir",
	    open("/tmp/plain/x", O_RDONLY) == -1 && errno == ENOTDIR,
	    "open below a file");
	errno = 0;
	CHECK("errno_ebadf", close(99) == -1 && errno == EBADF, "close(99)");
	errno = 0;
	CHECK("fork_enosys", fork() == -1 && errno == ENOSYS, "fork");
}

static void
directories(void)
{
	DIR *d;
	struct dirent *e;
	int seen = 0, n = 0;

	CHECK("mkdir", mkdir("/tmp/d", 0750) == 0, "mkdir");
	for (int i = 0; i < 40; i++) {
		char p[64];
		int fd;

		snprintf(p, sizeof(p), "/tmp/d/file-with-a-longish-name-%02d", i);
		fd = open(p, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
	}
	d = opendir("/tmp/d");
	CHECK("opendir", d != NULL, "opendir");
	if (d == NULL)
		return;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		n++;
		if (strcmp(e->d_name, "file-with-a-longish-name-39") == 0 &&
		    e->d_type == DT_REG)
			seen = 1;
	}
	CHECK("readdir_all", n == 42 && seen && errno == 0,
	    "%d entries, last seen %d", n, seen);
	rewinddir(d);
	CHECK("rewinddir", readdir(d) != NULL, "nothing after rewind");
	CHECK("closedir", closedir(d) == 0, "closedir");
	errno = 0;
	CHECK("opendir_enoent", opendir("/nope") == NULL && errno == ENOENT,
	    "opendir /nope");
}

static void
descriptors(void)
{
	int p[2], fl;
	char c = 0;
	struct pollfd pf;
	fd_set rs;
	struct timeval tv = { 0, 0 };

	CHECK("pipe", pipe(p) == 0, "pipe");
	fl = fcntl(p[0], F_GETFL);
	CHECK("fcntl_setfl",
	    fcntl(p[0], F_SETFL, fl | O_NONBLOCK) == 0 &&
		(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	    "O_NONBLOCK did not stick");
	errno = 0;
	CHECK("nonblock_eagain", read(p[0], &c, 1) == -1 && errno == EAGAIN,
	    "read of an empty pipe");
	pf.fd = p[0];
	pf.events = POLLIN;
	CHECK("poll_empty", poll(&pf, 1, 0) == 0, "poll said ready");
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	CHECK("select_empty", select(p[0] + 1, &rs, NULL, NULL, &tv) == 0,
	    "select said ready");
	CHECK("write", write(p[1], "x", 1) == 1, "write");
	CHECK("poll_ready", poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN),
	    "revents %#x", pf.revents);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv.tv_sec = 1;
	CHECK("select_ready",
	    select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs),
	    "select");
	CHECK("dup2", dup2(p[0], 20) == 20 && read(20, &c, 1) == 1 && c == 'x',
	    "read through the dup");
	CHECK("fcntl_cloexec",
	    fcntl(20, F_SETFD, FD_CLOEXEC) == 0 &&
		fcntl(20, F_GETFD) == FD_CLOEXEC,
	    "FD_CLOEXEC");
	errno = 0;
	CHECK("fcntl_lock_enosys",
	    fcntl(20, F_GETLK, NULL) == -1 && errno == ENOSYS, "F_GETLK");
	CHECK("isatty_console", isatty(1) == 1, "isatty(1)");
	errno = 0;
	CHECK("isatty_pipe", isatty(p[0]) == 0 && errno == ENOTTY,
	    "isatty(pipe)");
}

static void
timing(void)
{
	struct timespec a, b, s = { 0, 20 * 1000 * 1000 };
	struct timeval tv;
	time_t t = time(NULL);

	CHECK("time", t > 1500000000, "time() = %lld", (long long)t);
	CHECK("gettimeofday", gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= t - 5,
	    "%lld", (long long)tv.tv_sec);
	CHECK("clock_realtime",
	    clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec >= t - 5, "%lld",
	    (long long)a.tv_sec);
	CHECK("clock_monotonic", clock_gettime(CLOCK_MONOTONIC, &a) == 0,
	    "monotonic");
	CHECK("nanosleep", nanosleep(&s, NULL) == 0, "nanosleep");
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK("nanosleep_waited",
	    (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) >=
		20000000LL,
	    "slept too little");
	errno = 0;
	CHECK("clock_bad_id",
	    clock_gettime((clockid_t)77, &a) == -1 && errno == EINVAL,
	    "clock 77");
}

static void
system_(int argc, char **argv)
{
	int opt, v = 0, n = 0;

	CHECK("getenv",
	    getenv("COLOR") != NULL && strcmp(getenv("COLOR"), "blue") == 0,
	    "COLOR=%s", getenv("COLOR") ? getenv("COLOR") : "(unset)");
	while ((opt = getopt(argc, argv, "vn:")) != -1) {
		if (opt == 'v')
			v = 1;
		else if (opt == 'n')
			n = atoi(optarg);
	}
	CHECK("getopt", v == 1 && n == 3, "v=%d n=%d", v, n);
	CHECK("sysconf_pagesize", sysconf(_SC_PAGESIZE) == 4096, "%ld",
	    sysconf(_SC_PAGESIZE));
	CHECK("sysconf_open_max", sysconf(_SC_OPEN_MAX) > 0, "%ld",
	    sysconf(_SC_OPEN_MAX));
	errno = 0;
	CHECK("sysconf_bad", sysconf(-5) == -1 && errno == EINVAL, "sysconf(-5)");
	CHECK("getpid", getpid() > 0, "%d", (int)getpid());
	umask(022);
	CHECK("umask", umask(077) == 022, "umask");
}

int
main(int argc, char **argv)
{
	errors();
	directories();
	descriptors();
	timing();
	system_(argc, argv);
	printf("posix: %d failed\n", failed);
	return failed;
}
