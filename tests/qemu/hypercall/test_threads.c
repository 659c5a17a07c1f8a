/*
 * Threads at scale, the stack guard page, the allocator's edges.
 */
#include <stdint.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "plat/mem.h"
#include "plat/testcase.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

static int ran;

static void
tiny(void *arg)
{
	(void)arg;
	ran++;
}

static int
batch(int n)
{
	struct thread *t[100];

	for (int i = 0; i < n; i++) {
		t[i] = sched_create("tiny", tiny, NULL, THREAD_MUSTJOIN);
		if (t[i] == NULL)
			return 1;
	}
	for (int i = 0; i < n; i++)
		sched_join(t[i]);
	return 0;
}

TESTCASE(threads_10000)
{
	size_t free0, mem0;
	int n0 = sched_nthreads();

	/* Warm up: the first stacks split 2 MiB pages into page tables for good. */
	TCHECK(batch(100) == 0, "warm-up batch failed");
	free0 = plat_pages_free();
	mem0 = hyp_malloc_inuse();
	ran = 0;
	for (int b = 0; b < 100; b++)
		TCHECK(batch(100) == 0, "batch %d: create failed", b);
	TCHECK(ran == 10000, "%d of 10000 threads ran", ran);
	TCHECK(sched_nthreads() == n0, "%d threads left, was %d",
	    sched_nthreads(), n0);
	TCHECK(plat_pages_free() == free0, "%zu pages free, baseline %zu",
	    plat_pages_free(), free0);
	TCHECK(hyp_malloc_inuse() == mem0, "malloc in use %zu, baseline %zu",
	    hyp_malloc_inuse(), mem0);
	kprintf("threads: 10000 created, run and joined; %zu pages free as "
		"before\n",
	    free0);
	return 0;
}

static volatile int limit = 1 << 30; /* never reached: the guard page stops it */

static int
recurse(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth >= limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

static void
overflow(void *arg)
{
	(void)arg;
	recurse(0);
}

TESTCASE(stack_overflow)
{
	struct thread *t = sched_create("deep-recursion", overflow, NULL,
	    THREAD_MUSTJOIN);

	TCHECK(t != NULL, "create failed");
	sched_join(t);
	return 1; /* the overflow must have stopped the machine */
}

TESTCASE(malloc_alignment_exhaustion)
{
	static const size_t lens[] = { 1, 7, 16, 24, 100, 2048, 2049, 4096,
		5000, 65536 };
	static const int aligns[] = { 0, 8, 16, 64, 256, 4096, 65536 };
	void *ptrs[64], *p;
	size_t free0 = plat_pages_free(), mem0 = hyp_malloc_inuse(), got = 0;
	int n = 0;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < sizeof(aligns) / sizeof(aligns[0]); j++) {
			size_t a = aligns[j] ? (size_t)aligns[j] : sizeof(void *);
			TCHECK(rumpuser_malloc(lens[i], aligns[j], &p) == 0,
			    "malloc(%zu, %d) failed", lens[i], aligns[j]);
			TCHECK(((uintptr_t)p & (a - 1)) == 0,
			    "malloc(%zu, %d) = %p misaligned", lens[i],
			    aligns[j], p);
			for (size_t k = 0; k < lens[i]; k++)
				((volatile char *)p)[k] = (char)k;
			rumpuser_free(p, lens[i]);
		}
	}
	TCHECK(rumpuser_malloc(8, 3, &p) == RUMP_EINVAL, "alignment 3 accepted");

	/* Exhaust with 1 MiB blocks: an error, never a crash. */
	while (n < 64 && rumpuser_malloc(1 << 20, 0, &ptrs[n]) == 0) {
		got += 1 << 20;
		n++;
	}
	TCHECK(n < 64, "64 MiB allocated from a smaller machine?");
	TCHECK(rumpuser_malloc(1 << 20, 0, &p) == RUMP_ENOMEM,
	    "no ENOMEM when exhausted");
	while (n > 0)
		rumpuser_free(ptrs[--n], 1 << 20);
	TCHECK(plat_pages_free() >= free0 - 8,
	    "%zu pages free after, %zu before", plat_pages_free(), free0);
	TCHECK(hyp_malloc_inuse() == mem0, "malloc in use %zu, was %zu",
	    hyp_malloc_inuse(), mem0);
	kprintf("malloc: alignments kept; exhausted after %zu MiB with ENOMEM; "
		"all returned\n",
	    got >> 20);
	return 0;
}

TESTCASE(random_and_params)
{
	uint8_t a[64], b[64];
	size_t n = 0;
	char buf[32];
	int same = 0;

	TCHECK(rumpuser_getrandom(a, sizeof(a), 0, &n) == 0 && n == sizeof(a),
	    "getrandom gave %zu", n);
	TCHECK(rumpuser_getrandom(b, sizeof(b), RUMPUSER_RANDOM_NOWAIT, &n) == 0,
	    "getrandom NOWAIT failed");
	for (size_t i = 0; i < sizeof(a); i++)
		same += a[i] == b[i];
	TCHECK(same < 16, "two random draws share %d of 64 bytes", same);
	TCHECK(rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) == 0 &&
		buf[0] == '1' && buf[1] == '\0',
	    "NCPU '%s'", buf);
	TCHECK(rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf)) == 0,
	    "no hostname");
	TCHECK(rumpuser_getparam("_RUMPUSER_BOGUS", buf, sizeof(buf)) ==
		RUMP_EINVAL,
	    "unknown _ parameter not EINVAL");
	TCHECK(rumpuser_getparam("NOT_GIVEN", buf, sizeof(buf)) == RUMP_ENOENT,
	    "missing parameter not ENOENT");
	TCHECK(rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, 2) == RUMP_ERANGE,
	    "short buffer not ERANGE");
	TCHECK(rumpuser_init(16, NULL) == RUMP_EINVAL, "revision 16 accepted");
	return 0;
}

TESTCASE(hyp_misc)
{
	int fd = -1, type = 0, called = 0;
	uint64_t size = 0;
	size_t got = 9;
	char buf[8];
	struct rumpuser_iovec iov = { buf, sizeof(buf) };

	rumpuser_seterrno(77);
	TCHECK(*(long *)sched_tls(sched_current(), TLS_ERRNO) == 77,
	    "seterrno did not reach the thread's errno slot");
	/* No host files under the image: honest errors, no pretending. */
	TCHECK(rumpuser_open("/etc/passwd", RUMPUSER_OPEN_RDONLY, &fd) ==
		RUMP_ENXIO,
	    "open of a host file did not fail with ENXIO");
	TCHECK(rumpuser_getfileinfo("/x", &size, &type) == RUMP_ENOENT,
	    "getfileinfo");
	TCHECK(rumpuser_iovread(0, &iov, 1, 0, &got) == RUMP_ENXIO, "iovread");
	TCHECK(rumpuser_clock_gettime(7, (int64_t *)&size, (long *)&type) ==
		RUMP_EINVAL,
	    "bad clock accepted");
	TCHECK(rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, -1) == RUMP_EINVAL,
	    "negative sleep accepted");
	(void)called;
	return 0;
}

TESTCASE(hyp_exit)
{
	rumpuser_exit(3);
}
