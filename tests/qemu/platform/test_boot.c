/*
 * The boot itself: the harness checks the banner and memory report in the
 * transcript; here we check what the platform recorded.
 */
#include "plat/clock.h"
#include "plat/ksyms.h"
#include "plat/mem.h"
#include "plat/testcase.h"

TESTCASE(boot)
{
	uintptr_t off;
	const char *name = ksym_lookup((uintptr_t)test_boot + 3, &off);

	TCHECK(plat_pages_free() > plat_pages_reserved_pool(),
	    "%zu pages free, %zu in reserve", plat_pages_free(),
	    plat_pages_reserved_pool());
	TCHECK(plat_tsc_hz() > 100000000, "TSC rate %lu Hz",
	    (unsigned long)plat_tsc_hz());
	TCHECK(ksym_count() > 20, "only %lu symbols embedded", ksym_count());
	TCHECK(name != NULL && off == 3, "lookup of test_boot+3 gave %s+%lu",
	    name != NULL ? name : "(none)", (unsigned long)off);
	kprintf("boot: %lu symbols, %zu pages free\n", ksym_count(),
	    plat_pages_free());
	return 0;
}
