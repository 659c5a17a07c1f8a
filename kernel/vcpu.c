/*
 * The virtual CPU (doc/lwproc.md). A host thread runs kernel code only
 * while it holds the one virtual CPU; vcpu_take and vcpu_give are the
 * whole of entering and leaving it. Which lwp the thread runs as, and the
 * implicit contexts of unbound threads, are rump_lwproc(3)'s
 * (lwproc/lwproc.c), which enters the kernel through these.
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
/*
 * Lwps of processes other than proc0 and init in kcv_wait now (the
 * sysctl kern.nsleeping): a test waits on it for a call to be asleep.
 * Changed only by the CPU's holder.
 */
static int nsleeping;

void
vcpu_init(void)
{
	rumpuser_mutex_init(&cpu_mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&cpu_cv);
}

void
vcpu_take(void)
{
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	while (cpu_busy)
		rumpuser_cv_wait_nowrap(cpu_cv, cpu_mtx);
	cpu_busy = true;
	cpu_owner = rumpuser_curlwp();
	rumpuser_mutex_exit(cpu_mtx);
}

void
vcpu_give(void)
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
	cpu_owner = l; /* only the holder binds */
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
		vcpu_give();
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
		vcpu_take();
	}
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
	int rv = 0, counted;

	if (l->l_proc->p_flag & PS_RUMP_LWPEXIT)
		return RUMP_EINTR;
	if (c->cv == NULL)
		rumpuser_cv_init(&c->cv);
	l->l_sleepchan = c;
	counted = l->l_proc != &proc0 && l->l_proc != initproc;
	nsleeping += counted;
	/* The wait's unschedule/schedule upcalls hand the CPU over. */
	rumpuser_mutex_enter_nowrap(cpu_mtx);
	if (timeout_ns == 0)
		rumpuser_cv_wait(c->cv, cpu_mtx);
	else
		rv = rumpuser_cv_timedwait(c->cv, cpu_mtx,
		    (int64_t)(timeout_ns / 1000000000ULL),
		    (int64_t)(timeout_ns % 1000000000ULL));
	rumpuser_mutex_exit(cpu_mtx);
	nsleeping -= counted;
	l->l_sleepchan = NULL;
	if (l->l_proc->p_flag & PS_RUMP_LWPEXIT)
		return RUMP_EINTR;
	return rv == 0 ? 0 : RUMP_ETIMEDOUT;
}

/* The lwps of processes other than proc0 and init asleep in kcv_wait. */
int
kcv_nsleeping(void)
{
	return nsleeping;
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
