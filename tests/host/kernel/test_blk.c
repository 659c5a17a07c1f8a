/*
 * Disks on the host build: host image files attached with rump_etfs(3) as
 * /dev/ldN and /dev/rldN, reached through system calls (NetBSD's rules for
 * raw and block nodes, the disk ioctls) and through the kernel's own
 * interface (kernel/blk.h), checked against the image file's bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define ERR(call, e)                      \
	do {                              \
		CHECK_EQ_INT((call), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

#define DISK_SIZE (1024 * 1024 + 512 * 3) /* odd number of pieces */

/* kernel/blk.h and kernel/kern.h, as the file system code uses them. */
struct blkdev;
struct blkdev *blkdev_lookup(const char *name);
uint64_t blkdev_size(const struct blkdev *bd);
bool blkdev_readonly(const struct blkdev *bd);
const char *blkdev_name(const struct blkdev *bd);
int blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off);
int blkdev_write(struct blkdev *bd, const void *buf, size_t len, uint64_t off);
int blkdev_flush(struct blkdev *bd);
void rump_schedule(void);
void rump_unschedule(void);

static char dir[64];
static int ncase;

/* A new image file of size bytes, each byte its offset's low bits ^ seed. */
static void
make_image(char *path, size_t pathlen, size_t size, int seed)
{
	uint8_t *buf = malloc(size);
	int fd;

	snprintf(path, pathlen, "%s/disk%d.img", dir, ncase++);
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)((i >> 9) ^ i ^ (size_t)seed);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, buf, size) != (ssize_t)size) {
		perror(path);
		exit(1);
	}
	close(fd);
	free(buf);
}

static uint8_t
image_byte(size_t i, int seed)
{
	return (uint8_t)((i >> 9) ^ i ^ (size_t)seed);
}

/* n bytes of the host file at off. */
static void
host_read(const char *path, void *buf, size_t n, off_t off)
{
	int fd = open(path, O_RDONLY);

	if (fd == -1 || pread(fd, buf, n, off) != (ssize_t)n) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static void
fill(uint8_t *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + (size_t)seed);
}

TEST(raw_write_reads_back_and_lands_in_the_file)
{
	char img[128];
	uint8_t out[8192], in[8192], host[8192];
	int fd;

	make_image(img, sizeof(img), DISK_SIZE, 1);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld0", img, RUMP_ETFS_BLK), 0);
	fd = rump_sys_open("/dev/rld0", RUMP_O_RDWR);
	CHECK(fd >= 0);
	/* What was there before: the file's own bytes. */
	CHECK_EQ_INT(rump_sys_pread(fd, in, 1024, 512 * 7), 1024);
	host_read(img, host, 1024, 512 * 7);
	CHECK(memcmp(in, host, 1024) == 0);
	fill(out, sizeof(out), 5);
	CHECK_EQ_INT(rump_sys_pwrite(fd, out, sizeof(out), 4096),
	    (long)sizeof(out));
	memset(in, 0, sizeof(in));
	CHECK_EQ_INT(rump_sys_pread(fd, in, sizeof(in), 4096), (long)sizeof(in));
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	/* read/write at the descriptor's offset, and lseek. */
	CHECK_EQ_INT(rump_sys_lseek(fd, 4096 + 512, RUMP_SEEK_SET), 4096 + 512);
	CHECK_EQ_INT(rump_sys_read(fd, in, 512), 512);
	CHECK(memcmp(in, out + 512, 512) == 0);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 4096 + 1024);
	CHECK_EQ_INT(rump_sys_write(fd, out, 512), 512);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	host_read(img, host, sizeof(host), 4096);
	CHECK(memcmp(host, out, 1024) == 0);
	CHECK(memcmp(host + 1024, out, 512) == 0);
	CHECK(memcmp(host + 1536, out + 1536, sizeof(out) - 1536) == 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld0"), 0);
}

