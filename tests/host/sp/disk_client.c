/*
 * A librumpclient program for remote disks (rump_server -d, and the
 * image's disks under QEMU, tests/qemu/run.py). RUMP_SERVER names the
 * server; DEV is a raw disk node such as /dev/rld0. The pattern of SEED
 * over a region is byte i = (i * 7 + SEED) & 0xff.
 *   disk_client write DEV OFF LEN SEED  writes the pattern, reads it back
 *                                       (DEV may be a file: it is created)
 *   disk_client mkdir PATH              makes a directory
 *   disk_client mount DEV PATH          mounts DEV's ext2 on PATH (made)
 *   disk_client check DEV OFF LEN SEED  reads and compares the pattern
 *   disk_client size DEV                prints "size N sector M"
 *   disk_client rofs DEV                a write is refused with EROFS
 *   disk_client misaligned DEV          raw I/O off a sector is EINVAL
 * Prints one line per step; exits 0 when every step held.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rumpclient.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define CHUNK (256 * 1024)

static uint8_t buf[CHUNK], back[CHUNK];

static int
fail(const char *what)
{
	printf("FAIL %s: errno %d\n", what, errno);
	return 1;
}

static void
pattern(uint8_t *p, size_t n, uint64_t from, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((from + i) * 7 + (uint64_t)seed);
}

static int
region(const char *dev, uint64_t off, uint64_t len, int seed, bool write)
{
	int fd = rump_sys_open(dev,
	    write ? RUMP_O_RDWR | RUMP_O_CREAT : RUMP_O_RDONLY, 0644);

	if (fd == -1)
		return fail("open");
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		pattern(buf, n, done, seed);
		if (write &&
		    rump_sys_pwrite(fd, buf, n, (off_t)(off + done)) != (ssize_t)n)
			return fail("pwrite");
		if (rump_sys_pread(fd, back, n, (off_t)(off + done)) != (ssize_t)n)
			return fail("pread");
		if (memcmp(buf, back, n) != 0) {
			printf("FAIL the bytes at %llu differ\n",
			    (unsigned long long)(off + done));
			return 1;
		}
		done += n;
	}
	rump_sys_close(fd);
	printf("%s %llu bytes at %llu: ok\n", write ? "wrote" : "checked",
	    (unsigned long long)len, (unsigned long long)off);
	return 0;
}

int
main(int argc, char **argv)
{
	int64_t size;
	uint32_t sec;
	int fd;

	if (rumpclient_init() != 0)
		return fail("rumpclient_init");
	if (argc == 6 &&
	    (strcmp(argv[1], "write") == 0 || strcmp(argv[1], "check") == 0))
		return region(argv[2], strtoull(argv[3], NULL, 0),
		    strtoull(argv[4], NULL, 0), atoi(argv[5]), argv[1][0] == 'w');
	if (argc == 3 && strcmp(argv[1], "mkdir") == 0) {
		if (rump_sys_mkdir(argv[2], 0755) == -1)
			return fail("mkdir");
		printf("mkdir %s: ok\n", argv[2]);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "mount") == 0) {
		struct rump_ufs_args ua = { .fspec = argv[2] };

		if (rump_sys_mkdir(argv[3], 0755) == -1 && errno != EEXIST)
			return fail("mkdir");
		if (rump_sys_mount(RUMP_MOUNT_EXT2FS, argv[3], 0, &ua,
			sizeof(ua)) == -1)
			return fail("mount");
		printf("mount %s on %s: ok\n", argv[2], argv[3]);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr,
		    "usage: disk_client write|check DEV OFF LEN SEED "
		    "| size|rofs|misaligned|mkdir DEV | mount DEV PATH\n");
		return 2;
	}
	if ((fd = rump_sys_open(argv[2],
		 strcmp(argv[1], "size") == 0 ? RUMP_O_RDONLY : RUMP_O_RDWR)) ==
	    -1)
		return fail("open");
	if (strcmp(argv[1], "size") == 0) {
		if (rump_sys_ioctl(fd, RUMP_DIOCGMEDIASIZE, &size) == -1 ||
		    rump_sys_ioctl(fd, RUMP_DIOCGSECTORSIZE, &sec) == -1)
			return fail("ioctl");
		printf("size %lld sector %u\n", (long long)size, sec);
	} else if (strcmp(argv[1], "rofs") == 0) {
		if (rump_sys_pwrite(fd, buf, 512, 0) != -1 || errno != RUMP_EROFS)
			return fail("write to a read-only disk not EROFS");
		printf("write: EROFS: ok\n");
	} else if (strcmp(argv[1], "misaligned") == 0) {
		if (rump_sys_pread(fd, buf, 512, 1) != -1 || errno != RUMP_EINVAL)
			return fail("misaligned read not EINVAL");
		if (rump_sys_pwrite(fd, buf, 100, 0) != -1 || errno != RUMP_EINVAL)
			return fail("misaligned write not EINVAL");
		printf("misaligned: EINVAL: ok\n");
	} else {
		return fail("unknown step");
	}
	rump_sys_close(fd);
	return 0;
}
