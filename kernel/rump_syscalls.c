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

#define SYS0(num)	stub_call(num, NULL, 0)
#define SYSN(num, ...)	({ register_t a_[] = { __VA_ARGS__ }; stub_call(num, a_, sizeof(a_)); })

ssize_t rump_sys_read(int fd, void *buf, size_t n) { return SYSN(3, fd, (register_t)buf, (register_t)n); }
ssize_t rump_sys_write(int fd, const void *buf, size_t n) { return SYSN(4, fd, (register_t)buf, (register_t)n); }
int rump_sys_close(int fd) { return (int)SYSN(6, fd); }
int rump_sys_dup(int fd) { return (int)SYSN(41, fd); }
int rump_sys_dup2(int from, int to) { return (int)SYSN(90, from, to); }
pid_t rump_sys_getpid(void) { return (pid_t)SYS0(20); }
pid_t rump_sys_getppid(void) { return (pid_t)SYS0(39); }
uid_t rump_sys_getuid(void) { return (uid_t)SYS0(24); }
uid_t rump_sys_geteuid(void) { return (uid_t)SYS0(25); }
gid_t rump_sys_getgid(void) { return (gid_t)SYS0(47); }
gid_t rump_sys_getegid(void) { return (gid_t)SYS0(43); }
int rump_sys_setuid(uid_t uid) { return (int)SYSN(23, uid); }
int rump_sys_seteuid(uid_t euid) { return (int)SYSN(183, euid); }
int rump_sys_setgid(gid_t gid) { return (int)SYSN(181, gid); }
int rump_sys_setegid(gid_t egid) { return (int)SYSN(182, egid); }
int rump_sys_getgroups(int n, gid_t *set) { return (int)SYSN(79, n, (register_t)set); }
int rump_sys_setgroups(int n, const gid_t *set) { return (int)SYSN(80, n, (register_t)set); }

#define P(x)	((register_t)(x))
/*
 * An id as NetBSD's 32-bit value: -1 ("no change") must stay -1 even where
 * the C library's uid_t is narrower (newlib's is 16 bits).
 */
#define ID(x)	((x) == (__typeof__(x))-1 ? (register_t)-1 : (register_t)(x))

int rump_sys_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & RUMP_O_CREAT) {	/* only then is there a third argument */
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)SYSN(5, P(path), flags, mode);
}

int rump_sys_openat(int fd, const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & RUMP_O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)SYSN(468, fd, P(path), flags, mode);
}

off_t rump_sys_lseek(int fd, off_t off, int whence) { return (off_t)SYSN(199, fd, 0, off, whence); }
ssize_t rump_sys_pread(int fd, void *b, size_t n, off_t off) { return SYSN(173, fd, P(b), P(n), 0, off); }
ssize_t rump_sys_pwrite(int fd, const void *b, size_t n, off_t off) { return SYSN(174, fd, P(b), P(n), 0, off); }
ssize_t rump_sys_readv(int fd, const void *iov, int c) { return SYSN(120, fd, P(iov), c); }
ssize_t rump_sys_writev(int fd, const void *iov, int c) { return SYSN(121, fd, P(iov), c); }
int rump_sys_stat(const char *p, void *sb) { return (int)SYSN(439, P(p), P(sb)); }
int rump_sys_lstat(const char *p, void *sb) { return (int)SYSN(441, P(p), P(sb)); }
int rump_sys_fstat(int fd, void *sb) { return (int)SYSN(440, fd, P(sb)); }
int rump_sys_mkdir(const char *p, mode_t m) { return (int)SYSN(136, P(p), m); }
int rump_sys_mkdirat(int fd, const char *p, mode_t m) { return (int)SYSN(461, fd, P(p), m); }
int rump_sys_rmdir(const char *p) { return (int)SYSN(137, P(p)); }
int rump_sys_unlink(const char *p) { return (int)SYSN(10, P(p)); }
int rump_sys_unlinkat(int fd, const char *p, int f) { return (int)SYSN(471, fd, P(p), f); }
int rump_sys_rename(const char *a, const char *b) { return (int)SYSN(128, P(a), P(b)); }
int rump_sys_link(const char *a, const char *b) { return (int)SYSN(9, P(a), P(b)); }
int rump_sys_symlink(const char *a, const char *b) { return (int)SYSN(57, P(a), P(b)); }
ssize_t rump_sys_readlink(const char *p, char *b, size_t n) { return SYSN(58, P(p), P(b), P(n)); }
int rump_sys_chdir(const char *p) { return (int)SYSN(12, P(p)); }
int rump_sys_fchdir(int fd) { return (int)SYSN(13, fd); }
int rump_sys___getcwd(char *b, size_t n) { return (int)SYSN(296, P(b), P(n)); }
int rump_sys_getdents(int fd, char *b, size_t n) { return (int)SYSN(390, fd, P(b), P(n)); }
int rump_sys_chmod(const char *p, mode_t m) { return (int)SYSN(15, P(p), m); }
int rump_sys_fchmod(int fd, mode_t m) { return (int)SYSN(124, fd, m); }
int rump_sys_chown(const char *p, uid_t u, gid_t g) { return (int)SYSN(16, P(p), ID(u), ID(g)); }
int rump_sys_fchown(int fd, uid_t u, gid_t g) { return (int)SYSN(123, fd, ID(u), ID(g)); }
int rump_sys_utimes(const char *p, const void *tv) { return (int)SYSN(420, P(p), P(tv)); }
int rump_sys_truncate(const char *p, off_t n) { return (int)SYSN(200, P(p), 0, n); }
int rump_sys_ftruncate(int fd, off_t n) { return (int)SYSN(201, fd, 0, n); }
int rump_sys_fsync(int fd) { return (int)SYSN(95, fd); }
int rump_sys_access(const char *p, int m) { return (int)SYSN(33, P(p), m); }
mode_t rump_sys_umask(mode_t m) { return (mode_t)SYSN(60, m); }
int rump_sys_pipe2(int *fds, int flags) { return (int)SYSN(453, P(fds), flags); }
int rump_sys_poll(void *fds, unsigned n, int t) { return (int)SYSN(209, P(fds), n, t); }
int rump_sys_reboot(int opt, char *s) { return (int)SYSN(208, opt, P(s)); }
int rump_sys_clock_gettime(int c, void *tp) { return (int)SYSN(427, c, P(tp)); }
int rump_sys_nanosleep(const void *r, void *m) { return (int)SYSN(430, P(r), P(m)); }

