/*
 * This project's rump/rump_syscalls.h, with rump_sys_fstat() filling the
 * host's struct stat: NetBSD's tests pass their own struct stat, which on
 * NetBSD is the kernel's layout (struct rump_stat) and on Linux is not.
 */
#ifndef NBCOMPAT_RUMP_SYSCALLS_H
#define NBCOMPAT_RUMP_SYSCALLS_H
#include_next <rump/rump_syscalls.h>
#include <string.h>
#include <sys/stat.h>
#include <rump/rumpdefs.h>

static inline int
nbcompat_fstat(int fd, struct stat *sb)
{
	struct rump_stat rs;
	int rv = rump_sys_fstat(fd, &rs);

	if (rv == 0) {
		memset(sb, 0, sizeof(*sb));
		sb->st_dev = rs.st_dev;
		sb->st_ino = rs.st_ino;
		sb->st_mode = rs.st_mode;
		sb->st_nlink = rs.st_nlink;
		sb->st_uid = rs.st_uid;
		sb->st_gid = rs.st_gid;
		sb->st_rdev = rs.st_rdev;
		sb->st_size = rs.st_size;
		sb->st_blksize = rs.st_blksize;
		sb->st_blocks = rs.st_blocks;
	}
	return rv;
}
#define rump_sys_fstat(fd, sb) nbcompat_fstat((fd), (sb))
#endif
