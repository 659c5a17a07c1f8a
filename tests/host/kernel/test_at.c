/*
 * The *at(2) family, the calls on a symbolic link itself (lchmod, lchown,
 * lutimes), futimes, futimens and preadv/pwritev (kernel/vfs_at.c,
 * kernel/vfs_pvio.c), with NetBSD's errno for each failure. Each case
 * works in a process of its own (rfork) under a directory of its own, and
 * releases both, so cases stand alone. Built for the host and, with
 * RUMPIMG_IMAGE, for the image (tests/qemu/apps/suite_at.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

/* expr must fail with NetBSD's errno e. */
#define CHECK_ERR(expr, e)                \
	do {                              \
		errno = 0;                \
		CHECK_EQ_INT((expr), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

#define BADFD 40 /* never open in these cases */

struct iov {
	void *base;
	size_t len;
};

/*
 * A new process bound to this thread, in a fresh directory dir (mode
 * 0777) opened as the returned descriptor, or -1.
 */
static int
enter(const char *dir)
{
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		return -1;
	if (rump_sys_mkdir(dir, 0777) != 0 || rump_sys_chmod(dir, 0777) != 0)
		return -1;
	return rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY);
}

/*
 * Releases the process, then removes dir's entries given and dir as the
 * implicit context (root), whatever ids the case took.
 */
static void
leave(const char *dir, const char *const *names)
{
	char path[256];

	rump_pub_lwproc_releaselwp();
	for (; names != NULL && *names != NULL; names++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *names);
		if (rump_sys_unlink(path) != 0)
			rump_sys_rmdir(path);
	}
	rump_sys_rmdir(dir);
}

