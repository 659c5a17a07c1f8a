/*
 * lwIP's operating-system port (lwip/sys.h) on rumpuser(3).
 *
 * lwIP is part of the kernel: a thread runs lwIP code only while it holds
 * the kernel's virtual CPU. lwIP's own threads enter the kernel when they
 * start and stay in it; application threads call the netconn API from a
 * system call or after rump_schedule(). Every wait here is a rumpuser
 * condition variable wait, which gives the CPU back while it waits and
 * takes it again after (the hyp_backend_unschedule/schedule upcalls), so a
 * thread waiting in lwIP stalls nobody and no wait spins.
 *
 * Because holding the CPU already excludes every other lwIP thread until
 * the holder waits, sys_arch_protect() needs no lock of its own: it checks
 * that the regions it guards (lwIP's short, never-waiting ones) are entered
 * by one lwp at a time.
 */
#include <stdlib.h>

#include "kern.h"
#include "lwip/err.h"
#include "lwip/sys.h"

#define NSEC 1000000000ULL

/*
 * Waits on cv (m held) until *ready or timeout_ms passes (0: forever).
 * Returns the milliseconds waited, or SYS_ARCH_TIMEOUT.
 */
static u32_t
wait_until(struct rumpuser_cv *cv, struct rumpuser_mtx *m, const int *ready,
    u32_t timeout_ms)
{
	u32_t start = sys_now(), waited;

	while (!*ready) {
		if (timeout_ms == 0) {
			rumpuser_cv_wait(cv, m);
			continue;
		}
		waited = sys_now() - start;
		if (waited >= timeout_ms)
			return SYS_ARCH_TIMEOUT;
		waited = timeout_ms - waited;
		rumpuser_cv_timedwait(cv, m, waited / 1000,
		    (int64_t)(waited % 1000) * 1000000);
	}
	waited = sys_now() - start;
	/* SYS_ARCH_TIMEOUT is reserved for "timed out". */
	return waited == SYS_ARCH_TIMEOUT ? waited - 1 : waited;
}

/* ---- time, randomness, start-up ---- */

void
sys_init(void)
{
}

u32_t
sys_now(void)
{
	return (u32_t)(kclock_ns() / 1000000);
}

uint32_t
lwip_port_rand(void)
{
	uint32_t r = 0;
	size_t got;

	if (rumpuser_getrandom(&r, sizeof(r), RUMPUSER_RANDOM_NOWAIT, &got) != 0)
		kpanic("lwip: no random numbers from the hypercall layer");
	return r;
}

/* ---- semaphores ---- */

struct sys_sem {
	struct rumpuser_mtx *m;
	struct rumpuser_cv *cv;
	int count;
};

err_t
sys_sem_new(sys_sem_t *sem, u8_t count)
{
	struct sys_sem *s = malloc(sizeof(*s));

	if (s == NULL) {
		*sem = NULL;
		return ERR_MEM;
	}
	rumpuser_mutex_init(&s->m, 0);
	rumpuser_cv_init(&s->cv);
	s->count = count;
	*sem = s;
	return ERR_OK;
}

void
sys_sem_free(sys_sem_t *sem)
{
	struct sys_sem *s = *sem;

	rumpuser_cv_destroy(s->cv);
	rumpuser_mutex_destroy(s->m);
	free(s);
	*sem = NULL;
}

void
sys_sem_signal(sys_sem_t *sem)
{
	struct sys_sem *s = *sem;

	rumpuser_mutex_enter(s->m);
	s->count++;
	rumpuser_cv_signal(s->cv);
	rumpuser_mutex_exit(s->m);
}

u32_t
sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	struct sys_sem *s = *sem;
	u32_t waited;

	rumpuser_mutex_enter(s->m);
	waited = wait_until(s->cv, s->m, &s->count, timeout);
	if (waited != SYS_ARCH_TIMEOUT)
		s->count--;
	rumpuser_mutex_exit(s->m);
	return waited;
}

/* ---- mutexes (the core lock and lwIP's own) ---- */

err_t
sys_mutex_new(sys_mutex_t *mutex)
{
	rumpuser_mutex_init(mutex, 0);
	return ERR_OK;
}

void
sys_mutex_free(sys_mutex_t *mutex)
{
	rumpuser_mutex_destroy(*mutex);
	*mutex = NULL;
}

void
sys_mutex_lock(sys_mutex_t *mutex)
{
	rumpuser_mutex_enter(*mutex);
}

void
sys_mutex_unlock(sys_mutex_t *mutex)
{
	rumpuser_mutex_exit(*mutex);
}

/* ---- mailboxes: a ring of size pointers ---- */

