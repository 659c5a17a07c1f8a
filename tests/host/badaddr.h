/*
 * System calls given addresses that are no memory of the caller's: every
 * one must answer EFAULT and leave the kernel serving. One body for the
 * three places that run it: local calls on the host build
 * (tests/host/kernel/test_badaddr.c), local calls in the image
 * (tests/qemu/apps/test_badaddr.c) and remote calls through librumpclient
 * into the host server and into the image (tests/host/sp/test_client_fault.c).
 * Each supplies its bad addresses: a bad range starts at the address and
 * covers at least the 4 bytes the smallest call here copies (a pointer 2
 * bytes before the end of mapped memory, those 2 bytes not NUL, is bad
 * for all of them). Such bytes are set again before each call, since a
 * failed copyout may have written them.
 *
 * Include after check.h and the rump headers.
 */
#ifndef TESTS_HOST_BADADDR_H
#define TESTS_HOST_BADADDR_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct badaddr {
	const char *what;
	void *p;
	size_t fill; /* bytes at p that are memory: 'a's before each call */
};

/* NetBSD's struct timeval, as utimes(2) reads it (16 bytes each). */
struct badaddr_pollfd {
	int fd;
	short events, revents;
};

struct badaddr_tv {
	int64_t tv_sec;
	int32_t tv_usec;
	int32_t pad;
};

#define BADADDR_DIR  "/tmp/badaddr"
#define BADADDR_FILE BADADDR_DIR "/f"

#define EFAULT_FOR(b, call)                                                   \
	do {                                                                  \
		if ((b)->fill > 0)                                            \
			memset((b)->p, 'a', (b)->fill);                       \
		errno = 0;                                                    \
		long r_ = (long)(call);                                       \
		if (r_ != -1 || errno != RUMP_EFAULT) {                       \
			printf("  %s:%d: %s: %s returned %ld, errno %d, "     \
			       "expected EFAULT\n",                           \
			    __FILE__, __LINE__, (b)->what, #call, r_, errno); \
			check_case_failed = 1;                                \
		}                                                             \
	} while (0)

/* A directory and a file with data, cwd in the directory. */
static void
badaddr_setup(void)
{
	int fd;

	rump_sys_unlink(BADADDR_FILE);
	rump_sys_rmdir(BADADDR_DIR);
	CHECK_EQ_INT(rump_sys_mkdir(BADADDR_DIR, 0755), 0);
	fd = rump_sys_open(BADADDR_FILE, RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, "0123456789abcdef", 16), 16);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_chdir(BADADDR_DIR), 0);
}

static void
badaddr_cleanup(void)
{
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(rump_sys_unlink(BADADDR_FILE), 0);
	CHECK_EQ_INT(rump_sys_rmdir(BADADDR_DIR), 0);
}

