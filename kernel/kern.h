/*
 * The rump kernel's internal structures and functions. The kernel reaches
 * its host only through rumpuser(3); it includes no platform header.
 *
 * One virtual CPU: a host thread runs kernel code only while it holds the
 * CPU (vcpu.c). Everything here is protected by holding the CPU unless a
 * comment says otherwise.
 */
#ifndef KERN_H
#define KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

typedef int32_t kpid_t;
typedef uint32_t kuid_t;
typedef uint32_t kgid_t;
typedef long register_t;

#define PID_MAX 30000
#define NOFILE	64 /* descriptors per table */

/* ---- credentials (cred.c) ---- */

struct kauth_cred {
	int refs;
	kuid_t uid, euid, svuid;
	kgid_t gid, egid, svgid;
	int ngroups;
	kgid_t groups[RUMP_NGROUPS];
};

struct kauth_cred *cred_root(void);
struct kauth_cred *cred_copy(const struct kauth_cred *c);
void cred_hold(struct kauth_cred *c);
void cred_free(struct kauth_cred *c);

/* ---- files and descriptor tables (fd.c) ---- */

struct file;
struct filedesc;
struct fileops {
	int (*fo_read)(struct file *, void *, size_t, size_t *);
	int (*fo_write)(struct file *, const void *, size_t, size_t *);
	void (*fo_close)(struct file *);
	int (*fo_poll)(struct file *, int events); /* revents now */
	int (*fo_nread)(struct file *, int *);	   /* FIONREAD */
	/*
	 * A descriptor of it in table fdp was closed while other calls may
	 * hold it: those that use it through fdp must end (NetBSD's
	 * fd_close() restarts the calls using the closed descriptor only).
	 */
	void (*fo_restart)(struct file *, struct filedesc *fdp);
};

struct file {
	int refs;
	int flag; /* FREAD | FWRITE | O_APPEND | O_NONBLOCK */
	const struct fileops *ops;
	void *data;
	int64_t offset;
};
#define FREAD	  0x1
#define FWRITE	  0x2
#define FNONBLOCK 0x4 /* O_NONBLOCK */
#define FAPPEND	  0x8 /* O_APPEND */

struct filedesc {
	int refs; /* processes sharing the table */
	struct file *files[NOFILE];
	uint8_t cloexec[NOFILE];
};

struct filedesc *fd_new(void);
struct filedesc *fd_copy(const struct filedesc *fdp);
void fd_share(struct filedesc *fdp);
void fd_release(struct filedesc *fdp); /* closes everything on the last ref */
int fd_alloc(struct filedesc *fdp, int min, struct file *fp, int *fdout);
struct file *fd_get(struct filedesc *fdp, int fd); /* no reference taken */
int fd_close(struct filedesc *fdp, int fd);
int fd_dup2(struct filedesc *fdp, int from, int to);
struct file *file_alloc(const struct fileops *ops, int flag, void *data);
void file_hold(struct file *fp);
void file_release(struct file *fp);
int file_count(void); /* files open now */
/* read(2)/write(2) of n bytes at user address ubuf through fp's ops. */
int file_rw(struct file *fp, void *ubuf, size_t n, bool towrite, size_t *done);
extern const struct fileops console_fileops, vnode_fileops, pipe_fileops;

/*
 * Advisory locks (kern_lock.c): what closing and exiting drop. fd_close
 * and dup2 report a descriptor of fp closed by p (its fcntl locks on the
 * file go), file_release the file's last close (its flock locks go),
 * proc_free the process's exit. lock_fcntl serves F_GETLK, F_SETLK and
 * F_SETLKW on descriptor fd (file fp) with the struct flock at ufl.
 */
struct proc;
void lock_fd_closed(struct proc *p, struct file *fp);
void lock_file_closed(struct file *fp);
void lock_proc_exit(struct proc *p);
int lock_fcntl(struct lwp *l, int fd, struct file *fp, int cmd, void *ufl);
/*
 * kqueue (kern_event.c): descriptor fd of table fdp was closed (its
 * knotes go); table fdp is being freed (kqueues made in it forget it).
 */
