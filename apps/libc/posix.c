/*
 * POSIX calls for programs in the image beyond what newlib's system call
 * list asks for (syscalls.c), each mapped to the rump kernel's call with
 * NetBSD's numbers and layouts translated to newlib's at this boundary.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

int libc_fail(void);
void libc_stat(const struct rump_stat *n, struct stat *st);
void libc_kernel_up(void);

int
lstat(const char *path, struct stat *st)
{
	struct rump_stat n;

	libc_kernel_up();
	if (rump_sys_lstat(path, &n) < 0)
		return libc_fail();
	libc_stat(&n, st);
	return 0;
}

ssize_t
readlink(const char *path, char *buf, size_t len)
{
	ssize_t n;

	libc_kernel_up();
	n = rump_sys_readlink(path, buf, len);
	return n < 0 ? libc_fail() : n;
}
