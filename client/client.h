/*
 * librumpclient internals: the connection object, the frame layer and the
 * client-wide state shared by conn.c, frame.c, rumpclient.c and fork.c.
 * The library is compiled with -fvisibility=hidden: only what is marked
 * SPC_EXPORT (the rumpclient_* API) and the rump_sys_* stubs are exported
 * (client/exports.map).
 */
#ifndef CLIENT_CLIENT_H
#define CLIENT_CLIENT_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sp_proto.h"

#define SPC_EXPORT __attribute__((visibility("default")))

/*
 * The largest frame we accept from a server: the protocol has no limit
 * (doc/rump_sp.md), but a length beyond this is taken as a corrupt stream and
 * the connection is dropped instead of allocating it.
 */
#define SPC_MAXFRAME ((uint64_t)64 * 1024 * 1024 + SP_HDRSIZE)

#define SPC_URLMAX 256 /* "unix://<absolute path>" remembered for exec */

/* A parsed server locator (doc/rump_sp.md, "Server locators"). */
struct spc_url {
	int u_domain; /* PF_INET or PF_LOCAL */
	struct sockaddr_storage u_sa;
	socklen_t u_salen;
	bool u_relative;	   /* unix path was made absolute */
	char u_parsed[SPC_URLMAX]; /* the absolute form, if u_relative */
};

/*
 * A reply handed from the reading thread to the thread that sent the
 * request. The body belongs to the receiver of the reply (free()).
 */
struct spc_reply {
	struct rsp_hdr r_hdr;
	void *r_body;
	size_t r_bodylen;
	bool r_fault;  /* a copyout of this call hit a bad address */
	bool r_direct; /* a COPYOUT already delivered (frame.c) */
};

/* One thread waiting for the reply to its request (on its own stack). */
struct spc_waiter {
	TAILQ_ENTRY(spc_waiter) w_entries;
	uint64_t w_reqno;
	bool w_done;  /* w_reply or w_error is valid */
	int w_error;  /* transport error, or 0 */
	bool w_fault; /* spc_lock; see copyout_fault (frame.c) */
	struct spc_reply w_reply;
};

/*
 * One connection to a server. Reference counted under spc_lock: the
 * client state holds one reference while the connection is current and
 * every request in flight holds one; the socket is closed when the last
 * goes. c_fd never changes during the object's life, but the application
 * may close that descriptor under us (closefrom(3), as NetBSD's
 * reconnect test does) and the number may then name another file, our
 * next connection's socket among them: c_dev and c_ino say which socket is
 * ours, and every use of c_fd checks them first (spc_fd_ours), so that a
 * stale connection fails with EBADF instead of reading, writing, shutting
 * down or closing somebody else's descriptor.
 *
 * Receiving: at most one thread at a time (c_reading) reads frames from
 * the socket, without spc_lock, and dispatches them; all others that wait
 * for a reply sleep on the futex word c_gen (frame.c, conn_sleep), which
 * every change they wait for bumps (a reply handed over, the reader role
 * given up, the connection killed). The reader gives up the role as soon
 * as its own reply has arrived and wakes the others so that one of them
 * takes it. A futex rather than a condition variable: a sleeper may take
 * its caller's signals while it sleeps, holding no lock.
 *
 * Sending: whole frames under c_sendmtx, never interleaved.
 */
struct spc_conn {
	int c_fd;
	dev_t c_dev; /* the socket's identity, see above */
	ino_t c_ino;
	int c_refs;	/* spc_lock */
	bool c_dead;	/* spc_lock; no more replies will come */
	bool c_reading; /* spc_lock; a thread owns the receive side */
	TAILQ_HEAD(, spc_waiter) c_waiters; /* spc_lock */
	uint32_t c_gen; /* changed under spc_lock; futex word, see above */
	int c_sleepers; /* spc_lock; threads asleep on c_gen */
	pthread_mutex_t c_sendmtx;
	/* Received, not yet taken: c_rbuf[c_rpos..c_rend); the reader's own. */
	size_t c_rpos, c_rend;
	char c_rbuf[4096];
};

