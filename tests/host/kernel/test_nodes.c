/*
 * Device nodes, root directories and file flags (kernel/vfs_mknod.c,
 * vfs_chroot.c, vfs_flags.c) with NetBSD's errno for each failure mode:
 * mknod(2)/mknodat(2) of device nodes that reach the kernel's devices,
 * FIFOs and regular files; chroot(2)/fchroot(2) and what lookups, getcwd
 * and new processes make of the root; chflags(2)/fchflags(2)/lchflags(2)
 * and their enforcement; stacked mounts and a working directory on a
 * forcibly unmounted file system. Built for the host and, with
 * RUMPIMG_IMAGE, for the image (tests/qemu/apps/suite_nodes.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define CHECK_ERR(expr, e)                \
	do {                              \
		errno = 0;                \
		CHECK_EQ_INT((expr), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

#define BADFD 40

static void
enter(void)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFCFDG);
}

static int
put(const char *path, const char *text)
{
	int fd = rump_sys_open(path,
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = rump_sys_write(fd, text, strlen(text));
	rump_sys_close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* ---- mknod ---- */

TEST(mknod_makes_device_nodes_that_reach_the_devices)
{
	struct rump_stat st;
	char buf[4];
	int fd, dfd;

	enter();
	rump_sys_umask(022);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/mk", 0755), 0);
	/* /dev/null's and /dev/zero's numbers: mem, minor 2 and 12. */
	CHECK_EQ_INT(rump_sys_mknod("/tmp/mk/null", RUMP_S_IFCHR | 0666,
			 RUMP_MAKEDEV(2, 2)),
	    0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/mk/null", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFCHR | 0644);
	CHECK_EQ_INT(st.st_rdev, RUMP_MAKEDEV(2, 2));
	fd = rump_sys_open("/tmp/mk/null", RUMP_O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, "abc", 3), 3);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 0);
	rump_sys_close(fd);
	dfd = rump_sys_open("/tmp/mk", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_mknodat(dfd, "zero", RUMP_S_IFCHR | 0600,
			 RUMP_MAKEDEV(2, 12)),
	    0);
	fd = rump_sys_openat(dfd, "zero", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	rump_sys_close(fd);
	/* A number no driver has: made, but ENXIO at open. */
	CHECK_EQ_INT(rump_sys_mknod("/tmp/mk/nodrv", RUMP_S_IFCHR | 0600,
			 RUMP_MAKEDEV(200, 1)),
	    0);
	CHECK_ERR(rump_sys_open("/tmp/mk/nodrv", RUMP_O_RDONLY), RUMP_ENXIO);
	CHECK_EQ_INT(rump_sys_mknodat(dfd, "blk", RUMP_S_IFBLK | 0600,
			 RUMP_MAKEDEV(19, 63 * 16 + 3)),
	    0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "blk", &st, 0), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFBLK);
	CHECK_EQ_INT(st.st_rdev, RUMP_MAKEDEV(19, 63 * 16 + 3));
	CHECK_ERR(rump_sys_openat(dfd, "blk", RUMP_O_RDONLY), RUMP_ENXIO);
	/* Failures */
	CHECK_ERR(rump_sys_mknod("/tmp/mk/null", RUMP_S_IFCHR | 0600, 0),
	    RUMP_EEXIST);
	CHECK_ERR(rump_sys_mknod("/tmp/mk/none/x", RUMP_S_IFCHR | 0600, 0),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_mknod("/tmp/mk/d", RUMP_S_IFDIR | 0700, 0),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_mknod("/tmp/mk/l", RUMP_S_IFLNK | 0700, 0),
	    RUMP_EINVAL);
	CHECK_ERR(
	    rump_sys_mknod("/tmp/mk/nodev", RUMP_S_IFCHR | 0600, (uint64_t)-1),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_mknod((const char *)8, RUMP_S_IFCHR | 0600, 0),
	    RUMP_EFAULT);
	CHECK_ERR(rump_sys_mknodat(BADFD, "x", RUMP_S_IFCHR | 0600, 0),
	    RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_mknod("/tmp/u", RUMP_S_IFCHR | 0600, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_mknod("/tmp/u", RUMP_S_IFBLK | 0600, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_mknod("/tmp/u", RUMP_S_IFREG | 0600, 0), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	enter();
	rump_sys_unlink("/tmp/mk/null");
	rump_sys_unlink("/tmp/mk/zero");
	rump_sys_unlink("/tmp/mk/nodrv");
	rump_sys_unlink("/tmp/mk/blk");
	rump_sys_rmdir("/tmp/mk");
	rump_pub_lwproc_releaselwp();
}

TEST(mknod_of_a_fifo_or_a_regular_file)
{
	struct rump_stat st;
	int r, w;

	enter();
	rump_sys_umask(0);
	CHECK_EQ_INT(rump_sys_mknod("/tmp/mk_reg", RUMP_S_IFREG | 0640, 0), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/mk_reg", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFREG | 0640);
	CHECK_EQ_INT(st.st_size, 0);
	/* A FIFO needs no privilege: mknod(2) is mkfifo(2) for it. */
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_EQ_INT(rump_sys_mknod("/tmp/mk_fifo", RUMP_S_IFIFO | 0600, 0), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/mk_fifo", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFIFO | 0600);
	CHECK_EQ_INT(st.st_uid, 1000);
	r = rump_sys_open("/tmp/mk_fifo", RUMP_O_RDONLY | RUMP_O_NONBLOCK);
	CHECK(r >= 0);
	w = rump_sys_open("/tmp/mk_fifo", RUMP_O_WRONLY | RUMP_O_NONBLOCK);
	CHECK(w >= 0);
	CHECK_EQ_INT(rump_sys_write(w, "x", 1), 1);
	rump_sys_close(w);
	rump_sys_close(r);
	/* With a device number, a FIFO is no longer mkfifo(2): root's. */
	CHECK_ERR(rump_sys_mknod("/tmp/mk_fifo2", RUMP_S_IFIFO | 0600, 5),
	    RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/mk_fifo"), 0);
	rump_pub_lwproc_releaselwp();
	enter();
	CHECK_ERR(rump_sys_mknod("/tmp/mk_fifo2", RUMP_S_IFIFO | 0600, 5),
	    RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/mk_reg"), 0);
	rump_pub_lwproc_releaselwp();
}

/* ---- chroot ---- */

TEST(chroot_confines_lookups_and_getcwd)
{
	struct rump_stat st, st2;
	char buf[256], link[64];
	struct lwp *parent;
	int dfd, n;

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/cr", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/cr/sub", 0755), 0);
	CHECK_EQ_INT(put("/tmp/cr/file", "in"), 0);
	CHECK_EQ_INT(rump_sys_symlink("/file", "/tmp/cr/sub/abs"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/cr/sub"), 0);
	dfd = rump_sys_open("/tmp", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_chroot("/tmp/cr"), 0);
	/* "/" is the new root; ".." at it stays there. */
	CHECK_EQ_INT(rump_sys_stat("/file", &st), 0);
	CHECK_EQ_INT(rump_sys_stat("/../../file", &st2), 0);
	CHECK_EQ_INT(st.st_ino, st2.st_ino);
	CHECK_EQ_INT(rump_sys_stat("../../../file", &st2), 0);
	CHECK_EQ_INT(st.st_ino, st2.st_ino);
	CHECK_ERR(rump_sys_stat("/tmp", &st2), RUMP_ENOENT);
	/* An absolute symbolic link resolves in the new root. */
	CHECK_EQ_INT(rump_sys_stat("/sub/abs", &st2), 0);
	CHECK_EQ_INT(st.st_ino, st2.st_ino);
	n = rump_sys_readlink("/sub/abs", link, sizeof(link));
	CHECK_EQ_INT(n, 5);
	/* getcwd stops at the root. */
	CHECK(rump_sys___getcwd(buf, sizeof(buf)) > 0);
	CHECK_EQ_STR(buf, "/sub");
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK(rump_sys___getcwd(buf, sizeof(buf)) > 0);
	CHECK_EQ_STR(buf, "/");
	/* A descriptor opened before still reaches outside (as NetBSD). */
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "cr/file", &st2, 0), 0);
	CHECK_EQ_INT(st.st_ino, st2.st_ino);
	/* A child process inherits the root, whatever its descriptors. */
	parent = rump_pub_lwproc_curlwp();
	for (int i = 0; i < 3; i++) {
		static const int flags[] = { RUMP_RFCFDG, RUMP_RFFDG, 0 };
		CHECK_EQ_INT(rump_pub_lwproc_rfork(flags[i]), 0);
		CHECK_EQ_INT(rump_sys_stat("/file", &st2), 0);
		CHECK_EQ_INT(st.st_ino, st2.st_ino);
		CHECK_ERR(rump_sys_stat("/tmp", &st2), RUMP_ENOENT);
		rump_pub_lwproc_releaselwp();
		rump_pub_lwproc_switch(parent);
	}
	rump_pub_lwproc_releaselwp();

	/* fchroot, and a cwd outside the new root moves into it. */
	enter();
	CHECK_EQ_INT(rump_sys_chdir("/tmp"), 0);
	dfd = rump_sys_open("/tmp/cr/sub", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_fchroot(dfd), 0);
	CHECK_EQ_INT(rump_sys_lstat("abs", &st2), 0); /* cwd is the root */
	CHECK(rump_sys___getcwd(buf, sizeof(buf)) > 0);
	CHECK_EQ_STR(buf, "/");
	CHECK_ERR(rump_sys_stat("/abs", &st2), RUMP_ENOENT); /* /file: gone */
	rump_pub_lwproc_releaselwp();

	enter();
	rump_sys_unlink("/tmp/cr/sub/abs");
	rump_sys_unlink("/tmp/cr/file");
	rump_sys_rmdir("/tmp/cr/sub");
	rump_sys_rmdir("/tmp/cr");
	rump_pub_lwproc_releaselwp();
}

TEST(chroot_failures)
{
	int fd, pfd[2];

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/crf", 0700), 0);
	CHECK_EQ_INT(put("/tmp/crf/f", "x"), 0);
	CHECK_ERR(rump_sys_chroot("/tmp/crf/f"), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_chroot("/tmp/crf/none"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_chroot((const char *)8), RUMP_EFAULT);
	CHECK_ERR(rump_sys_fchroot(BADFD), RUMP_EBADF);
	fd = rump_sys_open("/tmp/crf/f", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(rump_sys_fchroot(fd), RUMP_ENOTDIR);
	CHECK_EQ_INT(rump_sys_pipe(pfd), 0);
	CHECK_ERR(rump_sys_fchroot(pfd[0]), RUMP_ENOTDIR);
	rump_sys_close(fd);
	fd = rump_sys_open("/tmp/crf", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_chroot("/tmp"), RUMP_EPERM);
	CHECK_ERR(rump_sys_fchroot(fd), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	enter();
	rump_sys_unlink("/tmp/crf/f");
	rump_sys_rmdir("/tmp/crf");
	rump_pub_lwproc_releaselwp();
}

/* ---- file flags ---- */

TEST(chflags_sets_st_flags_and_who_may)
{
	struct rump_stat st;
	int fd;

	enter();
	CHECK_EQ_INT(put("/tmp/fl", "x"), 0);
	CHECK_EQ_INT(rump_sys_chown("/tmp/fl", 1000, 0), 0);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/fl", RUMP_UF_NODUMP), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/fl", &st), 0);
	CHECK_EQ_INT(st.st_flags, RUMP_UF_NODUMP);
	CHECK_EQ_INT(rump_sys_symlink("fl", "/tmp/fl_l"), 0);
	CHECK_EQ_INT(rump_sys_lchflags("/tmp/fl_l", RUMP_UF_OPAQUE), 0);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/fl_l", &st), 0);
	CHECK_EQ_INT(st.st_flags, RUMP_UF_OPAQUE);
	CHECK_EQ_INT(rump_sys_stat("/tmp/fl_l", &st), 0);
	CHECK_EQ_INT(st.st_flags, RUMP_UF_NODUMP); /* the target's */
	CHECK_EQ_INT(
	    rump_sys_chflags("/tmp/fl", RUMP_SF_ARCHIVED | RUMP_UF_NODUMP), 0);
	/* The owner changes the user flags; the system ones stay. */
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	fd = rump_sys_open("/tmp/fl", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_fchflags(fd, RUMP_UF_NODUMP | RUMP_UF_OPAQUE), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_flags,
	    RUMP_SF_ARCHIVED | RUMP_UF_NODUMP | RUMP_UF_OPAQUE);
	CHECK_ERR(rump_sys_fchflags(fd, RUMP_SF_IMMUTABLE), RUMP_EPERM);
	CHECK_ERR(rump_sys_lchflags("/tmp/fl_l", 0), RUMP_EPERM); /* root's link */
	CHECK_ERR(rump_sys_fchflags(BADFD, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_chflags("/tmp/none", 0), RUMP_ENOENT);
	rump_sys_close(fd);
	rump_pub_lwproc_releaselwp();
	/* A system flag set: the owner changes nothing. */
	enter();
	CHECK_EQ_INT(rump_sys_chflags("/tmp/fl", RUMP_SF_APPEND), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_chflags("/tmp/fl", 0), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	enter();
	CHECK_EQ_INT(rump_sys_chflags("/tmp/fl", 0), 0); /* root: securelevel 0 */
	CHECK_EQ_INT(rump_sys_stat("/tmp/fl", &st), 0);
	CHECK_EQ_INT(st.st_flags, 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/fl_l"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/fl"), 0);
	rump_pub_lwproc_releaselwp();
}

TEST(immutable_and_append_only_are_enforced)
{
	struct rump_stat st;
	int fd;

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/im", 0755), 0);
	CHECK_EQ_INT(put("/tmp/im/f", "abc"), 0);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im/f", RUMP_UF_IMMUTABLE), 0);
	/* Immutable: no writing, no change, no name removed or added. */
	CHECK_ERR(rump_sys_open("/tmp/im/f", RUMP_O_WRONLY), RUMP_EPERM);
	CHECK_ERR(rump_sys_open("/tmp/im/f", RUMP_O_RDWR | RUMP_O_APPEND),
	    RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink("/tmp/im/f"), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename("/tmp/im/f", "/tmp/im/g"), RUMP_EPERM);
	CHECK_ERR(rump_sys_link("/tmp/im/f", "/tmp/im/g"), RUMP_EPERM);
	CHECK_ERR(rump_sys_chmod("/tmp/im/f", 0600), RUMP_EPERM);
	CHECK_ERR(rump_sys_chown("/tmp/im/f", 1, 1), RUMP_EPERM);
	CHECK_ERR(rump_sys_truncate("/tmp/im/f", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_utimes("/tmp/im/f", NULL), RUMP_EPERM);
	CHECK_EQ_INT(put("/tmp/im/other", "o"), 0);
	CHECK_ERR(rump_sys_rename("/tmp/im/other", "/tmp/im/f"), RUMP_EPERM);
	fd = rump_sys_open("/tmp/im/f", RUMP_O_RDONLY);
	CHECK(fd >= 0); /* reading is fine */
	rump_sys_close(fd);
	/* An immutable directory gets no new names and loses none. */
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im", RUMP_SF_IMMUTABLE), 0);
	CHECK_ERR(rump_sys_open("/tmp/im/new", RUMP_O_WRONLY | RUMP_O_CREAT, 0600),
	    RUMP_EPERM);
	CHECK_ERR(rump_sys_mkdir("/tmp/im/d", 0700), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink("/tmp/im/other"), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im", 0), 0);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im/f", 0), 0);

	/* Append-only: writes at the end only, nothing else. */
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im/f", RUMP_UF_APPEND), 0);
	CHECK_ERR(rump_sys_open("/tmp/im/f", RUMP_O_WRONLY), RUMP_EPERM);
	CHECK_ERR(rump_sys_open("/tmp/im/f",
		      RUMP_O_WRONLY | RUMP_O_APPEND | RUMP_O_TRUNC),
	    RUMP_EPERM);
	fd = rump_sys_open("/tmp/im/f", RUMP_O_WRONLY | RUMP_O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, "de", 2), 2);
	CHECK_ERR(rump_sys_pwrite(fd, "x", 1, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_ftruncate(fd, 1), RUMP_EPERM);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_stat("/tmp/im/f", &st), 0);
	CHECK_EQ_INT(st.st_size, 5);
	CHECK_ERR(rump_sys_truncate("/tmp/im/f", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_unlink("/tmp/im/f"), RUMP_EPERM);
	CHECK_ERR(rump_sys_rename("/tmp/im/f", "/tmp/im/g"), RUMP_EPERM);
	CHECK_ERR(rump_sys_chmod("/tmp/im/f", 0600), RUMP_EPERM);
	/* An append-only directory keeps its names but gets new ones. */
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im", RUMP_UF_APPEND), 0);
	CHECK_ERR(rump_sys_unlink("/tmp/im/other"), RUMP_EPERM);
	CHECK_EQ_INT(put("/tmp/im/new", "n"), 0);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im", 0), 0);
	CHECK_EQ_INT(rump_sys_chflags("/tmp/im/f", 0), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/im/new"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/im/other"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/im/f"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/im"), 0);
	rump_pub_lwproc_releaselwp();
}

/* ---- mounts ---- */

static int
mount_tmpfs(const char *on)
{
	struct rump_tmpfs_args ta = { .ta_version = 1, .ta_root_mode = 0755 };

	return rump_sys_mount(RUMP_MOUNT_TMPFS, on, 0, &ta, sizeof(ta));
}

TEST(mounts_stack_on_a_mount_point_and_on_the_root)
{
	struct rump_stat st;

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/stk", 0755), 0);
	CHECK_EQ_INT(mount_tmpfs("/tmp/stk"), 0);
	CHECK_EQ_INT(put("/tmp/stk/lower", "l"), 0);
	/* As NetBSD: a second mount goes on top, hiding the first. */
	CHECK_EQ_INT(mount_tmpfs("/tmp/stk"), 0);
	CHECK_ERR(rump_sys_stat("/tmp/stk/lower", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_unmount("/tmp/stk", 0), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/stk/lower", &st), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/stk/lower"), 0);
	CHECK_EQ_INT(rump_sys_unmount("/tmp/stk", 0), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/stk"), 0);
	/* "/" the same way: everything under it hidden until the unmount. */
	CHECK_EQ_INT(mount_tmpfs("/"), 0);
	CHECK_ERR(rump_sys_stat("/tmp", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_mkdir("/x", 0755), 0);
	CHECK_EQ_INT(rump_sys_stat("/x/..", &st), 0);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/x"), 0);
	CHECK_EQ_INT(rump_sys_stat("../x", &st), 0);
	CHECK_ERR(rump_sys_chdir("/tmp"), RUMP_ENOENT);
	rump_pub_lwproc_releaselwp();
	enter(); /* a cwd in it keeps it busy: a new process */
	CHECK_EQ_INT(rump_sys_rmdir("/x"), 0);
	CHECK_EQ_INT(rump_sys_unmount("/", 0), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp", &st), 0);
	rump_pub_lwproc_releaselwp();
}

TEST(fchdir_to_a_directory_of_a_forcibly_unmounted_fs_fails)
{
	int fd;

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/fu", 0755), 0);
	CHECK_EQ_INT(mount_tmpfs("/tmp/fu"), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/fu/d", 0755), 0);
	fd = rump_sys_open("/tmp/fu/d", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_unmount("/tmp/fu", RUMP_MNT_FORCE), 0);
	CHECK_ERR(rump_sys_fchdir(fd), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_fchroot(fd), RUMP_ENOTDIR);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/fu"), 0);
	rump_pub_lwproc_releaselwp();
}

/*
 * A mount on the jail's root (made from inside it, or on a directory that
 * covers it) is no way out: ".." climbs through mounts only up to the
 * process's root.
 */
TEST(chroot_holds_when_a_mount_covers_the_root)
{
	struct lwp *outside;
	int fd;

	enter();
	outside = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/jm", 0755), 0);
	CHECK_EQ_INT(put("/tmp/jm_secret", "out"), 0);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_chroot("/tmp/jm"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(mount_tmpfs("/"), 0);
	CHECK_ERR(rump_sys_open("/../jm_secret", RUMP_O_RDONLY), RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("../jm_secret", RUMP_O_RDONLY), RUMP_ENOENT);
	CHECK_ERR(rump_sys_open("/../../tmp/jm_secret", RUMP_O_RDONLY),
	    RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_chdir(".."), 0);
	CHECK_ERR(rump_sys_open("jm_secret", RUMP_O_RDONLY), RUMP_ENOENT);
	/* Inside, ".." at the mount's root stays on the mount. */
	CHECK_EQ_INT(put("/inside", "in"), 0);
	fd = rump_sys_open("/../inside", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	rump_sys_close(fd);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(outside);
	CHECK_EQ_INT(rump_sys_unmount("/tmp/jm", RUMP_MNT_FORCE), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/jm_secret"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/jm"), 0);
	rump_pub_lwproc_releaselwp();
}

/* fchdir(2) to a directory outside the process's root: EPERM. */
TEST(fchdir_cannot_leave_a_chroot)
{
	int out, in;

	enter();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/fj", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/fj/in", 0755), 0);
	out = rump_sys_open("/tmp", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	in = rump_sys_open("/tmp/fj/in", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(out >= 0 && in >= 0);
	CHECK_EQ_INT(rump_sys_chroot("/tmp/fj"), 0);
	CHECK_ERR(rump_sys_fchdir(out), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_fchdir(in), 0);
	rump_sys_close(out);
	rump_sys_close(in);
	rump_pub_lwproc_releaselwp();
}

#ifdef RUMPIMG_IMAGE
int
nodes_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	RUN(mknod_makes_device_nodes_that_reach_the_devices);
	RUN(mknod_of_a_fifo_or_a_regular_file);
	RUN(chroot_confines_lookups_and_getcwd);
	RUN(chroot_failures);
	RUN(chflags_sets_st_flags_and_who_may);
	RUN(immutable_and_append_only_are_enforced);
	RUN(mounts_stack_on_a_mount_point_and_on_the_root);
	RUN(fchdir_to_a_directory_of_a_forcibly_unmounted_fs_fails);
	RUN(chroot_holds_when_a_mount_covers_the_root);
	RUN(fchdir_cannot_leave_a_chroot);
	return check_done();
}
