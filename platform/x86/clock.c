/*
 * TSC clock calibration and the CMOS real-time clock.
 *
 * QEMU under TCG reports no TSC rate in CPUID, so unless leaf 0x15 or the
 * hypervisor timing leaf gives one, we time the TSC against PIT channel 2
 * over 10 ms (pit_span: robust against the host's preemption of QEMU), not
 * the 100 ms that a naive long gate would take.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/clock.h"
#include "plat/console.h"
#include "plat/cpu.h"

#define PIT_HZ 1193182ULL
#define NSEC   1000000000ULL

static uint64_t tsc_hz, tsc_boot, ns_mult; /* ns = ticks * ns_mult >> 32 */
static const char *tsc_source = "unknown";
static uint64_t wall_at_boot; /* ns since the epoch at tsc_boot */

uint64_t
plat_tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t
plat_clock_monotonic(void)
{
	return plat_tsc_to_ns(rdtsc() - tsc_boot);
}

uint64_t
plat_clock_wall(void)
{
	return wall_at_boot + plat_clock_monotonic();
}

uint64_t
plat_tsc_hz(void)
{
	return tsc_hz;
}

const char *
plat_tsc_source(void)
{
	return tsc_source;
}

uint64_t
plat_boot_tsc(void)
{
	return tsc_boot;
}

static uint64_t
tsc_hz_from_cpuid(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] >= 0x15) {
		cpuid(0x15, 0, r); /* TSC/crystal ratio eax:ebx, crystal Hz ecx */
		if (r[0] != 0 && r[1] != 0 && r[2] != 0) {
			tsc_source = "CPUID leaf 0x15";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) { /* running under a hypervisor */
		cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010) {
			cpuid(0x40000010, 0, r);
			if (r[0] != 0) {
				tsc_source = "hypervisor timing leaf";
				return (uint64_t)r[0] * 1000;
			}
		}
	}
	return 0;
}

/*
 * One reading of PIT channel 2's count, latched between two TSC reads:
 * *tsc is their middle, *count the count latched, and the return value the
 * width of the bracket. A host that preempts QEMU inside the bracket
 * widens it, so the caller can tell a good reading from a disturbed one.
 */
static uint64_t
pit_read(uint64_t *tsc, uint32_t *count)
{
	uint64_t a, b;
	uint32_t lo, hi;

	a = rdtsc();
	outb(0x43, 0x80); /* latch channel 2's count */
	b = rdtsc();
	lo = inb(0x42);
	hi = inb(0x42);
	*count = lo | hi << 8;
	*tsc = a + (b - a) / 2;
	return b - a;
}

/* The narrowest of a few readings. */
static uint64_t
pit_read_best(uint64_t *tsc, uint32_t *count)
{
	uint64_t w, best = UINT64_MAX, t;
	uint32_t c;

	for (int i = 0; i < 5; i++) {
		if ((w = pit_read(&t, &c)) < best) {
			best = w;
			*tsc = t;
			*count = c;
		}
	}
	return best;
}

/*
 * TSC ticks per second over 10 ms of PIT channel 2, or 0; *error gets the
 * uncertainty in TSC ticks. The time between two readings is the PIT's,
 * so only the readings' brackets can be off: a gate timed from its start
 * to a polled end, as before, was off by however long the host kept QEMU
 * from running near the end (2.8 times the real rate, seen on a loaded
 * 2-core host).
 */
static uint64_t
pit_span(uint64_t *error)
{
	uint64_t t0 = 0, t1 = 0, w0, w1;
	uint32_t c0 = 0, c1 = 0, span = (uint32_t)(PIT_HZ / 100);
	long spins = 0;
	bool wrapped;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* speaker off, gate on */
	outb(0x43, 0xb0);			/* ch 2, lo/hi, mode 0 */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	w0 = pit_read_best(&t0, &c0);
	do {
		if (++spins > 10000000)
			return 0;
		pit_read(&t1, &c1);
	} while (c1 > c0 || c0 - c1 < span);
	w1 = pit_read_best(&t1, &c1);
	/* OUT2 high: the count ran out and wrapped, the span is unknown. */
	wrapped = (inb(0x61) & 0x20) != 0;
	outb(0x61, inb(0x61) & ~0x01);
	if (wrapped || c1 >= c0 || t1 <= t0)
		return 0;
	*error = (w0 + w1) / 2 + 1;
	return (t1 - t0) * PIT_HZ / (c0 - c1);
}

