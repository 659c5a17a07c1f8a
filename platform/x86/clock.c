/*
 * TSC clock calibration and the CMOS real-time clock.
 *
 * QEMU under TCG reports no TSC rate in CPUID, so unless leaf 0x15 or the
 * hypervisor timing leaf gives one, we time the TSC against PIT channel 2 for
 * three 2 ms gates and take the median: 6 ms per boot, not 100.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/clock.h"
#include "plat/console.h"
#include "plat/cpu.h"

#define PIT_HZ		1193182ULL
#define NSEC		1000000000ULL

static uint64_t tsc_hz, tsc_boot, ns_mult;	/* ns = ticks * ns_mult >> 32 */
static const char *tsc_source = "unknown";
static uint64_t wall_at_boot;			/* ns since the epoch at tsc_boot */

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
		cpuid(0x15, 0, r);	/* TSC/crystal ratio eax:ebx, crystal Hz ecx */
		if (r[0] != 0 && r[1] != 0 && r[2] != 0) {
			tsc_source = "CPUID leaf 0x15";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) {	/* running under a hypervisor */
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

/* TSC ticks during one PIT channel 2 countdown of `us` microseconds, or 0. */
static uint64_t
pit_gate(unsigned us)
{
	uint32_t count = (uint32_t)(PIT_HZ * us / 1000000);
	uint64_t t0, t1;
	long spins = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(0x43, 0xb0);			/* ch 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))		/* OUT2 rises at terminal count */
		if (++spins > 50000000)
			return 0;
	t1 = rdtsc();
	outb(0x61, inb(0x61) & ~0x01);
	return (t1 - t0) * 1000000 / us;
}

static uint64_t
tsc_hz_from_pit(void)
{
	uint64_t s[3];

	for (int i = 0; i < 3; i++)
		s[i] = pit_gate(2000);
	/* Median of three. */
	if (s[0] > s[1]) { uint64_t t = s[0]; s[0] = s[1]; s[1] = t; }
	if (s[1] > s[2]) { uint64_t t = s[1]; s[1] = s[2]; s[2] = t; }
	if (s[0] > s[1]) { uint64_t t = s[0]; s[0] = s[1]; s[1] = t; }
	tsc_source = "PIT channel 2, 3 x 2 ms";
	return s[1];
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
			d[0] = cmos(0x00);	/* seconds */
			d[1] = cmos(0x02);	/* minutes */
			d[2] = cmos(0x04);	/* hours */
			d[3] = cmos(0x07);	/* day */
			d[4] = cmos(0x08);	/* month */
			d[5] = cmos(0x09);	/* year */
			d[6] = cmos(0x32);	/* century (ACPI FADT default) */
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

	if (!(regb & 0x02) && (r[2] & 0x80))	/* 12-hour mode, PM */
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
		klog(LOG_WARN, "clock: could not measure the TSC rate; "
		    "assuming 1 GHz, times will be wrong\n");
	}
	ns_mult = (NSEC << 32) / tsc_hz;

	rtc = rtc_read();
	if (rtc < 0) {
		klog(LOG_WARN, "clock: the RTC reads as nonsense; wall clock "
		    "starts at the epoch\n");
		rtc = 0;
	}
	wall_at_boot = (uint64_t)rtc * NSEC - plat_clock_monotonic();
}