TEST(nodes_size_and_sector_size)
{
	struct rump_stat st;
	char img[128];
	int64_t size = 0;
	uint32_t secsize = 0;
	int fd, one = 1;

	make_image(img, sizeof(img), DISK_SIZE + 100, 2); /* a partial sector */
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld1", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(rump_sys_stat("/dev/ld1", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFBLK);
	CHECK_EQ_INT(st.st_rdev, (19 << 8) | (1 * 16 + 3)); /* ld, unit 1, 'd' */
	CHECK_EQ_INT(rump_sys_stat("/dev/rld1", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFCHR);
	CHECK_EQ_INT(st.st_rdev, (69 << 8) | (1 * 16 + 3));
	CHECK_EQ_INT(st.st_mode & 0777, 0640);
	for (int i = 0; i < 2; i++) {
		fd = rump_sys_open(i ? "/dev/ld1" : "/dev/rld1", RUMP_O_RDONLY);
		CHECK(fd >= 0);
		CHECK_EQ_INT(rump_sys_ioctl(fd, RUMP_DIOCGMEDIASIZE, &size), 0);
		CHECK_EQ_INT(size, DISK_SIZE);
		CHECK_EQ_INT(rump_sys_ioctl(fd, RUMP_DIOCGSECTORSIZE, &secsize),
		    0);
		CHECK_EQ_INT(secsize, 512);
		ERR(rump_sys_ioctl(fd, RUMP_DIOCCACHESYNC, &one), RUMP_EBADF);
		ERR(rump_sys_ioctl(fd, 0x40047400UL, &one), RUMP_ENOTTY);
		CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
		CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT,
		    i ? RUMP_S_IFBLK : RUMP_S_IFCHR);
		CHECK_EQ_INT(rump_sys_close(fd), 0);
	}
	fd = rump_sys_open("/dev/rld1", RUMP_O_RDWR);
	CHECK_EQ_INT(rump_sys_ioctl(fd, RUMP_DIOCCACHESYNC, &one), 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	/* Not a disk: the ioctls are ENOTTY there. */
	fd = rump_sys_open("/dev/null", RUMP_O_RDONLY);
	ERR(rump_sys_ioctl(fd, RUMP_DIOCGMEDIASIZE, &size), RUMP_ENOTTY);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/rld1"), 0); /* either node */
	ERR(rump_sys_stat("/dev/ld1", &st), RUMP_ENOENT);
	ERR(rump_sys_stat("/dev/rld1", &st), RUMP_ENOENT);
}

TEST(raw_is_sector_aligned_block_is_not)
{
	char img[128];
	uint8_t buf[2048], host[2048];
	int raw, blk;

	make_image(img, sizeof(img), DISK_SIZE, 3);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld2", img, RUMP_ETFS_BLK), 0);
	raw = rump_sys_open("/dev/rld2", RUMP_O_RDWR);
	blk = rump_sys_open("/dev/ld2", RUMP_O_RDWR);
	CHECK(raw >= 0 && blk >= 0);
	ERR(rump_sys_pread(raw, buf, 512, 100), RUMP_EINVAL);
	ERR(rump_sys_pread(raw, buf, 100, 512), RUMP_EINVAL);
	ERR(rump_sys_pwrite(raw, buf, 513, 0), RUMP_EINVAL);
	ERR(rump_sys_pwrite(raw, buf, 512, 1), RUMP_EINVAL);
	/* The block node: any bytes, the sectors around them kept. */
	CHECK_EQ_INT(rump_sys_pread(blk, buf, 1000, 300), 1000);
	host_read(img, host, 1000, 300);
	CHECK(memcmp(buf, host, 1000) == 0);
	fill(buf, sizeof(buf), 9);
	CHECK_EQ_INT(rump_sys_pwrite(blk, buf, 1500, 700), 1500);
	CHECK_EQ_INT(rump_sys_pwrite(blk, "xyz", 3, 5000), 3);
	host_read(img, host, 2048, 512);
	for (int i = 0; i < 188; i++)
		CHECK_EQ_INT(host[i], image_byte(512 + (size_t)i, 3));
	CHECK(memcmp(host + 188, buf, 1500) == 0);
	for (int i = 1688; i < 2048; i++)
		CHECK_EQ_INT(host[i], image_byte(512 + (size_t)i, 3));
	host_read(img, host, 5, 4999);
	CHECK_EQ_INT(host[0], image_byte(4999, 3));
	CHECK(memcmp(host + 1, "xyz", 3) == 0);
	CHECK_EQ_INT(host[4], image_byte(5003, 3));
	rump_sys_close(raw);
	rump_sys_close(blk);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld2"), 0);
}

TEST(the_end_of_the_disk)
{
	char img[128];
	uint8_t buf[4096];
	int raw, blk;

	make_image(img, sizeof(img), DISK_SIZE, 4);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld3", img, RUMP_ETFS_BLK), 0);
	raw = rump_sys_open("/dev/rld3", RUMP_O_RDWR);
	blk = rump_sys_open("/dev/ld3", RUMP_O_RDWR);
	/* At the end: nothing; past it: EINVAL; across it: cut at it. */
	CHECK_EQ_INT(rump_sys_pread(raw, buf, 512, DISK_SIZE), 0);
	CHECK_EQ_INT(rump_sys_pwrite(raw, buf, 512, DISK_SIZE), 0);
	ERR(rump_sys_pread(raw, buf, 512, DISK_SIZE + 512), RUMP_EINVAL);
	ERR(rump_sys_pwrite(raw, buf, 512, DISK_SIZE + 512), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_pread(raw, buf, 4096, DISK_SIZE - 1024), 1024);
	CHECK_EQ_INT(rump_sys_pwrite(raw, buf, 4096, DISK_SIZE - 1024), 1024);
	CHECK_EQ_INT(rump_sys_pread(blk, buf, 100, DISK_SIZE - 10), 10);
	ERR(rump_sys_pread(blk, buf, 1, -512), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_lseek(raw, DISK_SIZE, RUMP_SEEK_SET), DISK_SIZE);
	CHECK_EQ_INT(rump_sys_read(raw, buf, 512), 0);
	rump_sys_close(raw);
	rump_sys_close(blk);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld3"), 0);
}

TEST(read_only_disks_refuse_writes)
{
	char img[128];
	uint8_t buf[512], host[512];
	int fd;

	make_image(img, sizeof(img), DISK_SIZE, 5);
	CHECK_EQ_INT(rump_pub_etfs_register_rdonly("/dev/ld4", img,
			 RUMP_ETFS_BLK, 0, RUMP_ETFS_SIZE_ENDOFF),
	    0);
	fd = rump_sys_open("/dev/rld4", RUMP_O_RDWR);
	CHECK(fd >= 0);
	memset(buf, 'w', sizeof(buf));
	ERR(rump_sys_pwrite(fd, buf, 512, 0), RUMP_EROFS);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 512, 0), 512);
	host_read(img, host, 512, 0);
	CHECK(memcmp(buf, host, 512) == 0);
	rump_sys_close(fd);
	fd = rump_sys_open("/dev/ld4", RUMP_O_RDWR);
	ERR(rump_sys_pwrite(fd, buf, 3, 7), RUMP_EROFS);
	rump_sys_close(fd);
	rump_schedule();
	CHECK(blkdev_readonly(blkdev_lookup("ld4")));
	CHECK_EQ_INT(blkdev_write(blkdev_lookup("ld4"), buf, 512, 0), RUMP_EROFS);
	rump_unschedule();
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld4"), 0);
}

