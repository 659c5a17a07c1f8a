/*
 * A librumpclient program for the image's memory cases (tests/qemu/run.py):
 *   mem_client rw [N]      open, write N bytes (64 KiB), read them back,
 *                          close, unlink
 *   mem_client fill PATH [MAX]  1 MiB writes until ENOSPC (a short write
 *                          may come first), failing past MAX bytes (1 GiB);
 *                          the connection must still serve after
 *   mem_client again PATH  a new client removes PATH and writes 1 MiB
 *   mem_client physmem MIN MAX   hw.physmem64 within [MIN, MAX] bytes
 * Prints one line per step; exits 0 when every step held.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rumpclient.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define MIB (1024 * 1024)

static char buf[MIB], back[MIB];

static int
fail(const char *what)
{
	printf("FAIL %s: errno %d\n", what, errno);
	return 1;
}

static int
do_rw(size_t len)
{
	const char *path = "/tmp/mem_client_rw";
	int fd;

	if (len > sizeof(buf))
		len = sizeof(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i * 7 + i / 251);
	if ((fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC,
		 0644)) < 0)
		return fail("open");
	if (rump_sys_write(fd, buf, len) != (ssize_t)len)
		return fail("write");
	if (rump_sys_pread(fd, back, len, 0) != (ssize_t)len)
		return fail("pread");
	if (memcmp(buf, back, len) != 0) {
		printf("FAIL: different bytes read back\n");
		return 1;
	}
	if (rump_sys_close(fd) != 0 || rump_sys_unlink(path) != 0)
		return fail("close/unlink");
	printf("rw: %zu bytes written and read back\n", len);
	return 0;
}

static int
do_fill(const char *path, long long max)
{
	long long total = 0;
	ssize_t n;
	int fd;

	memset(buf, 0x5a, sizeof(buf));
	if ((fd = rump_sys_open(path,
		 RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644)) < 0)
		return fail("open");
	while ((n = rump_sys_write(fd, buf, sizeof(buf))) ==
	    (ssize_t)sizeof(buf)) {
		total += n;
		if (total > max) {
			printf("FAIL: %lld bytes written and no ENOSPC\n", total);
			rump_sys_close(fd);
			rump_sys_unlink(path);
			return 1;
		}
	}
	if (n > 0) {
		total += n;
		printf("fill: short write of %zd bytes after %lld\n", n,
		    total - n);
		n = rump_sys_write(fd, buf, sizeof(buf));
	}
	if (n != -1 || errno != RUMP_ENOSPC)
		return fail("the write after the file system filled");
	printf("fill: %lld bytes, then ENOSPC\n", total);
	/* Still connected and served. */
	if (rump_sys_getpid() <= 0 || rump_sys_close(fd) != 0)
		return fail("getpid/close after ENOSPC");
	printf("fill: the connection still serves\n");
	return 0;
}

static int
do_again(const char *path)
{
	int fd;

	memset(buf, 0xa5, sizeof(buf));
	if (rump_sys_unlink(path) != 0)
		return fail("unlink");
	if ((fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC,
		 0644)) < 0)
		return fail("open");
	if (rump_sys_write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return fail("write after unlink");
	if (rump_sys_pread(fd, back, sizeof(back), 0) != (ssize_t)sizeof(back) ||
	    memcmp(buf, back, sizeof(buf)) != 0)
		return fail("read back");
	if (rump_sys_close(fd) != 0 || rump_sys_unlink(path) != 0)
		return fail("close/unlink");
	printf("again: removed the file, wrote and read 1 MiB\n");
	return 0;
}

static int
do_physmem(const char *min, const char *max)
{
	int mib[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	uint64_t mem = 0;
	size_t len = sizeof(mem);

	if (rump_sys___sysctl(mib, 2, &mem, &len, NULL, 0) != 0)
		return fail("sysctl hw.physmem64");
	printf("physmem: hw.physmem64 = %llu\n", (unsigned long long)mem);
	if (mem < strtoull(min, NULL, 0) || mem > strtoull(max, NULL, 0)) {
		printf("FAIL: not within [%s, %s]\n", min, max);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2) {
		fprintf(stderr,
		    "usage: mem_client rw | fill PATH | again PATH | "
		    "physmem MIN MAX\n");
		return 2;
	}
	if (rumpclient_init() != 0)
		return fail("rumpclient_init");
	if (strcmp(argv[1], "rw") == 0)
		return do_rw(argc > 2 ? strtoul(argv[2], NULL, 0) : 64 * 1024);
	if (strcmp(argv[1], "fill") == 0 && (argc == 3 || argc == 4))
		return do_fill(argv[2],
		    argc == 4 ? strtoll(argv[3], NULL, 0) : 1LL << 30);
	if (strcmp(argv[1], "again") == 0 && argc == 3)
		return do_again(argv[2]);
	if (strcmp(argv[1], "physmem") == 0 && argc == 4)
		return do_physmem(argv[2], argv[3]);
	fprintf(stderr, "mem_client: bad arguments\n");
	return 2;
}