/* utimes with a good array sets both times; NULL sets them to now. */
static void
badaddr_utimes_valid(void)
{
	struct badaddr_tv tv[2] = { { 1000000000, 250000, 0 },
		{ 1200000000, 999999, 0 } };
	struct rump_stat st;

	badaddr_setup();
	CHECK_EQ_INT(rump_sys_utimes(BADADDR_FILE, tv), 0);
	CHECK_EQ_INT(rump_sys_stat(BADADDR_FILE, &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ_INT(st.st_atim.tv_nsec, 250000000);
	CHECK_EQ_INT(st.st_mtim.tv_sec, 1200000000);
	CHECK_EQ_INT(st.st_mtim.tv_nsec, 999999000);
	tv[1].tv_usec = 1000000; /* out of range: utimes(2) EINVAL */
	CHECK_EQ_INT(rump_sys_utimes(BADADDR_FILE, tv), -1);
	CHECK_EQ_INT(errno, RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_utimes(BADADDR_FILE, NULL), 0);
	CHECK_EQ_INT(rump_sys_stat(BADADDR_FILE, &st), 0);
	CHECK(st.st_mtim.tv_sec != 1200000000);
	badaddr_cleanup();
}

/*
 * The file and directory calls. A remote caller's kernel never learns
 * that a copyout failed in the client (the protocol does not answer
 * copyouts): the call's effects stand there, so what pipe2 and socketpair
 * opened stays open; locally they are closed again (remote false).
 */
static void
badaddr_files(const struct badaddr *b, bool remote)
{
	char *p = b->p, buf[64];
	struct rump_stat st;
	int fd, dfd, fds[2];

	EFAULT_FOR(b, rump_sys_utimes(BADADDR_FILE, p));
	EFAULT_FOR(b, rump_sys_utimes(p, NULL));
	EFAULT_FOR(b, rump_sys_open(p, RUMP_O_RDONLY));
	EFAULT_FOR(b, rump_sys_open(p, RUMP_O_RDWR | RUMP_O_CREAT, 0644));
	EFAULT_FOR(b, rump_sys_mkdir(p, 0755));
	EFAULT_FOR(b, rump_sys_unlink(p));
	EFAULT_FOR(b, rump_sys_stat(BADADDR_FILE, p));
	EFAULT_FOR(b, rump_sys_lstat(p, &st));
	EFAULT_FOR(b, rump_sys_rename(p, "x"));
	EFAULT_FOR(b, rump_sys_symlink(p, "x"));
	EFAULT_FOR(b, rump_sys_readlink(p, buf, sizeof(buf)));
	EFAULT_FOR(b, rump_sys___getcwd(p, 64));
	EFAULT_FOR(b, rump_sys_pipe2((int *)p, 0));
	EFAULT_FOR(b,
	    rump_sys_socketpair(RUMP_AF_LOCAL, RUMP_SOCK_STREAM, 0, (int *)p));

	fd = rump_sys_open(BADADDR_FILE, RUMP_O_RDWR);
	CHECK(fd >= 0);
	EFAULT_FOR(b, rump_sys_write(fd, p, 16));
	EFAULT_FOR(b, rump_sys_pwrite(fd, p, 16, 0));
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	EFAULT_FOR(b, rump_sys_read(fd, p, 16));
	EFAULT_FOR(b, rump_sys_pread(fd, p, 16, 0));
	EFAULT_FOR(b, rump_sys_fstat(fd, p));
	EFAULT_FOR(b, rump_sys_readv(fd, p, 1));
	EFAULT_FOR(b, rump_sys_writev(fd, p, 1));
	EFAULT_FOR(b, rump_sys_ioctl(fd, 0x4004667fUL, p)); /* FIONREAD */
	CHECK_EQ_INT(rump_sys_close(fd), 0);

	dfd = rump_sys_open(BADADDR_DIR, RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	EFAULT_FOR(b, rump_sys_getdents(dfd, p, 512));
	CHECK_EQ_INT(rump_sys_close(dfd), 0);

	/* Nothing leaked: the next fds are 3 and 4. */
	CHECK_EQ_INT(rump_sys_pipe2(fds, 0), 0);
	if (!remote)
		CHECK(fds[0] >= 3 && fds[0] <= 4 && fds[1] >= 3 && fds[1] <= 4);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	memset(buf, 0, sizeof(buf));
	fd = rump_sys_open(BADADDR_FILE, RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 16);
	CHECK_EQ_STR(buf, "0123456789abcdef");
	rump_sys_close(fd);
}

/* sysctl, poll, select, time. */
static void
badaddr_kern(const struct badaddr *b)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME }, fds[2];
	struct badaddr_pollfd pfd;
	char host[256];
	size_t len = sizeof(host);
	uint32_t set[2] = { 0, 0 };
	void *p = b->p;

	EFAULT_FOR(b, rump_sys___sysctl(p, 2, host, &len, NULL, 0));
	EFAULT_FOR(b, rump_sys___sysctl(mib, 2, p, &len, NULL, 0));
	len = sizeof(host);
	EFAULT_FOR(b, rump_sys___sysctl(mib, 2, host, p, NULL, 0));
	EFAULT_FOR(b, rump_sys___sysctl(mib, 2, NULL, NULL, p, 8));
	len = sizeof(host);
	CHECK_EQ_INT(rump_sys___sysctl(mib, 2, host, &len, NULL, 0), 0);
	CHECK(len > 1 && strlen(host) == len - 1); /* still its name */

	CHECK_EQ_INT(rump_sys_pipe2(fds, 0), 0);
	EFAULT_FOR(b, rump_sys_poll(p, 1, 0));
	EFAULT_FOR(b, rump_sys_poll(p, 2, -1));
	set[fds[1] / 32] |= 1U << (fds[1] % 32);
	EFAULT_FOR(b, rump_sys_select(64, p, NULL, NULL, NULL));
	EFAULT_FOR(b, rump_sys_select(64, NULL, p, NULL, NULL));
	EFAULT_FOR(b, rump_sys_select(64, NULL, set, NULL, p));
	pfd.fd = fds[1];
	pfd.events = RUMP_POLLOUT;
	pfd.revents = 0;
	CHECK_EQ_INT(rump_sys_poll(&pfd, 1, 0), 1);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);

	EFAULT_FOR(b, rump_sys_clock_gettime(0, p));
	EFAULT_FOR(b, rump_sys_nanosleep(p, NULL));
	EFAULT_FOR(b, rump_sys_getgroups(RUMP_NGROUPS, p));
	EFAULT_FOR(b, rump_sys_setgroups(1, p));
}

