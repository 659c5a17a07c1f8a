/*
 * The rump_sp server's side of the key handshake (sp_auth.h,
 * doc/rump_sp-auth.md): the key, the per-connection challenge in the
 * banner, and the check of the client's proof. sp/server.c calls in at
 * three places: rumpuser_sp_init (sp_auth_start), the banner of each
 * connection (sp_auth_banner) and the first frame of a connection that
 * owes the handshake (sp_auth_check). None of the key's code runs
 * without a key: the banner is then NetBSD's, byte for byte.
 *
 * The other half of who may do what: the credentials remote processes
 * start with (root, NetBSD's choice, unless rumpuser_sp_setcred() or the
 * parameter RUMP_SP_CRED=uid:gid named a user), applied by
 * sp_auth_guestcred when a GUEST handshake makes a process.
 */
#include <string.h>

#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_auth.h"

#define KEYPARAM  "RUMP_SP_KEY"
#define CREDPARAM "RUMP_SP_CRED"

/* NetBSD's system call numbers, for the credential calls. */
#define SYS_setuid    23
#define SYS_setgroups 80
#define SYS_setgid    181

static struct {
	bool have;
	bool started; /* the server runs: the key is fixed */
	uint8_t key[SP_AUTH_MAXKEY];
	size_t keylen;
} auth;

static unsigned long nrefused; /* atomic */

static struct {
	bool set;
	long uid, gid;
} cred; /* fixed once the server runs */

int
rumpuser_sp_setcred(int64_t uid, int64_t gid)
{
	if (auth.started)
		return RUMP_EBUSY;
	if (uid < 0 && gid < 0) {
		cred.set = false;
		return 0;
	}
	if (uid < 0 || gid < 0 || uid > 0x7fffffff || gid > 0x7fffffff)
		return RUMP_EINVAL;
	cred.uid = (long)uid;
	cred.gid = (long)gid;
	cred.set = true;
	return 0;
}

/* "uid:gid", decimal, into cred; false if it is not that. */
static bool
parsecred(const char *s)
{
	long v[2] = { 0, 0 };
	int i = 0;

	for (; i < 2; i++, s++) {
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((v[i] = v[i] * 10 + (*s - '0')) > 0x7fffffff)
				return false;
		if (*s != (i == 0 ? ':' : '\0'))
			return false;
	}
	return rumpuser_sp_setcred(v[0], v[1]) == 0;
}

int
sp_auth_guestcred(const struct rumpuser_hyperup *hyp)
{
	long none[8] = { 0 }, g[8] = { cred.gid }, u[8] = { cred.uid };
	long rv[2];
	int error;

	if (!cred.set)
		return 0;
	/* Groups first, the user last: after it nothing more may change. */
	if ((error = hyp->hyp_syscall(SYS_setgroups, none, rv)) != 0 ||
	    (error = hyp->hyp_syscall(SYS_setgid, g, rv)) != 0 ||
	    (error = hyp->hyp_syscall(SYS_setuid, u, rv)) != 0)
		rumpuser_dprintf("rump_sp: cannot give a client uid %ld gid "
				 "%ld: error %d; refusing it\n",
		    cred.uid, cred.gid, error);
	return error;
}

int
rumpuser_sp_setkey(const void *key, size_t keylen)
{
	if (auth.started)
		return RUMP_EBUSY;
	if (key == NULL && keylen == 0) {
		secure_zero(&auth, sizeof(auth));
		return 0;
	}
	if (key == NULL || keylen < SP_AUTH_MINKEY || keylen > SP_AUTH_MAXKEY)
		return RUMP_EINVAL;
	memcpy(auth.key, key, keylen);
	auth.keylen = keylen;
	auth.have = true;
	return 0;
}

