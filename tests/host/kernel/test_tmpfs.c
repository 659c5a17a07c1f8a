/*
 * tmpfs at scale: sparse files cost the blocks they hold (the kernel's
 * memory counter, kmem_inuse(), measures it), the largest file size, and
 * a directory of 30,000 names created, looked up, listed exactly once each
 * (with entries removed and added while the listing runs) and removed.
 * Built on the host and into the image (suite_tmpfs.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef RUMPIMG_IMAGE
#include <unistd.h>
#endif

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define ERR(call, e)                      \
	do {                              \
		CHECK_EQ_INT((call), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

/* The kernel's own count of its memory (kernel/kmem.c). */
uint64_t kmem_inuse(void);

#define TB	(1LL << 40)
#define MAXSIZE (INT64_MAX - 4096 + 1) /* TMPFS_MAXSIZE */
#define NFILES	30000

TEST(sparse_files_cost_what_they_hold)
{
	struct rump_stat st;
	char buf[8192], zero[8192];
	uint64_t mem0, mem;
	int fd;

	memset(zero, 0, sizeof(zero));
	fd = rump_sys_open("/tmp/sparse",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	CHECK(fd >= 0);
	mem0 = kmem_inuse();
	CHECK_EQ_INT(rump_sys_pwrite(fd, "x", 1, TB), 1);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, TB + 1);
	CHECK_EQ_INT(st.st_blocks, 4096 / 512); /* one block held */
	/* One block and a few tree nodes: far below an array up to 2^40. */
	mem = kmem_inuse() - mem0;
	CHECK(mem < 64 * 1024);
	if (mem >= 64 * 1024)
		printf("  one byte at 2^40 costs %llu bytes\n",
		    (unsigned long long)mem);

	/* The hole reads as zeros, up to the byte, which reads back. */
	memset(buf, 'z', sizeof(buf));
	CHECK_EQ_INT(rump_sys_pread(fd, buf, sizeof(buf), TB - 8192), 8192);
	CHECK(memcmp(buf, zero, sizeof(buf)) == 0);
	memset(buf, 'z', sizeof(buf));
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 4096, 12345), 4096);
	CHECK(memcmp(buf, zero, 4096) == 0);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, sizeof(buf), TB - 1), 2);
	CHECK(buf[0] == 0 && buf[1] == 'x');

	/* Near 2^62, and at the largest size: EFBIG past it. */
	CHECK_EQ_INT(rump_sys_pwrite(fd, "y", 1, 1LL << 62), 1);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, (1LL << 62) + 1);
	CHECK_EQ_INT(st.st_blocks, 2 * 4096 / 512);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 2, 1LL << 62), 1);
	CHECK(buf[0] == 'y');
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 4, (1LL << 62) - 3), 4);
	CHECK(memcmp(buf, "\0\0\0y", 4) == 0);
	CHECK(kmem_inuse() - mem0 < 128 * 1024);
	CHECK_EQ_INT(rump_sys_pwrite(fd, "ab", 2, MAXSIZE - 1), 1); /* short */
	ERR(rump_sys_pwrite(fd, "ab", 2, MAXSIZE), RUMP_EFBIG);
	ERR(rump_sys_pwrite(fd, "ab", 2, INT64_MAX), RUMP_EFBIG);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, MAXSIZE);
	ERR(rump_sys_ftruncate(fd, MAXSIZE + 1), RUMP_EFBIG);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, MAXSIZE), 0);

	/* Truncating gives every block and node back. */
	CHECK_EQ_INT(rump_sys_ftruncate(fd, TB + 1), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_blocks, 4096 / 512);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 2, TB - 1), 2);
	CHECK(buf[0] == 0 && buf[1] == 'x');
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 0), 0);
	CHECK_EQ_INT(kmem_inuse(), mem0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, 0);
	CHECK_EQ_INT(st.st_blocks, 0);
	/* Growing again reads zeros where the byte was. */
	CHECK_EQ_INT(rump_sys_ftruncate(fd, TB + 1), 0);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 2, TB - 1), 2);
	CHECK(buf[0] == 0 && buf[1] == 0);
	CHECK_EQ_INT(kmem_inuse(), mem0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/sparse"), 0);
}

/* Lists fd from where it is; marks each name "d/fNNNNN" seen; 0 or -1. */
static int
list_some(int fd, unsigned char *seen, int *dups, int *others, int calls)
{
	char buf[4096];

	for (int c = 0; c < calls; c++) {
		int n = rump_sys_getdents(fd, buf, sizeof(buf));
		if (n <= 0)
			return n;
		for (int off = 0; off < n;) {
			uint16_t reclen;
			const char *name = buf + off + 13;
			memcpy(&reclen, buf + off + 8, 2);
			if (name[0] == 'f') {
				int i = atoi(name + 1);
				if (i < 0 || i >= 2 * NFILES)
					(*others)++;
				else if (seen[i]++ != 0)
					(*dups)++;
			} else if (strcmp(name, ".") != 0 &&
			    strcmp(name, "..") != 0)
				(*others)++;
			off += reclen;
		}
	}
	return 1;
}

