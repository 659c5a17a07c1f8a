/*
 * sp/sha256.c against the published test vectors that doc/rump_sp-auth.md,
 * "Hashing", lists (the standard's SHA-256 examples, HMAC-SHA-256 test
 * cases 1-7), and the key handshake's shared helpers
 * (sp/auth_proto.c): key parsing, the banner's challenge, the proofs.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sp_auth.h"

static void
tohex(const uint8_t *p, size_t n, char *out)
{
	sp_auth_hex(p, n, out);
	out[2 * n] = '\0';
}

static void
check_sha(const void *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	sha256(msg, len, d);
	tohex(d, sizeof(d), hex);
	CHECK_EQ_STR(hex, want);
}

TEST(sha256_fips_examples)
{
	check_sha("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	check_sha("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* One million 'a', fed in uneven pieces so every buffering path runs. */
TEST(sha256_million_a_in_pieces)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	while (done < 1000000) {
		size_t n = step < 1000000 - done ? step : 1000000 - done;
		sha256_update(&s, a, n);
		done += n;
		step = step % 987 + 13; /* 13..999 */
	}
	sha256_final(&s, d);
	tohex(d, sizeof(d), hex);
	CHECK_EQ_STR(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundary (digests from Python's hashlib). */
TEST(sha256_padding_boundaries)
{
	static const struct {
		size_t len;
		const char *want;
	} v[] = {
		{ 55,
		    "9f4390f8d30c2dd92ec9f095b65e2b9a"
		    "e9b0a925a5258e241c9f1e910f734318" },
		{ 56,
		    "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		    "590ce20f1bde7090ef7970686ec6738a" },
		{ 63,
		    "7d3e74a05d7db15bce4ad9ec0658ea98"
		    "e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64,
		    "ffe054fe7ae0cb6dc65c3af9b61d5209"
		    "f439851db43d0ba5997337df154668eb" },
	};
	char a[64];

	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_sha(a, v[i].len, v[i].want);
}

static void
check_hmac(const void *key, size_t klen, const void *data, size_t len,
    const char *want)
{
	uint8_t d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	hmac_sha256(key, klen, data, len, d);
	tohex(d, sizeof(d), hex);
	/* Test case 5 gives only the first 128 bits. */
	hex[strlen(want)] = '\0';
	CHECK_EQ_STR(hex, want);
}

TEST(hmac_sha256_rfc4231_cases_1_to_7)
{
	uint8_t k[131], d[50];

	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
	    "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	check_hmac(k, 20, d, 50,
	    "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (uint8_t)(i + 1);
	memset(d, 0xcd, 50);
	check_hmac(k, 25, d, 50,
	    "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0x0c, 20);
	check_hmac(k, 20, "Test With Truncation", 20,
	    "a3b6167473100ee06e0c796c2955552b");
	memset(k, 0xaa, 131);
	check_hmac(k, 131,
	    "Test Using Larger Than Block-Size Key - Hash Key "
	    "First",
	    54,
	    "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
	check_hmac(k, 131,
	    "This is a test using a larger than block-size key "
	    "and a larger than block-size data. The key needs to be hashed "
	    "before being used by the HMAC algorithm.",
	    152,
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(ct_equal_compares_every_byte)
{
	uint8_t a[32], b[32];

	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	CHECK_EQ_INT(ct_equal(a, b, sizeof(a)), 1);
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		CHECK_EQ_INT(ct_equal(a, b, sizeof(a)), 0);
		b[i] ^= 0x81;
		CHECK_EQ_INT(ct_equal(a, b, sizeof(a)), 0);
		b[i] ^= 0x01;
	}
	CHECK_EQ_INT(ct_equal(a, b, 0), 1);
}

TEST(keys_are_16_to_64_bytes_of_hex)
{
	uint8_t key[SP_AUTH_MAXKEY];
	char hex[2 * SP_AUTH_MAXKEY + 8];
	size_t len = 0;

	CHECK(sp_auth_parsekey("  00112233445566778899AABBccddeeff\n", 35, key,
		  &len) == NULL);
	CHECK_EQ_INT(len, 16);
	CHECK_EQ_INT(key[0], 0x00);
	CHECK_EQ_INT(key[10], 0xaa);
	CHECK_EQ_INT(key[15], 0xff);
	CHECK(sp_auth_parsekey("00112233445566778899aabbccddeef", 31, key,
		  &len) != NULL); /* odd */
	CHECK(sp_auth_parsekey("00112233445566778899aabbccddee", 30, key,
		  &len) != NULL); /* 15 bytes */
	CHECK(sp_auth_parsekey("0011223344556677889xaabbccddeeff", 32, key,
		  &len) != NULL); /* not hex */
	CHECK(sp_auth_parsekey("", 0, key, &len) != NULL);
	memset(hex, 'a', 128);
	CHECK(sp_auth_parsekey(hex, 128, key, &len) == NULL);
	CHECK_EQ_INT(len, 64);
	memset(hex, 'a', 130);
	CHECK(sp_auth_parsekey(hex, 130, key, &len) != NULL); /* 65 bytes */
}

TEST(banner_challenge_is_found_or_absent)
{
	static const char netbsd[] = "RUMPSP-0.4-NetBSD-10.0/amd64\n";
	static const char keyed[] = "RUMPSP-0.4-NetBSD-10.0/amd64 auth=hmac-"
				    "sha256:000102030405060708090a0b0c0d0eff\n";
	static const char cut[] = "RUMPSP-0.4-NetBSD-10.0/amd64 auth=hmac-"
				  "sha256:000102030405060708090a0b0c0d0e\n";
	uint8_t n[SP_AUTH_NONCELEN];

	CHECK_EQ_INT(sp_auth_banner_nonce(netbsd, sizeof(netbsd) - 1, n), 0);
	CHECK_EQ_INT(sp_auth_banner_nonce(keyed, sizeof(keyed) - 1, n), 1);
	CHECK_EQ_INT(n[1], 1);
	CHECK_EQ_INT(n[15], 0xff);
	CHECK_EQ_INT(sp_auth_banner_nonce(cut, sizeof(cut) - 1, n), -1);
	CHECK(sizeof(keyed) - 1 <= SP_MAXBANNER - 1);
}

/* The proofs as doc/rump_sp-auth.md defines them, computed by hand here. */
TEST(proofs_are_hmac_of_label_and_both_nonces)
{
	uint8_t key[16], sn[16], cn[16], p[SHA256_LEN], q[SHA256_LEN];
	uint8_t msg[18 + 32];

	for (int i = 0; i < 16; i++) {
		key[i] = (uint8_t)i;
		sn[i] = (uint8_t)(0x10 + i);
		cn[i] = (uint8_t)(0x20 + i);
	}
	memcpy(msg, "rumpsp-auth-client", 18);
	memcpy(msg + 18, sn, 16);
	memcpy(msg + 34, cn, 16);
	sp_auth_proof(key, 16, SP_AUTH_CLIENT, sn, cn, p);
	hmac_sha256(key, 16, msg, sizeof(msg), q);
	CHECK(memcmp(p, q, sizeof(p)) == 0);
	memcpy(msg, "rumpsp-auth-server", 18);
	sp_auth_proof(key, 16, SP_AUTH_SERVER, sn, cn, p);
	hmac_sha256(key, 16, msg, sizeof(msg), q);
	CHECK(memcmp(p, q, sizeof(p)) == 0);
	sp_auth_proof(key, 16, SP_AUTH_CLIENT, sn, cn, q);
	CHECK(memcmp(p, q, sizeof(p)) != 0);
}

int
main(void)
{
	RUN(sha256_fips_examples);
	RUN(sha256_million_a_in_pieces);
	RUN(sha256_padding_boundaries);
	RUN(hmac_sha256_rfc4231_cases_1_to_7);
	RUN(ct_equal_compares_every_byte);
	RUN(keys_are_16_to_64_bytes_of_hex);
	RUN(banner_challenge_is_found_or_absent);
	RUN(proofs_are_hmac_of_label_and_both_nonces);
	return check_done();
}
