/*
 * Processes and lwps. pids: proc0 is 0, init 1, then 2, 3, ... increasing;
 * a freed pid comes back only after the counter wraps at PID_MAX, so never
 * soon (doc/lwproc.md asks no more). lids start at 0 in each process and are
 * never reused there.
 */
#include <string.h>

#include "kern.h"

#define PIDHASH 256

struct proc proc0, *initproc;
static struct proc *pidhash[PIDHASH];
static kpid_t nextpid = 2;
static int nprocs, nlwps;

static void
hash_insert(struct proc *p)
{
	struct proc **h = &pidhash[p->p_pid % PIDHASH];

	p->p_hash = *h;
	*h = p;
	nprocs++;
}

static void
hash_remove(struct proc *p)
{
	struct proc **pp = &pidhash[p->p_pid % PIDHASH];

	while (*pp != p)
		pp = &(*pp)->p_hash;
	*pp = p->p_hash;
	nprocs--;
}

struct proc *
proc_find(kpid_t pid)
{
	if (pid < 0)
		return NULL;
	for (struct proc *p = pidhash[pid % PIDHASH]; p != NULL; p = p->p_hash)
		if (p->p_pid == pid)
			return p;
	return NULL;
}

int
proc_count(void)
{
	return nprocs;
}

int
kern_count(int node, int *val)
{
	switch (node) {
	case RUMP_KERN_MAXPROC:
		*val = PID_MAX; /* one per pid, 0 .. PID_MAX-1 */
		return 0;
	case RUMP_KERN_NPROCS:
		*val = nprocs;
		return 0;
	case RUMP_KERN_NLWPS:
		*val = nlwps;
		return 0;
	case RUMP_KERN_NFILES:
		*val = file_count();
		return 0;
	case RUMP_KERN_NSLEEPING:
		*val = kcv_nsleeping();
		return 0;
	}
	return RUMP_ENOENT;
}

static kpid_t
pid_alloc(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		kpid_t pid = nextpid++;
		if (nextpid >= PID_MAX)
			nextpid = 2;
		if (proc_find(pid) == NULL)
			return pid;
	}
	return -1;
}

static void
child_link(struct proc *parent, struct proc *p)
{
	p->p_pptr = parent;
	p->p_sibling = parent->p_children;
	parent->p_children = p;
}

static void
child_unlink(struct proc *p)
{
	struct proc **pp = &p->p_pptr->p_children;

	while (*pp != p)
		pp = &(*pp)->p_sibling;
	*pp = p->p_sibling;
}

void
proc_init(void)
{
	proc0.p_pid = 0;
	strcpy(proc0.p_comm, "system");
	proc0.p_cred = cred_root();
	proc0.p_fd = fd_new();
	proc0.p_umask = 022;
	if (prot_proc_init(&proc0, NULL) != 0)
		kpanic("no memory for proc0's session");
	hash_insert(&proc0);
}

int
proc_create(struct proc *parent, int flags, struct proc **pp)
{
	struct proc *p = kmem_zalloc(sizeof(*p));
	kpid_t pid;
	int error;

	if (p == NULL)
		return RUMP_ENOMEM;
	/* init is proc0's first child; later children of proc0 get new pids. */
	pid = initproc == NULL ? 1 : pid_alloc();
	if (pid < 0) {
		kmem_free(p, sizeof(*p));
		return RUMP_EAGAIN;
	}
	if (flags & RUMP_RFFDG) {
		p->p_fd = fd_copy(parent->p_fd);
	} else if (flags & RUMP_RFCFDG) {
		p->p_fd = fd_new();
	} else {
		p->p_fd = parent->p_fd;
		fd_share(p->p_fd);
	}
	if (p->p_fd == NULL) {
		kmem_free(p, sizeof(*p));
		return RUMP_ENOMEM;
	}
	p->p_pid = pid;
	if ((error = prot_proc_init(p, parent)) != 0) {
		fd_release(p->p_fd);
		kmem_free(p, sizeof(*p));
		return error;
	}
	p->p_cred = parent->p_cred;
	cred_hold(p->p_cred);
	p->p_umask = parent->p_umask;
	p->p_vmspace = parent->p_vmspace;
	p->p_cwd = parent->p_cwd; /* cwd follows, as cwdinit() */
	if (p->p_cwd != NULL)
		vref(p->p_cwd);
	p->p_rootdir = parent->p_rootdir; /* so does the root (cwdinit) */
	if (p->p_rootdir != NULL)
		vref(p->p_rootdir);
	/* A bounded copy: the fallback name is shorter than p_comm. */
	strncpy(p->p_comm, parent->p_comm[0] != '\0' ? parent->p_comm : "rumproc",
	    sizeof(p->p_comm) - 1);
	p->p_comm[sizeof(p->p_comm) - 1] = '\0';
	child_link(parent, p);
	hash_insert(p);
	kq_proc_fork(parent);
	*pp = p;
	return 0;
}

struct lwp *
lwp_create(struct proc *p)
{
	struct lwp *l = kmem_zalloc(sizeof(*l));

	if (l == NULL)
		return NULL;
	l->l_proc = p;
	l->l_lid = p->p_nextlid++;
	l->l_next = p->p_lwps;
	p->p_lwps = l;
	p->p_nlwps++;
	nlwps++;
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	return l;
}

/* The process's last lwp is gone: children to init, pid free, resources back. */
static void
proc_free(struct proc *p)
{
	KASSERT(p != &proc0 && p != initproc);
	while (p->p_children != NULL) {
		struct proc *c = p->p_children;
		p->p_children = c->p_sibling;
		child_link(initproc, c);
	}
	kq_proc_exit(p); /* while its pid and table are still there */
	child_unlink(p);
	hash_remove(p);
	lock_proc_exit(p);
	fd_release(p->p_fd);
	if (p->p_cwd != NULL)
		vrele(p->p_cwd);
	if (p->p_rootdir != NULL)
		vrele(p->p_rootdir);
	cred_free(p->p_cred);
	prot_proc_free(p);
	kmem_free(p, sizeof(*p));
}

void
proc_destroy(struct proc *p)
{
	KASSERT(p->p_nlwps == 0);
	proc_free(p);
}

void
lwp_free(struct lwp *l)
{
	struct proc *p = l->l_proc;
	struct lwp **pp = &p->p_lwps;

	while (*pp != l)
		pp = &(*pp)->l_next;
	*pp = l->l_next;
	p->p_nlwps--;
	nlwps--;
	/* The process goes first: l may be the context its teardown runs in. */
	if (p->p_nlwps == 0 && p != &proc0 && p != initproc)
		proc_free(p);
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	kmem_free(l, sizeof(*l));
}

void
proc_interrupt(struct proc *p)
{
	for (struct lwp *l = p->p_lwps; l != NULL; l = l->l_next)
		if (l->l_sleepchan != NULL)
			kcv_broadcast(l->l_sleepchan);
}

void
ksignal(struct proc *p, int sig)
{
	/*
	 * Local processes: the signal is dropped. NetBSD's default model
	 * raises it in the host process, which would kill programs that
	 * merely write to a closed pipe; they get the EPIPE error instead.
	 * EVFILT_SIGNAL counts it either way.
	 */
	kq_proc_signal(p, sig);
	if (p->p_vmspace != NULL)
		rumpuser_sp_raise(p->p_vmspace, sig);
}
