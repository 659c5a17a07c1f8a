/*
 * fsync(2) on ext2 is durable (doc/vfs.md): once it returns, the image
 * file alone, copied as it is while the file system stays mounted (what a
 * crash would leave), holds the file's data, its inode and everything
 * naming it: the directory's new blocks and grown inode, the bitmaps and
 * the group descriptors. e2fsck -fn finds the copy clean and debugfs
 * dumps the file's bytes from it. The image's crash case
 * (tests/qemu/crash.py) does the same with a killed QEMU.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "kernel/sh.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

static char dir[64], img[128];

static void
pattern(char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(i * 7 + (size_t)seed);
}

static int
write_file(const char *path, size_t size, int seed, int do_fsync)
{
	static char buf[40000];
	int fd, ok;

	pattern(buf, size, seed);
	fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC,
	    0644);
	if (fd < 0)
		return -1;
	ok = rump_sys_write(fd, buf, size) == (ssize_t)size &&
	    (!do_fsync || rump_sys_fsync(fd) == 0);
	return rump_sys_close(fd) == 0 && ok ? 0 : -1;
}

/* The file at path in image copy holds size bytes of seed's pattern. */
static int
dumped_matches(const char *copy, const char *path, size_t size, int seed)
{
	static char want[40000], got[40001];
	char out[160];
	FILE *f;
	size_t n;

	snprintf(out, sizeof(out), "%s/dumped", dir);
	unlink(out);
	if (sh("debugfs -R 'dump %s %s' %s >/dev/null 2>&1", path, out, copy) != 0)
		return 0;
	if ((f = fopen(out, "rb")) == NULL)
		return 0;
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	pattern(want, size, seed);
	return n == size && memcmp(got, want, size) == 0;
}

/*
 * 300 files in a new directory (its entries take several blocks, each a
 * new allocation), the last one 30000 bytes (an indirect block) and
 * fsync'ed: the copy taken then is consistent and has it.
 */
TEST(fsync_leaves_a_consistent_image_with_the_file)
{
	char path[64], copy[160];

	snprintf(copy, sizeof(copy), "%s/copy.img", dir);
	CHECK_EQ_INT(
	    sh("mke2fs -q -F -t ext2 -b 1024 %s 8M >/dev/null 2>&1", img), 0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld6", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/fs", 0755), 0);
	{
		struct rump_ufs_args ua = { .fspec = (char *)"/dev/ld6" };
		CHECK_EQ_INT(rump_sys_mount(RUMP_MOUNT_EXT2FS, "/fs", 0, &ua,
				 sizeof(ua)),
		    0);
	}
	/* The mount itself is on the disk: a clean copy to start from. */
	CHECK_EQ_INT(rump_sys_mkdir("/fs/dir", 0755), 0);
	for (int i = 0; i < 299; i++) {
		snprintf(path, sizeof(path), "/fs/dir/file-number-%03d", i);
		CHECK_EQ_INT(write_file(path, 100 + (size_t)i, i, 0), 0);
	}
	CHECK_EQ_INT(write_file("/fs/dir/last", 30000, 77, 1), 0);
	CHECK_EQ_INT(sh("cp %s %s", img, copy), 0);
	CHECK_EQ_INT(sh("e2fsck -fn %s >%s/fsck.out 2>&1 || { cat %s/fsck.out; "
			"exit 1; }",
			 copy, dir, dir),
	    0);
	CHECK(dumped_matches(copy, "/dir/last", 30000, 77));
	CHECK(dumped_matches(copy, "/dir/file-number-150", 250, 150));

	/* Overwritten in place and fsync'ed again: the copy has the new bytes. */
	CHECK_EQ_INT(write_file("/fs/dir/last", 12345, 9, 1), 0);
	CHECK_EQ_INT(sh("cp %s %s", img, copy), 0);
	CHECK_EQ_INT(sh("e2fsck -fn %s >%s/fsck.out 2>&1 || { cat %s/fsck.out; "
			"exit 1; }",
			 copy, dir, dir),
	    0);
	CHECK(dumped_matches(copy, "/dir/last", 12345, 9));

	CHECK_EQ_INT(rump_sys_unmount("/fs", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/fs"), 0);
	CHECK_EQ_INT(sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(dir, sizeof(dir), "/tmp/ext2fsync.%d", (int)getpid());
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	if (sh("mkdir -p %s", dir) != 0 || rump_init() != 0 ||
	    rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("setup failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(fsync_leaves_a_consistent_image_with_the_file);
	rump_pub_lwproc_releaselwp();
	sh("rm -rf %s", dir);
	return check_done();
}
