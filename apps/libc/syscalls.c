/*
 * The system calls newlib's libc expects, for programs inside the image.
 * Until the rump kernel exists they go to the hypercall layer: the console
 * for descriptors 0-2, the hypercall allocator for the heap. Calls with
 * nothing behind them yet fail with ENOSYS rather than pretend.
 */
/* All of newlib's error numbers, for the map from NetBSD's below. */
#define __LINUX_ERRNO_EXTENSIONS__
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
PLAT_INITCALL(PLAT_INIT_LIBC, libc_init);

/* ---- console and files ---- */

#ifdef CONFIG_RUMP_KERNEL
/*
 * With the rump kernel in the image, files are the kernel's: descriptors
 * 0-2 are init's console, everything else lives on its tmpfs. newlib and
 * NetBSD number errors and open flags differently, and lay out struct stat
 * differently: translate at this boundary.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

/*
 * Every error number of NetBSD's <sys/errno.h> (rumpdefs.h) to newlib's of
 * the same name; the two newlib lacks to the nearest it has.
 */
/* clang-format off */
static const struct { int nb, nl; } errmap[] = {
	{ RUMP_EPERM, EPERM }, { RUMP_ENOENT, ENOENT }, { RUMP_ESRCH, ESRCH },
	{ RUMP_EINTR, EINTR }, { RUMP_EIO, EIO }, { RUMP_ENXIO, ENXIO },
	{ RUMP_E2BIG, E2BIG }, { RUMP_ENOEXEC, ENOEXEC }, { RUMP_EBADF, EBADF },
	{ RUMP_ECHILD, ECHILD }, { RUMP_EDEADLK, EDEADLK }, { RUMP_ENOMEM, ENOMEM },
	{ RUMP_EACCES, EACCES }, { RUMP_EFAULT, EFAULT }, { RUMP_ENOTBLK, ENOTBLK },
	{ RUMP_EBUSY, EBUSY }, { RUMP_EEXIST, EEXIST }, { RUMP_EXDEV, EXDEV },
	{ RUMP_ENODEV, ENODEV }, { RUMP_ENOTDIR, ENOTDIR }, { RUMP_EISDIR, EISDIR },
	{ RUMP_EINVAL, EINVAL }, { RUMP_ENFILE, ENFILE }, { RUMP_EMFILE, EMFILE },
	{ RUMP_ENOTTY, ENOTTY }, { RUMP_ETXTBSY, ETXTBSY }, { RUMP_EFBIG, EFBIG },
	{ RUMP_ENOSPC, ENOSPC }, { RUMP_ESPIPE, ESPIPE }, { RUMP_EROFS, EROFS },
	{ RUMP_EMLINK, EMLINK }, { RUMP_EPIPE, EPIPE }, { RUMP_EDOM, EDOM },
	{ RUMP_ERANGE, ERANGE }, { RUMP_EAGAIN, EAGAIN },
	{ RUMP_EINPROGRESS, EINPROGRESS }, { RUMP_EALREADY, EALREADY },
	{ RUMP_ENOTSOCK, ENOTSOCK }, { RUMP_EDESTADDRREQ, EDESTADDRREQ },
	{ RUMP_EMSGSIZE, EMSGSIZE }, { RUMP_EPROTOTYPE, EPROTOTYPE },
	{ RUMP_ENOPROTOOPT, ENOPROTOOPT },
	{ RUMP_EPROTONOSUPPORT, EPROTONOSUPPORT }, { RUMP_EOPNOTSUPP, EOPNOTSUPP },
	{ RUMP_EAFNOSUPPORT, EAFNOSUPPORT }, { RUMP_EADDRINUSE, EADDRINUSE },
	{ RUMP_EADDRNOTAVAIL, EADDRNOTAVAIL }, { RUMP_ECONNRESET, ECONNRESET },
	{ RUMP_ENOBUFS, ENOBUFS }, { RUMP_EISCONN, EISCONN },
	{ RUMP_ENOTCONN, ENOTCONN }, { RUMP_ESHUTDOWN, ESHUTDOWN },
	{ RUMP_ETIMEDOUT, ETIMEDOUT }, { RUMP_ECONNREFUSED, ECONNREFUSED },
	{ RUMP_ELOOP, ELOOP }, { RUMP_ENAMETOOLONG, ENAMETOOLONG },
	{ RUMP_EHOSTUNREACH, EHOSTUNREACH }, { RUMP_ENOTEMPTY, ENOTEMPTY },
	{ RUMP_EDQUOT, EDQUOT }, { RUMP_ESTALE, ESTALE }, { RUMP_ENOLCK, ENOLCK },
	{ RUMP_ENOSYS, ENOSYS }, { RUMP_EFTYPE, EFTYPE }, { RUMP_EIDRM, EIDRM },
	{ RUMP_ENOMSG, ENOMSG }, { RUMP_EOVERFLOW, EOVERFLOW },
	{ RUMP_EILSEQ, EILSEQ }, { RUMP_ENOTSUP, ENOTSUP },
	{ RUMP_ECANCELED, ECANCELED }, { RUMP_EBADMSG, EBADMSG },
	{ RUMP_ENODATA, ENODATA }, { RUMP_EPROTO, EPROTO }, { RUMP_EAUTH, EACCES },
	{ RUMP_ENOATTR, ENODATA },
};
/* clang-format on */

int libc_fail(void);
void libc_stat(const struct rump_stat *n, struct stat *st);

static int
fail(void)
{
	return libc_fail();
}

