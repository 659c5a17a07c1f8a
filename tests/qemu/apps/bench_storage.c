/*
 * The storage benchmarks inside the image (bench/storage/cases.c), run by
 * `make bench` (bench/storage.py) with test=bench_storage and two disks:
 * ld0 an ext2 made by mke2fs, ld1 a raw disk of at least 64 MiB. Three
 * rounds of raw write and read on /dev/rld1 beside a 64 MiB file written
 * and read on ext2, then 10,000 files in one directory.
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

#include "../../../bench/storage/cases.c"

#define ROUNDS 3

TESTCASE(bench_storage)
{
	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_sys_mkdir("/data", 0755) == 0, "mkdir");
	for (int r = 0; r < ROUNDS; r++) {
		TCHECK(sbench_raw("/dev/rld1") == 0, "raw round %d", r);
		TCHECK(sbench_fs("/dev/ld0", "/data", "/data/big") == 0,
		    "file system round %d", r);
	}
	TCHECK(sbench_files("/dev/ld0", "/data", "/data/flat") == 0, "files");
	return 0;
}
