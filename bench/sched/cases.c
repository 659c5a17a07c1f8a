/*
 * Scheduler micro-benchmarks, written once and run both inside the image and
 * natively on the host over the same sched.c/sync.c/switch.S. The includer
 * defines BENCH_OUT(name, total, count, unit), printing total/count with two
 * decimals in integer arithmetic (the image's tests are built without SSE),
 * and bench_cycles() (the TSC).
 * Each prints "bench NAME VALUE UNIT" lines that bench/run.py reads.
 */
#include <stdint.h>

#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "rump/rumpuser.h"

#define SWITCH_ROUNDS	200000
#define CREATE_ROUNDS	2000
#define MUTEX_ROUNDS	1000000
#define PINGPONG_ROUNDS 50000

static volatile int bench_stop;

static void
yielder(void *arg)
{
	(void)arg;
	while (!bench_stop)
		sched_relinquish();
}

static void
bench_switch(void)
{
	struct thread *t;
	uint64_t c0, n0, ns0, cycles, ns;

	bench_stop = 0;
	t = sched_create("yielder", yielder, NULL, THREAD_MUSTJOIN);
	sched_relinquish();
	n0 = sched_switches();
	c0 = bench_cycles();
	ns0 = sched_md_now();
	for (int i = 0; i < SWITCH_ROUNDS; i++)
		sched_relinquish();
	cycles = bench_cycles() - c0;
	ns = sched_md_now() - ns0;
	uint64_t switches = sched_switches() - n0;
	bench_stop = 1;
	sched_join(t);
	BENCH_OUT("switch_cycles", cycles, switches, "cycles");
	BENCH_OUT("switch_ns", ns, switches, "ns");
}

static void
nothing(void *arg)
{
	(void)arg;
}

static void
bench_create_join(void)
{
	uint64_t ns0 = sched_md_now();

	for (int i = 0; i < CREATE_ROUNDS; i++)
		sched_join(sched_create("t", nothing, NULL, THREAD_MUSTJOIN));
	BENCH_OUT("create_join_ns", sched_md_now() - ns0, CREATE_ROUNDS, "ns");
}

static void
bench_mutex(void)
{
	struct rumpuser_mtx *m;
	uint64_t ns0;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	ns0 = sched_md_now();
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		rumpuser_mutex_enter(m);
		rumpuser_mutex_exit(m);
	}
	BENCH_OUT("mutex_enter_exit_ns", sched_md_now() - ns0, MUTEX_ROUNDS,
	    "ns");
	rumpuser_mutex_destroy(m);
}

struct pp {
	struct rumpuser_mtx *m;
	struct rumpuser_cv *cv;
	int turn;
};

static void *
ponger(void *arg)
{
	struct pp *p = arg;

	rumpuser_mutex_enter(p->m);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		while (p->turn != 1)
			rumpuser_cv_wait(p->cv, p->m);
		p->turn = 0;
		rumpuser_cv_signal(p->cv);
	}
	rumpuser_mutex_exit(p->m);
	return NULL;
}

static void
bench_cv_pingpong(void)
{
	struct pp p = { 0 };
	void *t;
	uint64_t ns0;

	rumpuser_mutex_init(&p.m, 0);
	rumpuser_cv_init(&p.cv);
	rumpuser_thread_create(ponger, &p, "ponger", 1, 0, -1, &t);
	ns0 = sched_md_now();
	rumpuser_mutex_enter(p.m);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		p.turn = 1;
		rumpuser_cv_signal(p.cv);
		while (p.turn != 0)
			rumpuser_cv_wait(p.cv, p.m);
	}
	rumpuser_mutex_exit(p.m);
	/* One round trip is two hand-overs. */
	BENCH_OUT("cv_pingpong_ns", sched_md_now() - ns0, 2 * PINGPONG_ROUNDS,
	    "ns per hand-over");
	rumpuser_thread_join(t);
	rumpuser_cv_destroy(p.cv);
	rumpuser_mutex_destroy(p.m);
}

static void
bench_sched_all(void)
{
	bench_switch();
	bench_create_join();
	bench_mutex();
	bench_cv_pingpong();
}
