/*
 * rumpuser(3) mutexes, reader/writer locks and condition variables on
 * pthreads. Blocking calls try first and only give the kernel's virtual CPU
 * back when they must wait; SPIN mutexes and the _nowrap calls never do.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "posix.h"

#define EBUSY_NB     16
#define ETIMEDOUT_NB 60

static void
must(int rv, const char *what)
{
	if (rv != 0)
		posix_fatal("%s failed: error %d", what, rv);
}

static void *
alloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		posix_fatal("out of memory for a lock");
	return p;
}

/* ---- mutexes ---- */

struct rumpuser_mtx {
	pthread_mutex_t pm;
	int flags;
	struct lwp *owner;
};

void
rumpuser_mutex_init(struct rumpuser_mtx **mp, int flags)
{
	struct rumpuser_mtx *m = alloc(sizeof(*m));

	must(pthread_mutex_init(&m->pm, NULL), "pthread_mutex_init");
	m->flags = flags;
	*mp = m;
}

static void
took(struct rumpuser_mtx *m)
{
	if (m->flags & RUMPUSER_MTX_KMUTEX)
		m->owner = rumpuser_curlwp();
}

void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *m)
{
	must(pthread_mutex_lock(&m->pm), "pthread_mutex_lock");
	took(m);
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
	posix_unsched(&nlocks, m);
	rumpuser_mutex_enter_nowrap(m);
	posix_sched(nlocks, m);
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{
	int rv = pthread_mutex_trylock(&m->pm);

	if (rv == EBUSY)
		return EBUSY_NB;
	must(rv, "pthread_mutex_trylock");
	took(m);
	return 0;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
	m->owner = NULL;
	must(pthread_mutex_unlock(&m->pm), "pthread_mutex_unlock");
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{
	must(pthread_mutex_destroy(&m->pm), "pthread_mutex_destroy");
	free(m);
}

void
rumpuser_mutex_owner(struct rumpuser_mtx *m, struct lwp **lp)
{
	*lp = m->owner;
}

/* ---- reader/writer locks ---- */

/* pthread rwlocks cannot upgrade, downgrade or say who holds them. */
struct rumpuser_rw {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int readers;
	bool writing;
	pthread_t writer;
	int writers_waiting;
};

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = alloc(sizeof(*rw));

	must(pthread_mutex_init(&rw->m, NULL), "pthread_mutex_init");
	must(pthread_cond_init(&rw->cv, NULL), "pthread_cond_init");
	*rwp = rw;
}

/* With rw->m held: can lk be taken now? Waiting writers go first. */
static bool
rw_can(struct rumpuser_rw *rw, int lk)
{
	if (lk == RUMPUSER_RW_WRITER)
		return !rw->writing && rw->readers == 0;
	return !rw->writing && rw->writers_waiting == 0;
}

static void
rw_take(struct rumpuser_rw *rw, int lk)
{
	if (lk == RUMPUSER_RW_WRITER) {
		rw->writing = true;
		rw->writer = pthread_self();
	} else {
		rw->readers++;
	}
}

int
rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw)
{
	int rv = EBUSY_NB;

	pthread_mutex_lock(&rw->m);
	if (rw_can(rw, lk)) {
		rw_take(rw, lk);
		rv = 0;
	}
	pthread_mutex_unlock(&rw->m);
	return rv;
}

void
rumpuser_rw_enter(int lk, struct rumpuser_rw *rw)
{
	int nlocks;

	if (rumpuser_rw_tryenter(lk, rw) == 0)
		return;
	posix_unsched(&nlocks, rw);
	pthread_mutex_lock(&rw->m);
	if (lk == RUMPUSER_RW_WRITER)
		rw->writers_waiting++;
	while (!(lk == RUMPUSER_RW_WRITER ? !rw->writing && rw->readers == 0 :
					    rw_can(rw, lk)))
		pthread_cond_wait(&rw->cv, &rw->m);
	if (lk == RUMPUSER_RW_WRITER)
		rw->writers_waiting--;
	rw_take(rw, lk);
	pthread_mutex_unlock(&rw->m);
	posix_sched(nlocks, rw);
}

