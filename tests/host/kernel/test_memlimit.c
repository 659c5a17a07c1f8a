/*
 * The kernel's memory limit (RUMP_MEMLIMIT, what rump_server -r sets):
 * hw.physmem64 reports it, tmpfs data stops at the limit less the kernel
 * reserve with a short write and then ENOSPC, kernel objects stop at the
 * limit with an errno, and removing files gives the room back.
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
#define MIB   (1024 * 1024)
#define LIMIT (64LL * MIB)

uint64_t kmem_inuse(void);
uint64_t kmem_reserve(void);

static char chunk[MIB];

TEST(physmem_is_the_limit)
{
	int pm[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	uint64_t mem = 0;
	size_t len = sizeof(mem);

	CHECK_EQ_INT(rump_sys___sysctl(pm, 2, &mem, &len, NULL, 0), 0);
	CHECK_EQ_INT(mem, LIMIT);
	CHECK_EQ_INT(kmem_reserve(), LIMIT / 8);
}

TEST(tmpfs_fills_to_enospc_and_recovers)
{
	long long total = 0;
	ssize_t n = 0;
	int fd, shorts = 0, files = 0, e = 0;
	char path[64];

	/* Files of 8 MiB in 1 MiB writes until a write comes back short. */
	for (files = 0; files < 64 && n >= 0; files++) {
		snprintf(path, sizeof(path), "/tmp/fill%d", files);
		fd = rump_sys_open(path,
		    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
		CHECK(fd >= 0);
		for (int i = 0; i < 8; i++) {
			n = rump_sys_write(fd, chunk, sizeof(chunk));
			if (n < 0) {
				e = errno;
				break;
			}
			total += n;
			if (n < (ssize_t)sizeof(chunk)) {
				shorts++;
				n = rump_sys_write(fd, chunk, sizeof(chunk));
				e = errno;
				CHECK_EQ_INT(n, -1);
				n = -1;
				break;
			}
		}
		rump_sys_close(fd);
	}
	CHECK_EQ_INT(e, RUMP_ENOSPC);
	CHECK(shorts <= 1);
	/* All but the reserve (8 MiB) and the kernel's own bits. */
	CHECK(total > LIMIT - LIMIT / 8 - 4 * MIB);
	CHECK(total <= LIMIT - LIMIT / 8);
	CHECK((long long)kmem_inuse() <= LIMIT - LIMIT / 8);
	printf("  tmpfs took %lld bytes in %d files of a %lld-byte limit\n",
	    total, files, LIMIT);

	/* The kernel still serves: a new process opens, creates, reads. */
	struct lwp *me = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	fd = rump_sys_open("/tmp/fill-empty", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	ERR(rump_sys_write(fd, chunk, sizeof(chunk)), RUMP_ENOSPC);
	/* Removing a file gives its room back. */
	CHECK_EQ_INT(rump_sys_unlink("/tmp/fill0"), 0);
	CHECK_EQ_INT(rump_sys_write(fd, chunk, sizeof(chunk)), sizeof(chunk));
	rump_sys_close(fd);
	rump_sys_unlink("/tmp/fill-empty");
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
	for (int i = 1; i < files; i++) {
		snprintf(path, sizeof(path), "/tmp/fill%d", i);
		rump_sys_unlink(path);
	}
}

TEST(kernel_objects_stop_at_the_limit)
{
	uint64_t mem0 = kmem_inuse();
	char path[300], name[201];
	int n, e = 0, fd;

	/* Long names: each directory costs more, the loop is shorter. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';

	/* Directories: each a vnode and a name, none of them file data. */
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/many", 0755), 0);
	for (n = 0; n < 2000000; n++) {
		snprintf(path, sizeof(path), "/tmp/many/%s%d", name, n);
		if (rump_sys_mkdir(path, 0755) != 0) {
			e = errno;
			break;
		}
	}
	CHECK(n < 2000000);
	CHECK(e == RUMP_ENOSPC || e == RUMP_ENOMEM);
	CHECK((long long)kmem_inuse() <= LIMIT);
	printf("  %d directories until errno %d, kernel memory %llu bytes\n", n,
	    e, (unsigned long long)kmem_inuse());
	/* With the reserve taken, file data has no room but the kernel runs. */
	fd = rump_sys_open("/tmp/many-data", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	if (fd >= 0) {
		ERR(rump_sys_write(fd, chunk, 4096), RUMP_ENOSPC);
		rump_sys_close(fd);
		rump_sys_unlink("/tmp/many-data");
	}
	for (int i = n - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), "/tmp/many/%s%d", name, i);
		if (rump_sys_rmdir(path) != 0)
			e = -1;
	}
	CHECK(e != -1);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/many"), 0);
	CHECK_EQ_INT(kmem_inuse(), mem0);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	check_args(argc, argv);
	setenv("RUMP_MEMLIMIT", "64m", 1);
	memset(chunk, 0x5a, sizeof(chunk));
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(physmem_is_the_limit);
	RUN(tmpfs_fills_to_enospc_and_recovers);
	RUN(kernel_objects_stop_at_the_limit);
	rump_pub_lwproc_releaselwp();
	return check_done();
}
