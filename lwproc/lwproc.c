/*
 * rump_lwproc(3) inside the kernel: which lwp a host thread runs as
 * (doc/lwproc.md). The public rump_pub_lwproc_*() wrappers and the rump_sp
 * server's upcalls (rump_lwproc.c) enter the kernel around these; the
 * processes and lwps themselves are the kernel's (kernel/proc.c).
 *
 * Invariants (every function here runs holding the virtual CPU):
 *  - A host thread is bound to at most one lwp (rumpuser_curlwp), and an
 *    lwp to at most one thread: l_running is true exactly while bound.
 *  - A thread is bound only while it holds the CPU, with one exception:
 *    an lwp it owns (made by rfork/newlwp or switched to) stays bound
 *    across rump_unschedule() unless it is flagged to go.
 *  - An unbound thread entering the kernel gets an implicit context: a
 *    fresh lwp of init (LW_IMPLICIT), freed when the thread leaves.
 *  - There is one way to bind, lwp_switch_to(), and one way to unbind,
 *    unbind() below; rfork, newlwp, switch and leaving the kernel all use
 *    them.
 *
 * The order inside unbind(): the lwp is freed while it is still the
 * thread's current lwp, and the thread's binding is cleared after. The
 * other order (clear, then free) breaks when the lwp is the last one of
 * its process: lwp_free() then tears the process down, and closing its
 * descriptors (sockets, pipes) runs kernel code that expects curlwp() to
 * be an lwp. NetBSD frees in the same order for the same reason. Clearing
 * afterwards only compares the pointer with the thread's binding.
 */
#include "kern.h"

/* Unbinds this thread from l, freeing l if it was temporary or released. */
static void
unbind(struct lwp *l)
{
	l->l_running = false;
	l->l_flag &= ~LW_UNBIND;
	if (l->l_flag & (LW_IMPLICIT | LW_RELEASE))
		lwp_free(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l); /* compares, no access */
}

/*
 * Entering the kernel (the hyp_schedule upcall, and kernel threads such as
 * lwIP's): take the CPU, and give an unbound thread an implicit context.
 * Holding the CPU serialises lwp creation, so an implicit entry costs one
 * CPU acquisition and one lwp allocation.
 */
void
rump_schedule(void)
{
	vcpu_take();
	if (rumpuser_curlwp() == NULL) {
		struct lwp *l = lwp_create(initproc);
		if (l == NULL)
			kpanic("out of memory for an implicit context");
		l->l_flag |= LW_IMPLICIT;
		lwp_switch_to(l);
	}
}

/* Leaving the kernel: the one place a thread gives up its lwp, if flagged. */
void
rump_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l != NULL && (l->l_flag & (LW_IMPLICIT | LW_RELEASE | LW_UNBIND)))
		unbind(l);
	vcpu_give();
}

/* Switches this thread from its current lwp to l (NULL: unbind on exit). */
void
lwproc_switch(struct lwp *l)
{
	struct lwp *old = rumpuser_curlwp();

	if (l == NULL) {
		KASSERT(old != NULL && !(old->l_flag & LW_IMPLICIT));
		old->l_flag |= LW_UNBIND;
		return;
	}
	if (l->l_running)
		kpanic("lwp %p (%d:%d) already running", (void *)l,
		    l->l_proc->p_pid, l->l_lid);
	if (old != NULL)
		unbind(old);
	lwp_switch_to(l);
}

int
lwproc_rfork(int flags)
{
	struct proc *p;
	struct lwp *l;
	int error;

	if ((flags & ~(RUMP_RFFDG | RUMP_RFCFDG)) != 0 ||
	    (flags & (RUMP_RFFDG | RUMP_RFCFDG)) == (RUMP_RFFDG | RUMP_RFCFDG))
		return RUMP_EINVAL;
	error = proc_create(curproc(), flags, &p);
	if (error != 0)
		return error;
	l = lwp_create(p);
	if (l == NULL) {
		/* Out of memory: the caller (a client's handshake) is told. */
		proc_destroy(p);
		return RUMP_ENOMEM;
	}
	lwproc_switch(l);
	return 0;
}

int
lwproc_newlwp(kpid_t pid)
{
	struct proc *p = proc_find(pid);
	struct lwp *l;

	/* pid 0 is proc0, which NetBSD's lookup finds too (t_lwproc relies on it). */
	if (p == NULL)
		return RUMP_ESRCH;
	if (p->p_flag & PS_RUMP_LWPEXIT)
		return RUMP_EBUSY;
	l = lwp_create(p);
	if (l == NULL)
		return RUMP_ENOMEM;
	lwproc_switch(l);
	return 0;
}

void
lwproc_releaselwp(void)
{
	struct lwp *l = curlwp();

	/* NetBSD panics with the same words on a thread with no own lwp. */
	if (l == NULL || (l->l_flag & (LW_IMPLICIT | LW_RELEASE)))
		kpanic("releasing non-pertinent lwp");
	l->l_flag |= LW_RELEASE;
}

struct lwp *
lwproc_curlwp(void)
{
	struct lwp *l = curlwp();

	return l != NULL && !(l->l_flag & LW_IMPLICIT) ? l : NULL;
}