static int
make_file(int dfd, const char *name, const char *text)
{
	int fd = rump_sys_openat(dfd, name, RUMP_O_RDWR | RUMP_O_CREAT, 0644);

	if (fd < 0)
		return -1;
	if (text != NULL &&
	    rump_sys_write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	return rump_sys_close(fd);
}

TEST(fstatat_from_a_directory_descriptor)
{
	static const char *const names[] = { "f", "l", "sub/g", "sub", NULL };
	struct rump_stat st, st2;
	int dfd = enter("/tmp/at_stat"), ffd;

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", "hello"), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFREG);
	CHECK_EQ_INT(st.st_size, 5);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "l", &st2, 0), 0); /* followed */
	CHECK_EQ_INT(st2.st_ino, st.st_ino);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "l", &st2, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(st2.st_mode & RUMP_S_IFMT, RUMP_S_IFLNK);
	CHECK_EQ_INT(st2.st_size, 1);
	/* AT_FDCWD is the working directory; an absolute path ignores fd. */
	CHECK_EQ_INT(rump_sys_chdir("/tmp/at_stat"), 0);
	CHECK_EQ_INT(rump_sys_fstatat(RUMP_AT_FDCWD, "f", &st2, 0), 0);
	CHECK_EQ_INT(st2.st_ino, st.st_ino);
	CHECK_EQ_INT(rump_sys_fstatat(BADFD, "/tmp/at_stat/f", &st2, 0), 0);
	CHECK_EQ_INT(st2.st_ino, st.st_ino);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "sub", 0755), 0);
	CHECK_EQ_INT(make_file(dfd, "sub/g", NULL), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "sub/../f", &st2, 0), 0);
	CHECK_EQ_INT(st2.st_ino, st.st_ino);
	/* Failures */
	CHECK_ERR(rump_sys_fstatat(BADFD, "f", &st2, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_fstatat(-1, "f", &st2, 0), RUMP_EBADF);
	ffd = rump_sys_openat(dfd, "f", RUMP_O_RDONLY);
	CHECK(ffd >= 0);
	CHECK_ERR(rump_sys_fstatat(ffd, "f", &st2, 0), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_fstatat(dfd, "nothing", &st2, 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_fstatat(dfd, "", &st2, 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_fstatat(dfd, "f/x", &st2, 0), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_fstatat(dfd, "f", (void *)8, 0), RUMP_EFAULT);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	leave("/tmp/at_stat", names);
}

TEST(fchmodat_and_lchmod_change_the_link_or_the_target)
{
	static const char *const names[] = { "f", "l", NULL };
	struct rump_stat st;
	int dfd = enter("/tmp/at_chmod");

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "l", 0600, 0), 0); /* the target */
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "l", 0700, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "l", &st, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFLNK | 0700);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600); /* unchanged */
	CHECK_EQ_INT(rump_sys_lchmod("/tmp/at_chmod/l", 0711), 0);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/at_chmod/l", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFLNK | 0711);
	CHECK_EQ_INT(rump_sys_lchmod("/tmp/at_chmod/f", 04755),
	    0); /* no link: itself */
	CHECK_EQ_INT(rump_sys_stat("/tmp/at_chmod/f", &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 04755);
	CHECK_ERR(rump_sys_fchmodat(BADFD, "f", 0600, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_fchmodat(dfd, "none", 0600, 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_lchmod("/tmp/at_chmod/none", 0600), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0); /* not the owner */
	CHECK_ERR(rump_sys_fchmodat(dfd, "f", 0600, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_lchmod("/tmp/at_chmod/l", 0600), RUMP_EPERM);
	leave("/tmp/at_chmod", names);
}

TEST(fchownat_and_lchown_change_the_link_or_the_target)
{
	static const char *const names[] = { "f", "l", NULL };
	struct rump_stat st;
	int dfd = enter("/tmp/at_chown");

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	CHECK_EQ_INT(rump_sys_fchownat(dfd, "l", 7, 8, 0), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_uid, 7);
	CHECK_EQ_INT(st.st_gid, 8);
	CHECK_EQ_INT(
	    rump_sys_fchownat(dfd, "l", 9, (gid_t)-1, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "l", &st, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(st.st_uid, 9);
	CHECK_EQ_INT(st.st_gid, 0); /* -1: kept */
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_uid, 7);
	CHECK_EQ_INT(rump_sys_lchown("/tmp/at_chown/l", 10, 11), 0);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/at_chown/l", &st), 0);
	CHECK_EQ_INT(st.st_uid, 10);
	CHECK_EQ_INT(st.st_gid, 11);
	CHECK_EQ_INT(rump_sys_stat("/tmp/at_chown/f", &st), 0);
	CHECK_EQ_INT(st.st_uid, 7);
	CHECK_ERR(rump_sys_fchownat(BADFD, "f", 1, 1, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_lchown("/tmp/at_chown/none", 1, 1), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_setuid(7), 0); /* the owner may not give it away */
	CHECK_ERR(rump_sys_fchownat(dfd, "f", 1000, (gid_t)-1, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_lchown("/tmp/at_chown/l", 7, (gid_t)-1), RUMP_EPERM);
	leave("/tmp/at_chown", names);
}

TEST(linkat_follows_only_with_at_symlink_follow)
{
	static const char *const names[] = { "f", "l", "hard", "hardl", "d",
		NULL };
	struct rump_stat st, fst;
	int dfd = enter("/tmp/at_link"), ffd;

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", "x"), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	CHECK_EQ_INT(
	    rump_sys_linkat(dfd, "l", dfd, "hard", RUMP_AT_SYMLINK_FOLLOW), 0);
	CHECK_EQ_INT(
	    rump_sys_fstatat(dfd, "hard", &st, RUMP_AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &fst, 0), 0);
	CHECK_EQ_INT(st.st_ino, fst.st_ino);
	CHECK_EQ_INT(fst.st_nlink, 2);
	CHECK_EQ_INT(
	    rump_sys_linkat(dfd, "l", RUMP_AT_FDCWD, "/tmp/at_link/hardl", 0), 0);
	CHECK_EQ_INT(
	    rump_sys_fstatat(dfd, "hardl", &st, RUMP_AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFLNK); /* the link itself */
	CHECK_ERR(rump_sys_linkat(dfd, "f", dfd, "hard", 0), RUMP_EEXIST);
	CHECK_ERR(rump_sys_linkat(dfd, "none", dfd, "new", 0), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "d", 0755), 0);
	CHECK_ERR(rump_sys_linkat(dfd, "d", dfd, "new", 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_linkat(BADFD, "f", dfd, "new", 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_linkat(dfd, "f", BADFD, "new", 0), RUMP_EBADF);
	ffd = rump_sys_openat(dfd, "f", RUMP_O_RDONLY);
	CHECK_ERR(rump_sys_linkat(dfd, "f", ffd, "new", 0), RUMP_ENOTDIR);
	CHECK_EQ_INT(rump_sys_chmod("/tmp/at_link", 0755), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_linkat(dfd, "f", dfd, "new", 0), RUMP_EACCES);
	leave("/tmp/at_link", names);
}

TEST(renameat_between_two_directory_descriptors)
{
	static const char *const names[] = { "a/f", "b/g", "b/f2", "a", "b",
		NULL };
	struct rump_stat st;
	int dfd = enter("/tmp/at_rename"), a, b, ffd;

	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "a", 0777), 0);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "b", 0777), 0);
	a = rump_sys_openat(dfd, "a", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	b = rump_sys_openat(dfd, "b", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(a >= 0 && b >= 0);
	CHECK_EQ_INT(make_file(a, "f", "abc"), 0);
	CHECK_EQ_INT(rump_sys_renameat(a, "f", b, "f2"), 0);
	CHECK_ERR(rump_sys_fstatat(a, "f", &st, 0), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_fstatat(b, "f2", &st, 0), 0);
	CHECK_EQ_INT(st.st_size, 3);
	CHECK_EQ_INT(make_file(b, "g", NULL), 0);
	CHECK_ERR(rump_sys_renameat(a, "none", b, "x"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_renameat(BADFD, "f", b, "x"), RUMP_EBADF);
	CHECK_ERR(rump_sys_renameat(b, "f2", BADFD, "x"), RUMP_EBADF);
	ffd = rump_sys_openat(b, "g", RUMP_O_RDONLY);
	CHECK_ERR(rump_sys_renameat(ffd, "x", b, "y"), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_renameat(dfd, "a", b, "f2"),
	    RUMP_ENOTDIR); /* dir onto file */
	CHECK_ERR(rump_sys_renameat(b, "f2", dfd, "a"),
	    RUMP_EISDIR); /* file onto dir */
	CHECK_ERR(rump_sys_renameat(dfd, "a", a, "in"),
	    RUMP_EINVAL); /* under itself */
	leave("/tmp/at_rename", names);
}

TEST(symlinkat_and_readlinkat)
{
	static const char *const names[] = { "l", "f", NULL };
	char buf[64];
	int dfd = enter("/tmp/at_symlink");

	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_symlinkat("some/target", dfd, "l"), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_readlinkat(dfd, "l", buf, sizeof(buf)), 11);
	CHECK_EQ_STR(buf, "some/target");
	CHECK_EQ_INT(rump_sys_readlinkat(dfd, "l", buf, 4), 4); /* truncated */
	CHECK_EQ_INT(rump_sys_readlink("/tmp/at_symlink/l", buf, sizeof(buf)),
	    11);
	CHECK_ERR(rump_sys_symlinkat("x", dfd, "l"), RUMP_EEXIST);
	CHECK_ERR(rump_sys_symlinkat("x", BADFD, "m"), RUMP_EBADF);
	CHECK_ERR(rump_sys_symlinkat("x", dfd, "no/m"), RUMP_ENOENT);
	CHECK_ERR(rump_sys_readlinkat(BADFD, "l", buf, sizeof(buf)), RUMP_EBADF);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_ERR(rump_sys_readlinkat(dfd, "f", buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_ERR(rump_sys_readlinkat(dfd, "none", buf, sizeof(buf)),
	    RUMP_ENOENT);
	CHECK_ERR(rump_sys_readlinkat(dfd, "l", (char *)8, sizeof(buf)),
	    RUMP_EFAULT);
	leave("/tmp/at_symlink", names);
}

TEST(faccessat_real_or_effective_ids)
{
	static const char *const names[] = { "f", "dangling", NULL };
	int dfd = enter("/tmp/at_access");

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "f", 0600, 0), 0); /* root's only */
	CHECK_EQ_INT(rump_sys_symlinkat("none", dfd, "dangling"), 0);
	CHECK_EQ_INT(rump_sys_faccessat(dfd, "f", RUMP_R_OK | RUMP_W_OK, 0), 0);
	CHECK_ERR(rump_sys_faccessat(dfd, "dangling", RUMP_F_OK, 0), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_faccessat(dfd, "dangling", RUMP_F_OK,
			 RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_ERR(rump_sys_faccessat(dfd, "f", 8, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_faccessat(BADFD, "f", RUMP_F_OK, 0), RUMP_EBADF);
	/* Real uid 0, effective 1000: the flag picks which one is checked. */
	CHECK_EQ_INT(rump_sys_seteuid(1000), 0);
	CHECK_EQ_INT(rump_sys_faccessat(dfd, "f", RUMP_R_OK, 0), 0);
	CHECK_ERR(rump_sys_faccessat(dfd, "f", RUMP_R_OK, RUMP_AT_EACCESS),
	    RUMP_EACCES);
	CHECK_EQ_INT(rump_sys_faccessat(dfd, "f", RUMP_F_OK, RUMP_AT_EACCESS), 0);
	CHECK_EQ_INT(rump_sys_access("/tmp/at_access/f", RUMP_W_OK), 0);
	CHECK_EQ_INT(rump_sys_seteuid(0), 0);
	leave("/tmp/at_access", names);
}

TEST(utimensat_and_futimens_now_omit_and_permissions)
{
	static const char *const names[] = { "f", "l", "ro", NULL };
	struct rump_timespec ts[2];
	struct rump_stat st, before;
	int dfd = enter("/tmp/at_utimens"), fd, fds[2];

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	ts[0].tv_sec = 1000;
	ts[0].tv_nsec = 5;
	ts[1].tv_sec = 2000;
	ts[1].tv_nsec = 999999999;
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "l", ts, 0), 0); /* the target */
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 1000);
	CHECK_EQ_INT(st.st_atim.tv_nsec, 5);
	CHECK_EQ_INT(st.st_mtim.tv_sec, 2000);
	CHECK_EQ_INT(st.st_mtim.tv_nsec, 999999999);
	CHECK_EQ_INT(st.st_birthtim.tv_sec, 2000); /* moved back with mtime */
	/* UTIME_OMIT keeps a time; UTIME_NOW takes the clock. */
	ts[0].tv_nsec = RUMP_UTIME_OMIT;
	ts[1].tv_nsec = RUMP_UTIME_NOW;
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "f", ts, 0), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 1000);
	CHECK(st.st_mtim.tv_sec > 2000);
	/* NOFOLLOW: the link's own times. */
	ts[0].tv_sec = 3000;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 4000;
	ts[1].tv_nsec = 0;
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "l", ts, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "l", &st, RUMP_AT_SYMLINK_NOFOLLOW),
	    0);
	CHECK_EQ_INT(st.st_mtim.tv_sec, 4000);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK(st.st_mtim.tv_sec != 4000);
	/* futimens on the descriptor; NULL is now */
	fd = rump_sys_openat(dfd, "f", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_futimens(fd, ts), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 3000);
	CHECK_EQ_INT(rump_sys_futimens(fd, NULL), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK(st.st_atim.tv_sec > 3000 && st.st_mtim.tv_sec > 4000);
	/* Failures */
	ts[0].tv_nsec = 1000000000;
	CHECK_ERR(rump_sys_utimensat(dfd, "f", ts, 0), RUMP_EINVAL);
	ts[0].tv_nsec = -1;
	CHECK_ERR(rump_sys_futimens(fd, ts), RUMP_EINVAL);
	CHECK_ERR(rump_sys_utimensat(dfd, "f", (void *)8, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_utimensat(BADFD, "f", NULL, 0), RUMP_EBADF);
	CHECK_ERR(rump_sys_utimensat(dfd, "none", NULL, 0), RUMP_ENOENT);
	CHECK_ERR(rump_sys_futimens(BADFD, NULL), RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_ERR(rump_sys_futimens(fds[0], NULL), RUMP_EINVAL);
	/* Not the owner: now needs write permission, a given time root. */
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "f", 0666, 0), 0);
	CHECK_EQ_INT(make_file(dfd, "ro", NULL), 0);
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "ro", 0444, 0), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "ro", &before, 0), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "f", NULL, 0), 0);
	ts[0].tv_nsec = ts[1].tv_nsec = RUMP_UTIME_NOW;
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "f", ts, 0), 0);
	ts[0].tv_sec = 5;
	ts[0].tv_nsec = 0;
	CHECK_ERR(rump_sys_utimensat(dfd, "f", ts, 0), RUMP_EPERM);
	CHECK_ERR(rump_sys_utimensat(dfd, "ro", NULL, 0), RUMP_EACCES);
	ts[0].tv_nsec = ts[1].tv_nsec = RUMP_UTIME_OMIT; /* nothing to check */
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "ro", ts, 0), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "ro", &st, 0), 0);
	CHECK_EQ_INT(st.st_ctim.tv_sec, before.st_ctim.tv_sec);
	CHECK_EQ_INT(st.st_ctim.tv_nsec, before.st_ctim.tv_nsec);
	leave("/tmp/at_utimens", names);
}

