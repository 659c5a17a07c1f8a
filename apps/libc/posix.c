/*
 * POSIX calls for programs in the image beyond what newlib's system call
 * list asks for (syscalls.c), each mapped to the rump kernel's call with
 * NetBSD's numbers and layouts translated to newlib's at this boundary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
/* Ours (apps/include): newlib lacks them or declares too little. */
#include <dirent.h>
#include <poll.h>
#include <time.h>

#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

int libc_fail(void);
void libc_stat(const struct rump_stat *n, struct stat *st);
void libc_kernel_up(void);

int fchdir(int fd);

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

/* ---- files and directories ---- */

/* clang-format off */
#define PASS0(call) do {				\
	libc_kernel_up();				\
	return (call) < 0 ? libc_fail() : 0;		\
} while (0)

int mkdir(const char *path, mode_t mode) { PASS0(rump_sys_mkdir(path, mode)); }
int rmdir(const char *path) { PASS0(rump_sys_rmdir(path)); }
int chdir(const char *path) { PASS0(rump_sys_chdir(path)); }
int fchdir(int fd) { PASS0(rump_sys_fchdir(fd)); }
int chmod(const char *path, mode_t mode) { PASS0(rump_sys_chmod(path, mode)); }
int fchmod(int fd, mode_t mode) { PASS0(rump_sys_fchmod(fd, mode)); }
int chown(const char *path, uid_t u, gid_t g) { PASS0(rump_sys_chown(path, u, g)); }
int fchown(int fd, uid_t u, gid_t g) { PASS0(rump_sys_fchown(fd, u, g)); }
int access(const char *path, int mode) { PASS0(rump_sys_access(path, mode)); }
int symlink(const char *target, const char *path) { PASS0(rump_sys_symlink(target, path)); }
int ftruncate(int fd, off_t len) { PASS0(rump_sys_ftruncate(fd, len)); }
int truncate(const char *path, off_t len) { PASS0(rump_sys_truncate(path, len)); }
int fsync(int fd) { PASS0(rump_sys_fsync(fd)); }
/* clang-format on */

char *
getcwd(char *buf, size_t size)
{
	libc_kernel_up();
	if (buf == NULL || size == 0) {
		errno = buf == NULL ? ENOSYS : EINVAL; /* no allocating form */
		return NULL;
	}
	if (rump_sys___getcwd(buf, size) < 0) {
		libc_fail();
		return NULL;
	}
	return buf;
}

mode_t
umask(mode_t mask)
{
	libc_kernel_up();
	return rump_sys_umask(mask);
}

/* ---- descriptors ---- */

int
pipe(int fds[2])
{
	PASS0(rump_sys_pipe(fds));
}

int
dup(int fd)
{
	int r;

	libc_kernel_up();
	r = rump_sys_dup(fd);
	return r < 0 ? libc_fail() : r;
}

int
dup2(int from, int to)
{
	int r;

	libc_kernel_up();
	r = rump_sys_dup2(from, to);
	return r < 0 ? libc_fail() : r;
}

/* File status flags: the ones fcntl can see or set, newlib's to NetBSD's. */
static const struct {
	int nl, nb;
} flmap[] = {
	{ O_NONBLOCK, RUMP_O_NONBLOCK },
	{ O_APPEND, RUMP_O_APPEND },
};

int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg, r, nb = 0;

	va_start(ap, cmd);
	arg = va_arg(ap, int);
	va_end(ap);
	libc_kernel_up();
	switch (cmd) {
	case F_DUPFD:
	case F_GETFD:
	case F_SETFD: /* same numbers, FD_CLOEXEC 1 in both */
		r = rump_sys_fcntl(fd, cmd, arg);
		return r < 0 ? libc_fail() : r;
	case F_GETFL:
		if ((r = rump_sys_fcntl(fd, F_GETFL, 0)) < 0)
			return libc_fail();
		nb = r & O_ACCMODE;
		for (unsigned i = 0; i < sizeof(flmap) / sizeof(flmap[0]); i++)
			if (r & flmap[i].nb)
				nb |= flmap[i].nl;
		return nb;
	case F_SETFL:
		for (unsigned i = 0; i < sizeof(flmap) / sizeof(flmap[0]); i++)
			if (arg & flmap[i].nl)
				nb |= flmap[i].nb;
		return rump_sys_fcntl(fd, F_SETFL, nb) < 0 ? libc_fail() : 0;
	default:
		errno = ENOSYS; /* locks, owners: not mapped */
		return -1;
	}
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int r;

	libc_kernel_up();
	r = rump_sys_poll(fds, n, timeout); /* NetBSD's layout: poll.h */
	return r < 0 ? libc_fail() : r;
}

