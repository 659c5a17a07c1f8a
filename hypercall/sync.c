/*
 * rumpuser(3) mutexes, reader/writer locks and condition variables over the
 * cooperative scheduler.
 *
 * A call that may block first tries without blocking; only when it must wait
 * does it give the kernel's virtual CPU back (hyp_unsched) and take it again
 * afterwards (hyp_sched). The _nowrap variants and spin mutexes never give
 * the CPU back. Mutexes are handed over in FIFO order: exit passes ownership
 * to the first waiter, so 100 contenders all get their turn.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "hyp/upcall.h"
#include "plat/panic.h"
#include "rump/rumpdefs.h"

/* A waiting thread, linked from the lock or cv it waits on; lives on its stack. */
struct waiter {
	struct thread *t;
	struct waiter *next;
	bool woken;
};

struct waitq {
	struct waiter *first;
	struct waiter **lastp;
};

static void
wq_init(struct waitq *q)
{
	q->first = NULL;
	q->lastp = &q->first;
}

static void
wq_push(struct waitq *q, struct waiter *w)
{
	w->next = NULL;
	w->woken = false;
	*q->lastp = w;
	q->lastp = &w->next;
}

static struct waiter *
wq_pop(struct waitq *q)
{
	struct waiter *w = q->first;

	if (w != NULL) {
		q->first = w->next;
		if (q->first == NULL)
			q->lastp = &q->first;
	}
	return w;
}

static void
wq_remove(struct waitq *q, struct waiter *w)
{
	struct waiter **pp;

	for (pp = &q->first; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			if (*pp == NULL)
				q->lastp = pp;
			return;
		}
	}
}

/* Blocks until w is woken, or the deadline passes; true when woken. */
static bool
wait_on(struct waitq *q, struct waiter *w, uint64_t deadline)
{
	w->t = sched_current();
	wq_push(q, w);
	while (!w->woken) {
		if (sched_block(deadline) == SCHED_TIMEDOUT && !w->woken) {
			wq_remove(q, w);
			return false;
		}
	}
	return true;
}

static void
wake_one(struct waitq *q)
{
	struct waiter *w = wq_pop(q);

	if (w != NULL) {
		w->woken = true;
		sched_wake(w->t);
	}
}

static void
wake_all(struct waitq *q)
{
	while (q->first != NULL)
		wake_one(q);
}

/* ---- mutexes ---- */

struct rumpuser_mtx {
	int flags;
	struct thread *holder;
	struct lwp *owner; /* KMUTEX: the holder's lwp */
	struct waitq waiters;
};

void
rumpuser_mutex_init(struct rumpuser_mtx **mp, int flags)
{
	struct rumpuser_mtx *m = hyp_malloc(sizeof(*m), 0);

	if (m == NULL)
		panic("rumpuser_mutex_init: out of memory");
	m->flags = flags;
	m->holder = NULL;
	m->owner = NULL;
	wq_init(&m->waiters);
	*mp = m;
}

static void
mutex_took(struct rumpuser_mtx *m)
{
	if (m->flags & RUMPUSER_MTX_KMUTEX)
		m->owner = rumpuser_curlwp();
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{
	if (m->holder != NULL)
		return RUMP_EBUSY;
	m->holder = sched_current();
	mutex_took(m);
	return 0;
}

void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *m)
{
	struct waiter w;

	if (rumpuser_mutex_tryenter(m) == 0)
		return;
	if (m->holder == sched_current())
		panic("mutex %p: thread %s enters it twice", (void *)m,
		    sched_name(sched_current()));
	wait_on(&m->waiters, &w, 0);
	/* mutex_exit handed the mutex to us. */
	KASSERT(m->holder == sched_current());
	mutex_took(m);
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *m)
{
	int nlocks;

	if (m->flags & RUMPUSER_MTX_SPIN) {
		rumpuser_mutex_enter_nowrap(m);
		return;
	}
	if (rumpuser_mutex_tryenter(m) == 0)
		return;
	hyp_unsched(&nlocks, m);
	rumpuser_mutex_enter_nowrap(m);
	hyp_sched(nlocks, m);
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
	struct waiter *w;

	if (m->holder != sched_current())
		panic("mutex %p: exit by %s, which does not hold it", (void *)m,
		    sched_name(sched_current()));
	m->owner = NULL;
	w = wq_pop(&m->waiters);
	if (w == NULL) {
		m->holder = NULL;
		return;
	}
	m->holder = w->t;
	w->woken = true;
	sched_wake(w->t);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{
	if (m->holder != NULL || m->waiters.first != NULL)
		panic("mutex %p destroyed while held or waited for", (void *)m);
	hyp_free(m, sizeof(*m));
}

void
rumpuser_mutex_owner(struct rumpuser_mtx *m, struct lwp **lp)
{
	*lp = m->owner;
}

/* ---- reader/writer locks ---- */

struct rumpuser_rw {
	int readers;
	struct thread *writer;
	int writers_waiting;
	struct waitq waiters; /* readers and writers; each re-checks */
};

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = hyp_malloc(sizeof(*rw), 0);

	if (rw == NULL)
		panic("rumpuser_rw_init: out of memory");
	rw->readers = 0;
	rw->writer = NULL;
	rw->writers_waiting = 0;
	wq_init(&rw->waiters);
	*rwp = rw;
}

