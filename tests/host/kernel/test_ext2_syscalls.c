/*
 * ext2 through the system calls: an image made by mke2fs -d attached as
 * /dev/ld0 (rump_etfs(3)) and mounted with __mount50 (MOUNT_EXT2FS and
 * struct ufs_args); files, directories, links, renames, an unlinked open
 * file, truncate, getdents, statvfs1, read-only mounts; after unmount,
 * e2fsck -fn is clean and debugfs shows the files.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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

	rump_sys_mkdir(on, 0755);
	return rump_sys_mount(RUMP_MOUNT_EXT2FS, on, flags, &ua, sizeof(ua));
}

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

/* Whether getdents of path lists name (NetBSD's struct dirent records). */
static bool
listed(const char *path, const char *name)
{
	char buf[8192];
	int fd = rump_sys_open(path, RUMP_O_RDONLY | RUMP_O_DIRECTORY), n;
	bool found = false;

	if (fd < 0)
		return false;
	while (!found && (n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < n;) {
			uint16_t reclen, namlen;

			memcpy(&reclen, buf + off + 8, 2);
			memcpy(&namlen, buf + off + 10, 2);
			if (reclen == 0)
				break;
			if (namlen == strlen(name) &&
			    memcmp(buf + off + 13, name, namlen) == 0)
				found = true;
			off += reclen;
		}
	}
	rump_sys_close(fd);
	return found;
}