TEST(futimes_and_lutimes_take_timevals)
{
	static const char *const names[] = { "f", "l", NULL };
	struct rump_timeval tv[2];
	struct rump_stat st;
	int dfd = enter("/tmp/at_utimes"), fd;

	CHECK(dfd >= 0);
	CHECK_EQ_INT(make_file(dfd, "f", NULL), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("f", dfd, "l"), 0);
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = 100;
	tv[0].tv_usec = 7;
	tv[1].tv_sec = 200;
	tv[1].tv_usec = 999999;
	fd = rump_sys_openat(dfd, "f", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_futimes(fd, tv), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 100);
	CHECK_EQ_INT(st.st_atim.tv_nsec, 7000);
	CHECK_EQ_INT(st.st_mtim.tv_nsec, 999999000);
	tv[0].tv_sec = 300;
	tv[0].tv_usec = 0;
	tv[1].tv_usec = RUMP_UTIME_OMIT;
	CHECK_EQ_INT(rump_sys_lutimes("/tmp/at_utimes/l", tv), 0);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/at_utimes/l", &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 300);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 100); /* the target is untouched */
	CHECK_EQ_INT(st.st_mtim.tv_sec, 200);
	tv[0].tv_usec = 1000000;
	CHECK_ERR(rump_sys_futimes(fd, tv), RUMP_EINVAL);
	CHECK_ERR(rump_sys_lutimes("/tmp/at_utimes/l", tv), RUMP_EINVAL);
	CHECK_ERR(rump_sys_futimes(BADFD, NULL), RUMP_EBADF);
	CHECK_ERR(rump_sys_futimes(fd, (void *)8), RUMP_EFAULT);
	CHECK_ERR(rump_sys_lutimes("/tmp/at_utimes/none", NULL), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	tv[0].tv_usec = 0;
	CHECK_ERR(rump_sys_futimes(fd, tv), RUMP_EPERM);
	CHECK_ERR(rump_sys_futimes(fd, NULL), RUMP_EACCES); /* 0644, not ours */
	leave("/tmp/at_utimes", names);
}

TEST(preadv_and_pwritev_leave_the_offset)
{
	static const char *const names[] = { "f", NULL };
	char a[4] = "abcd", b[3] = "xyz", r1[2], r2[8];
	struct iov wv[2] = { { a, 4 }, { b, 3 } },
		   rv[2] = { { r1, 2 }, { r2, 8 } };
	struct iov bad[2] = { { a, SIZE_MAX / 2 }, { b, SIZE_MAX / 2 } };
	int dfd = enter("/tmp/at_pvio"), fd, ro, fds[2];

	CHECK(dfd >= 0);
	fd = rump_sys_openat(dfd, "f", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_pwritev(fd, wv, 2, 4096), 7);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 0);
	memset(r2, 0, sizeof(r2));
	CHECK_EQ_INT(rump_sys_preadv(fd, rv, 2, 4097), 6); /* to the end */
	CHECK(memcmp(r1, "bc", 2) == 0);
	CHECK(memcmp(r2, "dxyz", 4) == 0);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 0);
	CHECK_EQ_INT(rump_sys_preadv(fd, rv, 2, 1 << 20), 0); /* past the end */
	CHECK_ERR(rump_sys_preadv(fd, rv, 2, -1), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwritev(fd, wv, 0, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwritev(fd, wv, 1025, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_pwritev(fd, bad, 2, 0), RUMP_EINVAL); /* past SSIZE_MAX */
	CHECK_ERR(rump_sys_preadv(fd, (void *)8, 2, 0), RUMP_EFAULT);
	CHECK_ERR(rump_sys_preadv(BADFD, rv, 2, 0), RUMP_EBADF);
	ro = rump_sys_openat(dfd, "f", RUMP_O_RDONLY);
	CHECK_ERR(rump_sys_pwritev(ro, wv, 2, 0), RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_ERR(rump_sys_preadv(fds[0], rv, 2, 0), RUMP_ESPIPE);
	CHECK_ERR(rump_sys_preadv(dfd, rv, 2, 0), RUMP_EISDIR);
	leave("/tmp/at_pvio", names);
}

#ifdef RUMPIMG_IMAGE
int
at_suite(void)
#else
int
main(void)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
	RUN(fstatat_from_a_directory_descriptor);
	RUN(fchmodat_and_lchmod_change_the_link_or_the_target);
	RUN(fchownat_and_lchown_change_the_link_or_the_target);
	RUN(linkat_follows_only_with_at_symlink_follow);
	RUN(renameat_between_two_directory_descriptors);
	RUN(symlinkat_and_readlinkat);
	RUN(faccessat_real_or_effective_ids);
	RUN(utimensat_and_futimens_now_omit_and_permissions);
	RUN(futimes_and_lutimes_take_timevals);
	RUN(preadv_and_pwritev_leave_the_offset);
	return check_done();
}
