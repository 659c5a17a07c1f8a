/*
 * The kernel benchmarks inside the image (bench/kernel/cases.c), run by
 * `make bench` with test=bench_kernel.
 */
#include <stdio.h>

#include "plat/clock.h"
#include "plat/testcase.h"

static uint64_t
bench_ns(void)
{
	return plat_clock_monotonic();
}

#define BENCH_OUT(name, total, count, unit)                                 \
	do {                                                                \
		uint64_t x100_ = (uint64_t)(total)*100 / (uint64_t)(count); \
		kprintf("bench %s %lu.%02lu %s\n", name,                    \
		    (unsigned long)(x100_ / 100),                           \
		    (unsigned long)(x100_ % 100), unit);                    \
	} while (0)

#include "../../../bench/kernel/cases.c"

TESTCASE(bench_kernel)
{
	bench_kernel_all();
	/* So that bench/run.py can give the figures in guest cycles too. */
	kprintf("bench tsc_mhz %lu MHz\n",
	    (unsigned long)(plat_tsc_hz() / 1000000));
	return 0;
}
