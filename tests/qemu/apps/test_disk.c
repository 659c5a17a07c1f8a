/*
 * The image's disks through the kernel (virtio-blk, hypercall/blk.c,
 * kernel/blk.c): tests/qemu/run.py boots with --disk images and checks the
 * image files' bytes afterwards. The pattern of SEED over a region is byte
 * i = (i * 7 + SEED) & 0xff, as tests/host/sp/disk_client.c writes it.
 */
#include <stdint.h>
#include <string.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "plat/blk.h"
#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define MIB (1024 * 1024)

static long
rerr(void)
{
	return *(long *)sched_tls(sched_current(), TLS_ERRNO);
}

static void
pattern(uint8_t *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + (size_t)seed);
}

static int64_t
disk_size(int fd)
{
	int64_t size = -1;

	if (rump_sys_ioctl(fd, RUMP_DIOCGMEDIASIZE, &size) != 0)
		return -1;
	return size;
}

/* 1 MiB at 1 MiB of /dev/rld0 in one call: 16 requests in flight. */
TESTCASE(disk_raw_rw)
{
	uint8_t *out = hyp_malloc(MIB, 64), *in = hyp_malloc(MIB, 64);
	uint32_t sec = 0;
	int64_t size;
	int fd, one = 1;

	TCHECK(out != NULL && in != NULL, "no memory");
	TCHECK(rump_init() == 0, "rump_init");
	fd = rump_sys_open("/dev/rld0", RUMP_O_RDWR);
	TCHECK(fd >= 0, "open /dev/rld0: %ld", rerr());
	size = disk_size(fd);
	TCHECK(rump_sys_ioctl(fd, RUMP_DIOCGSECTORSIZE, &sec) == 0 && sec == 512,
	    "sector size %u", sec);
	kprintf("disk: /dev/rld0 has %lld bytes, sector %u\n", (long long)size,
	    sec);
	TCHECK(size >= 2 * MIB, "disk of %lld bytes", (long long)size);
	pattern(out, MIB, 1);
	TCHECK(rump_sys_pwrite(fd, out, MIB, MIB) == MIB, "pwrite: %ld", rerr());
	memset(in, 0, MIB);
	TCHECK(rump_sys_pread(fd, in, MIB, MIB) == MIB, "pread: %ld", rerr());
	TCHECK(memcmp(in, out, MIB) == 0, "read back differs");
	TCHECK(rump_sys_pread(fd, in, 512, 3) == -1 && rerr() == RUMP_EINVAL,
	    "misaligned read: %ld", rerr());
	TCHECK(rump_sys_pwrite(fd, in, 100, 0) == -1 && rerr() == RUMP_EINVAL,
	    "misaligned write: %ld", rerr());
	TCHECK(rump_sys_pread(fd, in, 512, size) == 0, "read at the end");
	TCHECK(rump_sys_pread(fd, in, 512, size + 512) == -1 &&
		rerr() == RUMP_EINVAL,
	    "read past the end: %ld", rerr());
	TCHECK(rump_sys_pread(fd, in, 4096, size - 1024) == 1024,
	    "read across the end");
	TCHECK(rump_sys_ioctl(fd, RUMP_DIOCCACHESYNC, &one) == 0,
	    "cache sync: %ld", rerr());
	TCHECK(rump_sys_close(fd) == 0, "close");
	kprintf("disk: wrote and read back %d bytes on /dev/rld0\n", MIB);
	{
		uint64_t irqs;
		unsigned most;
		plat_blk_stats(0, &irqs, &most);
		kprintf("disk: %llu interrupts, at most %u requests in flight\n",
		    (unsigned long long)irqs, most);
		TCHECK(irqs > 0 && most >= 16, "interrupts %llu, in flight %u",
		    (unsigned long long)irqs, most);
	}
	hyp_free(out, MIB);
	hyp_free(in, MIB);
	return 0;
}

/* Threads at once on their own regions of /dev/rld0 (after its first 2 MiB). */
#define NTHREADS 4
#define ROUNDS	 16
#define REGION	 (64 * 1024)

static volatile int thread_failures;

static void
disk_worker(void *arg)
{
	int t = (int)(intptr_t)arg, fd = rump_sys_open("/dev/rld0", RUMP_O_RDWR);
	uint8_t *out = hyp_malloc(REGION, 64), *in = hyp_malloc(REGION, 64);

	for (int r = 0; r < ROUNDS && fd >= 0 && out != NULL && in != NULL; r++) {
		int64_t off = 2 * MIB + (int64_t)(t * ROUNDS + r) * REGION;
		pattern(out, REGION, t * 16 + r);
		if (rump_sys_pwrite(fd, out, REGION, off) != REGION ||
		    rump_sys_pread(fd, in, REGION, off) != REGION ||
		    memcmp(in, out, REGION) != 0)
			thread_failures++;
	}
	if (fd < 0 || out == NULL || in == NULL)
		thread_failures++;
	rump_sys_close(fd);
	hyp_free(out, REGION);
	hyp_free(in, REGION);
}

