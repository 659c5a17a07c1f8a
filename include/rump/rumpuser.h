/*
 * rumpuser(3): the hypercall interface between the rump kernel and its host,
 * revision 17. Names, signatures and constants are NetBSD's, so a kernel
 * written against NetBSD's header builds against this one. Every function
 * returning int returns 0 or an errno in NetBSD's numbering. The contract of
 * each call is in doc/rumpuser.md.
 */
#ifndef RUMP_RUMPUSER_H
#define RUMP_RUMPUSER_H

#include <stddef.h>
#include <stdint.h>
#if __STDC_HOSTED__
#include <sys/types.h>
#else
typedef int pid_t; /* NetBSD's pid_t; C11 allows the same typedef twice */
#endif

#define RUMPUSER_VERSION 17

struct lwp;
struct modinfo;
struct rump_component;

/* Upcalls into the kernel, handed to rumpuser_init(). */
struct rumpuser_hyperup {
	void (*hyp_schedule)(void);
	void (*hyp_unschedule)(void);
	void (*hyp_backend_unschedule)(int, int *, void *);
	void (*hyp_backend_schedule)(int, void *);
	void (*hyp_lwproc_switch)(struct lwp *);
	void (*hyp_lwproc_release)(void);
	int (*hyp_lwproc_rfork)(void *, int, const char *);
	int (*hyp_lwproc_newlwp)(pid_t);
	struct lwp *(*hyp_lwproc_curlwp)(void);
	int (*hyp_syscall)(int, void *, long *);
	void (*hyp_lwpexit)(void);
	void (*hyp_execnotify)(const char *);
	pid_t (*hyp_getpid)(void);
	void *hyp__extra[8];
};

int rumpuser_init(int, const struct rumpuser_hyperup *);

/* memory */
int rumpuser_malloc(size_t, int, void **);
void rumpuser_free(void *, size_t);
int rumpuser_anonmmap(void *, size_t, int, int, void **);
void rumpuser_unmap(void *, size_t);

/* files and block I/O */
#define RUMPUSER_OPEN_RDONLY  0x0000
#define RUMPUSER_OPEN_WRONLY  0x0001
#define RUMPUSER_OPEN_RDWR    0x0002
#define RUMPUSER_OPEN_ACCMODE 0x0003
#define RUMPUSER_OPEN_CREATE  0x0004
#define RUMPUSER_OPEN_EXCL    0x0008
#define RUMPUSER_OPEN_BIO     0x0010
int rumpuser_open(const char *, int, int *);
int rumpuser_close(int);

#define RUMPUSER_FT_OTHER 0
#define RUMPUSER_FT_DIR	  1
#define RUMPUSER_FT_REG	  2
#define RUMPUSER_FT_BLK	  3
#define RUMPUSER_FT_CHR	  4
int rumpuser_getfileinfo(const char *, uint64_t *, int *);

#define RUMPUSER_BIO_READ  0x01
#define RUMPUSER_BIO_WRITE 0x02
#define RUMPUSER_BIO_SYNC  0x04
typedef void (*rump_biodone_fn)(void *, size_t, int);
void rumpuser_bio(int, int, void *, size_t, int64_t, rump_biodone_fn, void *);

struct rumpuser_iovec {
	void *iov_base;
	size_t iov_len;
};
#define RUMPUSER_IOV_NOSEEK -1
int rumpuser_iovread(int, struct rumpuser_iovec *, size_t, int64_t, size_t *);
int rumpuser_iovwrite(int, const struct rumpuser_iovec *, size_t, int64_t,
    size_t *);

#define RUMPUSER_SYNCFD_READ	0x01
#define RUMPUSER_SYNCFD_WRITE	0x02
#define RUMPUSER_SYNCFD_BOTH	(RUMPUSER_SYNCFD_READ | RUMPUSER_SYNCFD_WRITE)
#define RUMPUSER_SYNCFD_BARRIER 0x04
#define RUMPUSER_SYNCFD_SYNC	0x08
int rumpuser_syncfd(int, int, uint64_t, uint64_t);

/* clocks */
enum rumpclock { RUMPUSER_CLOCK_RELWALL, RUMPUSER_CLOCK_ABSMONO };
int rumpuser_clock_gettime(int, int64_t *, long *);
int rumpuser_clock_sleep(int, int64_t, long);

