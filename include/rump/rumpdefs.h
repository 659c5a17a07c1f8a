/*
 * NetBSD's constants with a RUMP_ prefix, so that programs on other hosts
 * can use them beside their own (doc/rump_sp.md, "Layouts"; NetBSD's errno(2)).
 */
#ifndef RUMP_RUMPDEFS_H
#define RUMP_RUMPDEFS_H

/* clang-format off */
#define RUMP_EPERM		1
#define RUMP_ENOENT		2
#define RUMP_ESRCH		3
#define RUMP_EINTR		4
#define RUMP_EIO		5
#define RUMP_ENXIO		6
#define RUMP_E2BIG		7
#define RUMP_ENOEXEC		8
#define RUMP_EBADF		9
#define RUMP_ECHILD		10
#define RUMP_EDEADLK		11
#define RUMP_ENOMEM		12
#define RUMP_EACCES		13
#define RUMP_EFAULT		14
#define RUMP_ENOTBLK		15
#define RUMP_EBUSY		16
#define RUMP_EEXIST		17
#define RUMP_EXDEV		18
#define RUMP_ENODEV		19
#define RUMP_ENOTDIR		20
#define RUMP_EISDIR		21
#define RUMP_EINVAL		22
#define RUMP_ENFILE		23
#define RUMP_EMFILE		24
#define RUMP_ENOTTY		25
#define RUMP_ETXTBSY		26
#define RUMP_EFBIG		27
#define RUMP_ENOSPC		28
#define RUMP_ESPIPE		29
#define RUMP_EROFS		30
#define RUMP_EMLINK		31
#define RUMP_EPIPE		32
#define RUMP_EDOM		33
#define RUMP_ERANGE		34
#define RUMP_EAGAIN		35
#define RUMP_EWOULDBLOCK	RUMP_EAGAIN
#define RUMP_EINPROGRESS	36
#define RUMP_EALREADY		37
#define RUMP_ENOTSOCK		38
#define RUMP_EDESTADDRREQ	39
#define RUMP_EMSGSIZE		40
#define RUMP_EPROTOTYPE		41
#define RUMP_ENOPROTOOPT	42
#define RUMP_EPROTONOSUPPORT	43
#define RUMP_ESOCKTNOSUPPORT	44
#define RUMP_EOPNOTSUPP		45
#define RUMP_EAFNOSUPPORT	47
#define RUMP_EADDRINUSE		48
#define RUMP_EADDRNOTAVAIL	49
#define RUMP_ENETDOWN		50
#define RUMP_ENETUNREACH	51
#define RUMP_ENETRESET		52
#define RUMP_ECONNABORTED	53
#define RUMP_ECONNRESET		54
#define RUMP_ENOBUFS		55
#define RUMP_EISCONN		56
#define RUMP_ENOTCONN		57
#define RUMP_ESHUTDOWN		58
#define RUMP_ETIMEDOUT		60
#define RUMP_ECONNREFUSED	61
#define RUMP_ELOOP		62
#define RUMP_ENAMETOOLONG	63
#define RUMP_EHOSTDOWN		64
#define RUMP_EHOSTUNREACH	65
#define RUMP_ENOTEMPTY		66
#define RUMP_EUSERS		68
#define RUMP_EDQUOT		69
#define RUMP_ESTALE		70
#define RUMP_EREMOTE		71
#define RUMP_ENOLCK		77
#define RUMP_ENOSYS		78
#define RUMP_EFTYPE		79
#define RUMP_EAUTH		80
#define RUMP_EIDRM		82
#define RUMP_ENOMSG		83
#define RUMP_EOVERFLOW		84
#define RUMP_EILSEQ		85
#define RUMP_ENOTSUP		86
#define RUMP_ECANCELED		87
#define RUMP_EBADMSG		88
#define RUMP_ENODATA		89
#define RUMP_ENOATTR		93
#define RUMP_EPROTO		96

#define RUMP_O_RDONLY		0x00000000
#define RUMP_O_WRONLY		0x00000001
#define RUMP_O_RDWR		0x00000002
#define RUMP_O_ACCMODE		0x00000003
#define RUMP_O_NONBLOCK		0x00000004
#define RUMP_O_APPEND		0x00000008
#define RUMP_O_NOFOLLOW		0x00000100
#define RUMP_O_CREAT		0x00000200
#define RUMP_O_TRUNC		0x00000400
#define RUMP_O_EXCL		0x00000800
#define RUMP_O_DIRECTORY	0x00200000
#define RUMP_O_CLOEXEC		0x00400000
#define RUMP_O_NOSIGPIPE	0x01000000

