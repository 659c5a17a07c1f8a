/*
 * The byte streams the rump_sp server runs over. The server (sp/server.c)
 * is portable; a transport comes from the hypercall backend below it (POSIX
 * sockets on the host, hypercall/posix/sp_sock.c) or from the kernel above
 * it, handed down (lwIP TCP in the image, kernel/net/sp_transport.c). All
 * return 0 or an errno in NetBSD's numbering; blocking calls are made only
 * by server threads outside the kernel.
 */
#ifndef SP_TRANSPORT_H
#define SP_TRANSPORT_H

#include <stddef.h>

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

#endif
