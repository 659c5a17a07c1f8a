/*
 * Kernel benchmarks on the host build (bench/kernel/cases.c) and their host
 * baselines in the same run: the getpid system call, fork+exit+wait,
 * open+write 4 KiB+close and a 16 MiB read on the host's /dev/shm.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void
baselines(void)
{
	const char *f = "/dev/shm/rumpimg-bench";
	uint64_t t0 = bench_ns();
	int fd;

	if (kbench_buf_init() != 0)
		abort();
	for (int i = 0; i < K_GETPID; i++)
		syscall(SYS_getpid); /* the real system call, no caching */
	BENCH_OUT("host_getpid_ns", bench_ns() - t0, K_GETPID, "ns");

	t0 = bench_ns();
	for (int i = 0; i < 500; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	BENCH_OUT("host_fork_exit_wait_ns", bench_ns() - t0, 500, "ns");

	t0 = bench_ns();
	for (int i = 0; i < K_FILES; i++) {
		fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (write(fd, kbench_buf, 4096) != 4096)
			abort();
		close(fd);
	}
	BENCH_OUT("host_open_write4k_close_ns", bench_ns() - t0, K_FILES, "ns");

	fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < K_BIG / K_CHUNK; i++)
		if (write(fd, kbench_buf, K_CHUNK) != K_CHUNK)
			abort();
	lseek(fd, 0, SEEK_SET);
	t0 = bench_ns();
	while (read(fd, kbench_buf, K_CHUNK) > 0)
		;
	BENCH_OUT("host_read16m_mbps", (uint64_t)K_BIG * 1000, bench_ns() - t0,
	    "MB/s");
	close(fd);
	unlink(f);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "baseline") == 0)
		baselines();
	else
		bench_kernel_all();
	return 0;
}
