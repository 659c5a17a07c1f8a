/*
 * Clocks and the one-shot timer.
 */
#include <stdint.h>

#include "plat/clock.h"
#include "plat/cpu.h"
#include "plat/testcase.h"

#define MS 1000000ULL
/* The PIT one-shot's longest reach: 65535 ticks of 1193182 Hz. */
#define PIT_PERIOD_NS 54925000ULL

TESTCASE(sleep)
{
	static const uint64_t lengths[] = { 1, 10, 50 };

	for (int i = 0; i < 3; i++) {
		uint64_t want = lengths[i] * MS;
		uint64_t irq0 = plat_timer_irqs(), t0 = rdtsc();
		plat_sleep_until(plat_clock_monotonic() + want);
		uint64_t got = plat_tsc_to_ns(rdtsc() - t0);
		uint64_t irqs = plat_timer_irqs() - irq0;
		kprintf("sleep %lu ms: %lu.%03lu ms by the TSC, %lu timer "
			"interrupts\n",
		    (unsigned long)lengths[i], (unsigned long)(got / MS),
		    (unsigned long)(got / 1000 % 1000), (unsigned long)irqs);
		/* The deadline's meaning: never early, however loaded. */
		TCHECK(got >= want, "woke %lu ns early",
		    (unsigned long)(want - got));
		/*
		 * Late is the host's doing (it may keep QEMU from running for
		 * as long as it likes): this only catches a sleep that lost its
		 * deadline, a second past it.
		 */
		TCHECK(got < want + 1000 * MS, "slept %lu ns for %lu",
		    (unsigned long)got, (unsigned long)want);
		/*
		 * Tickless: the PIT is armed one-shot for the deadline, so it
		 * fires once per PIT period it cannot reach past (~55 ms), not
		 * once per tick; a load that delays QEMU makes the interrupt
		 * late, never more frequent. One more for rounding at the
		 * deadline and one still pending from an earlier arm. Only a
		 * TSC rate that disagrees with the PIT's adds early interrupts
		 * (it did, measured on a loaded host, before clock.c's
		 * calibration read the PIT's count). Zero is possible when a
		 * loaded host lets the deadline pass before the timer was armed.
		 */
		uint64_t periods = (want + PIT_PERIOD_NS - 1) / PIT_PERIOD_NS;
		TCHECK(irqs <= periods + 2,
		    "%lu timer interrupts, at most %lu "
		    "expected",
		    (unsigned long)irqs, (unsigned long)(periods + 2));
	}
	return 0;
}

/* The harness times the two marks on the host to check the TSC rate. */
TESTCASE(clock_marks)
{
	kprintf("clock: mark 1\n");
	plat_sleep_until(plat_clock_monotonic() + 500 * MS);
	kprintf("clock: mark 2\n");
	return 0;
}

/* The harness compares this with the host's time. */
TESTCASE(wallclock)
{
	uint64_t a = plat_clock_wall(), b;

	kprintf("wallclock: %lu\n", (unsigned long)(a / 1000000000ULL));
	plat_sleep_until(plat_clock_monotonic() + 5 * MS);
	b = plat_clock_wall();
	TCHECK(b > a, "wall clock did not advance (%lu -> %lu)",
	    (unsigned long)a, (unsigned long)b);
	return 0;
}
