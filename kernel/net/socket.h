/*
 * Sockets inside the kernel (socket.c: the socket as a file over lwIP's
 * netconn API; socket_syscalls.c: NetBSD's system calls on them).
 */
#ifndef KERN_NET_SOCKET_H
#define KERN_NET_SOCKET_H

#include "kern.h"
#include "lwip/api.h"

/* NetBSD's values (sys/socket.h, netinet/in.h, netinet/tcp.h, poll.h). */

#define SLICE_MS 200 /* blocking waits re-check draining */

/*
 * What lwIP told a netconn's callback: data or connections waiting, room
 * to send, an error. Kept by netconn (a connection may get events before
 * accept() makes a socket of it).
 */
struct sockev {
	struct netconn *conn;
	int rcvevent;
	bool sendevent, errevent;
	struct sockev *next;
};

/*
 * A call blocked on a socket, through a descriptor of table fdp: a
 * close() of a descriptor of the socket in that table sets restart, and
 * the call ends with EBADF within a slice. Closes in other tables (a
 * forked process's copy) leave it alone.
 */
struct sockwait {
	struct filedesc *fdp;
	bool restart;
	struct sockwait *next;
};

struct ksocket {
	struct netconn *conn;
	struct sockev *ev;
	int type; /* RUMP_SOCK_STREAM or RUMP_SOCK_DGRAM */
	bool nosigpipe;
	bool listening;
	bool rdshut, eof;
	struct pbuf *rxp; /* TCP data not yet read */
	uint16_t rxoff;
	int rcvbuf, sndbuf;		  /* as set; lwIP sizes its windows */
	int64_t rcvtimeo_ms, sndtimeo_ms; /* 0: none */
	struct sockwait *waits;		  /* the calls blocked on it */
	bool wrshut, wrshut_pending; /* shutdown(SHUT_WR): FIN sent / due */
};

/* so_sliced's answer when the descriptor was closed under the call. */
#define ERR_SO_RESTART ((err_t)-100)
/* ... and when shutdown(SHUT_RD) ended a receive: end of file. */
#define ERR_SO_RDSHUT ((err_t)-101)

extern const struct fileops socket_fileops;

struct recv_args {
	void *buf;
	size_t len;
	int flags;
	ip_addr_t from;
	u16_t port;
	bool fromset;
};

/* A socket for conn (type RUMP_SOCK_*), or NULL when memory is out. */
struct ksocket *sock_new(struct netconn *conn, int type);
/*
 * The socket behind fd; NULL with EBADF or ENOTSOCK in *errp. The socket
 * system calls run held (socket_syscalls.c), so it stays valid meanwhile.
 */
struct ksocket *getsock(struct lwp *l, int fd, struct file **fpp, int *errp);
/* One receive into ra->buf (a kernel or checked local buffer). */
int so_recv(struct file *fp, struct recv_args *ra, size_t *done);
/* A send of len bytes; to: the destination of an unconnected datagram. */
int so_send(struct file *fp, const void *buf, size_t len, int flags,
    const ip_addr_t *to, u16_t port, size_t *done);
/* The callback every socket's netconn is made with. */
void so_event(struct netconn *conn, enum netconn_evt evt, u16_t len);
int lwip_errno(err_t err);
bool so_draining(void);
/* A netconn wait in slices (see socket.c). */
err_t so_sliced(struct ksocket *so, int64_t timeout_ms, bool send,
    err_t (*op)(struct ksocket *, void *), void *arg);
/* struct sockaddr_in in user memory, both ways. */
int addr_in(const void *uaddr, uint32_t len, ip_addr_t *ip, u16_t *port);
int addr_out(const ip_addr_t *ip, u16_t port, void *uaddr, uint32_t *ulenp);

#endif
