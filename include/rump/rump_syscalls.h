/*
 * System calls into the rump kernel, with NetBSD's names and signatures.
 * Each returns -1 and sets errno (NetBSD's numbering, see rumpdefs.h) on
 * failure. This first set covers processes, credentials and descriptors.
 */
#ifndef RUMP_RUMP_SYSCALLS_H
#define RUMP_RUMP_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

ssize_t rump_sys_read(int fd, void *buf, size_t nbyte);
ssize_t rump_sys_write(int fd, const void *buf, size_t nbyte);
int rump_sys_close(int fd);
int rump_sys_dup(int fd);
int rump_sys_dup2(int from, int to);
pid_t rump_sys_getpid(void);
pid_t rump_sys_getppid(void);
uid_t rump_sys_getuid(void);
uid_t rump_sys_geteuid(void);
gid_t rump_sys_getgid(void);
gid_t rump_sys_getegid(void);
int rump_sys_setuid(uid_t uid);
int rump_sys_seteuid(uid_t euid);
int rump_sys_setgid(gid_t gid);
int rump_sys_setegid(gid_t egid);
int rump_sys_getgroups(int gidsetsize, gid_t *gidset);
int rump_sys_setgroups(int gidsetsize, const gid_t *gidset);

/*
 * Buffers the kernel fills have NetBSD's layouts (doc/rump_sp.md), whatever
 * the host's: stat buffers are 152 bytes (struct rump_stat in rumpdefs.h),
 * timespecs {int64 sec; long nsec}, dirents {u64 ino; u16 reclen; u16
 * namlen; u8 type; name}. Hence the void pointers.
 */
int rump_sys_open(const char *path, int flags, ...);
int rump_sys_openat(int fd, const char *path, int flags, ...);
off_t rump_sys_lseek(int fd, off_t offset, int whence);
ssize_t rump_sys_pread(int fd, void *buf, size_t nbyte, off_t offset);
ssize_t rump_sys_pwrite(int fd, const void *buf, size_t nbyte, off_t offset);
ssize_t rump_sys_readv(int fd, const void *iov, int iovcnt);
ssize_t rump_sys_writev(int fd, const void *iov, int iovcnt);
int rump_sys_stat(const char *path, void *sb);
int rump_sys_lstat(const char *path, void *sb);
int rump_sys_fstat(int fd, void *sb);
int rump_sys_mkdir(const char *path, mode_t mode);
int rump_sys_mkdirat(int fd, const char *path, mode_t mode);
int rump_sys_mkfifo(const char *path, mode_t mode);
int rump_sys_mkfifoat(int fd, const char *path, mode_t mode);
int rump_sys_rmdir(const char *path);
int rump_sys_unlink(const char *path);
int rump_sys_unlinkat(int fd, const char *path, int flag);
int rump_sys_rename(const char *from, const char *to);
int rump_sys_link(const char *path, const char *link);
int rump_sys_symlink(const char *path, const char *link);
ssize_t rump_sys_readlink(const char *path, char *buf, size_t count);
int rump_sys_chdir(const char *path);
int rump_sys_fchdir(int fd);
int rump_sys___getcwd(char *buf, size_t length);
int rump_sys_getdents(int fd, char *buf, size_t count);
int rump_sys_chmod(const char *path, mode_t mode);
int rump_sys_fchmod(int fd, mode_t mode);
int rump_sys_chown(const char *path, uid_t uid, gid_t gid);
int rump_sys_fchown(int fd, uid_t uid, gid_t gid);
int rump_sys_utimes(const char *path, const void *tv);
int rump_sys_futimes(int fd, const void *tv);
int rump_sys_lutimes(const char *path, const void *tv);
int rump_sys_lchmod(const char *path, mode_t mode);
int rump_sys_lchown(const char *path, uid_t uid, gid_t gid);
/* Device numbers are NetBSD's 64-bit dev_t (RUMP_MAKEDEV in rumpdefs.h). */
int rump_sys_mknod(const char *path, mode_t mode, uint64_t dev);
int rump_sys_mknodat(int fd, const char *path, mode_t mode, uint64_t dev);
int rump_sys_chroot(const char *path);
int rump_sys_fchroot(int fd);
/* File flags: NetBSD's RUMP_UF_* and RUMP_SF_* (rumpdefs.h). */
int rump_sys_chflags(const char *path, unsigned long flags);
int rump_sys_fchflags(int fd, unsigned long flags);
int rump_sys_lchflags(const char *path, unsigned long flags);
ssize_t rump_sys_preadv(int fd, const void *iov, int iovcnt, off_t offset);
ssize_t rump_sys_pwritev(int fd, const void *iov, int iovcnt, off_t offset);