TEST(registration_errors)
{
	char img[128], path[200], buf[16];
	int fd;

	make_image(img, sizeof(img), DISK_SIZE, 6);
	snprintf(path, sizeof(path), "%s/absent.img", dir);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld5", path, RUMP_ETFS_BLK),
	    RUMP_ENOENT);
	CHECK_EQ_INT(rump_pub_etfs_register("/nodir/ld5", img, RUMP_ETFS_BLK),
	    RUMP_ENOENT);
	CHECK_EQ_INT(rump_pub_etfs_register("dev/ld5", img, RUMP_ETFS_BLK),
	    RUMP_EINVAL);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld5", img, RUMP_ETFS_REG),
	    RUMP_EOPNOTSUPP);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/null", img, RUMP_ETFS_BLK),
	    RUMP_EEXIST);
	CHECK_EQ_INT(rump_pub_etfs_register_withsize("/dev/ld5", img,
			 RUMP_ETFS_BLK, DISK_SIZE - 512, 1024),
	    RUMP_EINVAL);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld5", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld5", img, RUMP_ETFS_BLK),
	    RUMP_EEXIST);
	/* Busy while open; gone after. */
	fd = rump_sys_open("/dev/ld5", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld5"), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld5"), 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld5"), RUMP_ENOENT);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/null"), RUMP_ENOENT);
	/* Another name takes a free unit; a raw-only disk. */
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/harddisk", img, RUMP_ETFS_BLK),
	    0);
	fd = rump_sys_open("/dev/rharddisk", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/harddisk"), 0);
	CHECK_EQ_INT(rump_pub_etfs_register("/tmp/rawonly", img, RUMP_ETFS_CHR),
	    0);
	fd = rump_sys_open("/tmp/rawonly", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	ERR(rump_sys_pread(fd, buf, 10, 0), RUMP_EINVAL);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_pub_etfs_remove("/tmp/rawonly"), 0);
}