TEST(files_through_the_system_calls)
{
	struct rump_stat st;
	struct rump_statvfs sv;
	char src[128], buf[256];
	static char big[100000], back[100000];
	int fd;

	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(img, sizeof(img), "%s/m.img", dir);
	CHECK_EQ_INT(sh("mkdir -p %s && printf 'hello\\n' > %s/hello && "
			"mke2fs -q -F -t ext2 -b 4096 -d %s '%s' 32M >/dev/null",
			 src, src, src, img),
	    0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld0", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(mount_ext2("/dev/ld0", "/mnt", 0), 0);

	/* What mke2fs -d wrote. */
	fd = rump_sys_open("/mnt/hello", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "hello\n", 6) == 0);
	rump_sys_close(fd);
	CHECK(listed("/mnt", "hello"));
	CHECK(listed("/mnt", "lost+found"));

	/* Create, write, read, rename, links. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13 + (i >> 8));
	fd = rump_sys_open("/mnt/a", RUMP_O_RDWR | RUMP_O_CREAT, 0640);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, big, sizeof(big)), sizeof(big));
	CHECK_EQ_INT(rump_sys_fsync(fd), 0);
	CHECK_EQ_INT(rump_sys_pread(fd, back, sizeof(back), 0), sizeof(back));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_mkdir("/mnt/d", 0755), 0);
	CHECK_EQ_INT(rump_sys_rename("/mnt/a", "/mnt/d/b"), 0);
	ERR(rump_sys_stat("/mnt/a", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_stat("/mnt/d/b", &st), 0);
	CHECK_EQ_INT(st.st_size, sizeof(big));
	CHECK_EQ_INT(st.st_mode & 07777, 0640);
	CHECK_EQ_INT(rump_sys_link("/mnt/d/b", "/mnt/h"), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt/h", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK_EQ_INT(rump_sys_symlink("d/b", "/mnt/l"), 0);
	CHECK_EQ_INT(rump_sys_readlink("/mnt/l", buf, sizeof(buf)), 3);
	CHECK_EQ_INT(rump_sys_stat("/mnt/l", &st), 0); /* followed */
	CHECK_EQ_INT(st.st_size, sizeof(big));
	CHECK_EQ_INT(rump_sys_stat("/mnt/d", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK(listed("/mnt/d", "b"));

	/* A directory with a subdirectory renamed, and moved: link counts. */
	CHECK_EQ_INT(rump_sys_mkdir("/mnt/e", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/mnt/e/sub", 0755), 0);
	CHECK_EQ_INT(rump_sys_rename("/mnt/e", "/mnt/e2"), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt/e2", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 3);
	CHECK_EQ_INT(rump_sys_rename("/mnt/e2", "/mnt/d/f"), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt/d/f", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 3);
	CHECK_EQ_INT(rump_sys_stat("/mnt/d", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 3);
	CHECK_EQ_INT(rump_sys_rmdir("/mnt/d/f/sub"), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt/d/f", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK_EQ_INT(rump_sys_rmdir("/mnt/d/f"), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt/d", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);

	/* An unlinked open file, then truncate. */
	CHECK_EQ_INT(put("/mnt/tmp", "still here"), 0);
	fd = rump_sys_open("/mnt/tmp", RUMP_O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_unlink("/mnt/tmp"), 0);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, sizeof(buf), 0), 10);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 5), 0);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, sizeof(buf), 0), 5);
	rump_sys_close(fd);
	ERR(rump_sys_rmdir("/mnt/d"), RUMP_ENOTEMPTY);

	CHECK_EQ_INT(rump_sys_statvfs1("/mnt", &sv, 1), 0);
	CHECK_EQ_INT(sv.f_bsize, 4096);
	CHECK(sv.f_bfree > 0 && sv.f_bfree < sv.f_blocks);
	CHECK_EQ_INT(rump_sys_unmount("/mnt", 0), 0);

	/* Read-only, then the host's view. */
	CHECK_EQ_INT(mount_ext2("/dev/ld0", "/mnt", RUMP_MNT_RDONLY), 0);
	ERR(put("/mnt/new", "x"), RUMP_EROFS);
	CHECK_EQ_INT(rump_sys_stat("/mnt/h", &st), 0);
	CHECK_EQ_INT(rump_sys_unmount("/mnt", 0), 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld0"), 0);
	CHECK_EQ_INT(
	    sh("e2fsck -fn '%s' >/dev/null 2>&1 || e2fsck -fn '%s'", img, img),
	    0);
	CHECK_EQ_INT(
	    sh("debugfs -R 'dump /h %s/h.out' '%s' >/dev/null 2>&1", dir, img),
	    0);
	CHECK_EQ_INT(sh("test $(stat -c %%s %s/h.out) = %zu", dir, sizeof(big)),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /l' '%s' 2>/dev/null | grep -q "
			"'Fast link dest: \"d/b\"'",
			 img),
	    0);
}

TEST(a_disk_without_ext2_is_refused)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/zero.img", dir);
	CHECK_EQ_INT(sh("head -c 1048576 /dev/zero > '%s'", path), 0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld1", path, RUMP_ETFS_BLK), 0);
	ERR(mount_ext2("/dev/ld1", "/mnt2", 0), RUMP_EINVAL);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld1"), 0);
}

/*
 * The *at calls from a directory descriptor on an ext2 mount go through
 * the file system (not tmpfs's nodes): a FIFO, a hard link, a symbolic
 * link, a rename, a mode and set times all survive an unmount and are what
 * e2fsck and debugfs see.
 */
TEST(at_calls_reach_the_ext2_disk)
{
	struct rump_timespec ts[2] = {
		{ .tv_sec = 1000000000, .tv_nsec = RUMP_UTIME_OMIT },
		{ .tv_sec = 1000000000, .tv_nsec = 0 },
	};
	struct rump_stat st;
	char path[128], buf[64];
	int dfd;

	snprintf(path, sizeof(path), "%s/at.img", dir);
	CHECK_EQ_INT(sh("mke2fs -q -F -t ext2 -b 1024 '%s' 4M >/dev/null", path),
	    0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld2", path, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(mount_ext2("/dev/ld2", "/mnt3", 0), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/mnt3/d", 0755), 0);
	dfd = rump_sys_open("/mnt3/d", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_mkfifoat(dfd, "fifo", 0600), 0);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "sub", 0700), 0);
	CHECK_EQ_INT(put("/mnt3/d/f", "data"), 0);
	CHECK_EQ_INT(rump_sys_linkat(dfd, "f", dfd, "sub/g", 0), 0);
	CHECK_EQ_INT(rump_sys_symlinkat("sub/g", dfd, "l"), 0);
	CHECK_EQ_INT(rump_sys_readlinkat(dfd, "l", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "sub/g", 5) == 0);
	CHECK_EQ_INT(rump_sys_renameat(dfd, "f", dfd, "sub/h"), 0);
	CHECK_EQ_INT(rump_sys_fchmodat(dfd, "sub/h", 0604, 0), 0);
	CHECK_EQ_INT(rump_sys_utimensat(dfd, "sub/h", ts, 0), 0);
	rump_sys_close(dfd);
	CHECK_EQ_INT(rump_sys_unmount("/mnt3", 0), 0);

	/* A second mount reads it all back from the disk. */
	CHECK_EQ_INT(mount_ext2("/dev/ld2", "/mnt3", RUMP_MNT_RDONLY), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt3/d/fifo", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	CHECK_EQ_INT(rump_sys_stat("/mnt3/d/sub/h", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK_EQ_INT(st.st_mode & 07777, 0604);
	CHECK_EQ_INT(st.st_mtim.tv_sec, 1000000000);
	CHECK(st.st_atim.tv_sec != 1000000000); /* UTIME_OMIT */
	ERR(rump_sys_utimensat(RUMP_AT_FDCWD, "/mnt3/d/sub/h", NULL, 0),
	    RUMP_EROFS);
	ERR(rump_sys_mkfifoat(RUMP_AT_FDCWD, "/mnt3/d/f2", 0600), RUMP_EROFS);
	CHECK_EQ_INT(rump_sys_readlink("/mnt3/d/l", buf, sizeof(buf)), 5);
	CHECK_EQ_INT(rump_sys_unmount("/mnt3", 0), 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld2"), 0);
	CHECK_EQ_INT(sh("e2fsck -fn '%s' >/dev/null 2>&1 || e2fsck -fn '%s'",
			 path, path),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /d/fifo' '%s' 2>/dev/null | "
			"grep -q 'Type: FIFO'",
			 path),
	    0);
}

