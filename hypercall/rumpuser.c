/*
 * rumpuser(3) on bare metal: everything but the locks (sync.c), threads and
 * sleeping (rumpuser_threads.c) and randomness (random.c).
 */
#include <stdarg.h>
#include <stdint.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "hyp/upcall.h"
#include "plat/boot.h"
#include "plat/clock.h"
#include "plat/console.h"
#include "plat/fmt.h"
#include "plat/init.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/mmu.h"
#include "plat/panic.h"
#include "plat/power.h"
#include "plat/string.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define NSEC 1000000000LL

const struct rumpuser_hyperup *rumpuser__hyp; /* rump/rumpuser_sp.h */
void (*rumpuser__sp_willblock)(void);	      /* rump/rumpuser_sp.h */

void sched_md_init(void);
PLAT_INITCALL(PLAT_INIT_HYPERCALL, sched_md_init);

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		kprintf("rumpuser: the kernel wants hypercall revision %d, this "
			"layer implements %d\n",
		    version, RUMPUSER_VERSION);
		return RUMP_EINVAL;
	}
	rumpuser__hyp = hyp;
	return 0;
}

/* ---- memory ---- */

int
rumpuser_malloc(size_t len, int alignment, void **memp)
{
	void *p;

	if (alignment < 0 || (alignment & (alignment - 1)) != 0)
		return RUMP_EINVAL;
	p = hyp_malloc(len, alignment != 0 ? (size_t)alignment : sizeof(void *));
	if (p == NULL)
		return RUMP_ENOMEM;
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	hyp_free(mem, len);
}

int
rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp)
{
	(void)prefaddr;
	(void)exec; /* all memory is executable here */
	if (alignbit < 0 || alignbit > 30)
		return RUMP_EINVAL;
	return rumpuser_malloc(size, 1 << alignbit, memp);
}

void
rumpuser_unmap(void *addr, size_t len)
{
	hyp_free(addr, len);
}

/*
 * User memory is what the image can give out: RAM from the memory map
 * (the image itself, its heap and stacks), above the low guard, with
 * its page present. Holes between RAM and device memory are mapped too,
 * but are no buffer: a copy there would read nothing or poke a device.
 */
int
rumpuser_ext_mem_avail(uint64_t *availp)
{
	size_t free = plat_pages_free(), pool = plat_pages_reserved_pool();

	/* What ordinary allocations may still take: the page pool stays. */
	*availp = free > pool ? (uint64_t)(free - pool) * PAGE_SIZE : 0;
	return 0;
}

int
rumpuser_ext_mapped(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, end = a + len;

	if (len == 0)
		return 1;
	if (end < a || a < PLAT_LOW_GUARD)
		return 0; /* wraps around, or a small integer */
	for (a &= ~(uintptr_t)(PAGE_SIZE - 1); a < end; a += PAGE_SIZE)
		if (!plat_mem_is_ram(a, a + PAGE_SIZE) || !plat_mmu_is_mapped(a))
			return 0;
	return 1;
}

/*
 * ---- host files: there is no host file system under the image; the
 * disks' rumpuser_open/getfileinfo/bio/syncfd/close are in blk.c ----
 */

int
rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen, int64_t off,
    size_t *retv)
{
	(void)fd;
	(void)iov;
	(void)iovlen;
	(void)off;
	(void)retv;
	return RUMP_ENXIO;
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen,
    int64_t off, size_t *retv)
{
	(void)fd;
	(void)iov;
	(void)iovlen;
	(void)off;
	(void)retv;
	return RUMP_ENXIO;
}

/* ---- clocks ---- */

int
rumpuser_clock_gettime(int clk, int64_t *sec, long *nsec)
{
	uint64_t t;

	switch (clk) {
	case RUMPUSER_CLOCK_RELWALL:
		t = plat_clock_wall();
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		t = plat_clock_monotonic();
		break;
	default:
		return RUMP_EINVAL;
	}
	*sec = (int64_t)(t / NSEC);
	*nsec = (long)(t % NSEC);
	return 0;
}

/* ---- parameters ---- */

static int
copy_param(const char *value, void *buf, size_t buflen)
{
	size_t len = strlen(value) + 1;

	if (len > buflen)
		return RUMP_ERANGE;
	memcpy(buf, value, len);
	return 0;
}

int
rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	const char *v = cmdline_param(plat_cmdline(), name);

	if (strcmp(name, RUMPUSER_PARAM_NCPU) == 0)
		return copy_param(v != NULL ? v : "1", buf, buflen);
	if (strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0)
		return copy_param(v != NULL ? v : "rumpimg", buf, buflen);
	if (strcmp(name, "RUMP_MEMLIMIT") == 0 && v == NULL) {
		/* The machine's memory: what the page allocator manages. */
		char num[24];
		fmt_snprintf(num, sizeof(num), "%lu",
		    (unsigned long)plat_pages_total() * PAGE_SIZE);
		return copy_param(num, buf, buflen);
	}
	/* The root= and mount= options (doc/cmdline.md, "Disks at boot"). */
	if (strcmp(name, "RUMPIMG_ROOT") == 0 && plat_boot_root()[0] != '\0')
		return copy_param(plat_boot_root(), buf, buflen);
	if (strcmp(name, "RUMPIMG_MOUNTS") == 0 && plat_boot_mounts()[0] != '\0')
		return copy_param(plat_boot_mounts(), buf, buflen);
	if (name[0] == '_')
		return RUMP_EINVAL; /* an unknown hypervisor parameter */
	if (v == NULL)
		return RUMP_ENOENT;
	return copy_param(v, buf, buflen);
}

/* ---- console, errors, termination ---- */

void
rumpuser_putchar(int c)
{
	cons_putc(c);
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void
rumpuser_exit(int value)
{
	if (value == RUMPUSER_PANIC)
		panic("rumpuser_exit: the rump kernel panicked");
	kprintf("rumpuser_exit(%d)\n", value);
	plat_exit(value == 0 ? PLAT_EXIT_OK : PLAT_EXIT_FAIL);
}

int
rumpuser_kill(int64_t pid, int sig)
{
	/*
	 * The image is the whole "host process": a signal whose default
	 * action ends a process ends the image. NetBSD numbers: SIGHUP 1,
	 * SIGINT 2, SIGQUIT 3, SIGILL 4, SIGABRT 6, SIGKILL 9, SIGSEGV 11,
	 * SIGTERM 15.
	 */
	if (pid != RUMPUSER_PID_SELF)
		return RUMP_ESRCH;
	switch (sig) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 6:
	case 9:
	case 11:
	case 15:
		kprintf("rumpuser_kill: signal %d to the image: stopping\n", sig);
		plat_exit(PLAT_EXIT_FAIL);
	default:
		return 0; /* ignored by default, as on a host */
	}
}

/* ---- not for a static bare-metal kernel ---- */

void
rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
    rump_compload_fn compload)
{
	/* Static image: every component is linked in; nothing to report. */
	(void)modinit;
	(void)symload;
	(void)compload;
}

int
rumpuser_daemonize_begin(void)
{
	return RUMP_ENOSYS; /* there is no parent process to detach from */
}

int
rumpuser_daemonize_done(int error)
{
	(void)error;
	return RUMP_ENOENT; /* not daemonizing (the contract's answer) */
}