TEST(directory_of_30000_names)
{
	/* On the heap: the image's test build must fit in -m 2M for other cases. */
	unsigned char *seen = calloc(2, NFILES), *gone = calloc(1, NFILES);
	struct rump_stat st;
	char path[64];
	int fd, dups = 0, others = 0, n, missing = 0, bad = 0;
	uint64_t mem0;

	CHECK(seen != NULL && gone != NULL);
	mem0 = kmem_inuse();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/big", 0755), 0);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		fd = rump_sys_open(path,
		    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0644);
		if (fd < 0) {
			bad++;
			continue;
		}
		rump_sys_close(fd);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/big", &st), 0);
	CHECK_EQ_INT(st.st_size, NFILES);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		if (rump_sys_stat(path, &st) != 0)
			missing++;
	}
	CHECK_EQ_INT(missing, 0);
	ERR(rump_sys_stat("/tmp/big/f99999", &st), RUMP_ENOENT);
	ERR(rump_sys_open("/tmp/big/f00007",
		RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0644),
	    RUMP_EEXIST);

	/*
	 * A listing in 4 KiB slices. Half way, names already listed and names
	 * not yet listed go, and new ones come: every name present throughout
	 * is listed exactly once, the removed unlisted ones never, none twice.
	 */
	memset(seen, 0, 2 * NFILES);
	fd = rump_sys_open("/tmp/big", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	while ((n = list_some(fd, seen, &dups, &others, 1)) > 0 &&
	    seen[NFILES / 2] == 0)
		;
	CHECK(n > 0);
	memset(gone, 0, NFILES);
	for (int i = 10; i < NFILES; i += 10) {
		if (seen[i])
			continue;
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		CHECK_EQ_INT(rump_sys_unlink(path), 0); /* not yet listed */
		gone[i] = 1;
	}
	for (int i = 1; i < NFILES / 4; i += 10) {
		CHECK(seen[i]);
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		CHECK_EQ_INT(rump_sys_unlink(path), 0); /* listed */
		gone[i] = 2;
	}
	for (int i = NFILES; i < NFILES + 100; i++) {
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		CHECK(rump_sys_mkdir(path, 0755) == 0);
	}
	while ((n = list_some(fd, seen, &dups, &others, 1)) > 0)
		;
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(dups, 0);
	CHECK_EQ_INT(others, 0);
	missing = 0;
	for (int i = 0; i < NFILES; i++)
		if (seen[i] != (gone[i] == 1 ? 0 : 1))
			missing++;
	CHECK_EQ_INT(missing, 0);
	/* A second listing from the start sees exactly what is there. */
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	memset(seen, 0, 2 * NFILES);
	while ((n = list_some(fd, seen, &dups, &others, 1)) > 0)
		;
	CHECK_EQ_INT(dups, 0);
	for (int i = NFILES; i < NFILES + 100; i++)
		CHECK(seen[i] == 1);
	rump_sys_close(fd);

	/* Remove everything; the directory's memory goes with it. */
	bad = 0;
	for (int i = 0; i < NFILES + 100; i++) {
		snprintf(path, sizeof(path), "/tmp/big/f%05d", i);
		if (i >= NFILES)
			bad += rump_sys_rmdir(path) != 0;
		else if (rump_sys_unlink(path) != 0 && errno != RUMP_ENOENT)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/big", &st), 0);
	CHECK_EQ_INT(st.st_size, 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/big"), 0);
	CHECK_EQ_INT(kmem_inuse(), mem0);
	free(seen);
	free(gone);
}

static int
nlink_of(const char *path)
{
	struct rump_stat st;

	if (rump_sys_lstat(path, &st) != 0)
		return -1;
	return (int)st.st_nlink;
}

/*
 * A directory has a link for its name, one for its "." and one for each
 * subdirectory's "..", whatever renames moved it: the fuzzer found a
 * renamed directory counted one short, so that its last subdirectory's
 * rmdir freed it while its name still pointed to it.
 */
TEST(directory_link_counts_follow_renames)
{
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/a", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/other", 0755), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln"), 4);
	CHECK_EQ_INT(nlink_of("/tmp/ln/a"), 2);

	/* Renamed in its directory, and moved to another. */
	CHECK_EQ_INT(rump_sys_rename("/tmp/ln/a", "/tmp/ln/b"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/b"), 2);
	CHECK_EQ_INT(nlink_of("/tmp/ln"), 4);
	CHECK_EQ_INT(rump_sys_rename("/tmp/ln/b", "/tmp/ln/other/b"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/other/b"), 2);
	CHECK_EQ_INT(nlink_of("/tmp/ln/other"), 3);
	CHECK_EQ_INT(nlink_of("/tmp/ln"), 3);

	/* Replacing an empty directory. */
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/c", 0755), 0);
	CHECK_EQ_INT(rump_sys_rename("/tmp/ln/other/b", "/tmp/ln/c"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/c"), 2);
	CHECK_EQ_INT(nlink_of("/tmp/ln/other"), 2);
	CHECK_EQ_INT(nlink_of("/tmp/ln"), 4);

	/* A subdirectory comes and goes; the renamed one stays whole. */
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/c/d", 0755), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/c"), 3);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/ln/c/d"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/ln/c"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("d"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/c"), 2);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/ln/c"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/ln/other"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln"), 2);

	/*
	 * The fuzzer's case: a directory with a subdirectory is renamed,
	 * the subdirectory removed, the directory entered and left. It
	 * was counted 0 and freed while its name still pointed to it.
	 */
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/e", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ln/e/sub", 0755), 0);
	CHECK_EQ_INT(rump_sys_rename("/tmp/ln/e", "/tmp/ln/f"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/f"), 3);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/ln/f/sub"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/f"), 2);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/ln/f"), 0);
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(nlink_of("/tmp/ln/f"), 2);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/ln/f"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/ln"), 0);
}