#define RUMP_AT_FDCWD		-100
#define RUMP_AT_EACCESS		0x100
#define RUMP_AT_SYMLINK_NOFOLLOW	0x200
#define RUMP_AT_SYMLINK_FOLLOW	0x400
#define RUMP_AT_REMOVEDIR	0x800
#define RUMP_UTIME_NOW		((1 << 30) - 1)
#define RUMP_UTIME_OMIT		((1 << 30) - 2)

#define RUMP_S_IFMT		0170000
#define RUMP_S_IFIFO		0010000
#define RUMP_S_IFCHR		0020000
#define RUMP_S_IFDIR		0040000
#define RUMP_S_IFREG		0100000
#define RUMP_S_IFLNK		0120000
#define RUMP_S_IFBLK		0060000
#define RUMP_S_ISUID		0004000
#define RUMP_S_ISGID		0002000
#define RUMP_S_ISVTX		0001000	/* sticky: only owners remove */

/* NetBSD's file flags (chflags(2), st_flags). */
#define RUMP_UF_SETTABLE	0x0000ffff
#define RUMP_UF_NODUMP		0x00000001
#define RUMP_UF_IMMUTABLE	0x00000002
#define RUMP_UF_APPEND		0x00000004
#define RUMP_UF_OPAQUE		0x00000008
#define RUMP_SF_SETTABLE	0xffff0000
#define RUMP_SF_ARCHIVED	0x00010000
#define RUMP_SF_IMMUTABLE	0x00020000
#define RUMP_SF_APPEND		0x00040000

/* NetBSD's dev_t encoding (makedev(3)). */
#define RUMP_MAKEDEV(ma, mi)	((uint64_t)(((uint64_t)(ma) << 8) & 0x000fff00) | \
	(((uint64_t)(mi) << 12) & 0xfff00000) | ((uint64_t)(mi) & 0xff))

#define RUMP_SEEK_SET		0
#define RUMP_SEEK_CUR		1
#define RUMP_SEEK_END		2

#define RUMP_F_OK		0
#define RUMP_X_OK		1
#define RUMP_W_OK		2
#define RUMP_R_OK		4

#define RUMP_F_DUPFD		0
#define RUMP_F_GETFD		1
#define RUMP_F_SETFD		2
#define RUMP_F_GETFL		3
#define RUMP_F_SETFL		4
#define RUMP_F_DUPFD_CLOEXEC	12
#define RUMP_F_GETLK		7
#define RUMP_F_SETLK		8
#define RUMP_F_SETLKW		9
#define RUMP_F_RDLCK		1
#define RUMP_F_UNLCK		2
#define RUMP_F_WRLCK		3
#define RUMP_LOCK_SH		0x01
#define RUMP_LOCK_EX		0x02
#define RUMP_LOCK_NB		0x04
#define RUMP_LOCK_UN		0x08
#define RUMP_FD_CLOEXEC		1

#define RUMP_FIONREAD		0x4004667fUL
#define RUMP_FIONBIO		0x8004667eUL
/* Disk ioctls (NetBSD's <sys/dkio.h>, <sys/disk.h>). */
#define RUMP_DIOCGMEDIASIZE	0x40086484UL	/* _IOR('d', 132, off_t) */
#define RUMP_DIOCGSECTORSIZE	0x40046485UL	/* _IOR('d', 133, u_int) */
#define RUMP_DIOCCACHESYNC	0x80046476UL	/* _IOW('d', 118, int) */

#define RUMP_POLLIN		0x0001
#define RUMP_POLLPRI		0x0002
#define RUMP_POLLOUT		0x0004
#define RUMP_POLLERR		0x0008
#define RUMP_POLLHUP		0x0010
#define RUMP_POLLNVAL		0x0020
#define RUMP_POLLRDNORM		0x0040