void kq_fd_closed(struct filedesc *fdp, int fd);
void kq_fdp_freed(struct filedesc *fdp);
/*
 * What kqueue's other filters watch (kern_event_filt.c), reported where it
 * happens: a change to vnode vp (hint: RUMP_NOTE_* of EVFILT_VNODE, after
 * the change was made), signal sig posted to p, p forked, p exiting (its
 * last lwp gone, before its resources go).
 */
struct vnode;
struct proc;
void kq_vnode_note(struct vnode *vp, uint32_t hint);
void kq_proc_signal(struct proc *p, int sig);
void kq_proc_fork(struct proc *parent);
void kq_proc_exit(struct proc *p);

/* ---- vnodes, lookup, devices (vfs.c); the interface is vnode.h ---- */

#include "vnode.h"

/*
 * A radix tree from 64-bit keys to non-NULL pointers (radix.c); zeroed is
 * empty. Memory follows the keys stored, not the largest key.
 */
struct radix {
	void *root;
	unsigned height;
};
void *radix_get(const struct radix *r, uint64_t key);
/* 0 or ENOMEM (the tree is unchanged then). */
int radix_set(struct radix *r, uint64_t key, void *val);
/* Removes key; returns what it held, or NULL. */
void *radix_del(struct radix *r, uint64_t key);
/* The first key >= *keyp: true with *keyp and *valp set, or false. */
bool radix_next(const struct radix *r, uint64_t *keyp, void **valp);

/* A character device: read, write, and whether reads may block. */
struct devsw {
	const char *name;
	uint64_t rdev;
	int (*d_read)(void *, size_t, size_t *);
	int (*d_write)(const void *, size_t, size_t *);
};

#define NAME_MAX 255

#define VREAD  04
#define VWRITE 02
#define VEXEC  01

extern struct vnode *rootvnode;
/* The root directory of p's lookups: its chroot(2) or "/" (vfs_chroot.c). */
struct vnode *proc_root(struct proc *p);
/* Is directory vp dir or below it, across mount points (vfs_chroot.c)? */
bool vn_isunder(struct vnode *vp, struct vnode *dir);

void vfs_init(void);
void vref(struct vnode *vp);
/* Drops a reference; the last one calls the file system's inactive. */
void vrele(struct vnode *vp);
void vnow(struct ktimespec *ts);
/* Checks acc (VREAD|VWRITE|VEXEC) for cred; 0 or EACCES. */
int vaccess(struct vnode *vp, struct kauth_cred *cred, int acc);
/* EROFS when vp's file system is mounted read-only, else 0. */
int vn_rdonly(struct vnode *vp);

#define LOOKUP_FOLLOW 0x1 /* follow a final symlink */
#define LOOKUP_PARENT 0x2 /* return the parent and last name too */

struct nameidata {
	struct vnode *ni_dvp;	    /* parent (LOOKUP_PARENT), referenced */
	struct vnode *ni_vp;	    /* result or NULL, referenced */
	char ni_name[NAME_MAX + 1]; /* last component (LOOKUP_PARENT) */
};

/*
 * Looks path up from dirfd's directory (AT_FDCWD: the cwd) for l, going
 * down into file systems mounted on directories and ".." back up out of
 * them. Returns 0 or an errno (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG,
 * EACCES, EIO).
 */
int namei(struct lwp *l, int dirfd, const char *upath, int flags,
    struct nameidata *nd);
/* The same for a path in kernel memory (the boot command line). */
int namei_kernel(struct lwp *l, const char *path, int flags,
    struct nameidata *nd);
void nd_done(struct nameidata *nd);

/*
 * A new node of type named name in dvp (which has no such name), owned by
 * cred's euid and dvp's group: referenced in *vpp. EROFS, ENOSPC.
 */
int vn_create_node(struct vnode *dvp, const char *name, enum vtype type,
    uint32_t mode, struct kauth_cred *cred, const char *target,
    struct vnode **vpp);
/* vn_create_node without a reference: valid until the caller sleeps. */
struct vnode *vn_create(struct vnode *dvp, const char *name, enum vtype type,
    uint32_t mode, struct kauth_cred *cred, int *errp);
