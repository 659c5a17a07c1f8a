/*
 * The rump_sp key handshake (doc/rump_sp-auth.md): its wire format and the
 * computations both sides share (sp/auth_proto.c, freestanding), then the
 * server's side (sp/auth.c). A server without a key speaks NetBSD's
 * protocol unchanged; none of this is on the wire then.
 *
 * With a key, the banner line ends in SP_AUTH_TAG and the server's nonce
 * as hex, before the newline. The client's first frame must be a REQ
 * HANDSHAKE of sub-type HANDSHAKE_AUTH (1, which NetBSD reserves and never
 * sends) carrying struct handshake_auth; the server answers RESP HANDSHAKE
 * with struct handshake_auth_reply, or an ERROR AUTH frame whose body is a
 * NUL-terminated reason, and closes the connection.
 */
#ifndef SP_AUTH_H
#define SP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"
#include "sp_proto.h"

#define SP_AUTH_TAG	 " auth=hmac-sha256:"
#define SP_AUTH_NONCELEN 16
#define SP_AUTH_MINKEY	 16 /* bytes: 32 hex digits */
#define SP_AUTH_MAXKEY	 64 /* bytes: 128 hex digits */

struct handshake_auth {
	uint8_t ra_nonce[SP_AUTH_NONCELEN]; /* the client's */
	uint8_t ra_mac[SHA256_LEN];	    /* sp_auth_proof(CLIENT) */
};
#define SP_HANDSHAKE_AUTH_SIZE 48

struct handshake_auth_reply {
	int32_t rr_result;	    /* 0, as every handshake reply */
	uint8_t rr_mac[SHA256_LEN]; /* sp_auth_proof(SERVER) */
};
#define SP_HANDSHAKE_AUTH_REPLY_SIZE 36

_Static_assert(sizeof(struct handshake_auth) == SP_HANDSHAKE_AUTH_SIZE,
    "handshake_auth is 48 bytes");
_Static_assert(sizeof(struct handshake_auth_reply) == SP_HANDSHAKE_AUTH_REPLY_SIZE,
    "handshake_auth_reply is 36 bytes");

enum sp_auth_role { SP_AUTH_CLIENT, SP_AUTH_SERVER };

/*
 * HMAC-SHA-256 under key of the role's label, the server's nonce, then
 * the client's (doc/rump_sp-auth.md): what each side sends to prove it
 * holds the key. The labels differ, so neither proof can be replayed as
 * the other.
 */
void sp_auth_proof(const uint8_t *key, size_t keylen, enum sp_auth_role,
    const uint8_t snonce[SP_AUTH_NONCELEN],
    const uint8_t cnonce[SP_AUTH_NONCELEN], uint8_t out[SHA256_LEN]);

/*
 * Parses a key written as hex digits (s[0..len), blanks and newlines
 * around it ignored, as in a key file) into key[SP_AUTH_MAXKEY]. Returns
 * NULL with the length in *keylen, or why it is not a key.
 */
const char *sp_auth_parsekey(const char *s, size_t len,
    uint8_t key[SP_AUTH_MAXKEY], size_t *keylen);

/*
 * Where a banner (len bytes, not necessarily NUL-terminated) asks for the
 * handshake: 1 with the server's nonce in nonce; 0 when it does not ask
 * (a server without a key, or NetBSD's); -1 when the tag is there but the
 * nonce after it is malformed.
 */
int sp_auth_banner_nonce(const char *banner, size_t len,
    uint8_t nonce[SP_AUTH_NONCELEN]);

/* Writes n bytes as 2n lowercase hex digits (no NUL). */
void sp_auth_hex(const uint8_t *p, size_t n, char *out);

/* ---- the server's side (sp/auth.c) ---- */

/* Per connection; all zero is "no key on this server". */
struct sp_authconn {
	bool pending; /* the handshake is owed before any frame */
	uint8_t snonce[SP_AUTH_NONCELEN];
};

/*
 * At rumpuser_sp_init: takes the key set by rumpuser_sp_setkey() or, if
 * none, from the parameter RUMP_SP_KEY (rumpuser_getparam: the kernel
 * command line in the image, the environment on the host), and likewise
 * the remote processes' credentials from rumpuser_sp_setcred() or
 * RUMP_SP_CRED=uid:gid. 0, or EINVAL (NetBSD's number) after a console
 * line when a parameter is malformed: a server meant to have a key or a
 * user must not serve without.
 */
int sp_auth_start(void);

/*
 * The banner for a new connection into out (size SP_MAXBANNER): banner
 * itself without a key; with one, a fresh server nonce (kept in *a, which
 * becomes pending) is appended. Returns the length, or 0 when no random
 * bytes could be had (the connection is then to be closed).
 */
size_t sp_auth_banner(struct sp_authconn *a, const char *banner, size_t len,
    char *out);

enum sp_auth_verdict {
	SP_AUTH_ACCEPT, /* send RESP HANDSHAKE with *reply */
	SP_AUTH_REFUSE, /* send ERROR AUTH with *why, close */
};

/*
 * The first frame of a connection whose handshake is pending (a->pending):
 * either a valid HANDSHAKE_AUTH (a stops being pending, *reply is filled)
 * or a refusal, which has been reported on the console with its reason.
 */
enum sp_auth_verdict sp_auth_check(struct sp_authconn *a,
    const struct rsp_hdr *h, const uint8_t *body, size_t len,
    struct handshake_auth_reply *reply, const char **why);

/*
 * Called by the GUEST handshake on the new process's lwp, with the kernel
 * entered: gives it the credentials set for remote processes, if any (no
 * supplementary groups, then the gid, then the uid). 0, or the errno of
 * the call that failed, after a console line (the process must then go:
 * it is not to be served as root instead).
 */
struct rumpuser_hyperup;
int sp_auth_guestcred(const struct rumpuser_hyperup *);

/* Clients refused so far (tests compare it before and after). */
unsigned long sp_auth_refused(void);

#endif