/*
 * A failed rump_sys_*() left NetBSD's number in errno: makes it newlib's
 * and returns -1 (posix.c uses it too).
 */
int
libc_fail(void)
{
	int nb = errno;

	errno = EIO;
	for (unsigned i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
		if (errmap[i].nb == nb)
			errno = errmap[i].nl;
	return -1;
}

void libc_kernel_up(void);

static void
kernel_up(void)
{
	libc_kernel_up();
}

/* Boots the rump kernel on first use (crt.c calls it before main). */
static int kernel_is_up;

void
libc_kernel_up(void)
{
	if (!kernel_is_up && rump_init() == 0)
		kernel_is_up = 1;
}

static int
nb_oflags(int f)
{
	int r = f & O_ACCMODE; /* 0, 1, 2 in both */

	/* clang-format off */
	if (f & O_APPEND) r |= RUMP_O_APPEND;
	if (f & O_CREAT) r |= RUMP_O_CREAT;
	if (f & O_TRUNC) r |= RUMP_O_TRUNC;
	if (f & O_EXCL) r |= RUMP_O_EXCL;
	if (f & O_NONBLOCK) r |= RUMP_O_NONBLOCK;
	if (f & O_CLOEXEC) r |= RUMP_O_CLOEXEC;
	if (f & O_NOFOLLOW) r |= RUMP_O_NOFOLLOW;
	if (f & O_DIRECTORY) r |= RUMP_O_DIRECTORY;
	/* clang-format on */
	return r;
}

static void
nl_stat(const struct rump_stat *n, struct stat *st)
{
	libc_stat(n, st);
}

/* NetBSD's struct stat to newlib's (posix.c uses it too). */
void
libc_stat(const struct rump_stat *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)n->st_dev;
	st->st_ino = (ino_t)n->st_ino;
	st->st_mode = (mode_t)n->st_mode; /* S_IF* and permission bits agree */
	st->st_nlink = (nlink_t)n->st_nlink;
	st->st_uid = (uid_t)n->st_uid;
	st->st_gid = (gid_t)n->st_gid;
	st->st_rdev = (dev_t)n->st_rdev;
	st->st_size = (off_t)n->st_size;
	st->st_atim.tv_sec = n->st_atim.tv_sec;
	st->st_atim.tv_nsec = n->st_atim.tv_nsec;
	st->st_mtim.tv_sec = n->st_mtim.tv_sec;
	st->st_mtim.tv_nsec = n->st_mtim.tv_nsec;
	st->st_ctim.tv_sec = n->st_ctim.tv_sec;
	st->st_ctim.tv_nsec = n->st_ctim.tv_nsec;
	st->st_blksize = n->st_blksize;
	st->st_blocks = n->st_blocks;
}

int
write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	kernel_up();
	n = rump_sys_write(fd, buf, len);
	return n < 0 ? fail() : (int)n;
}

int
read(int fd, void *buf, size_t len)
{
	ssize_t n;

	kernel_up();
	n = rump_sys_read(fd, buf, len);
	return n < 0 ? fail() : (int)n;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0, fd;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	kernel_up();
	fd = rump_sys_open(path, nb_oflags(flags), mode);
	return fd < 0 ? fail() : fd;
}

int
close(int fd)
{
	kernel_up();
	return rump_sys_close(fd) < 0 ? fail() : 0;
}

int
fstat(int fd, struct stat *st)
{
	struct rump_stat n;

	kernel_up();
	if (rump_sys_fstat(fd, &n) < 0)
		return fail();
	nl_stat(&n, st);
	return 0;
}

int
stat(const char *path, struct stat *st)
{
	struct rump_stat n;

	kernel_up();
	if (rump_sys_stat(path, &n) < 0)
		return fail();
	nl_stat(&n, st);
	return 0;
}

int
isatty(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}

off_t
lseek(int fd, off_t off, int whence)
{
	off_t r;

	kernel_up();
	r = rump_sys_lseek(fd, off, whence); /* SEEK_* agree */
	return r < 0 ? fail() : r;
}

int
link(const char *old, const char *new)
{
	kernel_up();
	return rump_sys_link(old, new) < 0 ? fail() : 0;
}

int
unlink(const char *path)
{
	kernel_up();
	return rump_sys_unlink(path) < 0 ? fail() : 0;
}

int
getpid(void)
{
	kernel_up();
	return (int)rump_sys_getpid();
}

#else /* !CONFIG_RUMP_KERNEL: the hypercall layer alone */

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
	errno = fd == 0 ? ENOSYS : EBADF; /* no console input yet */
	return -1;
}

int
open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOSYS; /* until the kernel's VFS */
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

#endif /* CONFIG_RUMP_KERNEL */

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

/* The program's exit status becomes the image's (crt.c, doc/cmdline.md). */
void
_exit(int status)
{
#ifdef CONFIG_RUMP_KERNEL
	/* The disks written back and marked clean, as at halt. */
	if (kernel_is_up)
		rump_pub_vfs_shutdown();
#endif
	rumpuser_ext_app_exit(status);
}

#ifndef CONFIG_RUMP_KERNEL
int
getpid(void)
{
	return 1;
}
#endif

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
	t = (clock_t)(sec * CLOCKS_PER_SEC +
	    nsec / (1000000000L / CLOCKS_PER_SEC));
	buf->tms_utime = t;
	buf->tms_stime = 0;
	buf->tms_cutime = 0;
	buf->tms_cstime = 0;
	return t;
}

char *__env[1] = { NULL };
char **environ = __env;
