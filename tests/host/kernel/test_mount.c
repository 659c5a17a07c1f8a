/*
 * Mounts (doc/vfs.md): a second tmpfs mounted on a directory with
 * __mount50, files in it, lookup down into it and ".." back out, getcwd
 * across it, statvfs1/fstatvfs1/getvfsstat, EBUSY while it is in use,
 * read-only mounts (EROFS), EXDEV across mounts, EPERM for non-root,
 * forced unmount. Built on the host and into the image (suite_mount.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define ERR(call, e)                      \
	do {                              \
		CHECK_EQ_INT((call), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

_Static_assert(sizeof(struct rump_statvfs) == 2256,
    "NetBSD statvfs is 2256 bytes");

/* A tmpfs at dir (made if missing), with flags; 0 or -1. */
static int
mount_tmpfs(const char *dir, int flags)
{
	struct rump_tmpfs_args ta = {
		.ta_version = 1,
		.ta_root_mode = 0755,
	};

	rump_sys_mkdir(dir, 0755);
	return rump_sys_mount(RUMP_MOUNT_TMPFS, dir, flags, &ta, sizeof(ta));
}

/* Writes s to a new file path; 0 or -1. */
static int
put(const char *path, const char *s)
{
	int fd = rump_sys_open(path,
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	int n;

	if (fd < 0)
		return -1;
	n = (int)rump_sys_write(fd, s, strlen(s));
	rump_sys_close(fd);
	return n == (int)strlen(s) ? 0 : -1;
}

TEST(mount_files_lookup_and_unmount)
{
	struct rump_stat root, mnt, st, under;
	char buf[64];
	int fd;

	CHECK_EQ_INT(rump_sys_mkdir("/m1", 0755), 0);
	CHECK_EQ_INT(put("/m1/under", "hidden"), 0);
	CHECK_EQ_INT(rump_sys_stat("/", &root), 0);
	CHECK_EQ_INT(rump_sys_stat("/m1/under", &under), 0);
	CHECK_EQ_INT(mount_tmpfs("/m1", 0), 0);
	/* The new root: its own device, empty; the covered file hidden. */
	CHECK_EQ_INT(rump_sys_stat("/m1", &mnt), 0);
	CHECK(mnt.st_dev != root.st_dev);
	CHECK_EQ_INT(mnt.st_mode & 07777, 0755);
	ERR(rump_sys_stat("/m1/under", &st), RUMP_ENOENT);
	CHECK_EQ_INT(put("/m1/f", "on the mount"), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/m1/d", 0755), 0);
	CHECK_EQ_INT(rump_sys_stat("/m1/d/../f", &st), 0);
	CHECK_EQ_INT(st.st_dev, mnt.st_dev);
	/* ".." from the mounted root is the covering directory's parent. */
	CHECK_EQ_INT(rump_sys_stat("/m1/..", &st), 0);
	CHECK_EQ_INT(st.st_ino, root.st_ino);
	CHECK_EQ_INT(st.st_dev, root.st_dev);
	CHECK_EQ_INT(rump_sys_stat("/m1/d/../../m1/f", &st), 0);
	/* getcwd across the mount point. */
	CHECK_EQ_INT(rump_sys_chdir("/m1/d"), 0);
	CHECK(rump_sys___getcwd(buf, sizeof(buf)) > 0);
	CHECK_EQ_STR(buf, "/m1/d");
	/* A cwd inside: busy; so is an open file; then free. */
	ERR(rump_sys_unmount("/m1", 0), RUMP_EBUSY);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	fd = rump_sys_open("/m1/f", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	ERR(rump_sys_unmount("/m1", 0), RUMP_EBUSY);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 12);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	/* Not a mount point; the mount point as a name to remove. */
	ERR(rump_sys_unmount("/m1/d", 0), RUMP_EINVAL);
	ERR(rump_sys_rmdir("/m1"), RUMP_EBUSY);
	CHECK_EQ_INT(rump_sys_unmount("/m1", 0), 0);
	/* What was covered is back; the mount's files are gone. */
	CHECK_EQ_INT(rump_sys_stat("/m1/under", &st), 0);
	CHECK_EQ_INT(st.st_ino, under.st_ino);
	ERR(rump_sys_stat("/m1/f", &st), RUMP_ENOENT);
	ERR(rump_sys_unmount("/m1", 0), RUMP_EINVAL);
	ERR(rump_sys_unmount("/", 0), RUMP_EBUSY);
	CHECK_EQ_INT(rump_sys_unlink("/m1/under"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/m1"), 0);
}

TEST(statvfs_and_getvfsstat)
{
	struct rump_statvfs sv, *all;
	int n, fd, found = 0;

	CHECK_EQ_INT(mount_tmpfs("/m2", 0), 0);
	CHECK_EQ_INT(rump_sys_statvfs1("/m2", &sv, RUMP_ST_WAIT), 0);
	CHECK_EQ_STR(sv.f_fstypename, "tmpfs");
	CHECK_EQ_STR(sv.f_mntonname, "/m2");
	CHECK_EQ_INT(sv.f_bsize, 4096);
	CHECK(sv.f_blocks > 0 && sv.f_bfree <= sv.f_blocks);
	CHECK_EQ_INT(sv.f_namemax, 255);
	CHECK_EQ_INT(sv.f_flag & RUMP_MNT_RDONLY, 0);
	fd = rump_sys_open("/", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_fstatvfs1(fd, &sv, RUMP_ST_WAIT), 0);
	CHECK_EQ_STR(sv.f_mntonname, "/");
	CHECK(sv.f_flag & RUMP_MNT_ROOTFS);
	rump_sys_close(fd);
	ERR(rump_sys_statvfs1("/nonexistent", &sv, RUMP_ST_WAIT), RUMP_ENOENT);
	ERR(rump_sys_statvfs1("/m2", (void *)8, RUMP_ST_WAIT), RUMP_EFAULT);

	n = rump_sys_getvfsstat(NULL, 0, RUMP_ST_WAIT);
	CHECK(n >= 2);
	all = calloc((size_t)n, sizeof(*all));
	CHECK_EQ_INT(
	    rump_sys_getvfsstat(all, (size_t)n * sizeof(*all), RUMP_ST_WAIT), n);
	CHECK_EQ_STR(all[0].f_mntonname, "/");
	for (int i = 0; i < n; i++)
		if (strcmp(all[i].f_mntonname, "/m2") == 0)
			found++;
	CHECK_EQ_INT(found, 1);
	/* Room for one: one. */
	CHECK_EQ_INT(rump_sys_getvfsstat(all, sizeof(*all), RUMP_ST_WAIT), 1);
	free(all);
	CHECK_EQ_INT(rump_sys_unmount("/m2", 0), 0);
	CHECK_EQ_INT(rump_sys_getvfsstat(NULL, 0, RUMP_ST_WAIT), n - 1);
	CHECK_EQ_INT(rump_sys_rmdir("/m2"), 0);
}

TEST(read_only_mount_is_erofs)
{
	struct rump_statvfs sv;
	char buf[256];
	int fd;

	CHECK_EQ_INT(mount_tmpfs("/m3", RUMP_MNT_RDONLY), 0);
	CHECK_EQ_INT(rump_sys_statvfs1("/m3", &sv, RUMP_ST_WAIT), 0);
	CHECK(sv.f_flag & RUMP_MNT_RDONLY);
	ERR(rump_sys_open("/m3/f", RUMP_O_WRONLY | RUMP_O_CREAT, 0644),
	    RUMP_EROFS);
	ERR(rump_sys_mkdir("/m3/d", 0755), RUMP_EROFS);
	ERR(rump_sys_symlink("x", "/m3/l"), RUMP_EROFS);
	ERR(rump_sys_chmod("/m3", 0700), RUMP_EROFS);
	ERR(rump_sys_chown("/m3", 1, 1), RUMP_EROFS);
	ERR(rump_sys_utimes("/m3", NULL), RUMP_EROFS);
	ERR(rump_sys_open("/m3", RUMP_O_RDWR), RUMP_EISDIR);
	/* Reading is fine. */
	fd = rump_sys_open("/m3", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK(rump_sys_getdents(fd, buf, sizeof(buf)) > 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_unmount("/m3", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/m3"), 0);
}

TEST(cross_mount_rename_and_link_are_exdev)
{
	CHECK_EQ_INT(mount_tmpfs("/m4", 0), 0);
	CHECK_EQ_INT(put("/tmp/xf", "x"), 0);
	CHECK_EQ_INT(put("/m4/yf", "y"), 0);
	ERR(rump_sys_rename("/tmp/xf", "/m4/xf"), RUMP_EXDEV);
	ERR(rump_sys_rename("/m4/yf", "/tmp/yf"), RUMP_EXDEV);
	ERR(rump_sys_link("/tmp/xf", "/m4/xl"), RUMP_EXDEV);
	ERR(rump_sys_rename("/m4", "/tmp/m4"), RUMP_EBUSY);
	/* Within the mount: fine. */
	CHECK_EQ_INT(rump_sys_rename("/m4/yf", "/m4/zf"), 0);
	CHECK_EQ_INT(rump_sys_link("/m4/zf", "/m4/zl"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/xf"), 0);
	CHECK_EQ_INT(rump_sys_unmount("/m4", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/m4"), 0);
}

TEST(mount_errors_and_permissions)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };
	struct rump_tmpfs_args bad = { .ta_version = 99 };
	struct lwp *me;

	CHECK_EQ_INT(rump_sys_mkdir("/m5", 0755), 0);
	CHECK_EQ_INT(put("/tmp/notdir", "x"), 0);
	ERR(rump_sys_mount("nosuchfs", "/m5", 0, &ta, sizeof(ta)), RUMP_ENODEV);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/tmp/notdir", 0, &ta, sizeof(ta)),
	    RUMP_ENOTDIR);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/nonexistent", 0, &ta, sizeof(ta)),
	    RUMP_ENOENT);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/m5", 0, &bad, sizeof(bad)),
	    RUMP_EINVAL);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/m5", RUMP_MNT_UPDATE, &ta,
		sizeof(ta)),
	    RUMP_EOPNOTSUPP);
	/* As NetBSD, a mount on "/" stacks (it used to be EBUSY here). */
	CHECK_EQ_INT(rump_sys_mount(RUMP_MOUNT_TMPFS, "/", 0, &ta, sizeof(ta)),
	    0);
	ERR(rump_sys_rmdir("/m5"), RUMP_ENOENT); /* hidden below */
	CHECK_EQ_INT(rump_sys_unmount("/", 0), 0);
	ERR(rump_sys_unmount("/", 0), RUMP_EBUSY); /* the root file system */
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/m5", 0, (void *)8, sizeof(ta)),
	    RUMP_EFAULT);
	/* Only root mounts and unmounts. */
	CHECK_EQ_INT(mount_tmpfs("/m5", 0), 0);
	me = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/tmp", 0, &ta, sizeof(ta)),
	    RUMP_EPERM);
	ERR(rump_sys_unmount("/m5", 0), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
	CHECK_EQ_INT(rump_sys_unmount("/m5", 0), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/notdir"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/m5"), 0);
}

/*
 * tmpfs_args' ta_size_max and ta_nodes_max (tmpfs(5)): ENOSPC past them,
 * a short write at the size limit, room again after a removal, statvfs
 * reporting them; another tmpfs is not bound by them.
 */
TEST(tmpfs_args_limits_are_enforced)
{
	struct rump_tmpfs_args ta = { .ta_version = 1,
		.ta_root_mode = 0755,
		.ta_size_max = 3 * 4096 + 1,
		.ta_nodes_max = 4 };
	struct rump_tmpfs_args neg = { .ta_version = 1, .ta_size_max = -1 };
	struct rump_statvfs sv;
	/* On the heap: 24 KiB of bss would cost the -m 2M image cases. */
	char *big = calloc(1, 6 * 4096);
	int fd;

	CHECK(big != NULL);
	if (big == NULL)
		return;
	CHECK_EQ_INT(rump_sys_mkdir("/m6", 0755), 0);
	ERR(rump_sys_mount(RUMP_MOUNT_TMPFS, "/m6", 0, &neg, sizeof(neg)),
	    RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_mount(RUMP_MOUNT_TMPFS, "/m6", 0, &ta, sizeof(ta)),
	    0);
	/* 3 * 4096 + 1 bytes: four blocks. A 24 KiB write stops at 16 KiB. */
	fd = rump_sys_open("/m6/a", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, big, 6 * 4096), 4 * 4096);
	ERR(rump_sys_write(fd, big, 1), RUMP_ENOSPC);
	CHECK_EQ_INT(rump_sys_statvfs1("/m6", &sv, RUMP_ST_WAIT), 0);
	CHECK_EQ_INT(sv.f_blocks, 4);
	CHECK_EQ_INT(sv.f_bfree, 0);
	CHECK_EQ_INT(sv.f_files, 4);
	CHECK_EQ_INT(sv.f_ffree, 2); /* the root and a */
	/* Rewriting blocks it has is fine; truncating gives them back. */
	CHECK_EQ_INT(rump_sys_pwrite(fd, big, 4096, 0), 4096);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 4096), 0);
	CHECK_EQ_INT(rump_sys_pwrite(fd, big, 3 * 4096, 4096), 3 * 4096);
	rump_sys_close(fd);
	/* Four nodes: the root, a, b, c; d is one too many, of any type. */
	CHECK_EQ_INT(put("/m6/b", ""), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/m6/c", 0755), 0);
	ERR(rump_sys_open("/m6/d", RUMP_O_WRONLY | RUMP_O_CREAT, 0644),
	    RUMP_ENOSPC);
	ERR(rump_sys_mkdir("/m6/d", 0755), RUMP_ENOSPC);
	ERR(rump_sys_symlink("a", "/m6/d"), RUMP_ENOSPC);
	CHECK_EQ_INT(rump_sys_link("/m6/a", "/m6/d"), 0); /* no new node */
	/* Elsewhere: no limit. */
	CHECK_EQ_INT(put("/tmp/m6-free", "x"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/m6-free"), 0);
	/* Removing frees a node and its blocks. */
	CHECK_EQ_INT(rump_sys_unlink("/m6/a"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/m6/d"), 0);
	CHECK_EQ_INT(put("/m6/e", "room again"), 0);
	CHECK_EQ_INT(rump_sys_statvfs1("/m6", &sv, RUMP_ST_WAIT), 0);
	CHECK_EQ_INT(sv.f_bfree, 3);
	CHECK_EQ_INT(sv.f_ffree, 0);
	CHECK_EQ_INT(rump_sys_unmount("/m6", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/m6"), 0);
	free(big);
}

TEST(forced_unmount_leaves_dead_files)
{
	struct rump_stat st;
	char buf[8];
	int fd, dfd;

	CHECK_EQ_INT(mount_tmpfs("/m6", 0), 0);
	CHECK_EQ_INT(put("/m6/f", "data"), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/m6/d", 0755), 0);
	fd = rump_sys_open("/m6/f", RUMP_O_RDWR);
	CHECK(fd >= 0);
	dfd = rump_sys_open("/m6/d", RUMP_O_RDONLY);
	CHECK(dfd >= 0);
	ERR(rump_sys_unmount("/m6", 0), RUMP_EBUSY);
	CHECK_EQ_INT(rump_sys_unmount("/m6", RUMP_MNT_FORCE), 0);
	/* The files held stay valid descriptors that fail. */
	ERR(rump_sys_read(fd, buf, sizeof(buf)), RUMP_EIO);
	ERR(rump_sys_write(fd, "x", 1), RUMP_EIO);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	ERR(rump_sys_getdents(dfd, buf, sizeof(buf)), RUMP_EIO);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_close(dfd), 0);
	ERR(rump_sys_stat("/m6/f", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_rmdir("/m6"), 0);
}

#ifdef RUMPIMG_IMAGE
int
mount_suite(void)
#else
int
main(void)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(mount_files_lookup_and_unmount);
	RUN(statvfs_and_getvfsstat);
	RUN(read_only_mount_is_erofs);
	RUN(cross_mount_rename_and_link_are_exdev);
	RUN(mount_errors_and_permissions);
	RUN(forced_unmount_leaves_dead_files);
	RUN(tmpfs_args_limits_are_enforced);
	rump_pub_lwproc_releaselwp();
	return check_done();
}