/* parameters */
#define RUMPUSER_PARAM_NCPU	"_RUMPUSER_NCPU"
#define RUMPUSER_PARAM_HOSTNAME "_RUMPUSER_HOSTNAME"
int rumpuser_getparam(const char *, void *, size_t);

/* console, errors, termination */
void rumpuser_putchar(int);
void rumpuser_dprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
#define RUMPUSER_PANIC (-1)
void rumpuser_exit(int) __attribute__((noreturn));
#define RUMPUSER_PID_SELF ((int64_t)-1)
int rumpuser_kill(int64_t, int);
void rumpuser_seterrno(int);

/* randomness */
#define RUMPUSER_RANDOM_HARD   0x01
#define RUMPUSER_RANDOM_NOWAIT 0x02
int rumpuser_getrandom(void *, size_t, int, size_t *);

/* threads */
int rumpuser_thread_create(void *(*)(void *), void *, const char *, int, int,
    int, void **);
void rumpuser_thread_exit(void) __attribute__((noreturn));
int rumpuser_thread_join(void *);

enum rumplwpop {
	RUMPUSER_LWP_CREATE,
	RUMPUSER_LWP_DESTROY,
	RUMPUSER_LWP_SET,
	RUMPUSER_LWP_CLEAR
};
void rumpuser_curlwpop(int, struct lwp *);
struct lwp *rumpuser_curlwp(void);

/* mutexes */
struct rumpuser_mtx;
#define RUMPUSER_MTX_SPIN   0x01
#define RUMPUSER_MTX_KMUTEX 0x02
void rumpuser_mutex_init(struct rumpuser_mtx **, int);
void rumpuser_mutex_enter(struct rumpuser_mtx *);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *);
void rumpuser_mutex_exit(struct rumpuser_mtx *);
void rumpuser_mutex_destroy(struct rumpuser_mtx *);
void rumpuser_mutex_owner(struct rumpuser_mtx *, struct lwp **);

/* reader/writer locks */
struct rumpuser_rw;
enum rumprwlock { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
void rumpuser_rw_init(struct rumpuser_rw **);
void rumpuser_rw_enter(int, struct rumpuser_rw *);
int rumpuser_rw_tryenter(int, struct rumpuser_rw *);
int rumpuser_rw_tryupgrade(struct rumpuser_rw *);
void rumpuser_rw_downgrade(struct rumpuser_rw *);
void rumpuser_rw_exit(struct rumpuser_rw *);
void rumpuser_rw_destroy(struct rumpuser_rw *);
void rumpuser_rw_held(int, struct rumpuser_rw *, int *);

/* condition variables */
struct rumpuser_cv;
void rumpuser_cv_init(struct rumpuser_cv **);
void rumpuser_cv_destroy(struct rumpuser_cv *);
void rumpuser_cv_wait(struct rumpuser_cv *, struct rumpuser_mtx *);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *, struct rumpuser_mtx *);
int rumpuser_cv_timedwait(struct rumpuser_cv *, struct rumpuser_mtx *, int64_t,
    int64_t);
void rumpuser_cv_signal(struct rumpuser_cv *);
void rumpuser_cv_broadcast(struct rumpuser_cv *);
void rumpuser_cv_has_waiters(struct rumpuser_cv *, int *);

/*
 * Extension, not in NetBSD's revision 17: whether [addr, addr+len) is
 * memory the kernel may copy from or to for a local caller. Returns 1, or
 * 0 when some byte is not. The kernel's copyin/copyout/copyinstr and its
 * local transfers answer EFAULT on 0, so the answer must be exact where
 * it says 0 and may only err towards 1 where the backend cannot tell.
 * Bare metal: exact (the page tables, RAM only, never the first 64 KiB,
 * nothing non-canonical or wrapping). POSIX: only the cheap part (the
 * first 64 KiB, the upper half, wrapping); the rest is 1 (README.md).
 */
int rumpuser_ext_mapped(const void *addr, size_t len);

/*
 * Extension, not in NetBSD's revision 17: the bytes of memory allocations
 * may still take (*availp), or EOPNOTSUPP where the backend cannot tell
 * (POSIX: the host's memory is shared). The bare-metal backend counts the
 * free pages beyond its own reserve pool; its RUMP_MEMLIMIT parameter is
 * the machine's memory unless the command line sets one. The kernel keeps
 * file data out of its reserve with it.
 */
int rumpuser_ext_mem_avail(uint64_t *availp);

