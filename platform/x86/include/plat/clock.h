/*
 * Time. The monotonic clock counts nanoseconds since boot from the TSC,
 * calibrated at boot in a few milliseconds; wall-clock time is the CMOS RTC
 * read at boot plus the monotonic time since. Both are callable from any
 * context once clock_init() has run.
 */
#ifndef PLAT_CLOCK_H
#define PLAT_CLOCK_H

#include <stdint.h>

void clock_init(void);

uint64_t plat_clock_monotonic(void); /* ns since boot */
uint64_t plat_clock_wall(void);	     /* ns since 1970-01-01 UTC */
uint64_t plat_tsc_hz(void);
const char *plat_tsc_source(void); /* how the TSC rate was found */
uint64_t plat_boot_tsc(void);	   /* TSC at the first C instruction */

/* Converts TSC ticks to ns with the calibrated rate. */
uint64_t plat_tsc_to_ns(uint64_t ticks);

/*
 * The one-shot timer (PIT channel 0 through the legacy PIC): interrupts at or
 * before deadline (monotonic ns). Intervals longer than the PIT can count
 * (about 55 ms) fire early; waiters re-check the clock, never the interrupt.
 */
void timer_init(void);
void plat_timer_arm(uint64_t deadline);

/*
 * Halts the CPU until an interrupt arrives, arming the timer for deadline
 * first; returns at once if deadline has passed. Interrupts must be disabled
 * on entry (so that no wake-up is lost) and are enabled on return.
 */
void plat_cpu_idle(uint64_t deadline);

/* Sleeps with hlt until the monotonic clock reaches deadline. */
void plat_sleep_until(uint64_t deadline);

/* Timer interrupts taken since boot (for tests of tickless idling). */
uint64_t plat_timer_irqs(void);

#endif
