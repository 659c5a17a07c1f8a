/*
 * The rumpuser_sp_*() hypercalls of an image without the rump_sp server
 * (CONFIG_RUMP_SP off, sp/Kconfig): nothing serves remote clients, so no
 * process is ever remote (its p_vmspace stays NULL) and the kernel never
 * asks to copy to or from one. Starting the server answers EOPNOTSUPP,
 * as an image without a network does (rumpuser(3) lists these calls).
 */
#include <stddef.h>
#include <stdint.h>

#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

int
rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
    const char *machine)
{
	(void)url, (void)ostype, (void)osrelease, (void)machine;
	return RUMP_EOPNOTSUPP;
}

void
rumpuser_sp_set_transport(const struct sp_transport *tr)
{
	(void)tr;
}

int
rumpuser_sp_setkey(const void *key, size_t keylen)
{
	(void)key, (void)keylen;
	return RUMP_EOPNOTSUPP;
}

int
rumpuser_sp_setcred(int64_t uid, int64_t gid)
{
	(void)uid, (void)gid;
	return RUMP_EOPNOTSUPP;
}

/* No remote process exists: a copy for one is a fault. */
int
rumpuser_sp_copyin(void *vm, const void *uaddr, void *kaddr, size_t len)
{
	(void)vm, (void)uaddr, (void)kaddr, (void)len;
	return RUMP_EFAULT;
}

int
rumpuser_sp_copyinstr(void *vm, const void *uaddr, void *kaddr, size_t *lenp)
{
	(void)vm, (void)uaddr, (void)kaddr, (void)lenp;
	return RUMP_EFAULT;
}

int
rumpuser_sp_copyout(void *vm, const void *kaddr, void *uaddr, size_t len)
{
	(void)vm, (void)kaddr, (void)uaddr, (void)len;
	return RUMP_EFAULT;
}

int
rumpuser_sp_copyoutstr(void *vm, const void *kaddr, void *uaddr, size_t *lenp)
{
	(void)vm, (void)kaddr, (void)uaddr, (void)lenp;
	return RUMP_EFAULT;
}

int
rumpuser_sp_anonmmap(void *vm, size_t len, void **addr)
{
	(void)vm, (void)len, (void)addr;
	return RUMP_EOPNOTSUPP;
}

int
rumpuser_sp_raise(void *vm, int sig)
{
	(void)vm, (void)sig;
	return 0;
}

void
rumpuser_sp_fini(void *vm)
{
	(void)vm;
}