/* The VOP_* calls with the generic checks (EISDIR, EINVAL, EROFS). */
int vn_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done);
int vn_write(struct vnode *vp, const void *buf, size_t len, int64_t off,
    size_t *done);
int vn_truncate(struct vnode *vp, int64_t len);
int vn_setattr(struct vnode *vp, const struct vattr *va);
/* vp's data to stable storage (fsync(2)). */
int vn_fsync(struct vnode *vp);
/* Is directory vp empty (only "." and "..")? 0 (yes), ENOTEMPTY or EIO. */
int vn_dirempty(struct vnode *vp);
/*
 * Disk device nodes (blk_dev.c): read or write len bytes at off of the
 * disk behind vp (v_blk), NetBSD's rules for block and raw nodes; and
 * the disk ioctls of an open node (ENOTTY for anything else).
 */
int blkdev_vn_rw(struct vnode *vp, void *buf, size_t len, int64_t off,
    bool write, size_t *done);
int blkdev_ioctl(struct file *fp, unsigned long com, void *data);
/*
 * The disk with block (type VBLK) or raw (VCHR) device number rdev: its
 * blkdev and devsw, or ENXIO (a node made by mknod(2), kernel/vfs_mknod.c).
 */
int blkdev_lookup_rdev(enum vtype type, uint64_t rdev, struct blkdev **bdp,
    const struct devsw **swp);
/* The kernel's own character device numbered rdev (vfs.c), or NULL. */
const struct devsw *devsw_lookup(uint64_t rdev);
/*
 * Attaches device node vp (VCHR, VBLK) to its driver by its number if it
 * has none yet (mknod(2)'s nodes, a disk's nodes): 0, or ENXIO for no such
 * device, as NetBSD's open of a node without a driver (vfs_mknod.c).
 */
int vn_devattach(struct vnode *vp);
/* Attaches the machine's disks at boot (rumpuser_ext_disk_name). */
void blkdev_autoconf(void);

/* ---- processes and lwps (proc.c) ---- */

struct lwp;

struct proc {
	kpid_t p_pid;
	struct proc *p_pptr;	 /* parent */
	struct proc *p_children; /* first child */
	struct proc *p_sibling;	 /* next child of the parent */
	struct proc *p_hash;	 /* pid hash chain */
	struct lwp *p_lwps;	 /* list through l_next */
	int p_nlwps;
	int p_nextlid; /* lids are never reused */
	int p_flag;
	char p_comm[RUMP_MAXCOMLEN + 1];
	struct kauth_cred *p_cred;
	struct filedesc *p_fd;
	uint32_t p_umask;
	struct vnode *p_cwd;
	struct vnode *p_rootdir;    /* chroot(2)'s, referenced; NULL: "/" */
	void *p_vmspace;	    /* NULL: local; else a remote client */
	kpid_t p_pgid;		    /* process group (kern_prot.c) */
	struct ksession *p_session; /* referenced */
	struct rump_rlimit p_rlimit[RUMP_RLIM_NLIMITS];
};
#define PS_RUMP_LWPEXIT 0x1 /* being drained: no new lwps */
#define PS_SUGID	0x2 /* ids changed: issetugid(2) is 1 */

/* A session: its id (the leader's pid) and login name (kern_prot.c). */
struct ksession {
	int s_refs; /* processes in it */
	kpid_t s_sid;
	char s_login[RUMP_MAXLOGNAME];
};

struct lwp {
	int l_lid;
	struct proc *l_proc;
	struct lwp *l_next; /* in the process */
	int l_flag;
	bool l_running;		 /* bound to a host thread now */
	struct kcv *l_sleepchan; /* where it sleeps, for interrupts */
};
#define LW_IMPLICIT 0x1 /* a temporary context of pid 1 */
#define LW_RELEASE  0x2 /* freed when its thread leaves the kernel */
#define LW_UNBIND   0x4 /* switch(NULL): unbound when leaving */

extern struct proc proc0, *initproc;

