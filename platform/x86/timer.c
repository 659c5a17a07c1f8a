/*
 * Tickless one-shot timer on PIT channel 0 (IRQ 0). The interrupt only
 * counts itself: whoever sleeps compares the clock with its own deadline, so
 * an early or stale interrupt is harmless.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/clock.h"
#include "plat/cpu.h"
#include "plat/intr.h"

#define PIT_HZ	1193182ULL
#define PIT_MAX 0xffffULL

static volatile uint64_t irqs;

static void
timer_intr(void *arg)
{
	(void)arg;
	irqs++;
}

uint64_t
plat_timer_irqs(void)
{
	return irqs;
}

void
timer_init(void)
{
	plat_intr_register(0, timer_intr, NULL);
}

void
plat_timer_arm(uint64_t deadline)
{
	uint64_t now = plat_clock_monotonic(), ticks;

	ticks = deadline > now ?
	    ((deadline - now) * PIT_HZ + 999999999) / 1000000000ULL :
	    1;
	if (ticks > PIT_MAX)
		ticks = PIT_MAX;
	if (ticks < 1)
		ticks = 1;
	outb(0x43, 0x30); /* ch 0, lo/hi, mode 0: one shot */
	outb(0x40, ticks & 0xff);
	outb(0x40, (ticks >> 8) & 0xff);
}

void
plat_cpu_idle(uint64_t deadline)
{
	if (plat_clock_monotonic() >= deadline) {
		cpu_intr_enable();
		return;
	}
	plat_timer_arm(deadline);
	cpu_intr_enable_and_halt();
}

void
plat_sleep_until(uint64_t deadline)
{
	uint64_t f = cpu_flags_save_cli();

	while (plat_clock_monotonic() < deadline) {
		plat_cpu_idle(deadline);
		cpu_intr_disable();
	}
	cpu_flags_restore(f);
}