/* Sockets (sys/socket.h, netinet/in.h, netinet/tcp.h). */
#define RUMP_AF_LOCAL		1
#define RUMP_AF_INET		2
#define RUMP_AF_INET6		24
#define RUMP_SOCK_STREAM	1
#define RUMP_SOCK_DGRAM		2
#define RUMP_SOCK_CLOEXEC	0x10000000
#define RUMP_SOCK_NONBLOCK	0x20000000
#define RUMP_SOCK_NOSIGPIPE	0x40000000
#define RUMP_SOL_SOCKET		0xffff
#define RUMP_SO_REUSEADDR	0x0004
#define RUMP_SO_KEEPALIVE	0x0008
#define RUMP_SO_BROADCAST	0x0020
#define RUMP_SO_REUSEPORT	0x0200
#define RUMP_SO_NOSIGPIPE	0x0800
#define RUMP_SO_SNDBUF		0x1001
#define RUMP_SO_RCVBUF		0x1002
#define RUMP_SO_ERROR		0x1007
#define RUMP_SO_TYPE		0x1008
#define RUMP_SO_SNDTIMEO	0x100b
#define RUMP_SO_RCVTIMEO	0x100c
#define RUMP_IPPROTO_TCP	6
#define RUMP_IPPROTO_UDP	17
#define RUMP_TCP_NODELAY	1
#define RUMP_MSG_PEEK		0x2
#define RUMP_MSG_WAITALL	0x40
#define RUMP_MSG_DONTWAIT	0x80
#define RUMP_MSG_NOSIGNAL	0x400
#define RUMP_SHUT_RD		0
#define RUMP_SHUT_WR		1
#define RUMP_SHUT_RDWR		2
#define RUMP_FD_SETSIZE		256	/* fd_set: uint32 words */

#define RUMP_CLOCK_REALTIME	0
#define RUMP_CLOCK_MONOTONIC	3

#define RUMP_CTL_KERN		1
#define RUMP_CTL_HW		6
#define RUMP_CTL_MAXNAME	12	/* levels of a sysctl name */
#define RUMP_KERN_OSTYPE	1
#define RUMP_KERN_OSRELEASE	2
#define RUMP_KERN_HOSTNAME	10
#define RUMP_KERN_MAXPROC	6	/* processes at once (pids) */
/*
 * Counts of this kernel (no NetBSD names): live processes, lwps, files,
 * and the lwps of processes other than proc0 and init asleep in an
 * interruptible kernel wait (a call blocked in read, open, kevent...).
 */
#define RUMP_KERN_NPROCS	1024
#define RUMP_KERN_NLWPS		1025
#define RUMP_KERN_NFILES	1026
#define RUMP_KERN_NSLEEPING	1027
#define RUMP_HW_NCPU		3
#define RUMP_HW_PAGESIZE	7
#define RUMP_HW_PHYSMEM64	13

#define RUMP_DT_UNKNOWN		0
#define RUMP_DT_FIFO		1
#define RUMP_DT_CHR		2
#define RUMP_DT_DIR		4
#define RUMP_DT_BLK		6
#define RUMP_DT_REG		8
#define RUMP_DT_LNK		10
#define RUMP_DT_SOCK		12

#ifndef __ASSEMBLER__
#include <stdint.h>
/* NetBSD's amd64 struct stat (__stat50): 152 bytes. */
struct rump_timespec {
	int64_t tv_sec;
	long tv_nsec;
};
/* NetBSD's struct flock (fcntl F_GETLK, F_SETLK, F_SETLKW), 24 bytes. */
struct rump_flock {
	int64_t l_start;
	int64_t l_len;		/* 0: to the end of the file */
	int32_t l_pid;		/* F_GETLK: the owner, -1 for a flock(2) lock */
	int16_t l_type;		/* RUMP_F_RDLCK, RUMP_F_WRLCK, RUMP_F_UNLCK */
	int16_t l_whence;	/* RUMP_SEEK_* */
};
/* NetBSD 9's struct kevent (__kevent50, rump_sys_kevent), 40 bytes. */
struct rump_kevent {
	uint64_t ident;
	uint32_t filter;	/* RUMP_EVFILT_* */
	uint32_t flags;		/* RUMP_EV_* */
	uint32_t fflags;
	uint32_t pad;
	int64_t data;
	uint64_t udata;
};
/*
 * NetBSD 10's struct kevent (__kevent100, rump_sys_kevent100), 72 bytes:
 * the same fields and ext[4], which a knote keeps from its EV_ADD and
 * hands back with each of its events.
 */