TEST(a_range_of_the_file)
{
	char img[128];
	uint8_t buf[1024], host[1024];
	int64_t size;
	int fd;

	make_image(img, sizeof(img), DISK_SIZE, 7);
	CHECK_EQ_INT(rump_pub_etfs_register_withsize("/dev/ld6", img,
			 RUMP_ETFS_BLK, 8192, 64 * 1024 + 100),
	    0);
	fd = rump_sys_open("/dev/rld6", RUMP_O_RDWR);
	CHECK_EQ_INT(rump_sys_ioctl(fd, RUMP_DIOCGMEDIASIZE, &size), 0);
	CHECK_EQ_INT(size, 64 * 1024); /* whole sectors */
	fill(buf, sizeof(buf), 11);
	CHECK_EQ_INT(rump_sys_pwrite(fd, buf, 1024, 0), 1024);
	host_read(img, host, 1024, 8192);
	CHECK(memcmp(buf, host, 1024) == 0);
	CHECK_EQ_INT(rump_sys_pwrite(fd, buf, 1024, 64 * 1024 - 512), 512);
	host_read(img, host, 512, 8192 + 64 * 1024);
	CHECK_EQ_INT(host[0], image_byte(8192 + 64 * 1024, 7)); /* untouched */
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld6"), 0);
}

/* The interface the file systems use (kernel/blk.h). */
TEST(kernel_interface)
{
	char img[128];
	uint8_t *buf = malloc(DISK_SIZE), *host = malloc(DISK_SIZE);
	struct blkdev *bd;

	make_image(img, sizeof(img), DISK_SIZE, 8);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld7", img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	bd = blkdev_lookup("ld7");
	CHECK(bd != NULL && blkdev_lookup("ld77") == NULL);
	if (bd != NULL) {
		CHECK_EQ_STR(blkdev_name(bd), "ld7");
		CHECK_EQ_INT(blkdev_size(bd), DISK_SIZE);
		CHECK(!blkdev_readonly(bd));
		/* The whole disk at once: many pieces in flight. */
		fill(buf, DISK_SIZE, 13);
		CHECK_EQ_INT(blkdev_write(bd, buf, DISK_SIZE, 0), 0);
		memset(buf, 0, DISK_SIZE);
		CHECK_EQ_INT(blkdev_read(bd, buf, DISK_SIZE, 0), 0);
		CHECK_EQ_INT(blkdev_flush(bd), 0);
		CHECK_EQ_INT(blkdev_read(bd, buf, 100, 0), RUMP_EINVAL);
		CHECK_EQ_INT(blkdev_read(bd, buf, 512, 1), RUMP_EINVAL);
		CHECK_EQ_INT(blkdev_read(bd, buf, 1024, DISK_SIZE - 512),
		    RUMP_EINVAL);
		CHECK_EQ_INT(blkdev_write(bd, buf, 512, DISK_SIZE), RUMP_EINVAL);
		CHECK_EQ_INT(blkdev_read(bd, buf, 512, UINT64_MAX - 511),
		    RUMP_EINVAL);
		CHECK_EQ_INT(blkdev_read(bd, buf, 0, DISK_SIZE), 0);
	}
	rump_unschedule();
	host_read(img, host, DISK_SIZE, 0);
	fill(buf, DISK_SIZE, 13);
	CHECK(memcmp(buf, host, DISK_SIZE) == 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld7"), 0);
	free(buf);
	free(host);
}

/* Threads on different sectors of one disk at once, each reading back its own. */
#define NTHREADS 4
#define ROUNDS	 50

static void *
worker(void *arg)
{
	int t = (int)(intptr_t)arg, fd = rump_sys_open("/dev/rld8", RUMP_O_RDWR);
	uint8_t out[4096], in[4096];
	long bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		off_t off = (off_t)(t * ROUNDS + r) * 4096;
		fill(out, sizeof(out), t * 1000 + r);
		if (rump_sys_pwrite(fd, out, sizeof(out), off) !=
			(ssize_t)sizeof(out) ||
		    rump_sys_pread(fd, in, sizeof(in), off) !=
			(ssize_t)sizeof(in) ||
		    memcmp(in, out, sizeof(in)) != 0)
			bad++;
	}
	rump_sys_close(fd);
	return (void *)bad;
}