/*
 * mknod(2) and chflags(2) on ext2: the device number in the inode's first
 * block pointer, UF_APPEND and UF_IMMUTABLE in i_flags (NetBSD's ext2fs),
 * both read back by a second mount and by e2fsprogs.
 */
TEST(device_nodes_and_file_flags_reach_the_ext2_disk)
{
	struct rump_stat st;
	char path[128], buf[4];
	int fd;

	snprintf(path, sizeof(path), "%s/nodes.img", dir);
	CHECK_EQ_INT(sh("mke2fs -q -F -t ext2 -b 1024 '%s' 4M >/dev/null", path),
	    0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld3", path, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(mount_ext2("/dev/ld3", "/mnt4", 0), 0);
	CHECK_EQ_INT(rump_sys_mknod("/mnt4/zero", RUMP_S_IFCHR | 0644,
			 RUMP_MAKEDEV(2, 12)),
	    0);
	CHECK_EQ_INT(rump_sys_mknod("/mnt4/big", RUMP_S_IFBLK | 0600,
			 RUMP_MAKEDEV(300, 70000)),
	    0);
	CHECK_EQ_INT(put("/mnt4/a", "ab"), 0);
	CHECK_EQ_INT(put("/mnt4/i", "ij"), 0);
	CHECK_EQ_INT(rump_sys_chflags("/mnt4/a", RUMP_UF_APPEND), 0);
	CHECK_EQ_INT(
	    rump_sys_chflags("/mnt4/i", RUMP_UF_IMMUTABLE | RUMP_UF_NODUMP), 0);
	CHECK_EQ_INT(rump_sys_unmount("/mnt4", 0), 0);

	CHECK_EQ_INT(mount_ext2("/dev/ld3", "/mnt4", 0), 0);
	CHECK_EQ_INT(rump_sys_stat("/mnt4/zero", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFCHR | 0644);
	CHECK_EQ_INT(st.st_rdev, RUMP_MAKEDEV(2, 12));
	fd = rump_sys_open("/mnt4/zero", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 4);
	CHECK(buf[0] == 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_stat("/mnt4/big", &st), 0);
	CHECK_EQ_INT(st.st_rdev, RUMP_MAKEDEV(300, 70000));
	ERR(rump_sys_open("/mnt4/big", RUMP_O_RDONLY), RUMP_ENXIO);
	CHECK_EQ_INT(rump_sys_stat("/mnt4/a", &st), 0);
	CHECK_EQ_INT(st.st_flags, RUMP_UF_APPEND);
	CHECK_EQ_INT(rump_sys_stat("/mnt4/i", &st), 0);
	CHECK_EQ_INT(st.st_flags, RUMP_UF_IMMUTABLE); /* no NODUMP on ext2 */
	ERR(rump_sys_open("/mnt4/a", RUMP_O_WRONLY), RUMP_EPERM);
	ERR(rump_sys_unlink("/mnt4/i"), RUMP_EPERM);
	fd = rump_sys_open("/mnt4/a", RUMP_O_WRONLY | RUMP_O_APPEND);
	CHECK_EQ_INT(rump_sys_write(fd, "c", 1), 1);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_unmount("/mnt4", 0), 0);
	CHECK_EQ_INT(rump_pub_etfs_remove("/dev/ld3"), 0);
	CHECK_EQ_INT(sh("e2fsck -fn '%s' >/dev/null 2>&1 || e2fsck -fn '%s'",
			 path, path),
	    0);
	/* e2fsprogs agree: Linux's numbers (major 2 minor 12), the flags. */
	CHECK_EQ_INT(sh("debugfs -R 'stat /zero' '%s' 2>/dev/null | "
			"grep -q 'Device major/minor number: 02:12'",
			 path),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /i' '%s' 2>/dev/null | "
			"grep -q 'Flags: 0x10$'",
			 path),
	    0);
	CHECK_EQ_INT(sh("debugfs -R 'stat /a' '%s' 2>/dev/null | "
			"grep -q 'Flags: 0x20$'",
			 path),
	    0);
}


int
main(void)
{
	char tmpl[] = "/tmp/test_ext2_syscalls.XXXXXX";

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
	RUN(files_through_the_system_calls);
	RUN(a_disk_without_ext2_is_refused);
	RUN(at_calls_reach_the_ext2_disk);
	RUN(device_nodes_and_file_flags_reach_the_ext2_disk);
	sh("rm -rf '%s'", dir);
	return check_done();
}