struct rump_kevent100 {
	uint64_t ident;
	uint32_t filter;
	uint32_t flags;
	uint32_t fflags;
	uint32_t pad;
	int64_t data;
	uint64_t udata;
	uint64_t ext[4];
};
#define RUMP_EVFILT_READ	0
#define RUMP_EVFILT_WRITE	1
#define RUMP_EVFILT_AIO		2	/* not served: EINVAL */
#define RUMP_EVFILT_VNODE	3
#define RUMP_EVFILT_PROC	4
#define RUMP_EVFILT_SIGNAL	5
#define RUMP_EVFILT_TIMER	6
#define RUMP_EVFILT_FS		7	/* not served: EINVAL */
#define RUMP_EVFILT_USER	8
#define RUMP_EVFILT_EMPTY	9	/* not served: EINVAL */
#define RUMP_EV_ADD		0x0001
#define RUMP_EV_DELETE		0x0002
#define RUMP_EV_ENABLE		0x0004
#define RUMP_EV_DISABLE		0x0008
#define RUMP_EV_ONESHOT		0x0010
#define RUMP_EV_CLEAR		0x0020
#define RUMP_EV_RECEIPT		0x0040
#define RUMP_EV_DISPATCH	0x0080
#define RUMP_EV_ERROR		0x4000
#define RUMP_EV_EOF		0x8000
/* EVFILT_USER: fflags' top bits say how the low 24 bits apply. */
#define RUMP_NOTE_FFNOP		0x00000000U
#define RUMP_NOTE_FFAND		0x40000000U
#define RUMP_NOTE_FFOR		0x80000000U
#define RUMP_NOTE_FFCOPY	0xc0000000U
#define RUMP_NOTE_FFCTRLMASK	0xc0000000U
#define RUMP_NOTE_FFLAGSMASK	0x00ffffffU
#define RUMP_NOTE_TRIGGER	0x01000000U
/* EVFILT_VNODE */
#define RUMP_NOTE_DELETE	0x0001U
#define RUMP_NOTE_WRITE		0x0002U
#define RUMP_NOTE_EXTEND	0x0004U
#define RUMP_NOTE_ATTRIB	0x0008U
#define RUMP_NOTE_LINK		0x0010U
#define RUMP_NOTE_RENAME	0x0020U
#define RUMP_NOTE_REVOKE	0x0040U
/* EVFILT_PROC */
#define RUMP_NOTE_EXIT		0x80000000U
#define RUMP_NOTE_FORK		0x40000000U
#define RUMP_NOTE_EXEC		0x20000000U
#define RUMP_NOTE_PCTRLMASK	0xf0000000U
#define RUMP_NOTE_PDATAMASK	0x000fffffU
#define RUMP_NOTE_TRACK		0x00000001U
/* EVFILT_TIMER: the unit of data (milliseconds by default), absolute. */
#define RUMP_NOTE_MSECONDS	0x00000000U
#define RUMP_NOTE_SECONDS	0x00000001U
#define RUMP_NOTE_USECONDS	0x00000002U
#define RUMP_NOTE_NSECONDS	0x00000003U
#define RUMP_NOTE_ABSTIME	0x00000010U
struct rump_stat {
	uint64_t st_dev;
	uint32_t st_mode;
	uint32_t st_pad0;
	uint64_t st_ino;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t st_pad1;
	uint64_t st_rdev;
	struct rump_timespec st_atim, st_mtim, st_ctim, st_birthtim;
	int64_t st_size;
	int64_t st_blocks;
	int32_t st_blksize;
	uint32_t st_flags;
	uint32_t st_gen;
	uint32_t st_spare[2];
	uint32_t st_pad2;
};
/*
 * struct statvfs of statvfs1(2), fstatvfs1(2), getvfsstat(2): NetBSD's
 * amd64 layout of those calls, 2256 bytes.
 */