int
sp_auth_start(void)
{
	char hex[2 * SP_AUTH_MAXKEY + 2], cs[32];
	const char *why;
	int error;

	if (!cred.set &&
	    (error = rumpuser_getparam(CREDPARAM, cs, sizeof(cs))) != RUMP_ENOENT &&
	    (error != 0 || !parsecred(cs))) {
		rumpuser_dprintf("rump_sp: %s is not uid:gid; not serving\n",
		    CREDPARAM);
		return RUMP_EINVAL;
	}
	if (cred.set)
		rumpuser_dprintf("rump_sp: remote processes run as uid %ld gid "
				 "%ld\n",
		    cred.uid, cred.gid);
	if (!auth.have) {
		error = rumpuser_getparam(KEYPARAM, hex, sizeof(hex));
		if (error == RUMP_ENOENT)
			goto out; /* no parameter: no key */
		why = error == RUMP_ERANGE ?
		    "too long: at most 128 hex digits (64 bytes)" :
		    error != 0 ?
		    "unreadable" :
		    sp_auth_parsekey(hex, strlen(hex), auth.key, &auth.keylen);
		secure_zero(hex, sizeof(hex));
		if (why != NULL) {
			rumpuser_dprintf("rump_sp: %s is not a key: %s; not "
					 "serving\n",
			    KEYPARAM, why);
			return RUMP_EINVAL;
		}
		auth.have = true;
	}
	rumpuser_dprintf("rump_sp: clients must prove they hold the %zu-byte "
			 "key (HMAC-SHA-256)\n",
	    auth.keylen);
out:
	auth.started = true;
	return 0;
}

size_t
sp_auth_banner(struct sp_authconn *a, const char *banner, size_t len, char *out)
{
	const size_t taglen = sizeof(SP_AUTH_TAG) - 1;
	size_t got = 0, n;

	if (!auth.have) {
		memcpy(out, banner, len);
		return len;
	}
	if (rumpuser_getrandom(a->snonce, sizeof(a->snonce), 0, &got) != 0 ||
	    got != sizeof(a->snonce))
		return 0;
	/* NetBSD's line without its newline, the tag, the nonce, newline. */
	n = len - 1;
	if (n + taglen + 2 * SP_AUTH_NONCELEN + 1 > SP_MAXBANNER - 1)
		n = SP_MAXBANNER - 1 - taglen - 2 * SP_AUTH_NONCELEN - 1;
	memcpy(out, banner, n);
	memcpy(out + n, SP_AUTH_TAG, taglen);
	n += taglen;
	sp_auth_hex(a->snonce, sizeof(a->snonce), out + n);
	n += 2 * SP_AUTH_NONCELEN;
	out[n++] = '\n';
	a->pending = true;
	return n;
}

static enum sp_auth_verdict
refuse(const char *why, const char **whyp)
{
	__atomic_add_fetch(&nrefused, 1, __ATOMIC_RELAXED);
	rumpuser_dprintf("rump_sp: refused a client: %s\n", why);
	*whyp = why;
	return SP_AUTH_REFUSE;
}

enum sp_auth_verdict
sp_auth_check(struct sp_authconn *a, const struct rsp_hdr *h, const uint8_t *body,
    size_t len, struct handshake_auth_reply *reply, const char **why)
{
	struct handshake_auth ha;
	uint8_t mac[SHA256_LEN];
	bool ok;

	if (h->rsp_class != RUMPSP_REQ || h->rsp_type != RUMPSP_HANDSHAKE ||
	    h->rsp_u != HANDSHAKE_AUTH)
		return refuse(h->rsp_class == RUMPSP_REQ &&
			    h->rsp_type == RUMPSP_HANDSHAKE ?
			"no key: this server wants the key handshake "
			"(RUMP_SP_KEY) before any other" :
			"no key: a frame came before the key handshake",
		    why);
	if (len != SP_HANDSHAKE_AUTH_SIZE)
		return refuse("malformed key handshake", why);
	memcpy(&ha, body, sizeof(ha));
	sp_auth_proof(auth.key, auth.keylen, SP_AUTH_CLIENT, a->snonce,
	    ha.ra_nonce, mac);
	ok = ct_equal(mac, ha.ra_mac, sizeof(mac));
	secure_zero(mac, sizeof(mac));
	if (!ok)
		return refuse("wrong key", why);
	reply->rr_result = 0;
	sp_auth_proof(auth.key, auth.keylen, SP_AUTH_SERVER, a->snonce,
	    ha.ra_nonce, reply->rr_mac);
	a->pending = false;
	return SP_AUTH_ACCEPT;
}

unsigned long
sp_auth_refused(void)
{
	return __atomic_load_n(&nrefused, __ATOMIC_RELAXED);
}