/*
 * A removed directory (rmdir(2), or replaced by rename(2)) that is still
 * open takes no new names, as rmdir(2) in POSIX says: ENOENT, as ext2
 * gives. tmpfs let mkdir in it count it a link again, so that it never
 * went (a leak any client could make), and a directory renamed into it
 * looped for ever looking for the root up its "..".
 */
TEST(removed_directory_takes_no_names)
{
	struct rump_stat st;
	int dfd, vfd, fd;

	CHECK_EQ_INT(rump_sys_mkdir("/tmp/gone", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/mover", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/victim", 0755), 0);
	fd = rump_sys_open("/tmp/file", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	dfd = rump_sys_open("/tmp/gone", RUMP_O_RDONLY);
	CHECK(dfd >= 0);
	vfd = rump_sys_open("/tmp/victim", RUMP_O_RDONLY);
	CHECK(vfd >= 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/gone"), 0);
	CHECK_EQ_INT(rump_sys_rename("/tmp/mover", "/tmp/victim"), 0);
	CHECK_EQ_INT(rump_sys_fstat(dfd, &st), 0);
	CHECK_EQ_INT(st.st_nlink, 0);
	CHECK_EQ_INT(rump_sys_fstat(vfd, &st), 0);
	CHECK_EQ_INT(st.st_nlink, 0);

	ERR(rump_sys_mkdirat(dfd, "d", 0755), RUMP_ENOENT);
	ERR(rump_sys_mkdirat(vfd, "d", 0755), RUMP_ENOENT);
	ERR(rump_sys_openat(dfd, "f", RUMP_O_RDWR | RUMP_O_CREAT, 0644),
	    RUMP_ENOENT);
	ERR(rump_sys_symlinkat("t", dfd, "l"), RUMP_ENOENT);
	ERR(rump_sys_linkat(RUMP_AT_FDCWD, "/tmp/file", dfd, "h", 0),
	    RUMP_ENOENT);
	ERR(rump_sys_renameat(RUMP_AT_FDCWD, "/tmp/file", dfd, "f"), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_fstat(dfd, &st), 0);
	CHECK_EQ_INT(st.st_nlink, 0);
	CHECK_EQ_INT(st.st_size, 0);
#ifndef RUMPIMG_IMAGE
	alarm(60); /* it looped: fail by the signal rather than hang */
#endif
	ERR(rump_sys_renameat(RUMP_AT_FDCWD, "/tmp/victim", dfd, "v"),
	    RUMP_ENOENT);
#ifndef RUMPIMG_IMAGE
	alarm(0);
#endif
	CHECK_EQ_INT(rump_sys_close(dfd), 0);
	CHECK_EQ_INT(rump_sys_close(vfd), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/victim"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/file"), 0);
}

#ifdef RUMPIMG_IMAGE
int
tmpfs_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(sparse_files_cost_what_they_hold);
	RUN(directory_of_30000_names);
	RUN(directory_link_counts_follow_renames);
	RUN(removed_directory_takes_no_names);
	rump_pub_lwproc_releaselwp();
	return check_done();
}
