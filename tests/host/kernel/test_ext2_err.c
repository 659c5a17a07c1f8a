/*
 * ext2's errors: a full disk, damaged images, a file system not cleanly
 * unmounted, unsupported features, read-only disks, disk errors, a small
 * buffer cache, unlinked open files, indexed directories. Each case makes
 * its own image (ext2_harness.c); afterwards e2fsck -fn finds nothing to
 * fix wherever the file system was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fs/buf.h"
#include "ext2_harness.h"

/* A fresh image with /hello (6 bytes), /d/f (3000 bytes of x), /d/sub/. */
static void
image(int bs, const char *size)
{
	char src[600];

	snprintf(src, sizeof(src), "%s/esrc", scratch());
	snprintf(img, sizeof(img), "%s/err.img", scratch());
	CHECK_EQ_INT(sh("rm -rf %s && mkdir -p %s/d/sub && printf 'hello\\n' > "
			"%s/hello && head -c 3000 /dev/zero | tr '\\0' x > %s/d/f",
			 src, src, src, src),
	    0);
	CHECK_EQ_INT(mkimage(img, bs, size, src), 0);
	console_clear();
}

static void
done(struct blkdev *bd, struct e2fs *fs)
{
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);
}

TEST(full_disk_enospc)
{
	struct e2inode *ip, *dp;
	struct e2statfs st;
	struct blkdev *bd;
	struct e2fs *fs;
	uint8_t buf[4096];
	uint64_t off = 0;
	size_t n, files = 0;
	char name[32];
	int err;

	image(1024, "2M");
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(mkfile(fs, "/fill", E2_IFREG | 0644, &ip), 0);
	pattern(buf, sizeof(buf), 5, 0);
	do {
		err = ext2_write(ip, buf, sizeof(buf), off, &n);
		off += n;
	} while (err == 0 && n == sizeof(buf));
	if (err == 0)
		err = ext2_write(ip, buf, sizeof(buf), off, &n);
	CHECK_EQ_INT(err, RUMP_ENOSPC);
	ext2_iput(ip);
	ext2_statfs(fs, &st);
	CHECK_EQ_INT(st.bfree, 0);
	/* Names until the directory or the inodes run out. */
	CHECK_EQ_INT(walk(fs, "/", &dp), 0);
	for (err = 0; err == 0 && files < 100000; files++) {
		snprintf(name, sizeof(name), "n%zu", files);
		err = ext2_create(dp, name, strlen(name), E2_IFREG | 0644, 0, 0,
		    0, &ip);
		if (err == 0)
			ext2_iput(ip);
	}
	CHECK_EQ_INT(err, RUMP_ENOSPC);
	ext2_iput(dp);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
	/* Space comes back, and is used again. */
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/", &dp), 0);
	CHECK_EQ_INT(ext2_remove(dp, "fill", 4, false), 0);
	ext2_iput(dp);
	CHECK_EQ_INT(put(fs, "/again", 0, 100000, 6), 0);
	CHECK(same(fs, "/again", 0, 100000, 6));
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
	CHECK(dump_same("/again", 100000, 6));
}

TEST(unlinked_open_file_lives_until_last_put)
{
	struct e2inode *ip, *dp;
	struct e2statfs before, during, after;
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(4096, "8M");
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	ext2_statfs(fs, &before);
	CHECK_EQ_INT(put(fs, "/open", 0, 200000, 7), 0);
	CHECK_EQ_INT(walk(fs, "/open", &ip), 0);
	CHECK_EQ_INT(walk(fs, "/", &dp), 0);
	CHECK_EQ_INT(ext2_remove(dp, "open", 4, false), 0);
	ext2_iput(dp);
	CHECK_EQ_INT(walk(fs, "/open", &dp), RUMP_ENOENT);
	ext2_statfs(fs, &during);
	CHECK(during.bfree < before.bfree);
	CHECK_EQ_INT(during.ffree, before.ffree - 1);
	uint8_t buf[100], want[100];
	size_t n;
	pattern(want, sizeof(want), 7, 150000);
	CHECK_EQ_INT(ext2_read(ip, buf, sizeof(buf), 150000, &n), 0);
	CHECK(n == sizeof(buf) && memcmp(buf, want, n) == 0);
	ext2_iput(ip);
	ext2_statfs(fs, &after);
	CHECK_EQ_INT(after.bfree, before.bfree);
	CHECK_EQ_INT(after.ffree, before.ffree);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
}