int
rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	int rv = EBUSY_NB;

	pthread_mutex_lock(&rw->m);
	if (rw->readers == 1 && !rw->writing) {
		rw->readers = 0;
		rw_take(rw, RUMPUSER_RW_WRITER);
		rv = 0;
	}
	pthread_mutex_unlock(&rw->m);
	return rv;
}

void
rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	pthread_mutex_lock(&rw->m);
	rw->writing = false;
	rw->readers = 1;
	pthread_cond_broadcast(&rw->cv);
	pthread_mutex_unlock(&rw->m);
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	pthread_mutex_lock(&rw->m);
	if (rw->writing && pthread_equal(rw->writer, pthread_self()))
		rw->writing = false;
	else if (rw->readers > 0)
		rw->readers--;
	else
		posix_fatal("rwlock %p: exit while not held", (void *)rw);
	pthread_cond_broadcast(&rw->cv);
	pthread_mutex_unlock(&rw->m);
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	pthread_cond_destroy(&rw->cv);
	pthread_mutex_destroy(&rw->m);
	free(rw);
}

void
rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *rv)
{
	pthread_mutex_lock(&rw->m);
	if (lk == RUMPUSER_RW_WRITER)
		*rv = rw->writing && pthread_equal(rw->writer, pthread_self());
	else
		*rv = rw->readers != 0;
	pthread_mutex_unlock(&rw->m);
}

/* ---- condition variables ---- */

struct rumpuser_cv {
	pthread_cond_t pc;
	int nwaiters;
};

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = alloc(sizeof(*cv));
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	must(pthread_cond_init(&cv->pc, &a), "pthread_cond_init");
	pthread_condattr_destroy(&a);
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	must(pthread_cond_destroy(&cv->pc), "pthread_cond_destroy");
	free(cv);
}

/*
 * After the wait the host mutex is held again. A spin kmutex must be taken
 * after the CPU (the kernel's order), so it is dropped and retaken; other
 * mutexes are kept and the CPU taken after them.
 */
static void
cv_reacquire(struct rumpuser_mtx *m, int nlocks)
{
	if ((m->flags & (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) ==
	    (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) {
		pthread_mutex_unlock(&m->pm);
		posix_sched(nlocks, m);
		rumpuser_mutex_enter_nowrap(m);
	} else {
		took(m);
		posix_sched(nlocks, m);
	}
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	int nlocks;

	cv->nwaiters++;
	posix_unsched(&nlocks, m);
	m->owner = NULL;
	must(pthread_cond_wait(&cv->pc, &m->pm), "pthread_cond_wait");
	cv_reacquire(m, nlocks);
	cv->nwaiters--;
}

void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
	cv->nwaiters++;
	m->owner = NULL;
	must(pthread_cond_wait(&cv->pc, &m->pm), "pthread_cond_wait");
	took(m);
	cv->nwaiters--;
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m,
    int64_t sec, int64_t nsec)
{
	struct timespec ts;
	int nlocks, rv;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (sec > 0)
		ts.tv_sec += (time_t)sec;
	if (nsec > 0) {
		ts.tv_sec += (time_t)(nsec / 1000000000);
		ts.tv_nsec += (long)(nsec % 1000000000);
	}
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	cv->nwaiters++;
	posix_unsched(&nlocks, m);
	m->owner = NULL;
	rv = pthread_cond_timedwait(&cv->pc, &m->pm, &ts);
	if (rv != 0 && rv != ETIMEDOUT)
		posix_fatal("pthread_cond_timedwait failed: error %d", rv);
	cv_reacquire(m, nlocks);
	cv->nwaiters--;
	return rv == ETIMEDOUT ? ETIMEDOUT_NB : 0;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->pc);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->pc);
}

void
rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *rv)
{
	*rv = cv->nwaiters;
}
