/*
 * The rump_sp server's interface with the layers around it (doc/rump_sp.md,
 * doc/design.md). The server (sp/) is a component of its own above the
 * kernel: it calls the kernel only through the upcall table below, and it
 * runs over byte streams that come from whichever layer has the network:
 * the hypercall backend below the kernel (POSIX sockets on the host,
 * hypercall/posix/sp_sock.c) or the kernel itself, handed down with
 * rumpuser_sp_set_transport() (lwIP TCP in the image,
 * kernel/net/sp_transport.c). All return 0 or an errno in NetBSD's
 * numbering; blocking calls are made only by server threads outside the
 * kernel.
 */
#ifndef RUMP_RUMPUSER_SP_H
#define RUMP_RUMPUSER_SP_H

#include <stddef.h>

#include "rump/rumpuser.h"

struct sp_listener;
struct sp_sock;

struct sp_iov {
	const void *base;
	size_t len;
};

/*
 * One kind of transport, as a table of operations:
 *
 * listen parses url (doc/rump_sp.md: unix://PATH, tcp://ADDR:PORT, wildcard
 * allowed), binds and listens: EINVAL, ENAMETOOLONG, ERANGE for bad URLs,
 * EOPNOTSUPP for schemes it lacks, or the bind/listen error. accept waits
 * for a connection (an error once unlisten has run); unlisten stops
 * listening (a unix socket's file is removed), idempotent. recv reads
 * exactly len bytes (ENOTCONN at end of stream). sendv writes the whole of
 * iov[0..n) as one unit (callers serialise frames); a peer that takes
 * nothing for the transport's send timeout gets EPIPE and its connection
 * shut down, so a stuck client stalls only itself. shutdown makes recv and
 * sendv on s fail from now on; close frees s.
 */
struct sp_transport {
	int (*listen)(const char *url, struct sp_listener **lp);
	int (*accept)(struct sp_listener *l, struct sp_sock **sp);
	void (*unlisten)(struct sp_listener *l);
	int (*recv)(struct sp_sock *s, void *buf, size_t len);
	int (*sendv)(struct sp_sock *s, const struct sp_iov *iov, int n);
	void (*shutdown)(struct sp_sock *s);
	void (*close)(struct sp_sock *s);
};

/*
 * The hypercall backend's own transport (POSIX sockets on the host; NULL
 * on bare metal, which has no network below the kernel).
 */
extern const struct sp_transport *const sp_backend_transport;

/* rumpuser_sp_set_transport(): see rump/rumpuser.h. */

/*
 * The upcalls rumpuser_init() was given: the one table, kept by each
 * hypercall backend (hypercall/rumpuser.c, hypercall/posix/init.c) for
 * itself and for the server (NULL before rumpuser_init).
 */
extern const struct rumpuser_hyperup *rumpuser__hyp;

/*
 * Set by the server, called by the backend's blocking hypercalls before
 * they give the CPU up (NULL: no server). Backends without it make the
 * server hand every call to a worker thread.
 */
extern void (*rumpuser__sp_willblock)(void);

#endif
