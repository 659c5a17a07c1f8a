/*
 * A stream of file writes on an ext2 disk for tests/qemu/crash.py, which
 * kills QEMU with SIGKILL in the middle of it. The program mounts /dev/ld0
 * itself with mount(2) (MOUNT_EXT2FS, struct ufs_args) and writes files
 * <a long name>-<i> of varied sizes in its root and three directories
 * d<k>; every fifth one is fsync'ed and reported as "crash: fsynced PATH
 * SIZE SEED" once fsync(2) has returned, so every
 * reported file must survive the kill intact. Byte j of a file of SEED is
 * (j * 7 + SEED) & 0xff, as in tests/qemu/disks.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "plat/blk.h"
#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define NDIRS	4
#define NFILES	100000 /* more than the disk holds */
#define MAXSIZE (48 * 1024)
#define LONGNAME                                              \
	"a-file-name-of-a-hundred-bytes-or-so-so-that-every-" \
	"directory-block-holds-few-of-them-and-fills-soon"

static long
rerr(void)
{
	return *(long *)sched_tls(sched_current(), TLS_ERRNO);
}

/* Sizes from 1 byte to 48 KiB: direct blocks, an indirect one, holes none. */
static size_t
file_size(int i)
{
	return 1 + (size_t)((unsigned)i * 7919u % MAXSIZE);
}

TESTCASE(ext2_crash_stream)
{
	struct rump_ufs_args ua = { .fspec = (char *)"/dev/ld0" };
	uint8_t *buf = hyp_malloc(MAXSIZE, 64);
	char path[160];
	int fd, i, fsynced = 0, dirfd[NDIRS];

	TCHECK(buf != NULL, "no memory");
	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_sys_mkdir("/data", 0755) == 0, "mkdir /data: %ld", rerr());
	TCHECK(rump_sys_mount(RUMP_MOUNT_EXT2FS, "/data", 0, &ua, sizeof(ua)) == 0,
	    "mount: %ld", rerr());
	/*
	 * The directories stay open all along, as a database keeps its
	 * own: their inodes are never released (which would write them),
	 * so only fsync makes their growth durable. d0 is the mount's root.
	 */
	for (int k = 0; k < NDIRS; k++) {
		snprintf(path, sizeof(path), k == 0 ? "/data" : "/data/d%d", k);
		TCHECK(k == 0 || rump_sys_mkdir(path, 0755) == 0,
		    "mkdir %s: %ld", path, rerr());
		dirfd[k] = rump_sys_open(path, RUMP_O_RDONLY);
		TCHECK(dirfd[k] >= 0, "open %s: %ld", path, rerr());
	}
	kprintf("crash: mounted /dev/ld0 on /data, writing\n");
	for (i = 0; i < NFILES; i++) {
		size_t size = file_size(i);
		int seed = (i * 13 + 5) & 0xff;
		uint64_t flushes;
		ssize_t n;

		/* Long names: the directories grow by blocks as they fill. */
		if (i % NDIRS == 0)
			snprintf(path, sizeof(path), "/data/%s-%d", LONGNAME, i);
		else
			snprintf(path, sizeof(path), "/data/d%d/%s-%d",
			    i % NDIRS, LONGNAME, i);
		for (size_t j = 0; j < size; j++)
			buf[j] = (uint8_t)(j * 7 + (size_t)seed);
		fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
		if (fd < 0 && rerr() == RUMP_ENOSPC)
			break;
		TCHECK(fd >= 0, "open %s: %ld", path, rerr());
		n = rump_sys_write(fd, buf, size);
		/* A full disk: a short write, then ENOSPC. */
		if ((n < 0 && rerr() == RUMP_ENOSPC) ||
		    (n >= 0 && (size_t)n < size)) {
			rump_sys_close(fd);
			break;
		}
		TCHECK(n == (ssize_t)size, "write %s: %zd, %ld", path, n, rerr());
		if (i % 5 == 2) { /* in every directory in turn */
			flushes = plat_blk_flushes(0);
			TCHECK(rump_sys_fsync(fd) == 0, "fsync %s: %ld", path,
			    rerr());
			/* The device's write cache too, not only the queue. */
			TCHECK(plat_blk_flushes(0) > flushes,
			    "fsync queued no flush");
			kprintf("crash: fsynced %s %zu %d\n", path + 5, size,
			    seed);
			fsynced++;
		}
		TCHECK(rump_sys_close(fd) == 0, "close: %ld", rerr());
	}
	/* crash.py kills QEMU long before: reaching here fails the case. */
	kprintf("crash: stream ended after %d files (%d fsynced)\n", i, fsynced);
	hyp_free(buf, MAXSIZE);
	for (int k = 0; k < NDIRS; k++)
		rump_sys_close(dirfd[k]);
	TCHECK(rump_sys_unmount("/data", 0) == 0, "unmount: %ld", rerr());
	return 0;
}
