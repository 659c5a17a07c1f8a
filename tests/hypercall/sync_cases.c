/*
 * The synchronisation cases (see sync_cases.h). Compiled once per backend.
 */
#include <stdbool.h>

#include "rump/rumpdefs.h" /* NetBSD's numbers, as rumpuser returns */
#include "sync_cases.h"

struct sync_upcall_counts sync_upcalls;

static void
up_unsched(int nlocks, int *countp, void *interlock)
{
	(void)nlocks;
	(void)interlock;
	/* Atomic: on the POSIX backend host threads call this concurrently. */
	__atomic_fetch_add(&sync_upcalls.unsched, 1, __ATOMIC_RELAXED);
	*countp = 7; /* must come back in up_sched */
}

static void
up_sched(int nlocks, void *interlock)
{
	(void)interlock;
	__atomic_fetch_add(&sync_upcalls.sched, 1, __ATOMIC_RELAXED);
	if (nlocks != 7)
		__atomic_fetch_add(&sync_upcalls.errors, 1, __ATOMIC_RELAXED);
}

static const struct rumpuser_hyperup hyperup = {
	.hyp_backend_unschedule = up_unsched,
	.hyp_backend_schedule = up_sched,
};

int
sync_init(void)
{
	return rumpuser_init(RUMPUSER_VERSION, &hyperup);
}

uint64_t
sync_now_ns(void)
{
	int64_t s;
	long ns;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns);
	return (uint64_t)s * 1000000000ULL + (uint64_t)ns;
}

void
sync_sleep_ms(long ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (ms % 1000) * 1000000);
}

static void *
spawn(void *(*fn)(void *), void *arg, const char *name)
{
	void *cookie = NULL;

	if (rumpuser_thread_create(fn, arg, name, 1, 0, -1, &cookie) != 0)
		return NULL;
	return cookie;
}

/* ---- ping-pong: two threads alternate through a mutex and two cvs ---- */

#define ROUNDS 1000

struct pp {
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	int turn; /* 0: ping's, 1: pong's */
	int count[2];
	int order_errors;
};

static void *
pp_side(struct pp *p, int me)
{
	for (int i = 0; i < ROUNDS; i++) {
		rumpuser_mutex_enter(p->mtx);
		while (p->turn != me)
			rumpuser_cv_wait(p->cv, p->mtx);
		if (p->count[me] != p->count[!me] - me)
			p->order_errors++;
		p->count[me]++;
		p->turn = !me;
		rumpuser_cv_signal(p->cv);
		rumpuser_mutex_exit(p->mtx);
	}
	return NULL;
}

static void *
pp_ping(void *a)
{
	return pp_side(a, 0);
}
static void *
pp_pong(void *a)
{
	return pp_side(a, 1);
}

int
sync_case_pingpong(void)
{
	struct pp p = { 0 };
	void *a, *b;

	rumpuser_mutex_init(&p.mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&p.cv);
	a = spawn(pp_ping, &p, "ping");
	b = spawn(pp_pong, &p, "pong");
	SYNC_CHECK(a != NULL && b != NULL, "thread create failed");
	rumpuser_thread_join(a);
	rumpuser_thread_join(b);
	SYNC_CHECK(p.count[0] == ROUNDS && p.count[1] == ROUNDS, "counts %d/%d",
	    p.count[0], p.count[1]);
	SYNC_CHECK(p.order_errors == 0, "%d turns out of order", p.order_errors);
	rumpuser_cv_destroy(p.cv);
	rumpuser_mutex_destroy(p.mtx);
	SYNC_LOG("pingpong: %d strictly alternating rounds", ROUNDS);
	return 0;
}

/* ---- 100 threads contend on one mutex ---- */

#define NCONTEND 100
#define NITER	 200

struct contend {
	struct rumpuser_mtx *mtx;
	volatile long counter;
	int inside; /* threads inside the critical section */
	int overlap;
};

static void *
contend_thread(void *arg)
{
	struct contend *c = arg;

	for (int i = 0; i < NITER; i++) {
		rumpuser_mutex_enter(c->mtx);
		if (c->inside++ != 0)
			c->overlap++;
		long v = c->counter;
		if (i % 7 == 0)
			sync_sleep_ms(0); /* give others a chance to barge in */
		c->counter = v + 1;
		c->inside--;
		rumpuser_mutex_exit(c->mtx);
		if (i % 3 == 0)
			sync_sleep_ms(0);
	}
	return NULL;
}