void proc_init(void);
struct proc *proc_find(kpid_t pid);
/*
 * A new process, child of parent, with descriptors by flags (RUMP_RF*) and
 * the parent's address space (local or the same remote client).
 */
int proc_create(struct proc *parent, int flags, struct proc **pp);
/* Wakes p's sleeping lwps so that their sleeps return EINTR (draining). */
void proc_interrupt(struct proc *p);
/* Posts NetBSD signal sig to p: a client gets it raised (doc/lwproc.md). */
void ksignal(struct proc *p, int sig);
/* Frees a process proc_create made, that never got an lwp. */
void proc_destroy(struct proc *p);
struct lwp *lwp_create(struct proc *p);
/* Frees l; the last lwp of a process takes the process with it. */
void lwp_free(struct lwp *l);
int proc_count(void);
/*
 * The kern.* sysctl counts: kern.maxproc (NetBSD's node) and this kernel's
 * kern.nprocs, kern.nlwps, kern.nfiles (live processes, lwps, open files).
 * 0 with *val, or ENOENT for another node.
 */
int kern_count(int node, int *val);
/*
 * Process groups, sessions and limits of a new process p (kern_prot.c):
 * inherited from parent, or init's own session when parent is proc0 at
 * boot. 0 or ENOMEM. prot_proc_free drops them.
 */
int prot_proc_init(struct proc *p, struct proc *parent);
void prot_proc_free(struct proc *p);
/* RLIMIT_NOFILE of the calling process (the whole table without one). */
int proc_nofile(void);
/* The wall clock, as settimeofday(2) may have moved it (kern_time.c). */
int kclock_realtime(struct ktimespec *ts);

/* ---- the virtual CPU (vcpu.c) ---- */

void vcpu_init(void);
/* Take / give up the one virtual CPU (rump_schedule's halves). */
void vcpu_take(void);
void vcpu_give(void);
void rump_backend_unschedule(int nlocks, int *countp, void *interlock);
void rump_backend_schedule(int nlocks, void *interlock);
struct lwp *curlwp(void);
#define curproc() (curlwp()->l_proc)

/*
 * A wait channel. kcv_wait gives up the CPU and sleeps until kcv_broadcast
 * or the timeout (0: none); returns 0, RUMP_ETIMEDOUT, or RUMP_EINTR when
 * the process is being drained (a client disconnecting or exec'ing; then
 * the caller must give up). Callers re-check their condition in a loop.
 * Zero-initialised is ready to use.
 */
struct kcv {
	struct rumpuser_cv *cv;
};
int kcv_wait(struct kcv *c, uint64_t timeout_ns);
/*
 * kcv_wait without a timeout that a draining process does not cut short:
 * for a wakeup that must be seen, such as a device finishing a transfer
 * into the caller's memory. Callers re-check their condition in a loop.
 */
void kcv_wait_nointr(struct kcv *c);
/* How many lwps (of processes other than proc0 and init) kcv_wait holds. */
int kcv_nsleeping(void);
void kcv_broadcast(struct kcv *c);
void kcv_destroy(struct kcv *c);

/*
 * Binds this thread to l (which must not be running anywhere); only
 * lwproc/lwproc.c calls it, which also does the unbinding.
 */
void lwp_switch_to(struct lwp *l);

/*
 * ---- entering the kernel and rump_lwproc(3) (lwproc/) ----
 * rump_schedule enters the kernel on this host thread, as its bound lwp or
 * an implicit context; rump_unschedule leaves it (the hyp_schedule and
 * hyp_unschedule upcalls; kernel threads call them too).
 */
void rump_schedule(void);
void rump_unschedule(void);
int lwproc_rfork(int flags);
int lwproc_newlwp(kpid_t pid);
void lwproc_switch(struct lwp *l);
void lwproc_releaselwp(void);
struct lwp *lwproc_curlwp(void);
/* The rump_sp server's hyp_lwproc_rfork / hyp_lwproc_newlwp upcalls. */
int lwproc_hyp_rfork(void *cookie, int flags, const char *comm);
int lwproc_hyp_newlwp(pid_t pid);
/* Descriptors 0, 1 and 2 of fdp on the console (init.c). 0 or an errno. */
int console_fds(struct filedesc *fdp, int flag);

