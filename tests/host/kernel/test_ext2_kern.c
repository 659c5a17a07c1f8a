/*
 * ext2 and the buffer cache inside the real rump kernel on the host: the
 * disk is a host image attached with rump_etfs(3) (kernel/blk.c), whose
 * I/O gives the CPU up, so several threads use one file system at once
 * (the mount's lock, buffers read while others wait for them, write-back
 * while others change buffers, a small cache evicting). Afterwards e2fsck
 * -fn is clean and debugfs shows every thread's files.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "kernel/sh.h"
#include "rump/rump.h"
#include "blk.h"
#include "fs/buf.h"
#include "fs/ext2/ext2.h"

#define NTHREADS 4
#define NFILES	 6
#define FILESIZE (200 * 1024)

static char dir[64], img[128];
static struct e2fs *fs;
static int thread_errors;

static void
pattern(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 31 + seed * 7) ^ (i >> 10));
}

/* One thread's work, holding the CPU (the kernel's rule for ext2.h). */
static void
work(unsigned t)
{
	struct e2inode *root, *dp, *ip;
	uint8_t *buf = malloc(FILESIZE), *back = malloc(FILESIZE);
	char name[32], name2[32];
	size_t done;
	int err = 0;

	snprintf(name, sizeof(name), "t%u", t);
	err = ext2_iget(fs, E2_ROOTINO, &root);
	if (err == 0)
		err = ext2_create(root, name, strlen(name), E2_IFDIR | 0755, 0,
		    0, 0, &dp);
	for (unsigned f = 0; err == 0 && f < NFILES; f++) {
		snprintf(name, sizeof(name), "f%u", f);
		pattern(buf, FILESIZE, t * 100 + f);
		err = ext2_create(dp, name, strlen(name), E2_IFREG | 0644, 0, 0,
		    0, &ip);
		/* In pieces, so that the threads' writes interleave. */
		for (size_t off = 0; err == 0 && off < FILESIZE; off += 8192)
			err = ext2_write(ip, buf + off, 8192, off, &done);
		if (err == 0)
			err = ext2_read(ip, back, FILESIZE, 0, &done);
		if (err == 0 && (done != FILESIZE || memcmp(buf, back, FILESIZE)))
			err = -1;
		if (err == 0 && f % 2 == 1)
			err = ext2_fsync(ip);
		if (err == 0)
			ext2_iput(ip);
		/* Names in the shared root too, some renamed, some removed. */
		snprintf(name2, sizeof(name2), "r%u-%u", t, f);
		if (err == 0)
			err = ext2_create(root, name2, strlen(name2),
			    E2_IFREG | 0600, 0, 0, 0, &ip);
		if (err == 0) {
			ext2_iput(ip);
			if (f % 3 == 0)
				err = ext2_remove(root, name2, strlen(name2),
				    false);
			else if (f % 3 == 1)
				err = ext2_rename(root, name2, strlen(name2),
				    dp, name2, strlen(name2));
		}
	}
	if (err != 0) {
		printf("  thread %u: error %d\n", t, err);
		__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED);
	}
	ext2_iput(dp);
	ext2_iput(root);
	free(buf);
	free(back);
}

static void *
thread(void *arg)
{
	rump_schedule();
	work((unsigned)(uintptr_t)arg);
	rump_unschedule();
	return NULL;
}

TEST(threads_share_one_file_system)
{
	pthread_t th[NTHREADS];
	struct blkdev *bd;
	unsigned t;

	snprintf(img, sizeof(img), "%s/kern.img", dir);
	CHECK_EQ_INT(sh("mke2fs -q -F -t ext2 -b 1024 '%s' 16M >/dev/null", img),
	    0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld0", img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	bd = blkdev_lookup("ld0");
	CHECK(bd != NULL);
	bcache_setlimit(128 * 1024); /* evictions while others work */
	CHECK_EQ_INT(bd == NULL ? -1 : ext2_mount(bd, 0, &fs), 0);
	rump_unschedule();
	if (fs == NULL)
		return;
	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, thread, (void *)(uintptr_t)t);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	CHECK_EQ_INT(thread_errors, 0);
	rump_schedule();
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	bcache_setlimit(64 << 20);
	rump_unschedule();
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld0"), 0);
	CHECK_EQ_INT(sh("e2fsck -fn '%s' > '%s.fsck' 2>&1 || cat '%s.fsck'",
			 img, img, img),
	    0);
	CHECK_EQ_INT(sh("e2fsck -fn '%s' >/dev/null 2>&1", img), 0);
	/* Every thread's files, by size and name, as debugfs sees them. */
	for (t = 0; t < NTHREADS; t++) {
		CHECK_EQ_INT(sh("debugfs -R 'stat /t%u/f%u' '%s' 2>/dev/null | grep "
				"-q 'Size: %u'",
				 t, NFILES - 1, img, FILESIZE),
		    0);
		CHECK_EQ_INT(sh("debugfs -R 'ls /t%u' '%s' 2>/dev/null | grep -q "
				"'r%u-1'",
				 t, img, t),
		    0);
		CHECK_EQ_INT(sh("debugfs -R 'ls /' '%s' 2>/dev/null | grep -q "
				"' r%u-2 '",
				 img, t),
		    0);
		CHECK_EQ_INT(sh("debugfs -R 'ls /' '%s' 2>/dev/null | grep -q "
				"' [1-9][0-9]*  ([0-9]*) r%u-0 '",
				 img, t),
		    1);
	}
	/* One file's bytes. */
	uint8_t *want = malloc(FILESIZE), *got = malloc(FILESIZE);
	char out[200];
	FILE *f;
	snprintf(out, sizeof(out), "%s/dump", dir);
	CHECK_EQ_INT(
	    sh("debugfs -R 'dump /t2/f3 %s' '%s' >/dev/null 2>&1", out, img), 0);
	pattern(want, FILESIZE, 203);
	f = fopen(out, "rb");
	CHECK(f != NULL && fread(got, 1, FILESIZE, f) == FILESIZE &&
	    memcmp(got, want, FILESIZE) == 0);
	if (f != NULL)
		fclose(f);
	free(want);
	free(got);
}

int
main(void)
{
	char tmpl[] = "/tmp/test_ext2_kern.XXXXXX";

	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/usr/sbin:/sbin:/usr/bin:/bin", 1);
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	if (rump_init() != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(threads_share_one_file_system);
	sh("rm -rf '%s'", dir);
	return check_done();
}