int
sync_case_mutex_contention(void)
{
	static void *t[NCONTEND];
	struct contend c = { 0 };
	long unsched0 = sync_upcalls.unsched;

	rumpuser_mutex_init(&c.mtx, 0);
	for (int i = 0; i < NCONTEND; i++) {
		t[i] = spawn(contend_thread, &c, "contender");
		SYNC_CHECK(t[i] != NULL, "thread %d not created", i);
	}
	for (int i = 0; i < NCONTEND; i++)
		rumpuser_thread_join(t[i]);
	SYNC_CHECK(c.counter == (long)NCONTEND * NITER,
	    "counter %ld, expected %ld", c.counter, (long)NCONTEND * NITER);
	SYNC_CHECK(c.overlap == 0, "%d overlapping entries", c.overlap);
	SYNC_CHECK(sync_upcalls.unsched == sync_upcalls.sched,
	    "unschedule %ld vs schedule %ld", sync_upcalls.unsched,
	    sync_upcalls.sched);
	SYNC_CHECK(sync_upcalls.unsched > unsched0,
	    "blocking never released the virtual CPU");
	SYNC_CHECK(sync_upcalls.errors == 0, "nlocks not passed back");
	rumpuser_mutex_destroy(c.mtx);
	SYNC_LOG("mutex: %d threads x %d increments = %ld, %ld CPU releases",
	    NCONTEND, NITER, c.counter, sync_upcalls.unsched - unsched0);
	return 0;
}

static void *
try_from_other(void *arg)
{
	return (void *)(intptr_t)rumpuser_mutex_tryenter(arg);
}

static int try_result;

static void *
try_and_record(void *arg)
{
	try_result = rumpuser_mutex_tryenter(arg);
	if (try_result == 0)
		rumpuser_mutex_exit(arg);
	return NULL;
}

int
sync_case_mutex_kinds(void)
{
	struct rumpuser_mtx *m, *spin;
	struct lwp *owner, *fake = (struct lwp *)(uintptr_t)0x1000;
	long u0;
	void *t;

	(void)try_from_other;
	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, fake);
	SYNC_CHECK(rumpuser_mutex_tryenter(m) == 0, "tryenter of a free mutex");
	rumpuser_mutex_owner(m, &owner);
	SYNC_CHECK(owner == fake, "owner %p, expected the current lwp",
	    (void *)owner);
	t = spawn(try_and_record, m, "tryenter");
	rumpuser_thread_join(t);
	SYNC_CHECK(try_result == RUMP_EBUSY, "tryenter of a held mutex gave %d",
	    try_result);
	rumpuser_mutex_exit(m);
	rumpuser_mutex_owner(m, &owner);
	SYNC_CHECK(owner == NULL, "owner after exit %p", (void *)owner);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, fake);
	rumpuser_mutex_destroy(m);

	/* Spin mutexes and enter_nowrap never release the virtual CPU. */
	u0 = sync_upcalls.unsched;
	rumpuser_mutex_init(&spin, RUMPUSER_MTX_SPIN);
	rumpuser_mutex_enter(spin);
	rumpuser_mutex_exit(spin);
	rumpuser_mutex_enter_nowrap(spin);
	rumpuser_mutex_exit(spin);
	rumpuser_mutex_destroy(spin);
	SYNC_CHECK(sync_upcalls.unsched == u0,
	    "uncontended locking released the CPU");
	return 0;
}

/* ---- rwlock: readers share, writers exclude ---- */

struct rwt {
	struct rumpuser_rw *rw;
	int readers_in, writers_in, max_readers, violations;
	long value;
};