/*
 * The *at calls: a relative path is looked up from directory descriptor
 * fd, RUMP_AT_FDCWD for the working directory. Flags are NetBSD's
 * RUMP_AT_* (rumpdefs.h); times are NetBSD timespecs, RUMP_UTIME_NOW and
 * RUMP_UTIME_OMIT in tv_nsec as utimensat(2) says.
 */
int rump_sys_fstatat(int fd, const char *path, void *buf, int flag);
int rump_sys_fchmodat(int fd, const char *path, mode_t mode, int flag);
int rump_sys_fchownat(int fd, const char *path, uid_t owner, gid_t group,
    int flag);
int rump_sys_linkat(int fd1, const char *name1, int fd2, const char *name2,
    int flags);
int rump_sys_renameat(int fromfd, const char *from, int tofd, const char *to);
int rump_sys_symlinkat(const char *path1, int fd, const char *path2);
ssize_t rump_sys_readlinkat(int fd, const char *path, char *buf, size_t bufsize);
int rump_sys_faccessat(int fd, const char *path, int amode, int flag);
int rump_sys_utimensat(int fd, const char *path, const void *tptr, int flag);
int rump_sys_futimens(int fd, const void *tptr);
int rump_sys_truncate(const char *path, off_t length);
int rump_sys_ftruncate(int fd, off_t length);
int rump_sys_fsync(int fd);
int rump_sys_access(const char *path, int mode);
mode_t rump_sys_umask(mode_t newmask);
int rump_sys_pipe(int *fds);
int rump_sys_pipe2(int *fds, int flags);
int rump_sys_fcntl(int fd, int cmd, ...);
/* Advisory locks: how is RUMP_LOCK_*; fcntl's F_*LK take a struct rump_flock. */
int rump_sys_flock(int fd, int how);
int rump_sys_ioctl(int fd, unsigned long com, ...);
int rump_sys_poll(void *fds, unsigned nfds, int timeout);
/*
 * kqueue: rump_sys_kevent's lists are NetBSD 9's 40-byte struct kevent
 * (struct rump_kevent in rumpdefs.h), rump_sys_kevent100's NetBSD 10's
 * 72-byte one (struct rump_kevent100, what a program built with NetBSD
 * 10's headers calls as rump___sysimpl_kevent100); the timeout a NetBSD
 * timespec or NULL.
 */
int rump_sys_kqueue(void);
int rump_sys_kqueue1(int flags);
int rump_sys_kevent(int fd, const void *changelist, size_t nchanges,
    void *eventlist, size_t nevents, const void *timeout);
int rump_sys_kevent100(int fd, const void *changelist, size_t nchanges,
    void *eventlist, size_t nevents, const void *timeout);
int rump_sys___sysctl(const int *name, unsigned namelen, void *oldv,
    size_t *oldlenp, const void *newv, size_t newlen);
int rump_sys_reboot(int opt, char *bootstr);
int rump_sys_clock_gettime(int clock_id, void *tp);
int rump_sys_nanosleep(const void *rqtp, void *rmtp);
int rump_sys_select(int nd, void *in, void *ou, void *ex, void *tv);

