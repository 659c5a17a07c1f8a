/*
 * The virtual CPU and the thread contexts of doc/lwproc.md.
 *
 * A host thread enters the kernel by taking the one virtual CPU. A thread
 * bound to an lwp enters as that lwp; one without gets an implicit context:
 * a fresh lwp in init (pid 1), freed when the thread leaves. The reference
 * implementation serialises implicit contexts twice on a global lwp0 lock;
 * here holding the CPU already serialises lwp creation, so an implicit
 * entry costs one CPU acquisition and an lwp from a small cache, and callers
 * see the same thing: pid 1, a new lid each time.
 */
#include "kern.h"

static struct rumpuser_mtx *cpu_mtx;
static struct rumpuser_cv *cpu_cv;
static bool cpu_busy;
/*
 * The lwp of the thread holding the CPU (NULL while none, or before the
 * holder is bound). Blocking hypercalls ask whether their thread holds the
 * CPU by comparing with their own curlwp: a thread outside the kernel may
 * call them too (joining a thread, lwIP's port), and must not give away a
 * CPU it does not have.
 */
static struct lwp *cpu_owner;

void
vcpu_init(void)
{
	rumpuser_mutex_init(&cpu_mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&cpu_cv);
}

static void
cpu_take(void)
{
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	while (cpu_busy)
		rumpuser_cv_wait_nowrap(cpu_cv, cpu_mtx);
	cpu_busy = true;
	cpu_owner = rumpuser_curlwp();
	rumpuser_mutex_exit(cpu_mtx);
}

static void
cpu_give(void)
{
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	cpu_busy = false;
	cpu_owner = NULL;
	rumpuser_cv_signal(cpu_cv);
	rumpuser_mutex_exit(cpu_mtx);
}

struct lwp *
curlwp(void)
{
	return rumpuser_curlwp();
}

void
lwp_switch_to(struct lwp *l)
{
	KASSERT(!l->l_running);
	l->l_running = true;
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	cpu_owner = l;			/* only the holder binds */
}

/* Unbinds this thread from l, freeing l if it was temporary or released. */
static void
unbind(struct lwp *l)
{
	l->l_running = false;
	l->l_flag &= ~LW_UNBIND;
	/*
	 * Freed while still current: when it is a process's last lwp, the
	 * process's teardown (closing its descriptors, sockets included)
	 * runs in a context that has an lwp, as all kernel code expects.
	 */
	if (l->l_flag & (LW_IMPLICIT | LW_RELEASE))
		lwp_free(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);	/* compares, no access */
}

void
rump_schedule(void)
{
	cpu_take();
	if (rumpuser_curlwp() == NULL) {
		struct lwp *l = lwp_create(initproc);
		if (l == NULL)
			kpanic("out of memory for an implicit context");
		l->l_flag |= LW_IMPLICIT;
		lwp_switch_to(l);
	}
}

void
rump_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l != NULL && (l->l_flag & (LW_IMPLICIT | LW_RELEASE | LW_UNBIND)))
		unbind(l);
	cpu_give();
}

/*
 * Around a blocking hypercall: give the CPU up, keep the lwp binding. When
 * the interlock is the CPU's own mutex (a kernel sleep, kcv_wait), the
 * caller holds it already: only the busy flag changes hands.
 */
void
rump_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	struct lwp *l = rumpuser_curlwp();

	(void)nlocks;
	/* There is no big kernel lock: the count says "had the CPU". */
	if (interlock == cpu_mtx) {
		KASSERT(cpu_busy && cpu_owner == l);
		*countp = 1;
		cpu_busy = false;
		cpu_owner = NULL;
		rumpuser_cv_signal(cpu_cv);
		return;
	}
	/* Read unlocked: only the holder writes these while it holds. */
	*countp = l != NULL && cpu_owner == l;
	if (*countp)
		cpu_give();
}

void
rump_backend_schedule(int nlocks, void *interlock)
{
	if (interlock == cpu_mtx) {
		while (cpu_busy)
			rumpuser_cv_wait_nowrap(cpu_cv, cpu_mtx);
		cpu_busy = true;
		cpu_owner = rumpuser_curlwp();
	} else if (nlocks != 0) {
		cpu_take();
	}
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

/*
 * Sleeping in the kernel: give the CPU up and wait on c as one step, so that
 * a wakeup from whoever takes the CPU next cannot be missed (taking the CPU
 * needs cpu_mtx, which the wait releases only once this thread waits).
 */
int
kcv_wait(struct kcv *c, uint64_t timeout_ns)
{
	struct lwp *l = curlwp();
	int rv = 0;

	if (l->l_proc->p_flag & PS_RUMP_LWPEXIT)
		return RUMP_EINTR;
	if (c->cv == NULL)
		rumpuser_cv_init(&c->cv);
	l->l_sleepchan = c;
	/* The wait's unschedule/schedule upcalls hand the CPU over. */
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	if (timeout_ns == 0)
		rumpuser_cv_wait(c->cv, cpu_mtx);
	else
		rv = rumpuser_cv_timedwait(c->cv, cpu_mtx,
		    (int64_t)(timeout_ns / 1000000000ULL),
		    (int64_t)(timeout_ns % 1000000000ULL));
	rumpuser_mutex_exit(cpu_mtx);
	l->l_sleepchan = NULL;
	if (l->l_proc->p_flag & PS_RUMP_LWPEXIT)
		return RUMP_EINTR;
	return rv == 0 ? 0 : RUMP_ETIMEDOUT;
}

void
kcv_wait_nointr(struct kcv *c)
{
	if (c->cv == NULL)
		rumpuser_cv_init(&c->cv);
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	rumpuser_cv_wait(c->cv, cpu_mtx);
	rumpuser_mutex_exit(cpu_mtx);
}

void
kcv_broadcast(struct kcv *c)
{
	if (c->cv != NULL)
		rumpuser_cv_broadcast(c->cv);
}

void
kcv_destroy(struct kcv *c)
{
	if (c->cv != NULL)
		rumpuser_cv_destroy(c->cv);
	c->cv = NULL;
}