static void *
rw_reader(void *arg)
{
	struct rwt *r = arg;

	/*
	 * Readers hold the lock together: on the POSIX backend they really run
	 * at once, so the bookkeeping is atomic.
	 */
	for (int i = 0; i < 50; i++) {
		rumpuser_rw_enter(RUMPUSER_RW_READER, r->rw);
		int in = __atomic_add_fetch(&r->readers_in, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->writers_in, __ATOMIC_SEQ_CST) != 0)
			__atomic_add_fetch(&r->violations, 1, __ATOMIC_SEQ_CST);
		int max = __atomic_load_n(&r->max_readers, __ATOMIC_SEQ_CST);
		while (in > max &&
		    !__atomic_compare_exchange_n(&r->max_readers, &max, in,
			false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		sync_sleep_ms(0);
		__atomic_sub_fetch(&r->readers_in, 1, __ATOMIC_SEQ_CST);
		rumpuser_rw_exit(r->rw);
	}
	return NULL;
}

static void *
rw_writer(void *arg)
{
	struct rwt *r = arg;
	int held;

	for (int i = 0; i < 50; i++) {
		rumpuser_rw_enter(RUMPUSER_RW_WRITER, r->rw);
		rumpuser_rw_held(RUMPUSER_RW_WRITER, r->rw, &held);
		if (__atomic_fetch_add(&r->writers_in, 1, __ATOMIC_SEQ_CST) != 0 ||
		    __atomic_load_n(&r->readers_in, __ATOMIC_SEQ_CST) != 0 ||
		    !held)
			__atomic_add_fetch(&r->violations, 1, __ATOMIC_SEQ_CST);
		long v = r->value;
		sync_sleep_ms(0);
		r->value = v + 1;
		__atomic_sub_fetch(&r->writers_in, 1, __ATOMIC_SEQ_CST);
		rumpuser_rw_exit(r->rw);
	}
	return NULL;
}

int
sync_case_rwlock(void)
{
	struct rwt r = { 0 };
	void *t[12];
	int held;

	rumpuser_rw_init(&r.rw);
	for (int i = 0; i < 12; i++)
		t[i] = spawn(i % 3 == 0 ? rw_writer : rw_reader, &r, "rw");
	for (int i = 0; i < 12; i++)
		rumpuser_thread_join(t[i]);
	SYNC_CHECK(r.violations == 0, "%d exclusion violations", r.violations);
	SYNC_CHECK(r.value == 4 * 50, "writers counted %ld", r.value);
	SYNC_CHECK(r.max_readers > 1, "readers never overlapped (max %d)",
	    r.max_readers);

	/* upgrade, downgrade, tryenter, held */
	rumpuser_rw_enter(RUMPUSER_RW_READER, r.rw);
	rumpuser_rw_held(RUMPUSER_RW_READER, r.rw, &held);
	SYNC_CHECK(held, "READER not held after enter");
	SYNC_CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, r.rw) == RUMP_EBUSY,
	    "writer tryenter beside a reader succeeded");
	SYNC_CHECK(rumpuser_rw_tryupgrade(r.rw) == 0,
	    "sole reader could not upgrade");
	rumpuser_rw_held(RUMPUSER_RW_WRITER, r.rw, &held);
	SYNC_CHECK(held, "WRITER not held after upgrade");
	SYNC_CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_READER, r.rw) == RUMP_EBUSY,
	    "reader tryenter beside a writer succeeded");
	rumpuser_rw_downgrade(r.rw);
	rumpuser_rw_held(RUMPUSER_RW_WRITER, r.rw, &held);
	SYNC_CHECK(!held, "WRITER held after downgrade");
	SYNC_CHECK(rumpuser_rw_tryenter(RUMPUSER_RW_READER, r.rw) == 0,
	    "second reader refused after downgrade");
	SYNC_CHECK(rumpuser_rw_tryupgrade(r.rw) == RUMP_EBUSY,
	    "upgrade with two readers succeeded");
	rumpuser_rw_exit(r.rw);
	rumpuser_rw_exit(r.rw);
	rumpuser_rw_held(RUMPUSER_RW_READER, r.rw, &held);
	SYNC_CHECK(!held, "READER held after both exits");
	rumpuser_rw_destroy(r.rw);
	SYNC_LOG("rwlock: up to %d readers at once, %ld exclusive writes",
	    r.max_readers, r.value);
	return 0;
}

/* ---- cv timedwait: times out at about the right time; signal beats it ---- */

struct tw {
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	int flag;
};

static void *
tw_signaller(void *arg)
{
	struct tw *w = arg;

	sync_sleep_ms(20);
	rumpuser_mutex_enter(w->mtx);
	w->flag = 1;
	rumpuser_cv_signal(w->cv);
	rumpuser_mutex_exit(w->mtx);
	return NULL;
}

