/*
 * Extensions to rumpuser(3) on POSIX hosts (see rump/rumpuser.h).
 */
#include "posix.h"

int
rumpuser_ext_mapped(const void *addr, size_t len)
{
	/* A host process cannot tell cheaply; NULL is the kernel's own check. */
	(void)addr;
	(void)len;
	return 1;
}
