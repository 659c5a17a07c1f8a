/*
 * Kernel benchmarks, written once for the host build and the image. The
 * includer defines BENCH_OUT(name, total, count, unit) and bench_ns().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define K_SWITCH    20000
#define K_GETPID    200000
#define K_RFORK	    5000
#define K_FILES	    5000
#define K_BIG	    (16 << 20)
#define K_CHUNK	    (64 << 10)
#define K_DIR	    30000 /* files in one directory */
#define K_DIRSAMPLE 1000  /* creates timed at each end */

/*
 * The transfer buffer, on the heap: in the image's bss it would cost the
 * test image 64 KiB of the memory the -m 2M cases run in.
 */
static char *kbench_buf;

/* Makes kbench_buf once: 0, or -1 without memory (the benchmark stops). */
static int
kbench_buf_init(void)
{
	if (kbench_buf == NULL)
		kbench_buf = calloc(1, K_CHUNK);
	return kbench_buf == NULL ? -1 : 0;
}

static void
dir_name(char *buf, int i)
{
	/* "/tmp/dir/f" and five digits, without stdio in the image's case. */
	memcpy(buf, "/tmp/dir/f", 10);
	for (int k = 14; k >= 10; k--, i /= 10)
		buf[k] = (char)('0' + i % 10);
	buf[15] = '\0';
}

/*
 * Creating a file in a directory of n: the first K_DIRSAMPLE creates and
 * the last K_DIRSAMPLE of K_DIR (flat when lookup and insert are).
 */
static void
bench_dir_scaling(void)
{
	char path[16];
	uint64_t t0 = 0;
	int fd;

	rump_sys_mkdir("/tmp/dir", 0755);
	for (int i = 0; i < K_DIR; i++) {
		dir_name(path, i);
		if (i == 0 || i == K_DIR - K_DIRSAMPLE)
			t0 = bench_ns();
		fd = rump_sys_open(path,
		    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0644);
		rump_sys_close(fd);
		if (i == K_DIRSAMPLE - 1)
			BENCH_OUT("dir_create_first_ns", bench_ns() - t0,
			    K_DIRSAMPLE, "ns");
		if (i == K_DIR - 1)
			BENCH_OUT("dir_create_30000th_ns", bench_ns() - t0,
			    K_DIRSAMPLE, "ns");
	}
	for (int i = 0; i < K_DIR; i++) {
		dir_name(path, i);
		rump_sys_unlink(path);
	}
	rump_sys_rmdir("/tmp/dir");
}

static void
bench_kernel_all(void)
{
	struct lwp *a, *b;
	uint64_t t0;
	int fd;

	if (kbench_buf_init() != 0)
		return;
	rump_init();

	/* getpid from an implicit context (no lwp bound): pid 1 each time. */
	t0 = bench_ns();
	for (int i = 0; i < K_GETPID; i++)
		rump_sys_getpid();
	BENCH_OUT("getpid_implicit_ns", bench_ns() - t0, K_GETPID, "ns");

	rump_pub_lwproc_rfork(RUMP_RFFDG);
	a = rump_pub_lwproc_curlwp();
	t0 = bench_ns();
	for (int i = 0; i < K_GETPID; i++)
		rump_sys_getpid();
	BENCH_OUT("getpid_bound_ns", bench_ns() - t0, K_GETPID, "ns");

	rump_pub_lwproc_rfork(RUMP_RFFDG);
	b = rump_pub_lwproc_curlwp();
	t0 = bench_ns();
	for (int i = 0; i < K_SWITCH; i++) {
		rump_pub_lwproc_switch(a);
		rump_pub_lwproc_switch(b);
	}
	BENCH_OUT("lwproc_switch_ns", bench_ns() - t0, 2 * K_SWITCH, "ns");

	t0 = bench_ns();
	for (int i = 0; i < K_RFORK; i++) {
		rump_pub_lwproc_rfork(RUMP_RFFDG);
		rump_pub_lwproc_releaselwp();
		rump_pub_lwproc_switch(b);
	}
	BENCH_OUT("rfork_release_ns", bench_ns() - t0, K_RFORK, "ns");

	t0 = bench_ns();
	for (int i = 0; i < K_FILES; i++) {
		fd = rump_sys_open("/tmp/bench",
		    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
		rump_sys_write(fd, kbench_buf, 4096);
		rump_sys_close(fd);
	}
	BENCH_OUT("open_write4k_close_ns", bench_ns() - t0, K_FILES, "ns");

	fd = rump_sys_open("/tmp/big",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	for (int i = 0; i < K_BIG / K_CHUNK; i++)
		rump_sys_write(fd, kbench_buf, K_CHUNK);
	t0 = bench_ns();
	rump_sys_lseek(fd, 0, RUMP_SEEK_SET);
	while (rump_sys_read(fd, kbench_buf, K_CHUNK) > 0)
		;
	/* MB/s = bytes / ns * 1000 */
	BENCH_OUT("read16m_mbps", (uint64_t)K_BIG * 1000, bench_ns() - t0,
	    "MB/s");
	rump_sys_close(fd);
	rump_sys_unlink("/tmp/big");
	rump_sys_unlink("/tmp/bench");
	bench_dir_scaling();
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(a);
	rump_pub_lwproc_releaselwp();
}
