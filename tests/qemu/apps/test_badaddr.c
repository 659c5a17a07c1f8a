/*
 * Local calls in the image with addresses that are no memory: the image
 * owns the page tables, so every one is EFAULT (hypercall/rumpuser.c,
 * rumpuser_ext_mapped) and the kernel goes on. The calls are the host's
 * (tests/host/badaddr.h); the addresses: small integers (the first 64 KiB
 * are never memory), non-canonical, canonical beyond the page tables, a
 * range that runs off the identity map at 4 GiB, one that runs from a
 * page into an unmapped one, and device memory.
 */
#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/mmu.h"
#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "badaddr.h"

static struct badaddr bad[] = {
	{ "0x2000", (void *)0x2000, 0 }, { "page 0", (void *)0x10, 0 },
	{ "below 64 KiB", (void *)0xfff0, 0 },
	{ "non-canonical", (void *)0x8000000000000000UL, 0 },
	{ "beyond the page tables", (void *)0x8000000000UL, 0 },
	{ "runs off 4 GiB", (void *)0xfffffffeUL, 0 },
	{ "the LAPIC", (void *)0xfee00000UL, 0 },
	{ "runs into an unmapped page", NULL, 2 }, /* set below */
};

TEST(utimes_sets_times)
{
	badaddr_utimes_valid();
}

TEST(bad_addresses_are_efault)
{
	char *pages = plat_page_alloc(1, 0);

	CHECK(pages != NULL);
	if (pages == NULL)
		return;
	CHECK_EQ_INT(plat_mmu_unmap_page((uintptr_t)pages + PAGE_SIZE), 0);
	bad[7].p = pages + PAGE_SIZE - 2;
	badaddr_all(bad, (int)(sizeof(bad) / sizeof(bad[0])), false);
	CHECK_EQ_INT(plat_mmu_map_page((uintptr_t)pages + PAGE_SIZE), 0);
	plat_page_free(pages, 1);
}

TESTCASE(kernel_bad_addresses_efault)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0, "rfork");
	RUN(utimes_sets_times);
	RUN(bad_addresses_are_efault);
	rump_pub_lwproc_releaselwp();
	return check_done();
}