TESTCASE(disk_threads)
{
	struct thread *th[NTHREADS];

	TCHECK(rump_init() == 0, "rump_init");
	thread_failures = 0;
	for (int t = 0; t < NTHREADS; t++) {
		th[t] = sched_create("disk-worker", disk_worker,
		    (void *)(intptr_t)t, THREAD_MUSTJOIN);
		TCHECK(th[t] != NULL, "sched_create");
	}
	for (int t = 0; t < NTHREADS; t++)
		sched_join(th[t]);
	TCHECK(thread_failures == 0, "%d failures", thread_failures);
	kprintf("disk: %d threads x %d transfers of %d bytes: ok\n", NTHREADS,
	    ROUNDS, REGION);
	return 0;
}

/* /dev/rld1 is a read-only disk (--disk FILE,ro). */
TESTCASE(disk_readonly)
{
	uint8_t buf[512];
	int fd;

	TCHECK(rump_init() == 0, "rump_init");
	fd = rump_sys_open("/dev/rld1", RUMP_O_RDWR);
	TCHECK(fd >= 0, "open /dev/rld1: %ld", rerr());
	kprintf("disk: /dev/rld1 has %lld bytes\n", (long long)disk_size(fd));
	TCHECK(rump_sys_pread(fd, buf, 512, 0) == 512, "read: %ld", rerr());
	memset(buf, 'w', sizeof(buf));
	TCHECK(rump_sys_pwrite(fd, buf, 512, 0) == -1 && rerr() == RUMP_EROFS,
	    "write: %ld", rerr());
	rump_sys_close(fd);
	kprintf("disk: writing /dev/rld1 is EROFS\n");
	return 0;
}

/* A second boot finds what the first wrote: seed 42, 8 KiB at 1536. */
TESTCASE(disk_persist_write)
{
	uint8_t buf[8192];
	int fd, one = 1;

	TCHECK(rump_init() == 0, "rump_init");
	fd = rump_sys_open("/dev/rld0", RUMP_O_RDWR);
	TCHECK(fd >= 0, "open: %ld", rerr());
	pattern(buf, sizeof(buf), 42);
	TCHECK(rump_sys_pwrite(fd, buf, sizeof(buf), 1536) == sizeof(buf),
	    "pwrite: %ld", rerr());
	TCHECK(rump_sys_ioctl(fd, RUMP_DIOCCACHESYNC, &one) == 0, "sync: %ld",
	    rerr());
	rump_sys_close(fd);
	kprintf("disk: first boot wrote 8192 bytes at 1536\n");
	return 0;
}

TESTCASE(disk_persist_check)
{
	uint8_t buf[8192], want[8192];
	int fd;

	TCHECK(rump_init() == 0, "rump_init");
	fd = rump_sys_open("/dev/ld0", RUMP_O_RDONLY);
	TCHECK(fd >= 0, "open: %ld", rerr());
	pattern(want, sizeof(want), 42);
	TCHECK(rump_sys_pread(fd, buf, sizeof(buf), 1536) == sizeof(buf),
	    "pread: %ld", rerr());
	TCHECK(memcmp(buf, want, sizeof(buf)) == 0, "the bytes differ");
	rump_sys_close(fd);
	kprintf("disk: second boot read the first boot's bytes\n");
	return 0;
}

static uint64_t
now_ns(void)
{
	int64_t s;
	long ns;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns);
	return (uint64_t)s * 1000000000ULL + (uint64_t)ns;
}

/* Sequential 1 MiB transfers over the first 16 MiB of /dev/rld0: a figure, no goal. */
TESTCASE(disk_throughput)
{
	uint8_t *buf = hyp_malloc(MIB, 64);
	uint64_t t0, t1, t2;
	int fd;

	TCHECK(buf != NULL, "no memory");
	TCHECK(rump_init() == 0, "rump_init");
	fd = rump_sys_open("/dev/rld0", RUMP_O_RDWR);
	TCHECK(fd >= 0 && disk_size(fd) >= 16 * MIB, "open: %ld", rerr());
	pattern(buf, MIB, 3);
	t0 = now_ns();
	for (int i = 0; i < 16; i++)
		TCHECK(rump_sys_pwrite(fd, buf, MIB, (int64_t)i * MIB) == MIB,
		    "pwrite: %ld", rerr());
	t1 = now_ns();
	for (int i = 0; i < 16; i++)
		TCHECK(rump_sys_pread(fd, buf, MIB, (int64_t)i * MIB) == MIB,
		    "pread: %ld", rerr());
	t2 = now_ns();
	rump_sys_close(fd);
	hyp_free(buf, MIB);
	kprintf("disk: /dev/rld0 sequential 1 MiB transfers: write %llu MiB/s, "
		"read %llu MiB/s\n",
	    (unsigned long long)(16ULL * 1000000000ULL / (t1 - t0 + 1)),
	    (unsigned long long)(16ULL * 1000000000ULL / (t2 - t1 + 1)));
	return 0;
}
