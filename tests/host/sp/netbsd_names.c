/*
 * A program as NetBSD's <rump/rump_syscalls.h> compiles it: that header
 * renames each rump_sys_* call to a rump___sysimpl_* symbol, versioned
 * where NetBSD versioned the call (stat50, socket30, ...). This program
 * calls those names directly, as such a binary does, and runs against
 * librump (in-process kernel) or, built with -DREMOTE, against
 * librumpclient.so and the server RUMP_SERVER names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "check.h"
#include "rump/rumpdefs.h"

#ifdef REMOTE
int rumpclient_init(void);
#define START() rumpclient_init()
#else
int rump_init(void);
#define START() rump_init()
#endif

/* The renamed calls, as NetBSD's header declares them. */
pid_t rump___sysimpl_getpid(void);
int rump___sysimpl_open(const char *, int, ...);
ssize_t rump___sysimpl_write(int, const void *, size_t);
ssize_t rump___sysimpl_read(int, void *, size_t);
int rump___sysimpl_close(int);
int rump___sysimpl_stat50(const char *, void *);
int rump___sysimpl_fstat50(int, void *);
int rump___sysimpl_lstat50(const char *, void *);
int rump___sysimpl_mkdir(const char *, mode_t);
int rump___sysimpl_getdents30(int, char *, size_t);
int rump___sysimpl___getcwd(char *, size_t);
int rump___sysimpl___sysctl(const int *, unsigned, void *, size_t *,
    const void *, size_t);
int rump___sysimpl_unlink(const char *);
int rump___sysimpl_pipe2(int *, int);
int rump___sysimpl_socketpair(int, int, int, int *);

TEST(renamed_file_calls_reach_the_kernel)
{
	struct rump_stat st;
	char buf[16] = "", dents[512];
	int fd, dfd;

	CHECK(rump___sysimpl_getpid() >= 1);
	CHECK_EQ_INT(rump___sysimpl_mkdir("/tmp/nb", 0755), 0);
	fd = rump___sysimpl_open("/tmp/nb/f", RUMP_O_RDWR | RUMP_O_CREAT, 0600);
	CHECK(fd >= 0);
	CHECK_EQ_INT((int)rump___sysimpl_write(fd, "netbsd", 6), 6);
	CHECK_EQ_INT(rump___sysimpl_fstat50(fd, &st), 0);
	CHECK_EQ_INT((int)st.st_size, 6);
	CHECK_EQ_INT(rump___sysimpl_close(fd), 0);
	CHECK_EQ_INT(rump___sysimpl_stat50("/tmp/nb/f", &st), 0);
	CHECK_EQ_INT((int)st.st_mode & 0777, 0600);
	CHECK_EQ_INT(rump___sysimpl_lstat50("/tmp/nb/f", &st), 0);
	fd = rump___sysimpl_open("/tmp/nb/f", RUMP_O_RDONLY);
	CHECK_EQ_INT((int)rump___sysimpl_read(fd, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "netbsd", 6) == 0);
	rump___sysimpl_close(fd);
	dfd = rump___sysimpl_open("/tmp/nb", RUMP_O_RDONLY);
	CHECK(rump___sysimpl_getdents30(dfd, dents, sizeof(dents)) > 0);
	rump___sysimpl_close(dfd);
	CHECK_EQ_INT(rump___sysimpl___getcwd(buf, sizeof(buf)), 2);
	CHECK(strcmp(buf, "/") == 0);
	CHECK_EQ_INT(rump___sysimpl_unlink("/tmp/nb/f"), 0);
}

TEST(renamed_sysctl_and_descriptor_pairs)
{
	int mib[2] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE }, fds[2];
	char os[16] = "";
	size_t len = sizeof(os);

	CHECK_EQ_INT(rump___sysimpl___sysctl(mib, 2, os, &len, NULL, 0), 0);
	CHECK(strcmp(os, "NetBSD") == 0);
	CHECK_EQ_INT(rump___sysimpl_pipe2(fds, 0), 0);
	CHECK_EQ_INT((int)rump___sysimpl_write(fds[1], "x", 1), 1);
	rump___sysimpl_close(fds[0]);
	rump___sysimpl_close(fds[1]);
	CHECK_EQ_INT(
	    rump___sysimpl_socketpair(RUMP_AF_LOCAL, RUMP_SOCK_STREAM, 0, fds),
	    0);
	rump___sysimpl_close(fds[0]);
	rump___sysimpl_close(fds[1]);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (START() != 0) {
		printf("cannot start the kernel or reach its server\n");
		return 1;
	}
	RUN(renamed_file_calls_reach_the_kernel);
	RUN(renamed_sysctl_and_descriptor_pairs);
	return check_done();
}
