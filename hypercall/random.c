/*
 * rumpuser_getrandom: RDRAND when the CPU has it (QEMU's TCG does with
 * -cpu qemu64,+rdrand, which scripts/run-qemu passes). Otherwise a ChaCha20
 * keystream generator keyed from the RUMPIMG_RANDOM_SEED=<64 hex digits>
 * kernel parameter; with neither, the key comes from TSC jitter and the
 * console says loudly that the output is not fit for secrets.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hyp/sched.h"
#include "plat/boot.h"
#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/string.h"
#include "rump/rumpuser.h"

static int have_rdrand = -1; /* -1: not probed yet */
static uint32_t chacha_key[8];
static uint64_t chacha_counter;
static bool chacha_keyed;

static bool
rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

static inline uint32_t
rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)           \
	do {                     \
		a += b;          \
		d ^= a;          \
		d = rotl(d, 16); \
		c += d;          \
		b ^= c;          \
		b = rotl(b, 12); \
		a += b;          \
		d ^= a;          \
		d = rotl(d, 8);  \
		c += d;          \
		b ^= c;          \
		b = rotl(b, 7);  \
	} while (0)

/* One 64-byte ChaCha20 block (RFC 8439 layout, 64-bit counter, zero nonce). */
static void
chacha_block(uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865,
		0x3320646e,
		0x79622d32,
		0x6b206574,
		chacha_key[0],
		chacha_key[1],
		chacha_key[2],
		chacha_key[3],
		chacha_key[4],
		chacha_key[5],
		chacha_key[6],
		chacha_key[7],
		(uint32_t)chacha_counter,
		(uint32_t)(chacha_counter >> 32),
		0,
		0,
	};

	chacha_counter++;
	memcpy(out, in, sizeof(in));
	for (int i = 0; i < 10; i++) {
		QR(out[0], out[4], out[8], out[12]);
		QR(out[1], out[5], out[9], out[13]);
		QR(out[2], out[6], out[10], out[14]);
		QR(out[3], out[7], out[11], out[15]);
		QR(out[0], out[5], out[10], out[15]);
		QR(out[1], out[6], out[11], out[12]);
		QR(out[2], out[7], out[8], out[13]);
		QR(out[3], out[4], out[9], out[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] += in[i];
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
chacha_seed(void)
{
	const char *seed = cmdline_param(plat_cmdline(), "RUMPIMG_RANDOM_SEED");
	uint8_t key[32];
	bool ok = seed != NULL && strlen(seed) == 64;

	for (int i = 0; ok && i < 32; i++) {
		int hi = hexval(seed[2 * i]), lo = hexval(seed[2 * i + 1]);
		ok = hi >= 0 && lo >= 0;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!ok) {
		if (seed != NULL)
			kprintf("warning: RUMPIMG_RANDOM_SEED must be 64 hex "
				"digits; ignored\n");
		kprintf(
		    "warning: no RDRAND and no RUMPIMG_RANDOM_SEED: random "
		    "numbers come from TSC jitter and are NOT fit for secrets\n");
		for (int i = 0; i < 32; i++) {
			uint64_t t0 = rdtsc(), acc = 0;
			for (int j = 0; j < 64; j++)
				acc = acc * 31 + (rdtsc() - t0);
			key[i] = (uint8_t)(acc ^ (acc >> 8) ^ (acc >> 16));
		}
	}
	memcpy(chacha_key, key, sizeof(key));
	chacha_keyed = true;
}

/* Fast key erasure: each request's output is followed by a fresh key. */
static void
chacha_fill(uint8_t *buf, size_t len)
{
	uint32_t block[16];

	if (!chacha_keyed)
		chacha_seed();
	while (len > 0) {
		size_t n = len < 32 ? len : 32;
		chacha_block(block);
		memcpy(chacha_key, block,
		    32); /* rekey: earlier output unrecoverable */
		memcpy(buf, (uint8_t *)block + 32, n);
		buf += n;
		len -= n;
	}
	memset(block, 0, sizeof(block));
}

int
rumpuser_getrandom(void *buf, size_t len, int flags, size_t *retp)
{
	uint8_t *p = buf;
	size_t left = len;

	(void)flags; /* never blocks: NOWAIT changes nothing */
	if (have_rdrand < 0) {
		uint32_t r[4];
		cpuid(1, 0, r);
		have_rdrand = (r[2] >> 30) & 1;
	}
	while (have_rdrand && left > 0) {
		uint64_t v;
		size_t n = left < 8 ? left : 8;
		if (!rdrand64(&v))
			break; /* the hardware gave up: use the generator */
		memcpy(p, &v, n);
		p += n;
		left -= n;
	}
	if (left > 0)
		chacha_fill(p, left);
	*retp = len;
	return 0;
}
