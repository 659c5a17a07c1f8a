/*
 * Kernel memory and its limit. Every kernel allocation is counted; with a
 * limit (RUMP_MEMLIMIT, as NetBSD's rump kernels read it: rump_server -r,
 * or on bare metal the machine's memory) the count never passes it, so
 * running out is an error to the caller, never a crash.
 *
 * File data (tmpfs blocks) stops short of the limit by the reserve: one
 * eighth of the limit, at least 64 KiB and at most 8 MiB. On a small
 * machine (a limit under 4 MiB) the buffer through which system calls move
 * user data (uio_move) shrinks from 64 KiB to 1/64 of the limit, at least
 * 4 KiB, so that a 2 MiB image still has room to copy. Objects that
 * outlive the call making them (files, names, directory tables) stop at
 * half the reserve. What is left lets the kernel serve the next client
 * even when tmpfs is full, or a client made files until it could not: the
 * calls that free space (unlink, rmdir, truncate) and the memory a call or
 * a connection needs for itself come from there. Where the hypercall layer knows the memory
 * actually left (rumpuser_ext_mem_avail: bare metal, where thread stacks,
 * network buffers and programs share the same pages), file data also stops
 * while less than the reserve is left.
 */
#include <string.h>

#include "kern.h"

#define RESERVE_MIN (64ULL * 1024)
#define BOUNCE_MAX  (64 * 1024)
#define BOUNCE_MIN  4096
#define RESERVE_MAX (8ULL * 1024 * 1024)

static uint64_t limit; /* 0: none */
static uint64_t reserve = RESERVE_MIN;
static uint64_t inuse; /* bytes, atomically */
static size_t bounce = BOUNCE_MAX;

/* "123", "64k", "64m", "1g" (either case) in bytes; 0 when malformed. */
static uint64_t
parse_size(const char *s)
{
	uint64_t v = 0, mul = 1;

	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > UINT64_MAX / 10 - 9)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	switch (*s) {
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		s++;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		s++;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		s++;
		break;
	}
	if (*s != '\0' || v > UINT64_MAX / mul)
		return 0;
	return v * mul;
}

void
kmem_init(void)
{
	char buf[32];

	if (rumpuser_getparam("RUMP_MEMLIMIT", buf, sizeof(buf)) == 0)
		limit = parse_size(buf);
	if (limit == 0)
		return;
	reserve = limit / 8;
	if (reserve < RESERVE_MIN)
		reserve = RESERVE_MIN < limit / 4 ? RESERVE_MIN : limit / 4;
	if (reserve > RESERVE_MAX)
		reserve = RESERVE_MAX;
	while (bounce > BOUNCE_MIN && bounce > limit / 64)
		bounce /= 2;
}

uint64_t
kmem_limit(void)
{
	/* NetBSD's rump kernels say 1 GiB without a limit, as this did. */
	return limit != 0 ? limit : 1ULL << 30;
}

size_t
kmem_bounce_size(void)
{
	return bounce;
}

uint64_t
kmem_reserve(void)
{
	return reserve;
}

uint64_t
kmem_inuse(void)
{
	return __atomic_load_n(&inuse, __ATOMIC_RELAXED);
}

/* Counts len against cap (0: none); false, counting nothing, past it. */
static bool
charge(size_t len, uint64_t cap)
{
	uint64_t now = __atomic_add_fetch(&inuse, len, __ATOMIC_RELAXED);

	if (cap != 0 && now > cap) {
		__atomic_sub_fetch(&inuse, len, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

static void *
alloc(size_t len, uint64_t cap)
{
	void *p;

	if (!charge(len, cap))
		return NULL;
	if (rumpuser_malloc(len, 0, &p) != 0) {
		__atomic_sub_fetch(&inuse, len, __ATOMIC_RELAXED);
		return NULL;
	}
	memset(p, 0, len);
	return p;
}

void *
kmem_zalloc(size_t len)
{
	return alloc(len, limit);
}

/* An allocation that must leave keep bytes of the limit and of memory. */
static void *
alloc_keeping(size_t len, uint64_t keep)
{
	uint64_t avail;

	if (limit != 0 && limit <= keep)
		return NULL;
	if (rumpuser_ext_mem_avail(&avail) == 0 && avail < keep + len)
		return NULL;
	return alloc(len, limit != 0 ? limit - keep : 0);
}

void *
kmem_data_alloc(size_t len)
{
	return alloc_keeping(len, reserve);
}

void *
kmem_obj_alloc(size_t len)
{
	return alloc_keeping(len, reserve / 2);
}

void
kmem_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	rumpuser_free(p, len);
	__atomic_sub_fetch(&inuse, len, __ATOMIC_RELAXED);
}