/* The least uncertain of up to three spans; one is enough when it is good. */
static uint64_t
tsc_hz_from_pit(void)
{
	uint64_t hz, err, best = 0, best_err = UINT64_MAX;

	for (int i = 0; i < 3; i++) {
		if ((hz = pit_span(&err)) == 0)
			continue;
		/* In parts per million of the span's TSC ticks. */
		uint64_t ppm = err * 1000000 / (hz / 100);
		if (ppm < best_err) {
			best = hz;
			best_err = ppm;
		}
		if (ppm < 1000)
			break;
	}
	tsc_source = "PIT channel 2, 10 ms";
	return best;
}

static uint8_t
cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned
bcd(uint8_t v, bool is_bcd)
{
	return is_bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Seconds since the epoch from the RTC, or -1 if it reads as nonsense. */
static int64_t
rtc_read(void)
{
	uint8_t r[7], again[7], regb;

	/* Read until two reads agree, each outside an update cycle. */
	for (int tries = 0; tries < 1000; tries++) {
		for (long spin = 0; (cmos(0x0a) & 0x80) && spin < 1000000; spin++)
			;
		for (int pass = 0; pass < 2; pass++) {
			uint8_t *d = pass ? again : r;
			d[0] = cmos(0x00); /* seconds */
			d[1] = cmos(0x02); /* minutes */
			d[2] = cmos(0x04); /* hours */
			d[3] = cmos(0x07); /* day */
			d[4] = cmos(0x08); /* month */
			d[5] = cmos(0x09); /* year */
			d[6] = cmos(0x32); /* century (ACPI FADT default) */
		}
		bool same = true;
		for (int i = 0; i < 7; i++)
			same = same && r[i] == again[i];
		if (same)
			break;
	}
	regb = cmos(0x0b);
	bool is_bcd = !(regb & 0x04);
	unsigned sec = bcd(r[0], is_bcd), min = bcd(r[1], is_bcd);
	unsigned hour = bcd(r[2] & 0x7f, is_bcd);
	unsigned day = bcd(r[3], is_bcd), mon = bcd(r[4], is_bcd);
	unsigned year = bcd(r[5], is_bcd), cent = bcd(r[6], is_bcd);

	if (!(regb & 0x02) && (r[2] & 0x80)) /* 12-hour mode, PM */
		hour = (hour % 12) + 12;
	else if (!(regb & 0x02) && hour == 12)
		hour = 0;
	year += (cent >= 19 && cent <= 30) ? cent * 100 : 2000;
	if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 ||
	    mon < 1 || mon > 12)
		return -1;
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	    min * 60 + sec;
}

void
clock_init(void)
{
	int64_t rtc;

	tsc_boot = rdtsc();
	tsc_hz = tsc_hz_from_cpuid();
	if (tsc_hz == 0)
		tsc_hz = tsc_hz_from_pit();
	if (tsc_hz == 0) {
		tsc_hz = 1000000000;
		tsc_source = "none (no PIT answered); assuming 1 GHz";
		klog(LOG_WARN,
		    "clock: could not measure the TSC rate; "
		    "assuming 1 GHz, times will be wrong\n");
	}
	ns_mult = (NSEC << 32) / tsc_hz;

	rtc = rtc_read();
	if (rtc < 0) {
		klog(LOG_WARN,
		    "clock: the RTC reads as nonsense; wall clock "
		    "starts at the epoch\n");
		rtc = 0;
	}
	wall_at_boot = (uint64_t)rtc * NSEC - plat_clock_monotonic();
}
