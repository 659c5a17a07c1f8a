/*
 * The cooperative scheduler and its locks, natively on the host (ASan and
 * UBSan): scheduler unit tests, then the shared rumpuser sync cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/sched.h"
#include "hyp/sched_md.h"

static int failed_checks;
extern size_t coop_stacks_live;
extern uint64_t coop_idle_calls;

#define SYNC_LOG(...)                \
	do {                         \
		printf("  ");        \
		printf(__VA_ARGS__); \
		printf("\n");        \
	} while (0)
#define SYNC_CHECK(c, ...)                                              \
	do {                                                            \
		if (!(c)) {                                             \
			printf("  %s:%d: check failed: %s: ", __FILE__, \
			    __LINE__, #c);                              \
			printf(__VA_ARGS__);                            \
			printf("\n");                                   \
			failed_checks++;                                \
			return 1;                                       \
		}                                                       \
	} while (0)

#include "sync_cases.c" /* tests/hypercall/ */

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("panic: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	abort();
}

/* ---- scheduler unit tests ---- */

static char order[64];
static int norder;

static void
record(void *arg)
{
	const char *tag = arg;

	for (int i = 0; i < 3; i++) {
		order[norder++] = tag[0];
		sched_relinquish();
	}
}

static int
test_yield_round_robin(void)
{
	struct thread *a = sched_create("a", record, "a", THREAD_MUSTJOIN);
	struct thread *b = sched_create("b", record, "b", THREAD_MUSTJOIN);
	struct thread *c = sched_create("c", record, "c", THREAD_MUSTJOIN);

	norder = 0;
	sched_join(a);
	sched_join(b);
	sched_join(c);
	order[norder] = '\0';
	SYNC_CHECK(strcmp(order, "abcabcabc") == 0, "order %s", order);
	SYNC_CHECK(sched_nthreads() == 1, "%d threads left", sched_nthreads());
	return 0;
}

static struct thread *blocked;
static int block_result = -1;

static void
blocker(void *arg)
{
	uint64_t deadline = *(uint64_t *)arg;

	blocked = sched_current();
	block_result = sched_block(deadline);
}

static int
test_block_wake_and_timeout(void)
{
	uint64_t none = 0, soon = sched_md_now() + 5000000;
	struct thread *t = sched_create("blocker", blocker, &none,
	    THREAD_MUSTJOIN);

	sched_relinquish(); /* let it block */
	SYNC_CHECK(blocked == t, "thread did not run");
	sched_wake(t);
	sched_wake(t); /* a second wake is harmless */
	sched_join(t);
	SYNC_CHECK(block_result == SCHED_WOKEN, "result %d", block_result);

	uint64_t t0 = sched_md_now();
	t = sched_create("timeout", blocker, &soon, THREAD_MUSTJOIN);
	sched_join(t);
	SYNC_CHECK(block_result == SCHED_TIMEDOUT, "result %d", block_result);
	SYNC_CHECK(sched_md_now() - t0 >= 4000000, "timed out early");
	return 0;
}

static int detached_ran;

static void
detached(void *arg)
{
	(void)arg;
	detached_ran++;
}

static int
test_detached_threads_are_reaped(void)
{
	size_t live0 = coop_stacks_live;

	for (int i = 0; i < 1000; i++)
		SYNC_CHECK(sched_create("d", detached, NULL, 0) != NULL,
		    "create %d", i);
	while (detached_ran < 1000)
		sched_relinquish();
	sched_relinquish(); /* the last one's stack goes on the next switch */
	SYNC_CHECK(coop_stacks_live == live0, "%zu stacks live, was %zu",
	    coop_stacks_live, live0);
	SYNC_CHECK(sched_nthreads() == 1, "%d threads", sched_nthreads());
	return 0;
}

static int
test_idle_sleeps_until_deadline(void)
{
	uint64_t idle0 = coop_idle_calls, t0 = sched_md_now();

	sched_sleep_until(t0 + 20000000);
	SYNC_CHECK(sched_md_now() - t0 >= 20000000, "woke early");
	/* The idle loop sleeps toward the deadline: a few calls, not a spin. */
	SYNC_CHECK(coop_idle_calls - idle0 <= 5, "%lu idle calls for 20 ms",
	    (unsigned long)(coop_idle_calls - idle0));
	return 0;
}

struct tc {
	const char *name;
	int (*fn)(void);
};

static const struct tc cases[] = {
	{ "sched_yield_round_robin", test_yield_round_robin },
	{ "sched_block_wake_and_timeout", test_block_wake_and_timeout },
	{ "sched_detached_threads_are_reaped", test_detached_threads_are_reaped },
	{ "sched_idle_sleeps_until_deadline", test_idle_sleeps_until_deadline },
	{ "coop_sync_pingpong", sync_case_pingpong },
	{ "coop_sync_mutex_contention", sync_case_mutex_contention },
	{ "coop_sync_mutex_kinds", sync_case_mutex_kinds },
	{ "coop_sync_rwlock", sync_case_rwlock },
	{ "coop_sync_cv_timedwait", sync_case_cv_timedwait },
	{ "coop_sync_cv_broadcast", sync_case_cv_broadcast },
	{ "coop_sync_cv_nowrap", sync_case_cv_nowrap },
	{ "coop_sync_join", sync_case_join },
	{ "coop_sync_sleep_order", sync_case_sleep_order },
	{ "coop_sync_curlwp", sync_case_curlwp },
};

int
main(void)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	sched_init();
	if (sync_init() != 0) {
		printf("rumpuser_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = cases[i].fn();
		printf("%s %s\n", rc == 0 ? "PASS" : "FAIL", cases[i].name);
		if (rc == 0)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
