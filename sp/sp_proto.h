/*
 * The rump_sp wire format (doc/rump_sp.md, "Frames"), shared by the server
 * (sp/) and the client library (client/). Integers travel in the native
 * byte order and size of amd64; structures are raw memory images.
 */
#ifndef SP_PROTO_H
#define SP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SP_PROTOMAJOR 0
#define SP_PROTOMINOR 4
#define SP_MAXBANNER  96 /* including the NUL, which is not sent */

/* The frame header: 24 bytes, rsp_len counts the header too. */
struct rsp_hdr {
	uint64_t rsp_len;
	uint64_t rsp_reqno;
	uint16_t rsp_class;
	uint16_t rsp_type;
	uint32_t rsp_u; /* sysnum, error, handshake or signo */
};
#define SP_HDRSIZE 24

enum { RUMPSP_REQ = 0, RUMPSP_RESP = 1, RUMPSP_ERROR = 2 };

enum {
	RUMPSP_HANDSHAKE = 0,
	RUMPSP_SYSCALL = 1,
	RUMPSP_COPYIN = 2,
	RUMPSP_COPYINSTR = 3,
	RUMPSP_COPYOUT = 4,
	RUMPSP_COPYOUTSTR = 5,
	RUMPSP_ANONMMAP = 6,
	RUMPSP_PREFORK = 7,
	RUMPSP_RAISE = 8,
};

enum {
	HANDSHAKE_GUEST = 0,
	HANDSHAKE_AUTH = 1,
	HANDSHAKE_FORK = 2,
	HANDSHAKE_EXEC = 3,
};

/* ERROR frame codes and the host errno a client maps each to. */
enum {
	RUMPSP_ERR_NONE = 0,
	RUMPSP_ERR_TRYAGAIN = 1,	  /* EAGAIN: resend */
	RUMPSP_ERR_AUTH = 2,		  /* EPERM */
	RUMPSP_ERR_INVALID_PREFORK = 3,	  /* ESRCH */
	RUMPSP_ERR_RFORK_FAILED = 4,	  /* EIO */
	RUMPSP_ERR_INEXEC = 5,		  /* EBUSY */
	RUMPSP_ERR_NOMEM = 6,		  /* ENOMEM */
	RUMPSP_ERR_MALFORMED_REQUEST = 7, /* EINVAL */
};

/* Copy requests: {len, client address} then, for COPYOUT, the data. */
struct rsp_copydata {
	uint64_t rcp_len;
	uint64_t rcp_addr;
};

struct rsp_sysresp {
	int32_t rsys_error;
	int32_t rsys_pad;
	int64_t rsys_retval[2];
};

#define SP_AUTHLEN 4 /* uint32 words in a fork cookie */
struct handshake_fork {
	uint32_t rf_auth[SP_AUTHLEN];
	int32_t rf_cancel;
};
#define SP_HANDSHAKE_FORK_SIZE 20

#define SP_MAXARGS	 8 /* argument slots, 8 bytes each */
#define SP_NSYSENT	 512
#define SP_COPYINSTR_MAX 1024 /* PATH_MAX: path names travel this way */

/* NetBSD signal numbers used by RAISE (NetBSD's signal(7)). */
#define SP_SIGPIPE 13

_Static_assert(sizeof(struct rsp_hdr) == SP_HDRSIZE, "rsp_hdr is 24 bytes");
_Static_assert(sizeof(struct rsp_sysresp) == 24, "rsp_sysresp is 24 bytes");
_Static_assert(sizeof(struct handshake_fork) == SP_HANDSHAKE_FORK_SIZE,
    "handshake_fork is 20 bytes");

#endif
