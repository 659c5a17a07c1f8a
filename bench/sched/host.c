/*
 * The same scheduler micro-benchmarks natively on the host (bench/sched/
 * cases.c over tests/host/hypercall/coop_host.c), and the baseline: a pthread
 * mutex+cv ping-pong between two host threads. bench/run.py runs this under
 * `taskset -c 0` so that both sides share one CPU (a cross-CPU wake-up on
 * these VMs costs ~20 us and would dominate).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define bench_cycles() __rdtsc()
#define BENCH_OUT(name, total, count, unit)                                   \
	printf("bench %s %.2f %s\n", name, (double)(total) / (double)(count), \
	    unit)

#include "cases.c"

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int pturn;

static void *
pthread_ponger(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pm);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		while (pturn != 1)
			pthread_cond_wait(&pc, &pm);
		pturn = 0;
		pthread_cond_signal(&pc);
	}
	pthread_mutex_unlock(&pm);
	return NULL;
}

static void
bench_pthread_pingpong(void)
{
	pthread_t t;
	uint64_t t0;

	pthread_create(&t, NULL, pthread_ponger, NULL);
	t0 = now_ns();
	pthread_mutex_lock(&pm);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		pturn = 1;
		pthread_cond_signal(&pc);
		while (pturn != 0)
			pthread_cond_wait(&pc, &pm);
	}
	pthread_mutex_unlock(&pm);
	BENCH_OUT("pthread_pingpong_ns", now_ns() - t0, 2 * PINGPONG_ROUNDS,
	    "ns per hand-over");
	pthread_join(t, NULL);
}

static void *
pthread_nothing(void *arg)
{
	return arg;
}

static void
bench_pthread_create_join(void)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < CREATE_ROUNDS; i++) {
		pthread_t t;
		pthread_create(&t, NULL, pthread_nothing, NULL);
		pthread_join(t, NULL);
	}
	BENCH_OUT("pthread_create_join_ns", now_ns() - t0, CREATE_ROUNDS, "ns");
}

static void
bench_pthread_mutex(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t0 = now_ns();

	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	BENCH_OUT("pthread_mutex_ns", now_ns() - t0, MUTEX_ROUNDS, "ns");
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc > 1 && strcmp(argv[1], "pthread") == 0) {
		bench_pthread_pingpong();
		bench_pthread_create_join();
		bench_pthread_mutex();
		return 0;
	}
	sched_init();
	rc = rumpuser_init(RUMPUSER_VERSION, NULL);
	if (rc != 0)
		return 1;
	bench_sched_all();
	return 0;
}
