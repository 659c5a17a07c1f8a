/*
 * The scheduler micro-benchmarks inside the image (bench/sched/cases.c),
 * run by `make bench` with test=bench_sched.
 */
#include "plat/clock.h"
#include "plat/cpu.h"
#include "plat/testcase.h"

#define bench_cycles() rdtsc()
#define BENCH_OUT(name, total, count, unit)                                 \
	do {                                                                \
		uint64_t x100_ = (uint64_t)(total)*100 / (uint64_t)(count); \
		kprintf("bench %s %lu.%02lu %s\n", name,                    \
		    (unsigned long)(x100_ / 100),                           \
		    (unsigned long)(x100_ % 100), unit);                    \
	} while (0)

#include "../../../bench/sched/cases.c"

TESTCASE(bench_sched)
{
	bench_sched_all();
	return 0;
}
