/*
 * The client's side of the rump_sp key handshake (sp/sp_auth.h,
 * doc/rump_sp-auth.md). The key comes from RUMP_SP_KEY (hex digits) or,
 * when that is unset, from the file RUMP_SP_KEYFILE names (the same hex,
 * blanks around it ignored); rumpclient_init reads it. Every new
 * connection (init, reconnect, fork, fork cancel) then answers the
 * challenge in the server's banner before its first handshake; an exec'd
 * image goes on with the connection its predecessor authenticated.
 *
 * A client with a key refuses a server that does not ask for it (a
 * server that cannot prove it holds the key might be anyone), and a
 * client without one refuses a server that asks, each with a message.
 */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "sp_auth.h"

#define KEYFILE_MAX 4096 /* a key file is a line of hex */

static struct {
	bool have;
	uint8_t key[SP_AUTH_MAXKEY];
	size_t len;
} spc_key; /* set by rumpclient_init, read-only after */

/* The key file's hex into buf (NUL-terminated); 0 or an errno. */
static int
readkeyfile(const char *path, char *buf, size_t size, size_t *lenp)
{
	ssize_t n;
	size_t len = 0;
	int fd, error = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			error = errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return error;
}

int
spc_key_load(void)
{
	char buf[KEYFILE_MAX];
	const char *hex, *path, *why;
	size_t len = 0;
	int error;

	secure_zero(&spc_key, sizeof(spc_key));
	if ((hex = getenv("RUMP_SP_KEY")) != NULL) {
		why = sp_auth_parsekey(hex, strlen(hex), spc_key.key,
		    &spc_key.len);
		if (why != NULL) {
			fprintf(stderr,
			    "rump_sp: RUMP_SP_KEY is not a key: "
			    "%s\n",
			    why);
			return EINVAL;
		}
	} else if ((path = getenv("RUMP_SP_KEYFILE")) != NULL) {
		if ((error = readkeyfile(path, buf, sizeof(buf), &len)) != 0) {
			fprintf(stderr, "rump_sp: RUMP_SP_KEYFILE %s: %s\n",
			    path, strerror(error));
			return error;
		}
		why = sp_auth_parsekey(buf, len, spc_key.key, &spc_key.len);
		secure_zero(buf, sizeof(buf));
		if (why != NULL) {
			fprintf(stderr,
			    "rump_sp: RUMP_SP_KEYFILE %s is not a "
			    "key: %s\n",
			    path, why);
			return EINVAL;
		}
	} else
		return 0;
	spc_key.have = true;
	return 0;
}

/* A banner line for a message: up to its newline. */
static int
linelen(const char *banner, size_t n)
{
	const char *nl = memchr(banner, '\n', n);

	return (int)(nl != NULL ? (size_t)(nl - banner) : n);
}

int
spc_auth(struct spc_conn *c, const char *banner, size_t n)
{
	struct handshake_auth ha;
	struct handshake_auth_reply rr;
	struct spc_reply r;
	uint8_t snonce[SP_AUTH_NONCELEN], mac[SHA256_LEN];
	int asks, error;
	bool ok;

	asks = sp_auth_banner_nonce(banner, n, snonce);
	if (asks < 0) {
		fprintf(stderr,
		    "rump_sp: malformed key challenge in the "
		    "banner \"%.*s\"\n",
		    linelen(banner, n), banner);
		return EPROTO;
	}
	if (asks == 0 && !spc_key.have)
		return 0; /* NetBSD's protocol, unchanged */
	if (asks == 0) {
		fprintf(stderr,
		    "rump_sp: a key is set (RUMP_SP_KEY or "
		    "RUMP_SP_KEYFILE) but the server (\"%.*s\") does not ask "
		    "for one: refusing to use it\n",
		    linelen(banner, n), banner);
		return EPERM;
	}
	if (!spc_key.have) {
		fprintf(stderr,
		    "rump_sp: the server wants a key: set "
		    "RUMP_SP_KEY or RUMP_SP_KEYFILE\n");
		return EPERM;
	}
	if (getrandom(ha.ra_nonce, sizeof(ha.ra_nonce), 0) !=
	    (ssize_t)sizeof(ha.ra_nonce))
		return errno != 0 ? errno : EIO;
	sp_auth_proof(spc_key.key, spc_key.len, SP_AUTH_CLIENT, snonce,
	    ha.ra_nonce, ha.ra_mac);
	error = spc_request(c, RUMPSP_HANDSHAKE, HANDSHAKE_AUTH, &ha,
	    sizeof(ha), sizeof(rr), &r);
	if (error != 0) {
		if (error == EPERM)
			fprintf(stderr,
			    "rump_sp: the server refused our "
			    "key\n");
		return error;
	}
	memcpy(&rr, r.r_body, sizeof(rr));
	free(r.r_body);
	/* Mutual: the server proves it holds the key too. */
	sp_auth_proof(spc_key.key, spc_key.len, SP_AUTH_SERVER, snonce,
	    ha.ra_nonce, mac);
	ok = rr.rr_result == 0 && ct_equal(mac, rr.rr_mac, sizeof(mac));
	secure_zero(mac, sizeof(mac));
	if (!ok) {
		fprintf(stderr,
		    "rump_sp: the server's answer does not prove "
		    "it holds the key: disconnecting\n");
		return EPERM;
	}
	return 0;
}