int
sync_case_cv_timedwait(void)
{
	struct tw w = { 0 };
	uint64_t t0, dt;
	int rv, waiters;
	void *t;

	rumpuser_mutex_init(&w.mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&w.cv);
	rumpuser_mutex_enter(w.mtx);
	t0 = sync_now_ns();
	rv = rumpuser_cv_timedwait(w.cv, w.mtx, 0, 30 * 1000000L);
	dt = sync_now_ns() - t0;
	SYNC_CHECK(rv == RUMP_ETIMEDOUT,
	    "timedwait returned %d, expected ETIMEDOUT", rv);
	/*
	 * Never early; late only by what the host's load adds, so the upper
	 * bound only catches a wait that lost its timeout.
	 */
	SYNC_CHECK(dt >= 30 * 1000000ULL && dt < 10000 * 1000000ULL,
	    "30 ms timedwait took %lu us", (unsigned long)(dt / 1000));
	rv = rumpuser_cv_timedwait(w.cv, w.mtx, 0, 0);
	SYNC_CHECK(rv == RUMP_ETIMEDOUT, "zero timedwait returned %d", rv);
	SYNC_LOG("cv: 30 ms timedwait returned ETIMEDOUT after %lu us",
	    (unsigned long)(dt / 1000));

	t = spawn(tw_signaller, &w, "signaller");
	t0 = sync_now_ns();
	while (!w.flag) {
		rv = rumpuser_cv_timedwait(w.cv, w.mtx, 5, 0);
		SYNC_CHECK(rv == 0, "signalled timedwait returned %d", rv);
	}
	dt = sync_now_ns() - t0;
	/* rv == 0 above says the signal beat each 5 s timeout. */
	SYNC_CHECK(dt < 60000 * 1000000ULL, "signal took %lu ms",
	    (unsigned long)(dt / 1000000));
	rumpuser_cv_has_waiters(w.cv, &waiters);
	SYNC_CHECK(waiters == 0, "%d waiters left", waiters);
	rumpuser_mutex_exit(w.mtx);
	rumpuser_thread_join(t);
	rumpuser_cv_destroy(w.cv);
	rumpuser_mutex_destroy(w.mtx);
	return 0;
}

/* ---- broadcast wakes every waiter; has_waiters counts them ---- */

struct bc {
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	int go, woke;
};

static void *
bc_waiter(void *arg)
{
	struct bc *b = arg;

	rumpuser_mutex_enter(b->mtx);
	while (!b->go)
		rumpuser_cv_wait(b->cv, b->mtx);
	b->woke++;
	rumpuser_mutex_exit(b->mtx);
	return NULL;
}

int
sync_case_cv_broadcast(void)
{
	struct bc b = { 0 };
	void *t[10];
	int waiters = 0;

	rumpuser_mutex_init(&b.mtx, 0);
	rumpuser_cv_init(&b.cv);
	for (int i = 0; i < 10; i++)
		t[i] = spawn(bc_waiter, &b, "waiter");
	/* Until all ten wait: a state, however long a loaded host takes. */
	for (uint64_t end = sync_now_ns() + 30000 * 1000000ULL;
	     waiters < 10 && sync_now_ns() < end;) {
		sync_sleep_ms(1);
		rumpuser_mutex_enter(b.mtx);
		rumpuser_cv_has_waiters(b.cv, &waiters);
		rumpuser_mutex_exit(b.mtx);
	}
	SYNC_CHECK(waiters == 10, "has_waiters says %d, expected 10", waiters);
	rumpuser_mutex_enter(b.mtx);
	b.go = 1;
	rumpuser_cv_broadcast(b.cv);
	rumpuser_mutex_exit(b.mtx);
	for (int i = 0; i < 10; i++)
		rumpuser_thread_join(t[i]);
	SYNC_CHECK(b.woke == 10, "%d of 10 woke", b.woke);
	rumpuser_cv_destroy(b.cv);
	rumpuser_mutex_destroy(b.mtx);
	return 0;
}

/* ---- cv_wait_nowrap keeps the virtual CPU ---- */

static void *
nowrap_signaller(void *arg)
{
	struct bc *b = arg;

	rumpuser_mutex_enter_nowrap(b->mtx);
	b->go = 1;
	rumpuser_cv_signal(b->cv);
	rumpuser_mutex_exit(b->mtx);
	return NULL;
}

int
sync_case_cv_nowrap(void)
{
	struct bc b = { 0 };
	long u0, s0;
	void *t;

	rumpuser_mutex_init(&b.mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&b.cv);
	t = spawn(nowrap_signaller, &b, "nowrap");
	u0 = sync_upcalls.unsched;
	s0 = sync_upcalls.sched;
	rumpuser_mutex_enter_nowrap(b.mtx);
	while (!b.go)
		rumpuser_cv_wait_nowrap(b.cv, b.mtx);
	rumpuser_mutex_exit(b.mtx);
	SYNC_CHECK(sync_upcalls.unsched == u0 && sync_upcalls.sched == s0,
	    "cv_wait_nowrap released the virtual CPU");
	rumpuser_thread_join(t);
	rumpuser_cv_destroy(b.cv);
	rumpuser_mutex_destroy(b.mtx);
	return 0;
}

/* ---- join waits for the thread's end ---- */

static void *
slow_worker(void *arg)
{
	sync_sleep_ms(15);
	*(int *)arg = 1;
	return NULL;
}

