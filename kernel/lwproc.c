/*
 * rump_lwproc(3) inside the kernel (doc/lwproc.md). The public wrappers in
 * init.c enter and leave the kernel around these.
 */
#include "kern.h"

/* Binds the calling thread to l; the old lwp stays (or goes, if implicit). */
static void
bind_new(struct lwp *l)
{
	struct lwp *old = curlwp();

	if (old != NULL) {
		rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, old);
		old->l_running = false;
		if (old->l_flag & LW_IMPLICIT)
			lwp_free(old);
	}
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
	bind_new(l);
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
	bind_new(l);
	return 0;
}

void
lwproc_releaselwp(void)
{
	struct lwp *l = curlwp();

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