TEST(damaged_superblock_refused)
{
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(1024, "4M");
	CHECK_EQ_INT(sh("head -c 1024 /dev/urandom | dd of='%s' bs=1024 seek=1 "
			"conv=notrunc status=none",
			 img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EINVAL);
	CHECK(strstr(console, "not mounted") != NULL);
	/* A block count larger than the disk. */
	image(1024, "4M");
	CHECK_EQ_INT(sh("debugfs -w -R 'ssv blocks_count 99999999' '%s' "
			">/dev/null 2>&1",
			 img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EINVAL);
	CHECK(strstr(console, "larger than the disk") != NULL);
}

TEST(damaged_inode_table_gives_eio)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(1024, "4M");
	/* Garbage (fixed, so the run repeats) over the root inode's block. */
	CHECK_EQ_INT(
	    sh("blk=$(debugfs -R 'imap <2>' '%s' 2>/dev/null | sed -n "
	       "'s/.*located at block \\([0-9]*\\).*/\\1/p') && test -n \"$blk\" && "
	       "yes 'garbage!' | head -c 1024 | dd of='%s' bs=1024 seek=$blk "
	       "conv=notrunc status=none",
		img, img),
	    0);
	/* The mount reads the root inode: it is no directory now. */
	bd = open_mount(0, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EIO);
	CHECK(strstr(console, "damaged file system") != NULL);
	/* Another inode of that block: the mount works, the lookup fails. */
	image(1024, "4M");
	CHECK_EQ_INT(
	    sh("off=$(debugfs -R 'imap /hello' '%s' 2>/dev/null | sed "
	       "-n 's/.*located at block \\([0-9]*\\), offset \\(0x[0-9a-f]*\\).*/"
	       "\\1 \\2/p') && test -n \"$off\" && set -- $off && yes 'garbage!' | "
	       "head -c 128 | dd of='%s' bs=1 seek=$(($1 * 1024 + $2)) conv=notrunc "
	       "status=none",
		img, img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	err = walk(fs, "/hello", &ip);
	CHECK_EQ_INT(err, RUMP_EIO);
	if (err == 0)
		ext2_iput(ip);
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);
	/* Left marked with errors, so e2fsck runs and the next mount warns. */
	CHECK_EQ_INT(sh("debugfs -R stats '%s' 2>/dev/null | grep -q "
			"'Filesystem state:.*error'",
			 img),
	    0);
}

TEST(block_pointers_outside_the_disk_give_eio)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	char buf[4096];
	size_t n;
	int err;

	image(1024, "4M");
	CHECK_EQ_INT(sh("debugfs -w -R 'sif /d block[0] 3999999' '%s' >/dev/null "
			"2>&1 && debugfs -w -R 'sif /hello block[0] 77777777' '%s' "
			">/dev/null 2>&1",
			 img, img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/d/f", &ip), RUMP_EIO);
	CHECK(strstr(console, "outside") != NULL);
	CHECK_EQ_INT(walk(fs, "/hello", &ip), 0);
	CHECK_EQ_INT(ext2_read(ip, buf, sizeof(buf), 0, &n), RUMP_EIO);
	CHECK_EQ_INT(ext2_write(ip, "x", 1, 0, &n), RUMP_EIO);
	ext2_iput(ip);
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);
}

TEST(bad_directory_record_gives_eio)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(4096, "8M");
	/* rec_len 0 in /d's first record ("."). */
	CHECK_EQ_INT(sh("blk=$(debugfs -R 'bmap /d 0' '%s' 2>/dev/null) && "
			"test -n \"$blk\" && printf '\\000\\000' | dd of='%s' bs=1 "
			"seek=$((blk * 4096 + 4)) conv=notrunc status=none",
			 img, img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/d/f", &ip), RUMP_EIO);
	CHECK(strstr(console, "bad entry") != NULL);
	CHECK_EQ_INT(walk(fs, "/hello", &ip), 0); /* the rest still works */
	ext2_iput(ip);
	CHECK_EQ_INT(ext2_unmount(fs), 0);
	disk_close(bd);
}

TEST(not_clean_refused_read_write_unless_forced)
{
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(1024, "4M");
	CHECK_EQ_INT(sh("debugfs -w -R 'ssv state 0' '%s' >/dev/null 2>&1", img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EROFS);
	CHECK(strstr(console, "not cleanly unmounted") != NULL);
	console_clear();
	bd = open_mount(E2_MNT_RDONLY, &fs, &err);
	CHECK_EQ_INT(err, 0);
	CHECK(strstr(console, "warning") != NULL);
	if (bd != NULL)
		done(bd, fs);
	bd = open_mount(E2_MNT_FORCE, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(put(fs, "/forced", 0, 5000, 8), 0);
	/* While mounted the disk says "not clean". */
	CHECK_EQ_INT(sh("debugfs -R stats '%s' 2>/dev/null | grep -q "
			"'Filesystem state:.*not clean'",
			 img),
	    0);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
	CHECK(dump_same("/forced", 5000, 8));
}

TEST(unsupported_features)
{
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(1024, "4M");
	CHECK_EQ_INT(
	    sh("debugfs -w -R 'feature huge_file' '%s' >/dev/null 2>&1", img), 0);
	bd = open_mount(0, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EROFS);
	bd = open_mount(E2_MNT_RDONLY, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd != NULL) {
		CHECK(same(fs, "/d/f", 0, 0, 0));
		done(bd, fs);
	}
	image(1024, "4M");
	CHECK_EQ_INT(
	    sh("debugfs -w -R 'feature extent' '%s' >/dev/null 2>&1", img), 0);
	bd = open_mount(E2_MNT_RDONLY, &fs, &err);
	CHECK(bd == NULL && err == RUMP_EINVAL);
	CHECK(strstr(console, "unsupported") != NULL);
}

TEST(read_only_disk)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	size_t n;

	image(4096, "8M");
	bd = disk_open(img, true);
	CHECK(bd != NULL);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(ext2_mount(bd, 0, &fs), RUMP_EROFS);
	CHECK_EQ_INT(ext2_mount(bd, E2_MNT_RDONLY, &fs), 0);
	CHECK_EQ_INT(walk(fs, "/hello", &ip), 0);
	CHECK_EQ_INT(ext2_write(ip, "x", 1, 0, &n), RUMP_EROFS);
	CHECK_EQ_INT(ext2_truncate(ip, 0), RUMP_EROFS);
	ext2_iput(ip);
	CHECK_EQ_INT(mkfile(fs, "/new", E2_IFREG | 0644, &ip), RUMP_EROFS);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
}

TEST(write_errors_reach_fsync)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(4096, "8M");
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(put(fs, "/w", 0, 50000, 9), 0);
	CHECK_EQ_INT(walk(fs, "/w", &ip), 0);
	bd->fail_writes_after = 0;
	CHECK_EQ_INT(ext2_fsync(ip), RUMP_EIO);
	CHECK_EQ_INT(ext2_fsync(ip), RUMP_EIO); /* still not on the disk */
	bd->fail_writes_after = -1;
	CHECK_EQ_INT(ext2_fsync(ip), 0);
	ext2_iput(ip);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
	CHECK(dump_same("/w", 50000, 9));
}

TEST(read_errors_reach_the_caller)
{
	struct e2inode *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	uint32_t blk;
	char buf[100];
	size_t n;
	int err;

	image(1024, "4M");
	bd = open_mount(E2_MNT_RDONLY, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/d/f", &ip), 0);
	blk = ip->i_block[1];
	bd->fail_read_off = (uint64_t)blk * 1024 + 512;
	CHECK_EQ_INT(ext2_read(ip, buf, sizeof(buf), 1024, &n), RUMP_EIO);
	bd->fail_read_off = 0;
	CHECK_EQ_INT(ext2_read(ip, buf, sizeof(buf), 1024, &n), 0);
	CHECK(n == sizeof(buf) && buf[0] == 'x');
	ext2_iput(ip);
	done(bd, fs);
}

TEST(small_cache_evicts_and_writes_back)
{
	struct blkdev *bd;
	struct e2fs *fs;
	size_t cached, dirty;
	int err;

	image(1024, "8M");
	bcache_setlimit(64 * 1024);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd != NULL) {
		CHECK_EQ_INT(put(fs, "/big", 0, 3 << 20, 10), 0);
		bcache_stats(&cached, &dirty);
		CHECK(cached <= 64 * 1024 + 4096);
		CHECK(same(fs, "/big", 0, 3 << 20, 10));
		done(bd, fs);
	}
	bcache_setlimit(64 << 20);
	CHECK_EQ_INT(fsck(img), 0);
	CHECK(dump_same("/big", 3 << 20, 10));
}

TEST(renames_that_must_fail)
{
	struct e2inode *dp, *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	int err;

	image(1024, "4M");
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/", &dp), 0);
	CHECK_EQ_INT(mkfile(fs, "/e", E2_IFDIR | 0755, &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(ext2_rename(dp, "e", 1, dp, "d", 1), RUMP_ENOTEMPTY);
	CHECK_EQ_INT(ext2_rename(dp, "hello", 5, dp, "e", 1), RUMP_EISDIR);
	CHECK_EQ_INT(ext2_rename(dp, "e", 1, dp, "hello", 5), RUMP_ENOTDIR);
	CHECK_EQ_INT(ext2_rename(dp, "nope", 4, dp, "x", 1), RUMP_ENOENT);
	CHECK_EQ_INT(ext2_rename(dp, "d", 1, dp, "..", 2), RUMP_EINVAL);
	/* An empty directory may be replaced by a directory. */
	CHECK_EQ_INT(walk(fs, "/d", &ip), 0);
	CHECK_EQ_INT(ext2_rename(ip, "sub", 3, dp, "e", 1), 0);
	ext2_iput(ip);
	ext2_iput(dp);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
}

TEST(indexed_directory_changed_as_linear)
{
	struct e2inode *dp, *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	char src[600], name[32];
	int err;

	snprintf(src, sizeof(src), "%s/hsrc", scratch());
	snprintf(img, sizeof(img), "%s/htree.img", scratch());
	CHECK_EQ_INT(sh("rm -rf %s && mkdir -p %s/h && cd %s/h && seq -f "
			"'name-with-some-length-%%g' 1 600 | xargs touch",
			 src, src, src),
	    0);
	CHECK_EQ_INT(mkimage(img, 1024, "8M", src), 0);
	/* e2fsck -D indexes the directory. */
	sh("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	CHECK_EQ_INT(sh("debugfs -R 'htree /h' '%s' 2>/dev/null | grep -q "
			"'Root node'",
			 img),
	    0);
	bd = open_mount(0, &fs, &err);
	CHECK_EQ_INT(err, 0);
	if (bd == NULL)
		return;
	CHECK_EQ_INT(walk(fs, "/h/name-with-some-length-599", &ip), 0);
	ext2_iput(ip);
	CHECK_EQ_INT(walk(fs, "/h", &dp), 0);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "added-%d", i);
		CHECK_EQ_INT(ext2_create(dp, name, strlen(name),
				 E2_IFREG | 0644, 0, 0, 0, &ip),
		    0);
		ext2_iput(ip);
		snprintf(name, sizeof(name), "name-with-some-length-%d", i + 1);
		CHECK_EQ_INT(ext2_remove(dp, name, strlen(name), false), 0);
	}
	ext2_iput(dp);
	done(bd, fs);
	CHECK_EQ_INT(fsck(img), 0);
	CHECK_EQ_INT(sh("debugfs -R 'ls /h' '%s' 2>/dev/null | grep -q "
			"' [1-9][0-9]*  ([0-9]*) added-49 '",
			 img),
	    0);
}

struct names {
	int n;
	char name[64][E2_MAXNAMLEN + 1];
};

static int
collect(void *arg, uint32_t ino, uint8_t type, const char *name, size_t namelen,
    uint64_t nextoff)
{
	struct names *nm = arg;

	(void)ino;
	(void)type;
	(void)nextoff;
	if (nm->n == 64)
		return 1;
	memcpy(nm->name[nm->n], name, namelen);
	nm->name[nm->n++][namelen] = '\0';
	return 0;
}

/* Reads everything reachable from dp (a few levels), ignoring errors. */
static void
visit(struct e2inode *dp, int depth)
{
	struct names *nm = calloc(1, sizeof(*nm));
	struct e2inode *ip;
	static char buf[65536];
	uint64_t off = 0;
	size_t n;

	(void)ext2_readdir(dp, &off, collect, nm);
	for (int i = 0; i < nm->n; i++) {
		if (strcmp(nm->name[i], ".") == 0 ||
		    strcmp(nm->name[i], "..") == 0)
			continue;
		if (ext2_lookup(dp, nm->name[i], strlen(nm->name[i]), &ip) != 0)
			continue;
		switch (ip->i_mode & E2_IFMT) {
		case E2_IFDIR:
			if (depth < 3)
				visit(ip, depth + 1);
			break;
		case E2_IFREG:
			(void)ext2_read(ip, buf, sizeof(buf), 0, &n);
			break;
		case E2_IFLNK:
			(void)ext2_readlink(ip, buf, sizeof(buf), &n);
			break;
		}
		ext2_iput(ip);
	}
	free(nm);
}

/*
 * Random bytes over the metadata of an image, many times: the mount is
 * refused, or every call returns (an error or not); never a crash (the
 * sanitizers) or a hang.
 */
#define DAMAGE_RUNS 100

TEST(random_damage_never_crashes)
{
	struct e2inode *dp, *ip;
	struct blkdev *bd;
	struct e2fs *fs;
	uint8_t junk[16];
	unsigned seed;
	int err, refused = 0, reported = 0;
	size_t n;

	/* Where the metadata is (the same in every image made here). */
	image(1024, "4M");
	long spots[4] = { 1024, 2048, 0, 0 };
	long itab = 0, rootdir = 0, ddir = 0;
	char cmd[2048];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
	    "a=$(debugfs -R 'imap <2>' '%s' 2>/dev/null | "
	    "sed -n 's/.*located at block \\([0-9]*\\).*/\\1/p'); b=$(debugfs "
	    "-R 'bmap / 0' '%s' 2>/dev/null); c=$(debugfs -R 'bmap /d 0' '%s' "
	    "2>/dev/null); echo $a $b $c",
	    img, img, img);
	p = popen(cmd, "r");
	if (p != NULL) {
		if (fscanf(p, "%ld %ld %ld", &itab, &rootdir, &ddir) != 3)
			itab = 0;
		pclose(p);
	}
	CHECK(itab > 0 && rootdir > 0 && ddir > 0);
	spots[2] = itab * 1024;
	spots[3] = rootdir * 1024;
	/* Each run starts from these bytes (cheaper than mke2fs). */
	size_t imgsize = 4 << 20;
	uint8_t *pristine = malloc(imgsize);
	bd = disk_open(img, true);
	CHECK(bd != NULL &&
	    pread(bd->fd, pristine, imgsize, 0) == (ssize_t)imgsize);
	if (bd != NULL)
		disk_close(bd);
	for (unsigned run = 1; run <= DAMAGE_RUNS; run++) {
		seed = run;
		console_clear();
		bd = disk_open(img, false);
		if (bd == NULL)
			break;
		CHECK(pwrite(bd->fd, pristine, imgsize, 0) == (ssize_t)imgsize);
		for (int k = 0; k < 6; k++) {
			/* Mostly the inode table and directories, rarely the rest. */
			int which = rand_r(&seed) % 10;
			off_t at = which < 1 ?
			    spots[which % 2] + rand_r(&seed) % 1024 :
			    which < 5 ?
			    spots[2] + rand_r(&seed) % 2048 :
			    which < 8 ?
			    (rand_r(&seed) % 2 ? spots[3] : ddir * 1024) +
				rand_r(&seed) % 1024 :
			    rand_r(&seed) % (300 * 1024);

			for (size_t j = 0; j < sizeof(junk); j++)
				junk[j] = (uint8_t)rand_r(&seed);
			CHECK(pwrite(bd->fd, junk,
				  1 + rand_r(&seed) % sizeof(junk), at) > 0);
		}
		err = ext2_mount(bd, E2_MNT_FORCE, &fs);
		if (err != 0) {
			refused++;
			disk_close(bd);
			continue;
		}
		if (ext2_iget(fs, E2_ROOTINO, &dp) == 0) {
			visit(dp, 0);
			if (ext2_create(dp, "new", 3, E2_IFREG | 0644, 0, 0, 0,
				&ip) == 0) {
				(void)ext2_write(ip, junk, sizeof(junk), 70000,
				    &n);
				(void)ext2_truncate(ip, 10);
				ext2_iput(ip);
			}
			(void)ext2_rename(dp, "d", 1, dp, "d2", 2);
			(void)ext2_remove(dp, "hello", 5, false);
			(void)ext2_remove(dp, "new", 3, false);
			ext2_iput(dp);
		}
		(void)ext2_unmount(fs);
		disk_close(bd);
		if (strstr(console, "damaged") != NULL)
			reported++;
	}
	free(pristine);
	printf("  of %d damaged images: %d refused at mount, %d reported "
	       "damage later\n",
	    DAMAGE_RUNS, refused, reported);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/usr/sbin:/sbin:/usr/bin:/bin", 1);
	RUN(full_disk_enospc);
	RUN(unlinked_open_file_lives_until_last_put);
	RUN(damaged_superblock_refused);
	RUN(damaged_inode_table_gives_eio);
	RUN(block_pointers_outside_the_disk_give_eio);
	RUN(bad_directory_record_gives_eio);
	RUN(not_clean_refused_read_write_unless_forced);
	RUN(unsupported_features);
	RUN(read_only_disk);
	RUN(write_errors_reach_fsync);
	RUN(read_errors_reach_the_caller);
	RUN(small_cache_evicts_and_writes_back);
	RUN(renames_that_must_fail);
	RUN(indexed_directory_changed_as_linear);
	RUN(random_damage_never_crashes);
	return check_done();
}
