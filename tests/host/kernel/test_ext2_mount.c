/*
 * ext2 through the system calls (doc/vfs.md): an image made by mke2fs -d
 * attached as /dev/ld7 with rump_etfs(3), mounted with __mount50
 * (MOUNT_EXT2FS, struct ufs_args), read and written with open, write,
 * mkdir, rename, symlink, unlink, getdents, statvfs1; EBUSY while in use,
 * unmounted; then e2fsck -fn is clean and debugfs shows what was written.
 * Read-only mounts get EROFS.
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

#define ERR(call, e)                      \
	do {                              \
		CHECK_EQ_INT((call), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

static char dir[64], img[128];

static int
mount_ext2(const char *dev, const char *on, int flags)
{
	struct rump_ufs_args ua = { .fspec = (char *)dev };

	return rump_sys_mount(RUMP_MOUNT_EXT2FS, on, flags, &ua, sizeof(ua));
}

TEST(ext2_mounted_written_and_checked)
{
	struct rump_statvfs sv;
	struct rump_stat st;
	char buf[4096], big[65536];
	int fd, n, names = 0;

	CHECK_EQ_INT(
	    sh("mkdir -p %s/src/sub && printf 'from the host' > %s/src/hello"
	       " && mke2fs -q -F -t ext2 -b 1024 -d %s/src %s 8M >/dev/null 2>&1",
		dir, dir, dir, img),
	    0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld7", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/data", 0755), 0);
	ERR(mount_ext2("/dev/null", "/data", 0), RUMP_ENOTBLK);
	ERR(mount_ext2("/dev/nonexistent", "/data", 0), RUMP_ENOENT);
	ERR(rump_sys_mount(RUMP_MOUNT_EXT2FS, "/data", 0, NULL, 0), RUMP_EINVAL);
	CHECK_EQ_INT(mount_ext2("/dev/ld7", "/data", 0), 0);
	ERR(mount_ext2("/dev/ld7", "/tmp", 0), RUMP_EBUSY);

	/* What mke2fs -d put there. */
	fd = rump_sys_open("/data/hello", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 13);
	CHECK(memcmp(buf, "from the host", 13) == 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_stat("/data/sub", &st), 0);
	CHECK_EQ_INT(st.st_mode & 0170000, 0040000);
	CHECK_EQ_INT(rump_sys_statvfs1("/data", &sv, RUMP_ST_WAIT), 0);
	CHECK_EQ_STR(sv.f_fstypename, "ext2fs");
	CHECK_EQ_STR(sv.f_mntfromname, "/dev/ld7");
	CHECK_EQ_INT(sv.f_bsize, 1024);

	/* Write: a file, a directory, a rename, a symlink, a removal. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	fd = rump_sys_open("/data/sub/big", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, big, sizeof(big)), (int)sizeof(big));
	CHECK_EQ_INT(rump_sys_fsync(fd), 0);
	ERR(rump_sys_unmount("/data", 0), RUMP_EBUSY);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_mkdir("/data/newdir", 0750), 0);
	CHECK_EQ_INT(rump_sys_rename("/data/sub/big", "/data/newdir/big"), 0);
	CHECK_EQ_INT(rump_sys_symlink("newdir/big", "/data/link"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/data/hello"), 0);
	ERR(rump_sys_rename("/data/newdir/big", "/tmp/big"), RUMP_EXDEV);
	ERR(rump_sys_rmdir("/data/newdir"), RUMP_ENOTEMPTY);
	fd = rump_sys_open("/data/link", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_read(fd, buf, 4096), 4096);
	CHECK(memcmp(buf, big, 4096) == 0);
	rump_sys_close(fd);
	/* getdents lists the root: ".", "..", lost+found, sub, newdir, link. */
	fd = rump_sys_open("/data", RUMP_O_RDONLY);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (int off = 0; off < n;) {
			uint16_t reclen;
			memcpy(&reclen, buf + off + 8, 2);
			names++;
			off += reclen;
		}
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(names, 6);
	rump_sys_close(fd);
	/* getcwd inside the mount. */
	CHECK_EQ_INT(rump_sys_chdir("/data/newdir"), 0);
	CHECK(rump_sys___getcwd(buf, sizeof(buf)) > 0);
	CHECK_EQ_STR(buf, "/data/newdir");
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(rump_sys_unmount("/data", 0), 0);

	/* The host's tools agree. */
	CHECK_EQ_INT(sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
	CHECK_EQ_INT(sh("debugfs -R 'dump /newdir/big %s/big' %s >/dev/null 2>&1",
			 dir, img),
	    0);
	{
		FILE *f;
		char path[128];
		size_t got;
		snprintf(path, sizeof(path), "%s/big", dir);
		f = fopen(path, "rb");
		CHECK(f != NULL);
		if (f != NULL) {
			got = fread(buf, 1, sizeof(buf), f);
			CHECK_EQ_INT(got, sizeof(buf));
			CHECK(memcmp(buf, big, sizeof(buf)) == 0);
			fclose(f);
		}
	}
	CHECK_EQ_INT(
	    sh("debugfs -R 'stat /link' %s 2>/dev/null | grep -q 'Fast link dest: \"newdir/big\"'",
		img),
	    0);
	CHECK(sh("debugfs -R 'stat /hello' %s 2>&1 | grep -q 'File not found'",
		  img) == 0);

	/* Read-only: EROFS, reads work. */
	CHECK_EQ_INT(mount_ext2("/dev/ld7", "/data", RUMP_MNT_RDONLY), 0);
	ERR(rump_sys_open("/data/new", RUMP_O_WRONLY | RUMP_O_CREAT, 0644),
	    RUMP_EROFS);
	ERR(rump_sys_open("/data/newdir/big", RUMP_O_WRONLY), RUMP_EROFS);
	ERR(rump_sys_unlink("/data/link"), RUMP_EROFS);
	ERR(rump_sys_mkdir("/data/d2", 0755), RUMP_EROFS);
	ERR(rump_sys_truncate("/data/newdir/big", 0), RUMP_EROFS);
	ERR(rump_sys_chmod("/data/newdir", 0700), RUMP_EROFS);
	ERR(rump_sys_rename("/data/link", "/data/link2"), RUMP_EROFS);
	CHECK_EQ_INT(rump_sys_stat("/data/newdir/big", &st), 0);
	CHECK_EQ_INT(st.st_size, (int)sizeof(big));
	CHECK_EQ_INT(rump_sys_unmount("/data", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/data"), 0);
	CHECK_EQ_INT(sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(dir, sizeof(dir), "/tmp/ext2mount.%d", (int)getpid());
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	if (sh("mkdir -p %s", dir) != 0 || rump_init() != 0 ||
	    rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("setup failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(ext2_mounted_written_and_checked);
	rump_pub_lwproc_releaselwp();
	sh("rm -rf %s", dir);
	return check_done();
}