int rump_sys_select(int nd, void *in, void *ou, void *ex, void *tv) { return (int)SYSN(417, nd, P(in), P(ou), P(ex), P(tv)); }
int rump_sys_socket(int d, int t, int p) { return (int)SYSN(394, d, t, p); }
int rump_sys_bind(int s, const void *n, unsigned l) { return (int)SYSN(104, s, P(n), l); }
int rump_sys_listen(int s, int b) { return (int)SYSN(106, s, b); }
int rump_sys_accept(int s, void *n, unsigned *l) { return (int)SYSN(30, s, P(n), P(l)); }
int rump_sys_paccept(int s, void *n, unsigned *l, const void *m, int f) { return (int)SYSN(456, s, P(n), P(l), P(m), f); }
int rump_sys_connect(int s, const void *n, unsigned l) { return (int)SYSN(98, s, P(n), l); }
ssize_t rump_sys_sendto(int s, const void *b, size_t n, int f, const void *to, unsigned tl) { return SYSN(133, s, P(b), P(n), f, P(to), tl); }
ssize_t rump_sys_recvfrom(int s, void *b, size_t n, int f, void *fr, unsigned *fl) { return SYSN(29, s, P(b), P(n), f, P(fr), P(fl)); }
ssize_t rump_sys_sendmsg(int s, const void *m, int f) { return SYSN(28, s, P(m), f); }
ssize_t rump_sys_recvmsg(int s, void *m, int f) { return SYSN(27, s, P(m), f); }
int rump_sys_getsockname(int s, void *n, unsigned *l) { return (int)SYSN(32, s, P(n), P(l)); }
int rump_sys_getpeername(int s, void *n, unsigned *l) { return (int)SYSN(31, s, P(n), P(l)); }
int rump_sys_setsockopt(int s, int lv, int n, const void *v, unsigned sz) { return (int)SYSN(105, s, lv, n, P(v), sz); }
int rump_sys_getsockopt(int s, int lv, int n, void *v, unsigned *sz) { return (int)SYSN(118, s, lv, n, P(v), P(sz)); }
int rump_sys_shutdown(int s, int how) { return (int)SYSN(134, s, how); }
int rump_sys_socketpair(int d, int t, int p, int *sv) { return (int)SYSN(135, d, t, p, P(sv)); }

int rump_sys___sysctl(const int *name, unsigned namelen, void *oldv,
    size_t *oldlenp, const void *newv, size_t newlen)
{
	return (int)SYSN(202, P(name), namelen, P(oldv), P(oldlenp), P(newv), P(newlen));
}

int
rump_sys_pipe(int *fds)
{
	long rv[2] = { 0, 0 };
	int error;

	error = rump_stub_syscall(42, NULL, 0, rv);
	if (error != 0) {
		rump_stub_seterrno(error);
		return -1;
	}
	fds[0] = (int)rv[0];
	fds[1] = (int)rv[1];
	return 0;
}

int rump_sys_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)SYSN(92, fd, cmd, arg);
}

int rump_sys_ioctl(int fd, unsigned long com, ...)
{
	va_list ap;
	void *data;

	va_start(ap, com);
	data = va_arg(ap, void *);
	va_end(ap);
	return (int)SYSN(54, fd, P(com), P(data));
}
