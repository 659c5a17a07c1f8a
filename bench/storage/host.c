/*
 * The storage benchmarks on the host build (bench/storage/cases.c): the
 * image file IMAGE (an ext2 made by mke2fs) attached as /dev/ld0 with
 * rump_etfs(3). bench/storage.py runs it beside dd on the same file.
 *
 * usage: storage IMAGE raw|fs|files [ROUNDS]   (raw: /dev/rld0's first 64 MiB)
 *
 * ROUNDS (default 1) runs of raw or fs in the one process: the first
 * pays for the cache's memory coming in fresh from the host (page
 * faults), the later ones find it in the process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t
bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#define BENCH_OUT(name, total, count, unit)                                   \
	printf("bench %s %.2f %s\n", name, (double)(total) / (double)(count), \
	    unit)

#include "cases.c"

int
main(int argc, char **argv)
{
	int err = 0, rounds = argc == 4 ? atoi(argv[3]) : 1;

	if (argc < 3 || argc > 4 || rounds < 1 ||
	    (strcmp(argv[2], "fs") != 0 && strcmp(argv[2], "files") != 0 &&
		strcmp(argv[2], "raw") != 0)) {
		fprintf(stderr, "usage: storage IMAGE raw|fs|files [ROUNDS]\n");
		return 2;
	}
	if (rump_init() != 0 ||
	    rump_pub_etfs_register("/dev/ld0", argv[1], RUMP_ETFS_BLK) != 0 ||
	    rump_sys_mkdir("/data", 0755) != 0) {
		fprintf(stderr, "storage: cannot attach %s\n", argv[1]);
		return 1;
	}
	for (int r = 0; r < rounds && err == 0; r++)
		err = strcmp(argv[2], "raw") == 0 ?
		    sbench_raw("/dev/rld0") :
		    strcmp(argv[2], "fs") == 0 ?
		    sbench_fs("/dev/ld0", "/data", "/data/big") :
		    sbench_files("/dev/ld0", "/data", "/data/flat");
	if (err != 0) {
		fprintf(stderr, "storage: %s failed\n", argv[2]);
		return 1;
	}
	return 0;
}
