/*
 * The key handshake's computations shared by the rump_sp server and
 * librumpclient (sp_auth.h, doc/rump_sp-auth.md). Freestanding: built into
 * the image, the host kernel library and the client library alike.
 */
#include <string.h>

#include "sp_auth.h"

static const char label_client[] = "rumpsp-auth-client";
static const char label_server[] = "rumpsp-auth-server";

void
sp_auth_proof(const uint8_t *key, size_t keylen, enum sp_auth_role role,
    const uint8_t snonce[SP_AUTH_NONCELEN],
    const uint8_t cnonce[SP_AUTH_NONCELEN], uint8_t out[SHA256_LEN])
{
	struct hmac_sha256 m;

	hmac_sha256_init(&m, key, keylen);
	if (role == SP_AUTH_CLIENT)
		hmac_sha256_update(&m, label_client, sizeof(label_client) - 1);
	else
		hmac_sha256_update(&m, label_server, sizeof(label_server) - 1);
	hmac_sha256_update(&m, snonce, SP_AUTH_NONCELEN);
	hmac_sha256_update(&m, cnonce, SP_AUTH_NONCELEN);
	hmac_sha256_final(&m, out);
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

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* n bytes from 2n hex digits at s; false if one is not a digit. */
static bool
unhex(const char *s, size_t n, uint8_t *out)
{
	int hi, lo;

	for (size_t i = 0; i < n; i++) {
		if ((hi = hexval(s[2 * i])) < 0 || (lo = hexval(s[2 * i + 1])) < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *
sp_auth_parsekey(const char *s, size_t len, uint8_t key[SP_AUTH_MAXKEY],
    size_t *keylen)
{
	while (len > 0 && blank(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && blank(s[len - 1]))
		len--;
	if (len % 2 != 0)
		return "an odd number of hex digits";
	if (len < 2 * SP_AUTH_MINKEY)
		return "too short: at least 32 hex digits (16 bytes)";
	if (len > 2 * SP_AUTH_MAXKEY)
		return "too long: at most 128 hex digits (64 bytes)";
	if (!unhex(s, len / 2, key)) {
		secure_zero(key, SP_AUTH_MAXKEY);
		return "not hex digits";
	}
	*keylen = len / 2;
	return NULL;
}

int
sp_auth_banner_nonce(const char *banner, size_t len,
    uint8_t nonce[SP_AUTH_NONCELEN])
{
	const size_t taglen = sizeof(SP_AUTH_TAG) - 1;
	size_t i;

	for (i = 0; i + taglen <= len; i++)
		if (memcmp(banner + i, SP_AUTH_TAG, taglen) == 0)
			break;
	if (i + taglen > len)
		return 0;
	i += taglen;
	if (len - i < 2 * SP_AUTH_NONCELEN + 1 ||
	    banner[i + 2 * SP_AUTH_NONCELEN] != '\n' ||
	    !unhex(banner + i, SP_AUTH_NONCELEN, nonce))
		return -1;
	return 1;
}

void
sp_auth_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
}