/*
 * Extension, not in NetBSD's revision 17: the machine's network interface,
 * raw Ethernet frames (the role NetBSD's virtif hypercalls play).
 * net_info gives the MAC address and MTU, or ENXIO without a device.
 * net_send queues a frame of at most mtu + 14 bytes; it may wait for room,
 * giving the CPU up meanwhile. net_recv waits up to timeout_ns (0: forever)
 * for a frame, giving the CPU up meanwhile: 0 with *lenp, ETIMEDOUT, or
 * ENXIO. Errors in NetBSD's numbering.
 */
int rumpuser_ext_net_info(uint8_t mac[6], int *mtu);
int rumpuser_ext_net_send(const void *frame, size_t len);
int rumpuser_ext_net_recv(void *buf, size_t size, size_t *lenp,
    uint64_t timeout_ns);

/*
 * Extension, not in NetBSD's revision 17: the machine's own disks, which
 * the kernel attaches at boot as ld0, ld1, ... Copies the rumpuser_open()
 * name of disk i into buf (NUL-terminated): 0, ENOENT past the last disk,
 * ERANGE when buf is too small. Bare metal: "virtio-blk0", ... in PCI
 * order (doc/rumpuser.md); POSIX: none (the host attaches files with
 * rump_pub_etfs_register).
 */
int rumpuser_ext_disk_name(int i, char *buf, size_t len);

/*
 * Extension, not in NetBSD's revision 17: the program of an appliance
 * image (doc/cmdline.md). app_args gives main()'s argc, argv (argv[0] the
 * image name, then the words after "--" on the command line, then NULL)
 * and environment ("NAME=value" from env.NAME=value words, then NULL);
 * the arrays stay valid for the life of the image. app_exit ends the
 * image with the program's exit status (status & 0xff; scripts/run-qemu
 * returns 0-31 as they are and 32 for any larger one). module gives boot
 * module i (its bytes and its command line): 0, or ENOENT past the last.
 * The bare-metal backend has them; the POSIX one does not.
 */
void rumpuser_ext_app_args(int *argc, char ***argv, char ***envp);
void rumpuser_ext_app_exit(int status) __attribute__((noreturn));
int rumpuser_ext_module(int i, const void **data, size_t *len,
    const char **cmdline);

/* dynamic loading (a no-op for static kernels) */
typedef void (*rump_modinit_fn)(const struct modinfo *const *, size_t);
typedef int (*rump_symload_fn)(void *, uint64_t, char *, uint64_t);
typedef void (*rump_compload_fn)(const struct rump_component *);
void rumpuser_dl_bootstrap(rump_modinit_fn, rump_symload_fn, rump_compload_fn);

/* daemonising the host server */
int rumpuser_daemonize_begin(void);
int rumpuser_daemonize_done(int);

/* the remote syscall server (sysproxy) */
int rumpuser_sp_init(const char *, const char *, const char *, const char *);
int rumpuser_sp_copyin(void *, const void *, void *, size_t);
int rumpuser_sp_copyinstr(void *, const void *, void *, size_t *);
int rumpuser_sp_copyout(void *, const void *, void *, size_t);
int rumpuser_sp_copyoutstr(void *, const void *, void *, size_t *);
int rumpuser_sp_anonmmap(void *, size_t, void **);
int rumpuser_sp_raise(void *, int);
void rumpuser_sp_fini(void *);
/*
 * Extension, not in NetBSD's revision 17: the kernel hands the sp server a
 * transport of its own (struct sp_transport, rump/rumpuser_sp.h: its network
 * stack, in the image) before rumpuser_sp_init(); NULL goes back to the
 * backend's (POSIX sockets on the host, none on bare metal).
 */
struct sp_transport;
void rumpuser_sp_set_transport(const struct sp_transport *);
/*
 * Extension: the shared key clients must prove they hold before any other
 * frame (doc/rump_sp-auth.md), keylen 16 to 64 bytes; NULL, 0 removes it.
 * Before rumpuser_sp_init() only. 0, EINVAL or EBUSY.
 */
int rumpuser_sp_setkey(const void *, size_t);
/*
 * Extension: remote processes made by GUEST handshakes get this uid and
 * gid (no supplementary groups) instead of root; -1, -1 goes back to root.
 * Before rumpuser_sp_init() only. 0, EINVAL or EBUSY.
 */
int rumpuser_sp_setcred(int64_t, int64_t);

#endif