/* ---- system calls (syscall.c) ---- */

int rump_syscall(int num, void *args, register_t *retval);
/*
 * Argument slot i of a system call's argument block a, as type: NetBSD
 * passes every argument in a register_t slot (doc/rump_sp.md).
 */
#define ARG(a, i, type) ((type)((const register_t *)(a))[i])
/* The credentials of lwp l's process. */
#define CRED(l) ((l)->l_proc->p_cred)

extern struct kcv poll_kcv;
int pipe_create(struct filedesc *fdp, int fflags, int cloexec, int fds[2]);
/* A pipe as two files not yet in any table. 0 or ENFILE. */
int pipe_files(int fflags, struct file **rfp, struct file **wfp);
/*
 * FIFOs (fifo.c) on pipes: pipe_alloc makes one with no ends (NULL when
 * out of memory) whose gone(arg) runs when it is freed; pipe_file opens
 * fflag's ends (FREAD, FWRITE or both) as a file (NULL: ENFILE);
 * pipe_ends counts the open ends; pipe_free frees one with none.
 * fifo_open opens FIFO vnode vp as fifo(4) says, or NULL with *errp.
 */
struct pipe;
struct pipe *pipe_alloc(void (*gone)(void *), void *arg);
struct file *pipe_file(struct pipe *p, int fflag);
void pipe_ends(struct pipe *p, int *readers, int *writers);
void pipe_free(struct pipe *p);
struct file *fifo_open(struct vnode *vp, int fflag, int *errp);
/* socketpair(AF_LOCAL) ends (socketpair.c); shutdown of one, any build. */
extern const struct fileops lsock_fileops;
int lsock_shutdown(struct file *fp, int how);
extern char hostname[256];

/* ---- support (subr.c) ---- */

void kpanic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kern_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Kernel memory (kmem.c), zeroed; NULL when out of memory or past the
 * memory limit (RUMP_MEMLIMIT). kmem_data_alloc is for file data: it fails
 * earlier, while the kernel reserve (kmem_reserve()) is still free, so a
 * full tmpfs leaves the kernel room to serve the next caller.
 */
void *kmem_zalloc(size_t len);
void *kmem_data_alloc(size_t len);
void *kmem_obj_alloc(size_t len); /* lasting objects: half the reserve */
void kmem_free(void *p, size_t len);
void kmem_init(void);
uint64_t kmem_limit(void); /* bytes; hw.physmem64 */
uint64_t kmem_reserve(void);
size_t kmem_bounce_size(void); /* uio_move's buffer */
uint64_t kmem_inuse(void);
/* The monotonic clock in nanoseconds. */
uint64_t kclock_ns(void);
/*
 * User memory of the current process: local (checked, then memcpy) or a
 * remote client's (copy requests over rump_sp, the CPU given up meanwhile).
 * 0 or EFAULT; copyinstr also ENAMETOOLONG when no NUL within max bytes,
 * and sets *lenp to the length copied including the NUL.
 */
int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);
int copyinstr(const void *uaddr, char *kaddr, size_t max, size_t *lenp);
bool vm_is_local(void);

/*
 * Moves up to n bytes between user buffer ubuf and the kernel through fn,
 * which reads into or writes from a kernel buffer and reports *done. Local
 * processes hand fn the user buffer itself; remote ones go through a bounce
 * buffer in chunks. With once, fn is called at most once per chunk run
 * (reads that may block, such as from pipes, stop after the first chunk).
 * Returns fn's error unless some bytes moved.
 */
typedef int (*xfer_fn)(void *arg, void *kbuf, size_t n, size_t *done);
int uio_move(void *ubuf, size_t n, bool towrite, bool once, xfer_fn fn,
    void *arg, size_t *done);

#define KASSERT(e)                                                           \
	((e) ? (void)0 :                                                     \
	       kpanic("kernel assertion \"%s\" failed: %s:%d", #e, __FILE__, \
		   __LINE__))

#endif