int
select(int nd, fd_set *in, fd_set *ou, fd_set *ex, struct timeval *tv)
{
	struct rump_timeval t;
	int r;

	/*
	 * newlib's fd_set is bits in 64-bit words, NetBSD's in 32-bit ones:
	 * on little-endian x86-64 bit n sits in the same byte either way.
	 */
	if (nd < 0 || nd > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	if (tv != NULL) {
		t.tv_sec = tv->tv_sec;
		t.tv_usec = (int32_t)tv->tv_usec;
		t.tv_pad = 0;
	}
	libc_kernel_up();
	r = rump_sys_select(nd, in, ou, ex, tv != NULL ? &t : NULL);
	return r < 0 ? libc_fail() : r;
}

/* ---- time ---- */

static int
nb_clock(clockid_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
		return 0; /* NetBSD's numbers */
	case CLOCK_MONOTONIC:
		return 3;
	default:
		return -1;
	}
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int nb = nb_clock(id);

	if (nb < 0) {
		errno = EINVAL;
		return -1;
	}
	PASS0(rump_sys_clock_gettime(nb, ts)); /* same timespec layout */
}

int
clock_getres(clockid_t id, struct timespec *ts)
{
	int nb = nb_clock(id);

	if (nb < 0) {
		errno = EINVAL;
		return -1;
	}
	PASS0(rump_sys_clock_getres(nb, ts));
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	PASS0(rump_sys_nanosleep(req, rem));
}

unsigned
sleep(unsigned s)
{
	struct timespec t = { .tv_sec = s, .tv_nsec = 0 }, rem = { 0, 0 };

	if (nanosleep(&t, &rem) != 0)
		return (unsigned)rem.tv_sec;
	return 0;
}

int
usleep(useconds_t us)
{
	struct timespec t = { .tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000 };

	return nanosleep(&t, NULL);
}

/* ---- the system ---- */

long
sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return 4096;
	case _SC_CLK_TCK:
		return CLOCKS_PER_SEC;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1;
	case _SC_OPEN_MAX: {
		struct rump_rlimit rl;

		libc_kernel_up();
		if (rump_sys_getrlimit(RUMP_RLIMIT_NOFILE, &rl) < 0)
			return libc_fail();
		return (long)rl.rlim_cur;
	}
	default:
		errno = EINVAL; /* POSIX: an unknown name */
		return -1;
	}
}

/* clang-format off */
uid_t getuid(void) { libc_kernel_up(); return (uid_t)rump_sys_getuid(); }
uid_t geteuid(void) { libc_kernel_up(); return (uid_t)rump_sys_geteuid(); }
gid_t getgid(void) { libc_kernel_up(); return (gid_t)rump_sys_getgid(); }
gid_t getegid(void) { libc_kernel_up(); return (gid_t)rump_sys_getegid(); }
pid_t getppid(void) { libc_kernel_up(); return (pid_t)rump_sys_getppid(); }
/* clang-format on */

/* ---- directories over getdents ---- */

struct rumpimg_dir {
	int fd;
	int len, off; /* of the records in buf */
	struct dirent ent;
	char buf[4096];
};

DIR *
fdopendir(int fd)
{
	DIR *d = malloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->fd = fd;
	d->len = d->off = 0;
	return d;
}

DIR *
opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

/*
 * NetBSD's getdents records: u64 d_fileno, u16 d_reclen, u16 d_namlen,
 * u8 d_type, the name with its NUL, padded to 8 bytes.
 */
struct dirent *
readdir(DIR *d)
{
	const unsigned char *r;
	uint64_t ino;
	uint16_t reclen, namlen;

	if (d->off >= d->len) {
		libc_kernel_up();
		d->len = rump_sys_getdents(d->fd, d->buf, sizeof(d->buf));
		d->off = 0;
		if (d->len < 0) {
			d->len = 0;
			libc_fail();
			return NULL;
		}
		if (d->len == 0)
			return NULL; /* the end; errno untouched */
	}
	r = (const unsigned char *)d->buf + d->off;
	memcpy(&ino, r, 8);
	memcpy(&reclen, r + 8, 2);
	memcpy(&namlen, r + 10, 2);
	if (reclen < 12 || reclen > d->len - d->off || namlen > MAXNAMLEN ||
	    13u + namlen > reclen) {
		d->off = d->len;
		errno = EIO; /* a record we cannot read */
		return NULL;
	}
	d->ent.d_ino = (ino_t)ino;
	d->ent.d_type = r[12];
	d->ent.d_namlen = namlen;
	memcpy(d->ent.d_name, r + 13, namlen);
	d->ent.d_name[namlen] = '\0';
	d->off += reclen;
	return &d->ent;
}

void
rewinddir(DIR *d)
{
	libc_kernel_up();
	if (rump_sys_lseek(d->fd, 0, SEEK_SET) == 0)
		d->len = d->off = 0;
}

int
dirfd(DIR *d)
{
	return d->fd;
}

int
closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}
