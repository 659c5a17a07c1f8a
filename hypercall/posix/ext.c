/*
 * Extensions to rumpuser(3) on POSIX hosts (see rump/rumpuser.h).
 */
#include "posix.h"

/*
 * What a host process can tell without a system call: Linux never maps
 * the first 64 KiB (vm.mmap_min_addr) nor above the 47-bit user half, and
 * a range must not wrap. Anything else is taken as mapped and the kernel
 * copies with memcpy, so a wild pointer in a local caller's own memory is
 * a SIGSEGV in that caller, as with NetBSD's rump kernels (README.md says
 * why: a checked copy through the host kernel would cost every call).
 */
#define LOW_GUARD 0x10000UL
#define USER_TOP  (1UL << 47)

int
rumpuser_ext_mapped(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	if (len == 0)
		return 1;
	return a >= LOW_GUARD && a < USER_TOP && len <= USER_TOP - a;
}

/* A host process shares the host's memory: the kernel counts its own. */
int
rumpuser_ext_mem_avail(uint64_t *availp)
{
	(void)availp;
	return RUMP_EOPNOTSUPP;
}

/* The network interface: a TAP device, see tap.c. */

/* The host has no disks of its own for the kernel: etfs attaches files. */
int
rumpuser_ext_disk_name(int i, char *buf, size_t len)
{
	(void)i;
	(void)buf;
	(void)len;
	return RUMP_ENOENT;
}
