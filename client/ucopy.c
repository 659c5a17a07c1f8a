/*
 * The application's own memory, read and written for the server's copy
 * requests without faulting: a bad pointer the application passed to a
 * rump_sys_*() call must become EFAULT for that call, not a SIGSEGV in
 * the reading thread or a half-sent frame. Linux's process_vm_readv(2)
 * and process_vm_writev(2) on our own pid report unmapped pages instead
 * of faulting; where they are refused (a seccomp filter), the copies are
 * plain memcpy, as in NetBSD's librumpclient. Large copy-outs do not come
 * here: frame.c reads them from the socket straight into place.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

static volatile bool spc_novm; /* process_vm_* refused: memcpy */

/* Moves up to n bytes; the count moved (short at the first bad page). */
static size_t
vmcopy(void *dst, const void *src, size_t n, bool write)
{
	struct iovec local, remote;
	ssize_t got;

	if (n == 0)
		return 0;
	if (!spc_novm) {
		local.iov_base = write ? (void *)src : dst;
		remote.iov_base = write ? dst : (void *)src;
		local.iov_len = remote.iov_len = n;
		got = write ?
		    process_vm_writev(getpid(), &local, 1, &remote, 1, 0) :
		    process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (got >= 0)
			return (size_t)got;
		if (errno != ENOSYS && errno != EPERM)
			return 0; /* EFAULT: not even the first byte */
		spc_novm = true;
	}
	memcpy(dst, src, n);
	return n;
}

size_t
spc_ucopyin(void *dst, const void *usrc, size_t n)
{
	return vmcopy(dst, usrc, n, false);
}

size_t
spc_ucopyout(void *udst, const void *src, size_t n)
{
	return vmcopy(udst, src, n, true);
}

int
spc_ucopyinstr(void *dst, const void *usrc, size_t max, size_t *lenp)
{
	uintptr_t u = (uintptr_t)usrc;
	size_t off = 0, piece, got;
	char *d = dst, *nul;

	/* A page at a time: the string may end just before a hole. */
	while (off < max) {
		piece = 4096 - ((u + off) & 4095);
		if (piece > max - off)
			piece = max - off;
		got = vmcopy(d + off, (const void *)(u + off), piece, false);
		if ((nul = memchr(d + off, '\0', got)) != NULL) {
			*lenp = (size_t)(nul - d) + 1;
			return 0;
		}
		off += got;
		if (got < piece)
			return EFAULT;
	}
	*lenp = max; /* no NUL within max: the server says so */
	return 0;
}
