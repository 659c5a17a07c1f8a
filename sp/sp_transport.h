/*
 * The byte streams the rump_sp server runs over. The server (sp/server.c)
 * is portable; each platform provides these functions: POSIX sockets on the
 * host (hypercall/posix/sp_sock.c), the image's own network stack later.
 * All return 0 or an errno in NetBSD's numbering; blocking calls are made
 * only by server threads outside the kernel.
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
 * Parses url (spec A.1: unix://PATH, tcp://ADDR:PORT, wildcard allowed),
 * binds and listens. EINVAL, ENAMETOOLONG, ERANGE for bad URLs, EOPNOTSUPP
 * for schemes this platform lacks, or the bind/listen error.
 */
int sp_listen(const char *url, struct sp_listener **lp);
/* Waits for a connection; an error once sp_unlisten() has run. */
int sp_accept(struct sp_listener *l, struct sp_sock **sp);
/* Stops listening: a unix socket's file is removed. Idempotent. */
void sp_unlisten(struct sp_listener *l);

/* Reads exactly len bytes; ENOTCONN at end of stream. */
int sp_recv(struct sp_sock *s, void *buf, size_t len);
/*
 * Writes the whole of iov[0..n) as one unit (callers serialise frames). A
 * peer that takes nothing for the transport's send timeout gets EPIPE and
 * its connection shut down, so a stuck client stalls only itself.
 */
int sp_sendv(struct sp_sock *s, const struct sp_iov *iov, int n);
/* Makes sp_recv/sp_sendv on s fail from now on (both directions). */
void sp_shutdown(struct sp_sock *s);
void sp_close(struct sp_sock *s);

#endif