/*
 * What a call changes in the calling thread (spc_enter), restored when it
 * returns (spc_leave): all signals blocked (doc/rump_sp.md) and cancellation
 * disabled, since a waiter lives on the thread's stack.
 *
 * While a system call waits for its reply, a signal the caller's own mask
 * lets through is still taken (frame.c, waitreply): between two frames,
 * holding nothing, the reading thread returns to cs_mask for a moment, and
 * a thread waiting for another one's reading sleeps with cs_mask, so a
 * default action (SIGTERM, SIGINT) ends the program and a handler runs;
 * the call then goes on waiting. So do the reconnection back-off and
 * the wait for another thread's reconnection (rumpclient.c). cs_sigok
 * says whether this call may do that: only system calls, and not while
 * recon_lock is held (a handler's own call could need it) but in the
 * back-off, where such a call fails at once (rumpclient.c, reconnect).
 * spc_curcall is the thread's innermost call (a handler's call nests in
 * the call it interrupted).
 */
struct spc_callstate {
	sigset_t cs_mask;
	int cs_cancel;
	bool cs_sigok;
	struct spc_callstate *cs_prev;
};
extern __thread struct spc_callstate *spc_curcall;

/* Client-wide state (rumpclient.c). */
extern pthread_mutex_t spc_lock;
extern struct spc_conn *spc_cur; /* spc_lock; the current connection */
extern uint64_t spc_nextreq;	 /* spc_lock; next request number */
extern struct spc_url spc_url;	 /* the server, once parsed */
extern bool spc_haveurl;

/* conn.c: locators and connecting. */
int spc_parseurl(const char *, bool, struct spc_url *);
int spc_connect(const struct spc_url *, struct spc_conn **);
/* RUMPCLIENT_BANNER_TIMEOUT into spc_connect's limit: 0 or EINVAL. */
int spc_banner_load(void);
struct spc_conn *spc_conn_adopt(int);
/* Whether c's descriptor is still its own socket (see struct spc_conn). */
bool spc_fd_ours(const struct spc_conn *c);
void spc_progname(char *, size_t);

/* frame.c: the frame layer on one connection. */
int spc_send(struct spc_conn *, const struct rsp_hdr *, const void *, size_t);
int spc_request(struct spc_conn *, uint16_t, uint32_t, const void *, size_t,
    size_t, struct spc_reply *);
void spc_conn_kill(struct spc_conn *);
void spc_conn_rele(struct spc_conn *);

/* rumpclient.c: requests on the current connection, with reconnection. */
int spc_call(uint16_t, uint32_t, const void *, size_t, size_t,
    struct spc_reply *);
int spc_handshake(struct spc_conn *, uint32_t, const void *, size_t);
void spc_install(struct spc_conn *);
void spc_enter(struct spc_callstate *);
void spc_leave(struct spc_callstate *);

/*
 * ucopy.c: the application's memory without faulting. The counts are what
 * moved (short at the first unmapped page); spc_ucopyinstr copies up to
 * the NUL (*lenp includes it, or is max with none), 0 or EFAULT.
 */
size_t spc_ucopyin(void *, const void *, size_t);
size_t spc_ucopyout(void *, const void *, size_t);
int spc_ucopyinstr(void *, const void *, size_t, size_t *);

/*
 * auth.c: the key handshake. spc_key_load reads RUMP_SP_KEY or
 * RUMP_SP_KEYFILE (0 or an errno, with a message); spc_auth answers the
 * challenge of banner[0..n) on c, or refuses: 0, EPERM, EPROTO or a
 * transport errno, with a message.
 */
int spc_key_load(void);
int spc_auth(struct spc_conn *, const char *, size_t);

/* sig.c: a NetBSD signal number as the host's, or 0 if it has none. */
int spc_hostsig(uint32_t);

#endif