struct rump_statvfs {
	uint64_t f_flag;		/* RUMP_MNT_* */
	uint64_t f_bsize, f_frsize, f_iosize;
	uint64_t f_blocks, f_bfree, f_bavail, f_bresvd;
	uint64_t f_files, f_ffree, f_favail, f_fresvd;
	uint64_t f_syncreads, f_syncwrites, f_asyncreads, f_asyncwrites;
	int32_t f_fsidx[2];
	uint64_t f_fsid;
	uint64_t f_namemax;
	uint32_t f_owner;
	uint32_t f_spare[4];
	char f_fstypename[32];
	char f_mntonname[1024];
	char f_mntfromname[1024];
};
/* mount(2) types and flags (NetBSD's <sys/mount.h>, <sys/fstypes.h>). */
#define RUMP_MOUNT_TMPFS	"tmpfs"
#define RUMP_MOUNT_EXT2FS	"ext2fs"
#define RUMP_MNT_RDONLY		0x00000001
#define RUMP_MNT_NOEXEC		0x00000004
#define RUMP_MNT_NOSUID		0x00000008
#define RUMP_MNT_NODEV		0x00000010
#define RUMP_MNT_LOCAL		0x00001000
#define RUMP_MNT_ROOTFS		0x00004000
#define RUMP_MNT_UPDATE		0x00010000
#define RUMP_MNT_FORCE		0x00080000
#define RUMP_ST_WAIT		1
#define RUMP_ST_NOWAIT		2
/* NetBSD's struct tmpfs_args (version 1) and struct ufs_args. */
struct rump_tmpfs_args {
	int32_t ta_version;		/* 1 */
	int64_t ta_nodes_max;
	int64_t ta_size_max;
	uint32_t ta_root_uid;
	uint32_t ta_root_gid;
	uint32_t ta_root_mode;
};
struct rump_ufs_args {
	char *fspec;			/* the block device, "/dev/ld0" */
};
/* struct sockaddr_in: port and address in network byte order. */
struct rump_sockaddr_in {
	uint8_t sin_len;		/* 16 */
	uint8_t sin_family;		/* RUMP_AF_INET */
	uint16_t sin_port;
	uint32_t sin_addr;
	uint8_t sin_zero[8];
};
/* struct pollfd of poll(2) and pollts(2): 8 bytes. */
struct rump_pollfd {
	int32_t fd;
	int16_t events;		/* RUMP_POLL* */
	int16_t revents;
};
/* struct timeval (setsockopt SO_*TIMEO, select): 16 bytes. */
struct rump_timeval {
	int64_t tv_sec;
	int32_t tv_usec;
	int32_t tv_pad;
};
/* struct iovec of readv(2), preadv(2) and sendmsg(2): 16 bytes. */
struct rump_iovec {
	void *iov_base;
	uint64_t iov_len;
};
/* struct msghdr of sendmsg(2) and recvmsg(2): 48 bytes. */
struct rump_msghdr {
	void *msg_name;
	uint32_t msg_namelen;
	uint32_t msg_pad0;
	struct rump_iovec *msg_iov;
	int32_t msg_iovlen;
	uint32_t msg_pad1;
	void *msg_control;
	uint32_t msg_controllen;
	int32_t msg_flags;
};
#endif

#define RUMP_NGROUPS		16
#define RUMP_MAXCOMLEN		16
#define RUMP_PATH_MAX		1024
#define RUMP_IOV_MAX		1024	/* iovecs of readv(2) and friends */

#define RUMP_RB_AUTOBOOT	0
#define RUMP_RB_NOSYNC		0x4
#define RUMP_RB_HALT		0x8
#define RUMP_RB_DUMP		0x100
#define RUMP_RB_POWERDOWN	0x808

/* Resource limits (getrlimit/setrlimit), resource usage, sessions. */
#define RUMP_RLIMIT_CPU		0
#define RUMP_RLIMIT_FSIZE	1
#define RUMP_RLIMIT_DATA	2
#define RUMP_RLIMIT_STACK	3
#define RUMP_RLIMIT_CORE	4
#define RUMP_RLIMIT_RSS		5
#define RUMP_RLIMIT_MEMLOCK	6
#define RUMP_RLIMIT_NPROC	7
#define RUMP_RLIMIT_NOFILE	8
#define RUMP_RLIMIT_SBSIZE	9
#define RUMP_RLIMIT_AS		10
#define RUMP_RLIMIT_NTHR	11
#define RUMP_RLIM_NLIMITS	12
#define RUMP_RLIM_INFINITY	0x7fffffffffffffffULL
#ifndef __ASSEMBLER__
struct rump_rlimit {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};
#define RUMP_RUSAGE_SELF	0
#define RUMP_RUSAGE_CHILDREN	(-1)
struct rump_rusage {			/* NetBSD's struct rusage, 144 bytes */
	struct rump_timeval ru_utime;
	struct rump_timeval ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt;
	long ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv;
	long ru_nsignals, ru_nvcsw, ru_nivcsw;
};
#endif
#define RUMP_MAXLOGNAME		16	/* login names, NUL included */
#define RUMP_NSIG		64	/* signals are 1 .. RUMP_NSIG - 1 */
#define RUMP_SIGKILL		9
#define RUMP_SIGPIPE		13
#define RUMP_SIGTERM		15
#define RUMP_SIGXFSZ		25
#define RUMP_CLOCK_VIRTUAL	1
#define RUMP_CLOCK_PROF		2
#define RUMP_CLOCK_PROCESS_CPUTIME_ID	0x40000000
#define RUMP_CLOCK_THREAD_CPUTIME_ID	0x20000000

/* clang-format on */
#endif