/* The socket calls, where the kernel has AF_INET (the image). */
static void
badaddr_sockets(const struct badaddr *b)
{
	struct rump_sockaddr_in sin;
	unsigned slen = sizeof(sin);
	char msg[4] = "abc";
	void *p = b->p;
	int s;

	if ((s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0)) == -1) {
		/* No network: EAFNOSUPPORT, or ENOSYS without socket(2). */
		CHECK(errno == 47 || errno == RUMP_ENOSYS);
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = RUMP_AF_INET;
	sin.sin_addr = 0x0100007f; /* 127.0.0.1, network order */
	EFAULT_FOR(b, rump_sys_bind(s, p, sizeof(sin)));
	CHECK_EQ_INT(rump_sys_bind(s, &sin, sizeof(sin)), 0);
	EFAULT_FOR(b, rump_sys_getsockname(s, p, &slen));
	EFAULT_FOR(b, rump_sys_getsockname(s, &sin, p));
	EFAULT_FOR(b, rump_sys_connect(s, p, sizeof(sin)));
	EFAULT_FOR(b, rump_sys_sendto(s, msg, 3, 0, p, sizeof(sin)));
	EFAULT_FOR(b, rump_sys_sendto(s, p, 16, 0, &sin, sizeof(sin)));
	EFAULT_FOR(b, rump_sys_sendmsg(s, p, 0));
	EFAULT_FOR(b,
	    rump_sys_setsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_RCVTIMEO, p, 16));
	slen = 16;
	EFAULT_FOR(b,
	    rump_sys_getsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_RCVTIMEO, p, &slen));
	EFAULT_FOR(b,
	    rump_sys_getsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_RCVTIMEO, &sin, p));
	CHECK_EQ_INT(rump_sys_close(s), 0);
}

/* Every call with each bad address, then the kernel still works. */
static void
badaddr_all(const struct badaddr *bad, int n, bool remote)
{
	struct rump_stat st;

	badaddr_setup();
	for (int i = 0; i < n; i++) {
		badaddr_files(&bad[i], remote);
		badaddr_kern(&bad[i]);
		badaddr_sockets(&bad[i]);
	}
	badaddr_cleanup();
	CHECK(rump_sys_getpid() > 0);
	CHECK_EQ_INT(rump_sys_stat("/", &st), 0);
}

#endif
