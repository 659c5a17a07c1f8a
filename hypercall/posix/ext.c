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

/* A host process shares the host's memory: the kernel counts its own. */
int
rumpuser_ext_mem_avail(uint64_t *availp)
{
	(void)availp;
	return 45;	/* EOPNOTSUPP */
}

/* No network interface on the host build: its kernel has loopback only. */
int
rumpuser_ext_net_info(uint8_t mac[6], int *mtu)
{
	(void)mac;
	(void)mtu;
	return 6;	/* ENXIO */
}

int
rumpuser_ext_net_send(const void *frame, size_t len)
{
	(void)frame;
	(void)len;
	return 6;
}

int
rumpuser_ext_net_recv(void *buf, size_t size, size_t *lenp,
    uint64_t timeout_ns)
{
	(void)buf;
	(void)size;
	(void)lenp;
	(void)timeout_ns;
	return 6;
}