TEST(threads_at_once)
{
	char img[128];
	pthread_t th[NTHREADS];
	uint8_t want[4096], host[4096];
	void *bad;

	make_image(img, sizeof(img), NTHREADS * ROUNDS * 4096, 9);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld8", img, RUMP_ETFS_BLK), 0);
	for (int t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], &bad);
		CHECK_EQ_INT((long)bad, 0);
	}
	for (int t = 0; t < NTHREADS; t++) {
		for (int r = 0; r < ROUNDS; r += 7) {
			fill(want, sizeof(want), t * 1000 + r);
			host_read(img, host, sizeof(host),
			    (off_t)(t * ROUNDS + r) * 4096);
			CHECK(memcmp(want, host, sizeof(host)) == 0);
		}
	}
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld8"), 0);
}

/*
 * Threads writing their own bytes of the same sectors through the block
 * node: each partial sector is read, patched and written back, and none
 * may undo another's bytes.
 */
#define NBYTES 64

static void *
byte_writer(void *arg)
{
	int t = (int)(intptr_t)arg, fd = rump_sys_open("/dev/ld9", RUMP_O_RDWR);
	long bad = 0;

	for (int i = t; i < NBYTES * 8; i += NTHREADS) {
		uint8_t b = (uint8_t)(0x80 | t);
		/* Byte i of sector (i / NTHREADS) % 8: all on the same ones. */
		if (rump_sys_pwrite(fd, &b, 1, (i / NTHREADS) % 8 * 512 + i) != 1)
			bad++;
	}
	rump_sys_close(fd);
	return (void *)bad;
}

TEST(block_node_partial_writes_keep_each_others_bytes)
{
	char img[128];
	pthread_t th[NTHREADS];
	uint8_t host[8 * 512];
	void *bad;

	make_image(img, sizeof(img), 64 * 1024, 10);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld9", img, RUMP_ETFS_BLK), 0);
	for (int t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, byte_writer, (void *)(intptr_t)t);
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], &bad);
		CHECK_EQ_INT((long)bad, 0);
	}
	host_read(img, host, sizeof(host), 0);
	for (int i = 0; i < NBYTES * 8; i++)
		CHECK_EQ_INT(host[(i / NTHREADS) % 8 * 512 + i],
		    0x80 | (i % NTHREADS));
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld9"), 0);
}

int
main(void)
{
	char tmpl[] = "/tmp/test_blk.XXXXXX";

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	if (rump_init() != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(raw_write_reads_back_and_lands_in_the_file);
	RUN(nodes_size_and_sector_size);
	RUN(raw_is_sector_aligned_block_is_not);
	RUN(the_end_of_the_disk);
	RUN(read_only_disks_refuse_writes);
	RUN(registration_errors);
	RUN(a_range_of_the_file);
	RUN(kernel_interface);
	RUN(threads_at_once);
	RUN(block_node_partial_writes_keep_each_others_bytes);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("  could not remove %s\n", dir);
	}
	return check_done();
}
