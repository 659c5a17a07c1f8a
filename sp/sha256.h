/*
 * SHA-256 and HMAC-SHA-256 for the rump_sp key handshake
 * (doc/rump_sp-auth.md, "Hashing"). Freestanding: sha256.c needs nothing
 * but memcpy and memset, so the same file builds into the image, the host
 * kernel library and librumpclient. Checked against the published test
 * vectors by tests/host/sp/test_sha256.c.
 */
#ifndef SP_SHA256_H
#define SP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN   32 /* digest bytes */
#define SHA256_BLOCK 64 /* block bytes */

struct sha256 {
	uint32_t h[8];
	uint64_t nbytes; /* message length so far */
	uint8_t buf[SHA256_BLOCK];
	size_t nbuf; /* bytes waiting in buf */
};

void sha256_init(struct sha256 *);
void sha256_update(struct sha256 *, const void *, size_t);
void sha256_final(struct sha256 *, uint8_t out[SHA256_LEN]);
void sha256(const void *, size_t, uint8_t out[SHA256_LEN]);

/* HMAC-SHA-256 of data under key (any length), incrementally or at once. */
struct hmac_sha256 {
	struct sha256 inner, outer;
};

void hmac_sha256_init(struct hmac_sha256 *, const void *key, size_t keylen);
void hmac_sha256_update(struct hmac_sha256 *, const void *, size_t);
void hmac_sha256_final(struct hmac_sha256 *, uint8_t out[SHA256_LEN]);
void hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
    uint8_t out[SHA256_LEN]);

/*
 * 1 when a[0..n) equals b[0..n), else 0, in a time that depends on n only
 * (no early exit), so a verifier does not tell how many bytes matched.
 */
int ct_equal(const void *a, const void *b, size_t n);

/* Overwrites n bytes at p in a way the compiler may not drop. */
void secure_zero(void *p, size_t n);

#endif
