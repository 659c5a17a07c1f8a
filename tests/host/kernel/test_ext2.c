/*
 * ext2 and the buffer cache (kernel/fs) on image files made by Debian's
 * mke2fs, checked afterwards with e2fsck -fn and debugfs: the file system
 * code is driven directly (ext2.h), in ext2_harness.c's surroundings.
 * EXT2_TEST_DIRENTS and EXT2_TEST_BIGFILE_MB change the large directory's
 * entries (10000) and the big file's size (100).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fs/buf.h"
#include "ext2_harness.h"

/*
 * The scenario on an image of block size bs: files from mke2fs -d
 * read back; then create, write, rename, unlink, truncate, sparse files,
 * hard and symbolic links, a large directory and a big file; unmount;
 * e2fsck clean; debugfs shows the same bytes; a second mount reads them.
 */
static void
scenario(int bs, size_t ndirents, size_t bigmb)
{
	char src[600], name[64], longtarget[300], link[300];
	struct e2inode *ip, *dp;
	struct e2attr va;
	struct blkdev *bd;
	struct e2fs *fs;
	size_t done;
	int err;

	snprintf(src, sizeof(src), "%s/src", scratch());
	CHECK_EQ_INT(sh("rm -rf %s && mkdir -p %s/sub && printf 'hello\\n' > "
			"%s/hello.txt && head -c 50000 /dev/zero | tr '\\0' x > "
			"%s/sub/inner && ln -s hello.txt %s/fastlink",
			 src, src, src, src, src),
	    0);
	snprintf(img, sizeof(img), "%s/scen%d.img", scratch(), bs);
	CHECK_EQ_INT(mkimage(img, bs, bigmb > 16 ? "160M" : "32M", src), 0);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;

	/* What mke2fs -d wrote. */
	char buf[64] = "";
	CHECK_EQ_INT(walk(fs, "/hello.txt", &ip), 0);
	CHECK_EQ_INT(ext2_read(ip, buf, sizeof(buf), 0, &done), 0);
	CHECK_EQ_INT(done, 6);
	CHECK(memcmp(buf, "hello\n", 6) == 0);
	ext2_iput(ip);
	CHECK_EQ_INT(walk(fs, "/fastlink", &ip), 0);
	CHECK_EQ_INT(ext2_readlink(ip, buf, sizeof(buf), &done), 0);
	CHECK(done == 9 && memcmp(buf, "hello.txt", 9) == 0);
	ext2_iput(ip);

	/* Directories, files across the indirect blocks, renames. */
	CHECK_EQ_INT(mkfile(fs, "/d1", E2_IFDIR | 0755, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(mkfile(fs, "/d1/d2", E2_IFDIR | 0700, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(mkfile(fs, "/d1", E2_IFDIR | 0755, &ip), RUMP_EEXIST);
	CHECK_EQ_INT(put(fs, "/d1/f1", 0, 300000, 11), 0);
	CHECK_EQ_INT(put(fs, "/gone", 0, 70000, 12), 0);
	CHECK(same(fs, "/d1/f1", 0, 300000, 11));
	CHECK_EQ_INT(walk(fs, "/d1", &dp), 0);
	CHECK_EQ_INT(walk(fs, "/d1/d2", &ip), 0);
	CHECK_EQ_INT(ext2_rename(dp, "f1", 2, ip, "f1moved", 7), 0);
	CHECK_EQ_INT(ext2_rename(dp, "d2", 2, ip, "x", 1), RUMP_EINVAL);
	ext2_iput(ip);
	ext2_iput(dp);
	CHECK_EQ_INT(walk(fs, "/d1/f1", &ip), RUMP_ENOENT);
	CHECK(same(fs, "/d1/d2/f1moved", 0, 300000, 11));
	CHECK_EQ_INT(walk(fs, "/", &dp), 0);
	CHECK_EQ_INT(ext2_rename(dp, "hello.txt", 9, dp, "hello2.txt", 10), 0);
	CHECK_EQ_INT(put(fs, "/victim", 0, 5000, 13), 0);
	CHECK_EQ_INT(put(fs, "/replacer", 0, 6000, 14), 0);
	CHECK_EQ_INT(ext2_rename(dp, "replacer", 8, dp, "victim", 6), 0);
	/* A directory moves to another parent: ".." and link counts follow. */
	CHECK_EQ_INT(mkfile(fs, "/mv", E2_IFDIR | 0755, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(walk(fs, "/d1/d2", &ip), 0);
	CHECK_EQ_INT(ext2_rename(dp, "mv", 2, ip, "mvd", 3), 0);
	ext2_iput(ip);

	/* Unlink; rmdir only of empty directories. */
	CHECK_EQ_INT(ext2_remove(dp, "gone", 4, false), 0);
	CHECK_EQ_INT(ext2_remove(dp, "d1", 2, true), RUMP_ENOTEMPTY);
	CHECK_EQ_INT(ext2_remove(dp, "d1", 2, false), RUMP_EPERM);
	CHECK_EQ_INT(ext2_remove(dp, "sub", 3, true), RUMP_ENOTEMPTY);
	CHECK_EQ_INT(walk(fs, "/sub", &ip), 0);
	CHECK_EQ_INT(ext2_remove(ip, "inner", 5, false), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(ext2_remove(dp, "sub", 3, true), 0);
	CHECK_EQ_INT(walk(fs, "/sub", &ip), RUMP_ENOENT);

	/* Truncate down (tail zeroed), then up (a hole). */
	CHECK_EQ_INT(put(fs, "/t", 0, 100000, 15), 0);
	CHECK_EQ_INT(walk(fs, "/t", &ip), 0);
	CHECK_EQ_INT(ext2_truncate(ip, 5000), 0);
	CHECK_EQ_INT(ext2_truncate(ip, 20000), 0);
	ext2_iput(ip);
	CHECK(same(fs, "/t", 0, 5000, 15));
	CHECK(same(fs, "/t", 5000, 15000, 0));

	/* Sparse: far blocks (the triple indirect tree on 1 KiB blocks). */
	uint64_t far = bs == 1024 ? 70ULL << 20 : 5ULL << 30;
	CHECK_EQ_INT(put(fs, "/sparse", 0, 3000, 16), 0);
	CHECK_EQ_INT(put(fs, "/sparse", far, 3000, 16), 0);
	CHECK(same(fs, "/sparse", 3000, 100000, 0));
	CHECK(same(fs, "/sparse", far, 3000, 16));
	CHECK_EQ_INT(walk(fs, "/sparse", &ip), 0);
	ext2_getattr(ip, &va);
	CHECK_EQ_INT(va.size, far + 3000);
	CHECK(va.bytes < 64 * 1024);
	ext2_iput(ip);

	/* Hard and symbolic links. */
	CHECK_EQ_INT(walk(fs, "/hello2.txt", &ip), 0);
	CHECK_EQ_INT(ext2_link(dp, "hardlink", 8, ip), 0);
	ext2_getattr(ip, &va);
	CHECK_EQ_INT(va.nlink, 2);
	ext2_iput(ip);
	memset(longtarget, 'L', 200);
	longtarget[200] = '\0';
	CHECK_EQ_INT(
	    ext2_symlink(dp, "slow", 4, longtarget, 200, 0777, 0, 0, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(
	    ext2_symlink(dp, "fast", 4, "d1/d2/f1moved", 13, 0777, 0, 0, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(walk(fs, "/slow", &ip), 0);
	CHECK_EQ_INT(ext2_readlink(ip, link, sizeof(link), &done), 0);
	CHECK(done == 200 && memcmp(link, longtarget, 200) == 0);
	ext2_iput(ip);

	/* A large directory, a third of it removed again. */
	CHECK_EQ_INT(mkfile(fs, "/big", E2_IFDIR | 0755, &ip), 0);
	for (size_t i = 0; i < ndirents; i++) {
		struct e2inode *fp;

		snprintf(name, sizeof(name), "entry-%zu", i);
		err = ext2_create(ip, name, strlen(name), E2_IFREG | 0600, 0, 0,
		    0, &fp);
		if (err != 0) {
			CHECK_EQ_INT(err, 0);
			break;
		}
		ext2_iput(fp);
	}
	for (size_t i = 0; i < ndirents; i += 3) {
		snprintf(name, sizeof(name), "entry-%zu", i);
		CHECK_EQ_INT(ext2_remove(ip, name, strlen(name), false), 0);
	}
	ext2_iput(ip);
	/* Found again by name once let go (its name cache kept or rebuilt). */
	struct e2inode *fp;
	CHECK_EQ_INT(walk(fs, "/big/entry-1", &fp), 0);
	ext2_iput(fp);
	CHECK_EQ_INT(walk(fs, "/big/entry-3", &fp), RUMP_ENOENT);
	snprintf(name, sizeof(name), "/big/entry-%zu", ndirents - 1);
	CHECK_EQ_INT(walk(fs, name, &fp),
	    (ndirents - 1) % 3 == 0 ? RUMP_ENOENT : 0);
	if ((ndirents - 1) % 3 != 0)
		ext2_iput(fp);
	CHECK_EQ_INT(walk(fs, "/big", &ip), 0);
	CHECK_EQ_INT(ext2_rename(ip, "entry-1", 7, ip, "renamed-1", 9), 0);
	CHECK_EQ_INT(ext2_rename(ip, "entry-2", 7, dp, "moved-2", 7), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(walk(fs, "/big/entry-1", &fp), RUMP_ENOENT);
	CHECK_EQ_INT(walk(fs, "/big/renamed-1", &fp), 0);
	ext2_iput(fp);
	CHECK_EQ_INT(walk(fs, "/big/entry-2", &fp), RUMP_ENOENT);
	CHECK_EQ_INT(walk(fs, "/moved-2", &fp), 0);
	ext2_iput(fp);

	/* A big file in 1 MiB writes. */
	CHECK_EQ_INT(put(fs, "/bigfile", 0, bigmb << 20, 17), 0);
	ext2_iput(dp);
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);

	/* The oracle: e2fsck and debugfs. */
	CHECK_EQ_INT(fsck(img), 0);
	CHECK(dump_same("/d1/d2/f1moved", 300000, 11));
	CHECK(dump_same("/victim", 6000, 14));
	CHECK(dump_same("/bigfile", bigmb << 20, 17));
	CHECK_EQ_INT(sh("debugfs -R 'cat /hello2.txt' '%s' 2>/dev/null | grep -qx "
			"hello",
			 img),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'cat /d1/hardlink' '%s' 2>&1 | grep -q "
			"'not found'",
			 img),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /hardlink' '%s' 2>/dev/null | grep -q "
			"'Links: 2'",
			 img),
	    0);
	/* debugfs lists records whose inode is 0 (removed) too: not those. */
	CHECK_EQ_INT(sh("test \"$(debugfs -R 'ls /big' '%s' 2>/dev/null | grep "
			"-o ' [1-9][0-9]*  ([0-9]*) entry-[0-9]*' | wc -l)\" = %zu",
			 img, ndirents - (ndirents + 2) / 3 - 2),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'ls /big' '%s' 2>/dev/null | grep -q "
			"' [1-9][0-9]*  ([0-9]*) entry-0 '",
			 img),
	    1);
	CHECK_EQ_INT(sh("debugfs -R 'ls /big' '%s' 2>/dev/null | grep -q "
			"' [1-9][0-9]*  ([0-9]*) entry-4 '",
			 img),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'ls /big' '%s' 2>/dev/null | grep -q "
			"' [1-9][0-9]*  ([0-9]*) renamed-1 '",
			 img),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'ls /d1/d2/mvd' '%s' 2>/dev/null | grep -q "
			"'\\.\\.'",
			 img),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /slow' '%s' 2>/dev/null | grep -q "
			"'Fast link dest'",
			 img),
	    1);
	CHECK_EQ_INT(sh("debugfs -R 'stat /fast' '%s' 2>/dev/null | grep -q "
			"'Fast link dest: \"d1/d2/f1moved\"'",
			 img),
	    0);

	/* A second mount reads what the first wrote. */
	bd = open_mount(E2_MNT_RDONLY, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK(same(fs, "/d1/d2/f1moved", 0, 300000, 11));
	CHECK(same(fs, "/sparse", far, 3000, 16));
	CHECK_EQ_INT(put(fs, "/victim", 0, 10, 1), RUMP_EROFS);
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);
}

TEST(scenario_1k)
{
	scenario(1024, 1000, 8);
}

TEST(scenario_4k)
{
	scenario(4096, envnum("EXT2_TEST_DIRENTS", 10000),
	    envnum("EXT2_TEST_BIGFILE_MB", 100));
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/usr/sbin:/sbin:/usr/bin:/bin", 1);
	if (sh("PATH=$PATH:/sbin:/usr/sbin command -v mke2fs >/dev/null && "
	       "PATH=$PATH:/sbin:/usr/sbin command -v e2fsck >/dev/null") != 0) {
		printf("FAIL e2fsprogs missing (scripts/deps installs it)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN(scenario_1k);
	RUN(scenario_4k);
	return check_done();
}