int
rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw)
{
	if (lk == RUMPUSER_RW_WRITER) {
		if (rw->writer != NULL || rw->readers != 0)
			return RUMP_EBUSY;
		rw->writer = sched_current();
		return 0;
	}
	/* Waiting writers go first, so that readers cannot starve them. */
	if (rw->writer != NULL || rw->writers_waiting != 0)
		return RUMP_EBUSY;
	rw->readers++;
	return 0;
}

void
rumpuser_rw_enter(int lk, struct rumpuser_rw *rw)
{
	struct waiter w;
	int nlocks;

	if (rumpuser_rw_tryenter(lk, rw) == 0)
		return;
	if (rw->writer == sched_current())
		panic("rwlock %p: thread %s enters it while writing",
		    (void *)rw, sched_name(sched_current()));
	hyp_unsched(&nlocks, rw);
	if (lk == RUMPUSER_RW_WRITER)
		rw->writers_waiting++;
	for (;;) {
		if (lk == RUMPUSER_RW_WRITER) {
			if (rw->writer == NULL && rw->readers == 0) {
				rw->writer = sched_current();
				rw->writers_waiting--;
				break;
			}
		} else if (rumpuser_rw_tryenter(lk, rw) == 0) {
			break;
		}
		wait_on(&rw->waiters, &w, 0);
	}
	hyp_sched(nlocks, rw);
}

int
rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	if (rw->readers != 1 || rw->writer != NULL)
		return RUMP_EBUSY;
	rw->readers = 0;
	rw->writer = sched_current();
	return 0;
}

void
rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	KASSERT(rw->writer == sched_current());
	rw->writer = NULL;
	rw->readers = 1;
	wake_all(&rw->waiters);
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	if (rw->writer != NULL) {
		if (rw->writer != sched_current())
			panic("rwlock %p: exit by %s, not the writer",
			    (void *)rw, sched_name(sched_current()));
		rw->writer = NULL;
	} else {
		if (rw->readers <= 0)
			panic("rwlock %p: exit while not held", (void *)rw);
		rw->readers--;
	}
	wake_all(&rw->waiters);
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	if (rw->writer != NULL || rw->readers != 0 || rw->waiters.first != NULL)
		panic("rwlock %p destroyed while held or waited for", (void *)rw);
	hyp_free(rw, sizeof(*rw));
}

void
rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *rv)
{
	if (lk == RUMPUSER_RW_WRITER)
		*rv = rw->writer == sched_current();
	else
		*rv = rw->readers != 0;
}

/* ---- condition variables ---- */

struct rumpuser_cv {
	struct waitq waiters;
	int nwaiters;
};

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = hyp_malloc(sizeof(*cv), 0);

	if (cv == NULL)
		panic("rumpuser_cv_init: out of memory");
	wq_init(&cv->waiters);
	cv->nwaiters = 0;
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	if (cv->nwaiters != 0)
		panic("cv %p destroyed with %d waiters", (void *)cv,
		    cv->nwaiters);
	hyp_free(cv, sizeof(*cv));
}

/*
 * Takes the mutex and the CPU back after a wait. A spin kmutex is taken after
 * the CPU (the order the kernel takes them in); other mutexes before it.
 */
static void
cv_reacquire(struct rumpuser_mtx *m, int nlocks)
{
	if ((m->flags & (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) ==
	    (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) {
		hyp_sched(nlocks, m);
		rumpuser_mutex_enter_nowrap(m);
	} else {
		rumpuser_mutex_enter_nowrap(m);
		hyp_sched(nlocks, m);
	}
}

static bool
cv_block(struct rumpuser_cv *cv, struct rumpuser_mtx *m, uint64_t deadline,
    bool wrap)
{
	struct waiter w;
	int nlocks = 0;
	bool woken;

	cv->nwaiters++;
	if (wrap)
		hyp_unsched(&nlocks, m);
	w.t = sched_current();
	rumpuser_mutex_exit(m);
	woken = wait_on(&cv->waiters, &w, deadline);
	if (wrap)
		cv_reacquire(m, nlocks);
	else
		rumpuser_mutex_enter_nowrap(m);
	cv->nwaiters--;
	return woken;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	cv_block(cv, m, 0, true);
}

void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	cv_block(cv, m, 0, false);
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    int64_t sec, int64_t nsec)
{
	uint64_t now = sched_md_now(), deadline = now;

	if (sec > 0 || nsec > 0)
		deadline += (uint64_t)(sec > 0 ? sec : 0) * 1000000000ULL +
		    (uint64_t)(nsec > 0 ? nsec : 0);
	if (deadline < now)
		deadline = UINT64_MAX; /* overflow: as good as forever */
	if (deadline == 0)
		deadline = 1; /* 0 would mean "no deadline" */
	return cv_block(cv, m, deadline, true) ? 0 : RUMP_ETIMEDOUT;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	wake_one(&cv->waiters);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	wake_all(&cv->waiters);
}

void
rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *rv)
{
	*rv = cv->nwaiters;
}
