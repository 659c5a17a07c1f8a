/*
 * Kernel support: panic, console output, memory, user copies. User memory is
 * the caller's own address space for local calls, so copies are memcpy after
 * a check: NULL always, unmapped pages where the backend can tell.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kern.h"

void
kpanic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rumpuser_dprintf("panic: %s\n", buf);
	rumpuser_exit(RUMPUSER_PANIC);
}

void
kern_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p != '\0'; p++)
		rumpuser_putchar(*p);
}

void *
kmem_zalloc(size_t len)
{
	void *p;

	if (rumpuser_malloc(len, 0, &p) != 0)
		return NULL;
	memset(p, 0, len);
	return p;
}

void
kmem_free(void *p, size_t len)
{
	rumpuser_free(p, len);
}

bool
uaddr_ok(const void *uaddr, size_t len)
{
	return uaddr != NULL && rumpuser_ext_mapped(uaddr, len);
}

int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL || !rumpuser_ext_mapped(uaddr, len))
		return RUMP_EFAULT;
	memcpy(kaddr, uaddr, len);
	return 0;
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL || !rumpuser_ext_mapped(uaddr, len))
		return RUMP_EFAULT;
	memcpy(uaddr, kaddr, len);
	return 0;
}