int
sync_case_join(void)
{
	int done = 0;
	void *t = spawn(slow_worker, &done, "slow");

	SYNC_CHECK(t != NULL, "create failed");
	rumpuser_thread_join(t);
	SYNC_CHECK(done == 1, "join returned before the thread finished");
	return 0;
}

/* ---- sleepers wake in deadline order, not creation order ---- */

/*
 * Five sleepers with deadlines 10 ms apart from one base time, given after
 * all five are started (a loaded host may take any time to start them).
 * The order is the scheduler's to keep only when every sleeper was asleep
 * before the first deadline: a round where one was not (the host kept us
 * from running past it) is run again with a later base.
 */
static struct {
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	int ready;
	uint64_t base; /* 0 until given */
	uint64_t late; /* sleepers that started sleeping past base */
	int log[5], nwoke;
} so;
static const int sleep_ms[5] = { 40, 10, 30, 0, 20 };

static void *
sleeper(void *arg)
{
	int i = (int)(intptr_t)arg;
	uint64_t deadline;

	rumpuser_mutex_enter(so.mtx);
	so.ready++;
	rumpuser_cv_broadcast(so.cv);
	while (so.base == 0)
		rumpuser_cv_wait(so.cv, so.mtx);
	deadline = so.base + (uint64_t)sleep_ms[i] * 1000000ULL;
	rumpuser_mutex_exit(so.mtx);
	if (sync_now_ns() >= so.base) /* as close to the sleep as can be */
		__atomic_fetch_add(&so.late, 1, __ATOMIC_RELAXED);
	rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO,
	    (int64_t)(deadline / 1000000000ULL),
	    (long)(deadline % 1000000000ULL));
	rumpuser_mutex_enter(so.mtx);
	so.log[so.nwoke++] = i;
	rumpuser_mutex_exit(so.mtx);
	return NULL;
}

int
sync_case_sleep_order(void)
{
	static const int expect[5] = { 3, 1, 4, 2, 0 };
	uint64_t margin = 20 * 1000000ULL;
	void *t[5];
	int round;

	rumpuser_mutex_init(&so.mtx, 0);
	rumpuser_cv_init(&so.cv);
	for (round = 0; round < 8; round++, margin *= 2) {
		so.ready = so.nwoke = 0;
		so.base = so.late = 0;
		for (int i = 0; i < 5; i++)
			t[i] = spawn(sleeper, (void *)(intptr_t)i, "sleeper");
		rumpuser_mutex_enter(so.mtx);
		while (so.ready < 5)
			rumpuser_cv_wait(so.cv, so.mtx);
		so.base = sync_now_ns() + margin;
		rumpuser_cv_broadcast(so.cv);
		rumpuser_mutex_exit(so.mtx);
		for (int i = 0; i < 5; i++)
			rumpuser_thread_join(t[i]);
		if (so.late == 0)
			break;
		SYNC_LOG("sleep_order: round %d disturbed by the host, again "
			 "with %lu ms to start",
		    round, (unsigned long)(margin * 2 / 1000000));
	}
	rumpuser_cv_destroy(so.cv);
	rumpuser_mutex_destroy(so.mtx);
	SYNC_CHECK(so.late == 0, "every round had a sleeper start late");
	for (int i = 0; i < 5; i++)
		SYNC_CHECK(so.log[i] == expect[i],
		    "wake %d was sleeper %d "
		    "(%d ms), expected %d",
		    i, so.log[i], sleep_ms[so.log[i]], expect[i]);
	return 0;
}

/* ---- curlwp follows the thread ---- */

static void *
lwp_thread(void *arg)
{
	struct lwp *mine = arg;

	rumpuser_curlwpop(RUMPUSER_LWP_SET, mine);
	for (int i = 0; i < 20; i++) {
		sync_sleep_ms(0);
		if (rumpuser_curlwp() != mine)
			return (void *)1;
	}
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, mine);
	return rumpuser_curlwp() == NULL ? NULL : (void *)1;
}

static int lwp_bad;

static void *
lwp_wrap(void *arg)
{
	if (lwp_thread(arg) != NULL)
		lwp_bad++;
	return NULL;
}

int
sync_case_curlwp(void)
{
	void *t[4];

	SYNC_CHECK(rumpuser_curlwp() == NULL, "main thread has an lwp");
	lwp_bad = 0;
	for (int i = 0; i < 4; i++)
		t[i] = spawn(lwp_wrap, (void *)(uintptr_t)(0x1000 * (i + 1)),
		    "lwp");
	for (int i = 0; i < 4; i++)
		rumpuser_thread_join(t[i]);
	SYNC_CHECK(lwp_bad == 0, "%d threads saw another's curlwp", lwp_bad);
	return 0;
}
