/*
 * rumpuser(3) memory on POSIX hosts.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "posix.h"

int
rumpuser_malloc(size_t len, int alignment, void **memp)
{
	void *p;
	int rv;

	if (alignment == 0)
		alignment = sizeof(void *);
	if (alignment < 0 || (alignment & (alignment - 1)) != 0)
		return RUMP_EINVAL;
	if ((size_t)alignment < sizeof(void *))
		alignment = sizeof(void *);
	rv = posix_memalign(&p, (size_t)alignment, len);
	if (rv != 0)
		return posix_errno(rv);
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

int
rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp)
{
	size_t align = alignbit > 0 ? (size_t)1 << alignbit : 1;
	int prot = PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0);
	char *p, *aligned;

	if (alignbit < 0 || alignbit > 40)
		return 22;
	/* Over-map, then trim to the alignment asked for. */
	p = mmap(prefaddr, size + align, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);
	if (p == MAP_FAILED)
		return posix_errno(errno);
	aligned = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	if (aligned + size < p + size + align)
		munmap(aligned + size,
		    (size_t)(p + size + align - (aligned + size)));
	*memp = aligned;
	return 0;
}

void
rumpuser_unmap(void *addr, size_t len)
{
	munmap(addr, len);
}
