/*
 * Kernel support: panic, console output, memory, user copies. User memory is
 * the caller's own address space for local calls, so copies are memcpy after
 * a check (NULL always, unmapped pages where the backend can tell); for a
 * remote client's process they are rump_sp copy requests.
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

uint64_t
kclock_ns(void)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return (uint64_t)sec * 1000000000ULL + (uint64_t)nsec;
}

bool
vm_is_local(void)
{
	return curproc()->p_vmspace == NULL;
}

/*
 * The remote copies are hypercalls of the rump_sp server, which give the
 * CPU up while the client answers. A broken connection is EFAULT here.
 */
int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	void *vm;

	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return RUMP_EFAULT;
	if ((vm = curproc()->p_vmspace) != NULL)
		return rumpuser_sp_copyin(vm, uaddr, kaddr, len) == 0 ?
		    0 :
		    RUMP_EFAULT;
	if (!rumpuser_ext_mapped(uaddr, len))
		return RUMP_EFAULT;
	memcpy(kaddr, uaddr, len);
	return 0;
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	void *vm;

	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return RUMP_EFAULT;
	if ((vm = curproc()->p_vmspace) != NULL)
		return rumpuser_sp_copyout(vm, kaddr, uaddr, len) == 0 ?
		    0 :
		    RUMP_EFAULT;
	if (!rumpuser_ext_mapped(uaddr, len))
		return RUMP_EFAULT;
	memcpy(uaddr, kaddr, len);
	return 0;
}

int
copyinstr(const void *uaddr, char *kaddr, size_t max, size_t *lenp)
{
	uintptr_t u = (uintptr_t)uaddr;
	void *vm;
	size_t i, got = max;

	if (uaddr == NULL)
		return RUMP_EFAULT;
	if ((vm = curproc()->p_vmspace) != NULL) {
		if (rumpuser_sp_copyinstr(vm, uaddr, kaddr, &got) != 0)
			return RUMP_EFAULT;
		/*
		 * Even "" is one byte: an empty reply is the client saying
		 * it cannot read the address.
		 */
		if (got == 0 && max > 0)
			return RUMP_EFAULT;
		/* The reply's length is the client's word: find the NUL. */
		for (i = 0; i < got && i < max; i++)
			if (kaddr[i] == '\0') {
				if (lenp != NULL)
					*lenp = i + 1;
				return 0;
			}
		return RUMP_ENAMETOOLONG;
	}
	for (i = 0; i < max; i++) {
		/* Check each page as the string reaches it. */
		if ((i == 0 || ((u + i) & 4095) == 0) &&
		    !rumpuser_ext_mapped((const void *)(u + i), 1))
			return RUMP_EFAULT;
		kaddr[i] = *(const char *)(u + i);
		if (kaddr[i] == '\0') {
			if (lenp != NULL)
				*lenp = i + 1;
			return 0;
		}
	}
	return RUMP_ENAMETOOLONG;
}

/* The bounce buffer: 64 KiB, less on a small machine (kmem_bounce_size). */
#define BOUNCE kmem_bounce_size()

int
uio_move(void *ubuf, size_t n, bool towrite, bool once, xfer_fn fn, void *arg,
    size_t *done)
{
	size_t off = 0, chunk, d;
	char *kbuf;
	int error = 0;

	*done = 0;
	/* read(2), write(2): a count beyond SSIZE_MAX is EINVAL. */
	if (n > (size_t)INT64_MAX)
		return RUMP_EINVAL;
	if (n == 0)
		return fn(arg, NULL, 0, done);
	if (ubuf == NULL)
		return RUMP_EFAULT;
	if (vm_is_local()) {
		if (!rumpuser_ext_mapped(ubuf, n))
			return RUMP_EFAULT;
		return fn(arg, ubuf, n, done);
	}
	kbuf = kmem_zalloc(n < BOUNCE ? n : BOUNCE);
	if (kbuf == NULL)
		return RUMP_ENOMEM;
	while (off < n) {
		chunk = n - off < BOUNCE ? n - off : BOUNCE;
		d = 0;
		if (towrite) {
			if ((error = copyin((void *)((uintptr_t)ubuf + off),
				 kbuf, chunk)) != 0)
				break;
			error = fn(arg, kbuf, chunk, &d);
		} else {
			error = fn(arg, kbuf, chunk, &d);
			if (d > 0 &&
			    copyout(kbuf, (void *)((uintptr_t)ubuf + off), d) != 0)
				error = RUMP_EFAULT;
		}
		off += d;
		if (error != 0 || d < chunk || once)
			break;
	}
	kmem_free(kbuf, n < BOUNCE ? n : BOUNCE);
	*done = off;
	return off > 0 ? 0 : error;
}