/*
 * Sockets (AF_INET: TCP and UDP, in the image with its network stack; the
 * host build's kernel answers EAFNOSUPPORT or ENOSYS). Addresses are
 * NetBSD's: struct sockaddr_in is {u8 len; u8 family; u16 port; u32 addr;
 * u8 zero[8]}, lengths are 32-bit, msghdr and iovec NetBSD's amd64 ones.
 */
int rump_sys_socket(int domain, int type, int protocol);
int rump_sys_bind(int s, const void *name, unsigned namelen);
int rump_sys_listen(int s, int backlog);
int rump_sys_accept(int s, void *name, unsigned *anamelen);
int rump_sys_paccept(int s, void *name, unsigned *anamelen, const void *mask,
    int flags);
int rump_sys_connect(int s, const void *name, unsigned namelen);
ssize_t rump_sys_sendto(int s, const void *buf, size_t len, int flags,
    const void *to, unsigned tolen);
ssize_t rump_sys_recvfrom(int s, void *buf, size_t len, int flags, void *from,
    unsigned *fromlenaddr);
ssize_t rump_sys_sendmsg(int s, const void *msg, int flags);
ssize_t rump_sys_recvmsg(int s, void *msg, int flags);
int rump_sys_getsockname(int s, void *name, unsigned *namelen);
int rump_sys_getpeername(int s, void *name, unsigned *namelen);
int rump_sys_setsockopt(int s, int level, int name, const void *val,
    unsigned valsize);
int rump_sys_getsockopt(int s, int level, int name, void *val,
    unsigned *avalsize);
int rump_sys_shutdown(int s, int how);
/* AF_LOCAL (1), SOCK_STREAM only, in every build; rsv gets the two ends. */
int rump_sys_socketpair(int domain, int type, int protocol, int *rsv);

/*
 * Processes: groups, sessions, login names, limits and usage (struct
 * rump_rlimit, struct rump_rusage in rumpdefs.h), signals.
 */
int rump_sys_kill(pid_t pid, int sig);
pid_t rump_sys_getpgrp(void);
int rump_sys_setpgid(pid_t pid, pid_t pgid);
pid_t rump_sys_getpgid(pid_t pid);
pid_t rump_sys_setsid(void);
pid_t rump_sys_getsid(pid_t pid);
int rump_sys___getlogin(char *namebuf, size_t namelen);
int rump_sys___setlogin(const char *namebuf);
int rump_sys_issetugid(void);
int rump_sys_getrlimit(int which, void *rlp);
int rump_sys_setrlimit(int which, const void *rlp);
int rump_sys_getrusage(int who, void *rusage);

/* Time: struct rump_timeval, timespecs {int64 sec; long nsec}. */
int rump_sys_gettimeofday(void *tp, void *tzp);
int rump_sys_settimeofday(const void *tv, const void *tzp);
int rump_sys_clock_settime(int clock_id, const void *tp);
int rump_sys_clock_getres(int clock_id, void *tp);

/* More on descriptors, credentials and file systems. */
int rump_sys_dup3(int from, int to, int flags);
int rump_sys_setreuid(uid_t ruid, uid_t euid);
int rump_sys_setregid(gid_t rgid, gid_t egid);
long rump_sys_pathconf(const char *path, int name);
long rump_sys_fpathconf(int fd, int name);
void rump_sys_sync(void);
int rump_sys_fdatasync(int fd);
int rump_sys_fsync_range(int fd, int flags, off_t start, off_t length);

/*
 * Mounts (doc/vfs.md): NetBSD's __mount50 and its MNT_* flags; statvfs
 * buffers are NetBSD's struct statvfs of these calls, 2256 bytes
 * (struct rump_statvfs in rumpdefs.h).
 */
int rump_sys_mount(const char *type, const char *path, int flags, void *data,
    size_t data_len);
int rump_sys_unmount(const char *path, int flags);
int rump_sys_statvfs1(const char *path, void *buf, int flags);
int rump_sys_fstatvfs1(int fd, void *buf, int flags);
int rump_sys_getvfsstat(void *buf, size_t bufsize, int flags);

#endif
