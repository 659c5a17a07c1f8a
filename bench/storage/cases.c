/*
 * Storage benchmarks, written once for the host build and the image (as
 * bench/kernel/cases.c): sequential 1 MiB writes and reads of 64 MiB on a
 * raw disk and as one file on ext2, and create + write 4 KiB + close of
 * many files in one directory, timed at its start and its end. The
 * includer defines BENCH_OUT(name, total, count, unit) and bench_ns().
 * Figures are printed "bench NAME VALUE UNIT" for bench/storage.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define S_BIG		(64 << 20)
#define S_CHUNK		(1 << 20)
#define S_FILES		10000
#define S_SAMPLE	1000 /* creates timed at each end */
#define S_DIOCCACHESYNC 0x80046476UL

static char *sbench_buf;

/* Bytes a second in MB/s from bytes and nanoseconds. */
static uint64_t
mbps(uint64_t bytes, uint64_t ns)
{
	return ns == 0 ? 0 : bytes * 1000 / ns;
}

static int
sbench_init(void)
{
	if (sbench_buf == NULL && (sbench_buf = malloc(S_CHUNK)) != NULL)
		for (int i = 0; i < S_CHUNK; i++)
			sbench_buf[i] = (char)(i * 7 + 1);
	return sbench_buf == NULL ? -1 : 0;
}

static int
ext2_mount(const char *dev, const char *on)
{
	struct rump_ufs_args ua = { .fspec = (char *)(uintptr_t)dev };

	return rump_sys_mount(RUMP_MOUNT_EXT2FS, on, 0, &ua, sizeof(ua));
}

/*
 * S_BIG bytes written to the raw device rdev from offset 0 then a cache
 * flush, then read back: raw_write_mbps, raw_read_mbps. -1 on an error.
 */
static int
sbench_raw(const char *rdev)
{
	uint64_t t0, t1;
	int fd, one = 1;

	if (sbench_init() != 0 || (fd = rump_sys_open(rdev, RUMP_O_RDWR)) < 0)
		return -1;
	t0 = bench_ns();
	for (int64_t off = 0; off < S_BIG; off += S_CHUNK)
		if (rump_sys_pwrite(fd, sbench_buf, S_CHUNK, off) != S_CHUNK)
			return -1;
	if (rump_sys_ioctl(fd, S_DIOCCACHESYNC, &one) != 0)
		return -1;
	t1 = bench_ns();
	BENCH_OUT("raw_write_mbps", mbps(S_BIG, t1 - t0), 1, "MB/s");
	t0 = bench_ns();
	for (int64_t off = 0; off < S_BIG; off += S_CHUNK)
		if (rump_sys_pread(fd, sbench_buf, S_CHUNK, off) != S_CHUNK)
			return -1;
	t1 = bench_ns();
	BENCH_OUT("raw_read_mbps", mbps(S_BIG, t1 - t0), 1, "MB/s");
	return rump_sys_close(fd);
}

/*
 * One file of S_BIG bytes on the ext2 of dev mounted on mnt, written with
 * 1 MiB writes and fsync'ed (fs_write_mbps); unmounted and mounted again
 * so that nothing is cached, then read (fs_read_mbps); removed.
 */
static int
sbench_fs(const char *dev, const char *mnt, const char *file)
{
	uint64_t t0, t1;
	int fd;

	if (sbench_init() != 0 || ext2_mount(dev, mnt) != 0)
		return -1;
	t0 = bench_ns();
	fd = rump_sys_open(file, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC,
	    0644);
	if (fd < 0)
		return -1;
	for (int i = 0; i < S_BIG / S_CHUNK; i++)
		if (rump_sys_write(fd, sbench_buf, S_CHUNK) != S_CHUNK)
			return -1;
	if (rump_sys_fsync(fd) != 0)
		return -1;
	t1 = bench_ns();
	rump_sys_close(fd);
	BENCH_OUT("fs_write_mbps", mbps(S_BIG, t1 - t0), 1, "MB/s");
	if (rump_sys_unmount(mnt, 0) != 0 || ext2_mount(dev, mnt) != 0)
		return -1;
	t0 = bench_ns();
	if ((fd = rump_sys_open(file, RUMP_O_RDONLY)) < 0)
		return -1;
	for (int i = 0; i < S_BIG / S_CHUNK; i++)
		if (rump_sys_read(fd, sbench_buf, S_CHUNK) != S_CHUNK)
			return -1;
	t1 = bench_ns();
	rump_sys_close(fd);
	BENCH_OUT("fs_read_mbps", mbps(S_BIG, t1 - t0), 1, "MB/s");
	if (rump_sys_unlink(file) != 0)
		return -1;
	return rump_sys_unmount(mnt, 0);
}

/* "DIR/f" and five digits, without stdio in the image's case. */
static void
sbench_name(char *buf, const char *dir, int i)
{
	size_t n = strlen(dir);

	memcpy(buf, dir, n);
	memcpy(buf + n, "/f", 2);
	for (int k = (int)n + 6; k >= (int)n + 2; k--, i /= 10)
		buf[k] = (char)('0' + i % 10);
	buf[n + 7] = '\0';
}

/*
 * S_FILES files created, written with 4 KiB and closed in the directory
 * dir (new) of the ext2 of dev on mnt: the mean of the first and of the
 * last S_SAMPLE (files_first_ns, files_last_ns); the unmount after them,
 * which writes them out, is timed apart (files_unmount_ms).
 */
static int
sbench_files(const char *dev, const char *mnt, const char *dir)
{
	char path[128];
	uint64_t t0 = 0, t1;
	int fd;

	if (sbench_init() != 0 || strlen(dir) > sizeof(path) - 8 ||
	    ext2_mount(dev, mnt) != 0 || rump_sys_mkdir(dir, 0755) != 0)
		return -1;
	for (int i = 0; i < S_FILES; i++) {
		if (i == 0 || i == S_FILES - S_SAMPLE)
			t0 = bench_ns();
		sbench_name(path, dir, i);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0 || rump_sys_write(fd, sbench_buf, 4096) != 4096 ||
		    rump_sys_close(fd) != 0)
			return -1;
		if (i == S_SAMPLE - 1)
			BENCH_OUT("files_first_ns", bench_ns() - t0, S_SAMPLE,
			    "ns");
		if (i == S_FILES - 1)
			BENCH_OUT("files_last_ns", bench_ns() - t0, S_SAMPLE,
			    "ns");
	}
	t1 = bench_ns();
	if (rump_sys_unmount(mnt, 0) != 0)
		return -1;
	BENCH_OUT("files_unmount_ms", (bench_ns() - t1) / 1000000, 1, "ms");
	return 0;
}
