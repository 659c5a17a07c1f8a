/*
 * Deliberate faults: each must produce the exception (or panic) report and
 * stop the machine with its exit status. The harness checks the transcript;
 * these functions returning at all is a failure.
 */
#include <stdint.h>

#include "plat/panic.h"
#include "plat/power.h"
#include "plat/testcase.h"

TESTCASE(trap_ud)
{
	__asm__ volatile("ud2");
	return 1;
}

TESTCASE(trap_pf)
{
	/* 512 GiB: beyond the boot page tables. */
	*(volatile uint64_t *)0x8000000000ULL = 0x1234;
	return 1;
}

TESTCASE(trap_null)
{
	volatile uint64_t *volatile p = 0;

	return (int)*p;
}

TESTCASE(trap_panic)
{
	panic("deliberate panic from test_trap_panic, value %d", 42);
}

TESTCASE(power_reboot)
{
	plat_reboot();
}
