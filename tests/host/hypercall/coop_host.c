/*
 * Runs the bare-metal scheduler (hypercall/sched.c, switch.S) and locks
 * (hypercall/sync.c, rumpuser_threads.c) natively on the host: a machine
 * layer on mmap and clock_gettime, the allocator on posix_memalign, and the
 * two rumpuser calls left (init, clock_gettime).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "hyp/upcall.h"
#include "rump/rumpuser.h"

#define STACK_SIZE (64 * 1024)

const struct rumpuser_hyperup *rumpuser__hyp;
void (*rumpuser__sp_willblock)(void); /* no rump_sp server here */
size_t coop_stacks_live;
uint64_t coop_idle_calls;

void *
sched_md_stack_alloc(size_t *size)
{
	char *p = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, SCHED_GUARD_SIZE, PROT_NONE) != 0) {
		munmap(p, STACK_SIZE);
		return NULL;
	}
	coop_stacks_live++;
	*size = STACK_SIZE;
	return p;
}

void
sched_md_stack_free(void *block, size_t size)
{
	coop_stacks_live--;
	munmap(block, size);
}

uint64_t
sched_md_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void
sched_md_idle(uint64_t deadline)
{
	uint64_t now = sched_md_now();
	uint64_t wait = deadline > now ? deadline - now : 0;
	struct timespec ts;

	coop_idle_calls++;
	if (wait > 10000000)
		wait = 10000000; /* no interrupts here: re-check often */
	ts.tv_sec = 0;
	ts.tv_nsec = (long)wait;
	nanosleep(&ts, NULL);
}

uint64_t
sched_md_intr_save(void)
{
	return 0;
}

void
sched_md_intr_restore(uint64_t s)
{
	(void)s;
}

void *
hyp_malloc(size_t len, size_t align)
{
	void *p;

	if (align < sizeof(void *))
		align = sizeof(void *);
	return posix_memalign(&p, align, len) == 0 ? p : NULL;
}

void
hyp_free(void *p, size_t len)
{
	(void)len;
	free(p);
}

/* ---- the rumpuser calls the sync cases need, as in hypercall/rumpuser.c ---- */

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION)
		return 22;
	rumpuser__hyp = hyp;
	return 0;
}

int
rumpuser_clock_gettime(int clk, int64_t *sec, long *nsec)
{
	uint64_t t = sched_md_now();

	(void)clk;
	*sec = (int64_t)(t / 1000000000ULL);
	*nsec = (long)(t % 1000000000ULL);
	return 0;
}