struct sys_mbox {
	struct rumpuser_mtx *m;
	struct rumpuser_cv *cv; /* a message came, or room was made */
	int size, head, count;
	int nonempty, nonfull; /* count > 0, count < size */
	void *msgs[];
};

err_t
sys_mbox_new(sys_mbox_t *mbox, int size)
{
	struct sys_mbox *b;

	if (size <= 0)
		size = 32;
	b = malloc(sizeof(*b) + (size_t)size * sizeof(void *));
	if (b == NULL) {
		*mbox = NULL;
		return ERR_MEM;
	}
	rumpuser_mutex_init(&b->m, 0);
	rumpuser_cv_init(&b->cv);
	b->size = size;
	b->head = b->count = 0;
	b->nonempty = 0;
	b->nonfull = 1;
	*mbox = b;
	return ERR_OK;
}

void
sys_mbox_free(sys_mbox_t *mbox)
{
	struct sys_mbox *b = *mbox;

	if (b->count != 0)
		kern_printf("lwip: mailbox freed with %d messages\n", b->count);
	rumpuser_cv_destroy(b->cv);
	rumpuser_mutex_destroy(b->m);
	free(b);
	*mbox = NULL;
}

static void
mbox_put(struct sys_mbox *b, void *msg)
{
	b->msgs[(b->head + b->count) % b->size] = msg;
	b->count++;
	b->nonempty = 1;
	b->nonfull = b->count < b->size;
	rumpuser_cv_broadcast(b->cv);
}

static void *
mbox_get(struct sys_mbox *b)
{
	void *msg = b->msgs[b->head];

	b->head = (b->head + 1) % b->size;
	b->count--;
	b->nonempty = b->count > 0;
	b->nonfull = 1;
	rumpuser_cv_broadcast(b->cv);
	return msg;
}

void
sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *b = *mbox;

	rumpuser_mutex_enter(b->m);
	wait_until(b->cv, b->m, &b->nonfull, 0);
	mbox_put(b, msg);
	rumpuser_mutex_exit(b->m);
}

err_t
sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *b = *mbox;
	err_t err = ERR_MEM;

	rumpuser_mutex_enter(b->m);
	if (b->nonfull) {
		mbox_put(b, msg);
		err = ERR_OK;
	}
	rumpuser_mutex_exit(b->m);
	return err;
}

err_t
sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	/* Interrupt handlers never run kernel code: this is a thread. */
	return sys_mbox_trypost(mbox, msg);
}

u32_t
sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	struct sys_mbox *b = *mbox;
	u32_t waited;
	void *m;

	rumpuser_mutex_enter(b->m);
	waited = wait_until(b->cv, b->m, &b->nonempty, timeout);
	if (waited != SYS_ARCH_TIMEOUT) {
		m = mbox_get(b);
		if (msg != NULL)
			*msg = m;
	}
	rumpuser_mutex_exit(b->m);
	return waited;
}

u32_t
sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	struct sys_mbox *b = *mbox;
	u32_t rv = SYS_MBOX_EMPTY;
	void *m;

	rumpuser_mutex_enter(b->m);
	if (b->nonempty) {
		m = mbox_get(b);
		if (msg != NULL)
			*msg = m;
		rv = 0;
	}
	rumpuser_mutex_exit(b->m);
	return rv;
}

/* ---- threads: kernel threads of init, in the kernel while they run ---- */

struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *
thread_start(void *p)
{
	struct thread_start s = *(struct thread_start *)p;

	free(p);
	rump_schedule();
	s.fn(s.arg);
	rump_unschedule();
	return NULL;
}

sys_thread_t
sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize,
    int prio)
{
	struct thread_start *s = malloc(sizeof(*s));
	int error;

	(void)stacksize; /* every thread has the hypercall layer's stack */
	if (s == NULL)
		kpanic("lwip: no memory for thread %s", name);
	s->fn = fn;
	s->arg = arg;
	error = rumpuser_thread_create(thread_start, s, name, 0, prio, -1, NULL);
	if (error != 0)
		kpanic("lwip: cannot create thread %s: error %d", name, error);
	return NULL;
}

/* ---- lightweight protection: the virtual CPU, checked ---- */

static struct lwp *prot_owner; /* who is inside a protected region */
static int prot_depth;

sys_prot_t
sys_arch_protect(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL)
		kpanic("lwip: sys_arch_protect outside the kernel");
	if (prot_depth > 0 && prot_owner != l)
		kpanic("lwip: protected region of lwp %p entered by lwp %p",
		    (void *)prot_owner, (void *)l);
	prot_owner = l;
	return prot_depth++;
}

void
sys_arch_unprotect(sys_prot_t pval)
{
	KASSERT(prot_depth == pval + 1 && prot_owner == rumpuser_curlwp());
	prot_depth = pval;
	if (pval == 0)
		prot_owner = NULL;
}
