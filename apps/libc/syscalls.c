/*
 * The system calls newlib's libc expects, for programs inside the image.
 * Until the rump kernel exists they go to the hypercall layer: the console
 * for descriptors 0-2, the hypercall allocator for the heap. Calls with
 * nothing behind them yet fail with ENOSYS rather than pretend.
 */
#include <errno.h>
#include <reent.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include "hyp/sched.h"
#include "plat/init.h"
#include "rump/rumpuser.h"

/* ---- per-thread reentrancy state ---- */

static void
libc_switch(struct thread *next)
{
	struct _reent *r = *(struct _reent **)sched_tls(next, TLS_LIBC);

	/* Threads that never used the C library share the global state. */
	_impure_ptr = r != NULL ? r : _global_impure_ptr;
}

static void
libc_exit(struct thread *t)
{
	struct _reent **slot = (struct _reent **)sched_tls(t, TLS_LIBC);

	if (*slot != NULL) {
		_reclaim_reent(*slot);
		rumpuser_free(*slot, sizeof(**slot));
		*slot = NULL;
		_impure_ptr = _global_impure_ptr;
	}
}

/*
 * Gives the calling thread its own libc state (errno, stdio buffers, strtok
 * and friends). The main thread keeps the global one. Returns 0 or ENOMEM.
 */
int
libc_thread_init(void)
{
	struct thread *t = sched_current();
	struct _reent **slot = (struct _reent **)sched_tls(t, TLS_LIBC);
	void *r;

	if (*slot != NULL || strcmp(sched_name(t), "main") == 0)
		return 0;
	if (rumpuser_malloc(sizeof(struct _reent), 0, &r) != 0)
		return ENOMEM;
	_REENT_INIT_PTR((struct _reent *)r);
	*slot = r;
	_impure_ptr = r;
	return 0;
}

/* rump_sys_*() leave NetBSD's error number in errno, as on the host build. */
extern void (*hyp_libc_seterrno)(int);

static void
set_errno(int e)
{
	errno = e;
}

static void
libc_init(void)
{
	sched_set_hooks(libc_switch, libc_exit);
	hyp_libc_seterrno = set_errno;
}
PLAT_INITCALL(libc_init);

/* ---- console and files ---- */

int
write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		rumpuser_putchar(p[i]);
	return (int)len;
}

int
read(int fd, void *buf, size_t len)
{
	(void)buf;
	(void)len;
	errno = fd == 0 ? ENOSYS : EBADF;	/* no console input yet */
	return -1;
}

int
open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOSYS;				/* until the kernel's VFS */
	return -1;
}

int
close(int fd)
{
	if (fd >= 0 && fd <= 2)
		return 0;
	errno = EBADF;
	return -1;
}

int
fstat(int fd, struct stat *st)
{
	if (fd < 0 || fd > 2) {
		errno = EBADF;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0620;
	return 0;
}

int
stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	errno = ENOSYS;
	return -1;
}

int
isatty(int fd)
{
	if (fd >= 0 && fd <= 2)
		return 1;
	errno = EBADF;
	return 0;
}

off_t
lseek(int fd, off_t off, int whence)
{
	(void)off;
	(void)whence;
	errno = fd >= 0 && fd <= 2 ? ESPIPE : EBADF;
	return -1;
}

int
link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	errno = ENOSYS;
	return -1;
}

int
unlink(const char *path)
{
	(void)path;
	errno = ENOSYS;
	return -1;
}

/* ---- the heap ---- */

/*
 * malloc.c gives newlib's allocator entry points to the hypercall
 * allocator; nothing should need a program break.
 */
void *
sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}

/* ---- processes and time ---- */

void
_exit(int status)
{
	rumpuser_exit(status);
}

int
getpid(void)
{
	return 1;
}

int
kill(int pid, int sig)
{
	if (pid != 1) {
		errno = ESRCH;
		return -1;
	}
	rumpuser_kill(RUMPUSER_PID_SELF, sig);
	return 0;
}

int
fork(void)
{
	errno = ENOSYS;
	return -1;
}

int
execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	errno = ENOSYS;
	return -1;
}

int
wait(int *status)
{
	(void)status;
	errno = ECHILD;
	return -1;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	int64_t sec;
	long nsec;

	(void)tz;
	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	tv->tv_sec = sec;
	tv->tv_usec = nsec / 1000;
	return 0;
}

clock_t
times(struct tms *buf)
{
	int64_t sec;
	long nsec;
	clock_t t;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	t = (clock_t)(sec * CLOCKS_PER_SEC + nsec / (1000000000L / CLOCKS_PER_SEC));
	buf->tms_utime = t;
	buf->tms_stime = 0;
	buf->tms_cutime = 0;
	buf->tms_cstime = 0;
	return t;
}

char *__env[1] = { NULL };
char **environ = __env;
