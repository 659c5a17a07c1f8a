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

#define PID_MAX		30000
#define NOFILE		64		/* descriptors per table */

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
struct fileops {
	int (*fo_read)(struct file *, void *, size_t, size_t *);
	int (*fo_write)(struct file *, const void *, size_t, size_t *);
	void (*fo_close)(struct file *);
};

struct file {
	int refs;
	int flag;			/* FREAD | FWRITE */
	const struct fileops *ops;
	void *data;
};
#define FREAD		0x1
#define FWRITE		0x2

struct filedesc {
	int refs;			/* processes sharing the table */
	struct file *files[NOFILE];
	uint8_t cloexec[NOFILE];
};

struct filedesc *fd_new(void);
struct filedesc *fd_copy(const struct filedesc *fdp);
void fd_share(struct filedesc *fdp);
void fd_release(struct filedesc *fdp);	/* closes everything on the last ref */
int fd_alloc(struct filedesc *fdp, int min, struct file *fp, int *fdout);
struct file *fd_get(struct filedesc *fdp, int fd);	/* no reference taken */
int fd_close(struct filedesc *fdp, int fd);
int fd_dup2(struct filedesc *fdp, int from, int to);
struct file *file_alloc(const struct fileops *ops, int flag, void *data);
void file_hold(struct file *fp);
void file_release(struct file *fp);
extern const struct fileops console_fileops;

/* ---- processes and lwps (proc.c) ---- */

struct lwp;

struct proc {
	kpid_t p_pid;
	struct proc *p_pptr;		/* parent */
	struct proc *p_children;	/* first child */
	struct proc *p_sibling;		/* next child of the parent */
	struct proc *p_hash;		/* pid hash chain */
	struct lwp *p_lwps;		/* list through l_next */
	int p_nlwps;
	int p_nextlid;			/* lids are never reused */
	int p_flag;
	char p_comm[RUMP_MAXCOMLEN + 1];
	struct kauth_cred *p_cred;
	struct filedesc *p_fd;
	uint32_t p_umask;
};
#define PS_RUMP_LWPEXIT	0x1		/* being drained: no new lwps */

struct lwp {
	int l_lid;
	struct proc *l_proc;
	struct lwp *l_next;		/* in the process */
	int l_flag;
	bool l_running;			/* bound to a host thread now */
};
#define LW_IMPLICIT	0x1		/* a temporary context of pid 1 */
#define LW_RELEASE	0x2		/* freed when its thread leaves the kernel */
#define LW_UNBIND	0x4		/* switch(NULL): unbound when leaving */

extern struct proc proc0, *initproc;

void proc_init(void);
struct proc *proc_find(kpid_t pid);
/* A new process, child of parent, with descriptors by flags (RUMP_RF*). */
int proc_create(struct proc *parent, int flags, struct proc **pp);
struct lwp *lwp_create(struct proc *p);
/* Frees l; the last lwp of a process takes the process with it. */
void lwp_free(struct lwp *l);
int proc_count(void);

/* ---- the virtual CPU and contexts (vcpu.c) ---- */

void vcpu_init(void);
/* Enter / leave the kernel on this host thread (hyp_schedule/unschedule). */
void rump_schedule(void);
void rump_unschedule(void);
void rump_backend_unschedule(int nlocks, int *countp, void *interlock);
void rump_backend_schedule(int nlocks, void *interlock);
struct lwp *curlwp(void);
#define curproc()	(curlwp()->l_proc)

/* Binds this thread to l (which must not be running anywhere). */
void lwp_switch_to(struct lwp *l);

/* ---- lwproc (lwproc.c) and system calls (syscall.c) ---- */

int lwproc_rfork(int flags);
int lwproc_newlwp(kpid_t pid);
void lwproc_switch(struct lwp *l);
void lwproc_releaselwp(void);
struct lwp *lwproc_curlwp(void);
int rump_syscall(int num, void *args, register_t *retval);

/* ---- support (subr.c) ---- */

void kpanic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *kmem_zalloc(size_t len);
void kmem_free(void *p, size_t len);
int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);

#define KASSERT(e)	((e) ? (void)0 : kpanic("kernel assertion \"%s\" failed: %s:%d", #e, __FILE__, __LINE__))

#endif
