/*
 * The rump_sys_*() stubs: each stores its arguments in NetBSD's argument
 * block (one 8-byte slot per argument, PAD slots before 64-bit offsets,
 * doc/rump_sp.md) and hands it to rump_stub_syscall(). The kernel's build
 * (kernel/init.c) makes that a local call; librumpclient (client/) sends it
 * to a server. Both return -1 with errno set on failure.
 */
#include <stdarg.h>
#include <stddef.h>

#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"
#include "rump_sysnum.h"

typedef long register_t;

/* The transport: 0 or a NetBSD errno; rv[0..1] are the return values. */
int rump_stub_syscall(int num, void *args, size_t len, long rv[2]);
void rump_stub_seterrno(int error);

static register_t
stub_call(int num, register_t *args, size_t len)
{
	long rv[2] = { 0, 0 };
	int error;

	error = rump_stub_syscall(num, args, len, rv);
	if (error != 0) {
		rump_stub_seterrno(error);
		return -1;
	}
	return rv[0];
}

#define SYS0(num) stub_call(num, NULL, 0)
#define SYSN(num, ...)                             \
	({                                         \
		register_t a_[] = { __VA_ARGS__ }; \
		stub_call(num, a_, sizeof(a_));    \
	})

#define P(x) ((register_t)(x))
/*
 * An id as NetBSD's 32-bit value: -1 ("no change") must stay -1 even where
 * the C library's uid_t is narrower (newlib's is 16 bits).
 */
#define ID(x) ((x) == (__typeof__(x))-1 ? (register_t)-1 : (register_t)(x))

/* The stubs written by hand: varargs and two return values. */
int
rump_sys_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & RUMP_O_CREAT) { /* only then is there a third argument */
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)SYSN(RUMP_SYS_open, P(path), flags, mode);
}

int
rump_sys_openat(int fd, const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & RUMP_O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)SYSN(RUMP_SYS_openat, fd, P(path), flags, mode);
}

/*
 * pipe2 with no flags: the kernel stores the descriptors through copyout,
 * so a bad fds is EFAULT from the kernel, not a fault in the caller.
 */
int
rump_sys_pipe(int *fds)
{
	return (int)SYSN(RUMP_SYS_pipe2, P(fds), 0);
}

int
rump_sys_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)SYSN(RUMP_SYS_fcntl, fd, cmd, arg);
}

int
rump_sys_ioctl(int fd, unsigned long com, ...)
{
	va_list ap;
	void *data;

	va_start(ap, com);
	data = va_arg(ap, void *);
	va_end(ap);
	return (int)SYSN(RUMP_SYS_ioctl, fd, P(com), P(data));
}

/* The rest, and every stub's NetBSD alias, from kernel/syscalls.master. */
#include "syscall_stubs.h"
