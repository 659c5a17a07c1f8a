/*
 * Sockets: NetBSD's socket system calls over lwIP's netconn API, as files
 * in the descriptor tables (close, dup, fork and poll work on them).
 * AF_INET with SOCK_STREAM (TCP) and SOCK_DGRAM (UDP). Numbers, flags and
 * sockaddr layouts are NetBSD's (doc/rump_sp.md): struct sockaddr_in is
 * {u8 len, u8 family, u16 port, u32 addr, 8 zero bytes}.
 *
 * Everything runs with the kernel entered, as lwIP requires (net.h). A
 * blocking netconn call waits in slices, so that a process being drained
 * (its client gone) gets EINTR instead of holding its lwp forever.
 */
#include <string.h>

#include "lwip/ip4_addr.h"
#include "net.h"
#include "socket.h"

#define EVHASH 64
static struct sockev *evhash[EVHASH];

static struct sockev **
ev_slot(struct netconn *conn)
{
	return &evhash[((uintptr_t)conn >> 4) % EVHASH];
}

/* The event record of conn, made on first use; NULL when memory is out. */
static struct sockev *
ev_get(struct netconn *conn)
{
	struct sockev **h = ev_slot(conn), *e;

	for (e = *h; e != NULL; e = e->next)
		if (e->conn == conn)
			return e;
	if ((e = kmem_zalloc(sizeof(*e))) == NULL)
		return NULL;
	e->conn = conn;
	e->next = *h;
	*h = e;
	return e;
}

static void
ev_free(struct netconn *conn)
{
	struct sockev **pp, *e;

	for (pp = ev_slot(conn); (e = *pp) != NULL; pp = &e->next)
		if (e->conn == conn) {
			*pp = e->next;
			kmem_free(e, sizeof(*e));
			return;
		}
}

/* lwIP's event callback: runs with the kernel entered (net.h). */
void
so_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
	struct sockev *e = ev_get(conn);

	(void)len;
	if (e == NULL)
		return;
	switch (evt) {
	case NETCONN_EVT_RCVPLUS:
		e->rcvevent++;
		break;
	case NETCONN_EVT_RCVMINUS:
		e->rcvevent--;
		break;
	case NETCONN_EVT_SENDPLUS:
		e->sendevent = true;
		break;
	case NETCONN_EVT_SENDMINUS:
		e->sendevent = false;
		break;
	case NETCONN_EVT_ERROR:
		e->errevent = true;
		break;
	}
	kcv_broadcast(&poll_kcv);
}

int
lwip_errno(err_t err)
{
	/* clang-format off */
	switch (err) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return RUMP_ENOMEM;
	case ERR_BUF:		return RUMP_ENOBUFS;
	case ERR_TIMEOUT:	return RUMP_EAGAIN;
	case ERR_RTE:		return RUMP_EHOSTUNREACH;
	case ERR_INPROGRESS:	return RUMP_EINPROGRESS;
	case ERR_VAL:		return RUMP_EINVAL;
	case ERR_WOULDBLOCK:	return RUMP_EAGAIN;
	case ERR_USE:		return RUMP_EADDRINUSE;
	case ERR_ALREADY:	return RUMP_EALREADY;
	case ERR_ISCONN:	return RUMP_EISCONN;
	case ERR_CONN:		return RUMP_ENOTCONN;
	case ERR_IF:		return RUMP_EHOSTUNREACH;
	case ERR_ABRT:		return RUMP_ECONNABORTED;
	case ERR_RST:		return RUMP_ECONNRESET;
	case ERR_CLSD:		return RUMP_ENOTCONN;
	case ERR_ARG:		return RUMP_EINVAL;
	case ERR_SO_RESTART:	return RUMP_EBADF;
	case ERR_SO_RDSHUT:	return 0;
	default:		return RUMP_EIO;
	}
	/* clang-format on */
}

bool
so_draining(void)
{
	return (curproc()->p_flag & PS_RUMP_LWPEXIT) != 0;
}

static struct ksocket *
sock_of(struct file *fp)
{
	return fp->data;
}

struct ksocket *
getsock(struct lwp *l, int fd, struct file **fpp, int *errp)
{
	struct file *fp = fd_get(l->l_proc->p_fd, fd);

	if (fp == NULL) {
		*errp = RUMP_EBADF;
		return NULL;
	}
	if (fp->ops != &socket_fileops) {
		*errp = RUMP_ENOTSOCK;
		return NULL;
	}
	if (fpp != NULL)
		*fpp = fp;
	return sock_of(fp);
}

/* ---- addresses ---- */

int
addr_in(const void *uaddr, uint32_t len, ip_addr_t *ip, u16_t *port)
{
	struct rump_sockaddr_in sin;
	int error;

	if (len < sizeof(sin))
		return RUMP_EINVAL;
	if ((error = copyin(uaddr, &sin, sizeof(sin))) != 0)
		return error;
	if (sin.sin_family != RUMP_AF_INET)
		return RUMP_EAFNOSUPPORT;
	ip_addr_set_ip4_u32(ip, sin.sin_addr);
	*port = lwip_ntohs(sin.sin_port);
	return 0;
}

/* Copies an address out to (uaddr, *ulenp), NetBSD's way: truncated. */
int
addr_out(const ip_addr_t *ip, u16_t port, void *uaddr, uint32_t *ulenp)
{
	struct rump_sockaddr_in sin = {
		.sin_len = sizeof(sin),
		.sin_family = RUMP_AF_INET,
		.sin_port = lwip_htons(port),
		.sin_addr = ip_addr_get_ip4_u32(ip),
	};
	uint32_t have;
	int error;

	if (uaddr == NULL || ulenp == NULL)
		return 0;
	if ((error = copyin(ulenp, &have, sizeof(have))) != 0)
		return error;
	if ((error = copyout(&sin, uaddr,
		 have < sizeof(sin) ? have : sizeof(sin))) != 0)
		return error;
	have = sizeof(sin);
	return copyout(&have, ulenp, sizeof(have));
}

/* ---- the socket as a file ---- */

struct ksocket *
sock_new(struct netconn *conn, int type)
{
	struct ksocket *so = kmem_zalloc(sizeof(*so));

	if (so == NULL)
		return NULL;
	if ((so->ev = ev_get(conn)) == NULL) {
		kmem_free(so, sizeof(*so));
		return NULL;
	}
	so->conn = conn;
	so->type = type;
	return so;
}

static void
sock_close(struct file *fp)
{
	struct ksocket *so = sock_of(fp);

	if (so->rxp != NULL)
		pbuf_free(so->rxp);
	netconn_delete(so->conn);
	ev_free(so->conn);
	kmem_free(so, sizeof(*so));
	kcv_broadcast(&poll_kcv);
}

static bool
nonblocking(struct file *fp, int flags)
{
	return (fp->flag & FNONBLOCK) || (flags & RUMP_MSG_DONTWAIT);
}

/* Registers w as a call of curlwp's process blocked on so. */
static void
sw_enter(struct ksocket *so, struct sockwait *w)
{
	w->fdp = curlwp()->l_proc->p_fd;
	w->restart = false;
	w->next = so->waits;
	so->waits = w;
}

static void
sw_leave(struct ksocket *so, struct sockwait *w)
{
	struct sockwait **pp;

	for (pp = &so->waits; *pp != w; pp = &(*pp)->next)
		KASSERT(*pp != NULL);
	*pp = w->next;
}

static err_t
so_sliced_wait(struct ksocket *so, struct sockwait *w, int64_t timeout_ms,
    bool send, err_t (*op)(struct ksocket *, void *), void *arg)
{
	int64_t left = timeout_ms;
	err_t err;

	for (;;) {
		int64_t slice = left > 0 && left < SLICE_MS ? left : SLICE_MS;
		if (send)
			netconn_set_sendtimeout(so->conn, (s32_t)slice);
		else
			netconn_set_recvtimeout(so->conn, (u32_t)slice);
		err = op(so, arg);
		if (err != ERR_TIMEOUT && err != ERR_WOULDBLOCK)
			return err;
		if (so_draining())
			return ERR_ABRT; /* EINTR below */
		if (w->restart)
			return ERR_SO_RESTART;
		if (!send && so->rdshut)
			return ERR_SO_RDSHUT;
		if (timeout_ms > 0 && (left -= slice) <= 0)
			return ERR_TIMEOUT;
	}
}

/*
 * Runs a netconn wait in slices: op() with the netconn's timeout set to
 * one slice, again while it times out, until the caller's own timeout
 * (0: none), the process drains, or the descriptor is closed in the
 * caller's table (sock_restart).
 */
err_t
so_sliced(struct ksocket *so, int64_t timeout_ms, bool send,
    err_t (*op)(struct ksocket *, void *), void *arg)
{
	struct sockwait w;
	err_t err;

	sw_enter(so, &w);
	err = so_sliced_wait(so, &w, timeout_ms, send, op, arg);
	sw_leave(so, &w);
	return err;
}

static err_t
op_recv_tcp(struct ksocket *so, void *arg)
{
	return netconn_recv_tcp_pbuf(so->conn, arg);
}

static err_t
op_recv_udp(struct ksocket *so, void *arg)
{
	return netconn_recv(so->conn, arg);
}

/* One read of up to len bytes into kbuf: TCP takes what is there. */
int
so_recv(struct file *fp, struct recv_args *ra, size_t *done)
{
	struct ksocket *so = sock_of(fp);
	struct netbuf *nb;
	err_t err;

	*done = 0;
	if (so->type == RUMP_SOCK_DGRAM) {
		if (nonblocking(fp, ra->flags))
			netconn_set_nonblocking(so->conn, 1);
		netconn_set_recvtimeout(so->conn, 0);
		err = nonblocking(fp, ra->flags) ?
		    netconn_recv(so->conn, &nb) :
		    so_sliced(so, so->rcvtimeo_ms, false, op_recv_udp, &nb);
		netconn_set_nonblocking(so->conn, 0);
		if (err == ERR_ABRT && so_draining())
			return RUMP_EINTR;
		if (err != ERR_OK)
			return lwip_errno(err);
		*done = netbuf_copy(nb, ra->buf,
		    (u16_t)(ra->len > 0xffff ? 0xffff : ra->len));
		ra->from = *netbuf_fromaddr(nb);
		ra->port = netbuf_fromport(nb);
		ra->fromset = true;
		netbuf_delete(nb); /* a datagram's rest is dropped */
		return 0;
	}
	if (so->listening)
		return RUMP_EINVAL;
	if (so->rxp == NULL) {
		struct pbuf *p = NULL;
		if (so->eof || so->rdshut)
			return 0;
		if (nonblocking(fp, ra->flags)) {
			err = netconn_recv_tcp_pbuf_flags(so->conn, &p,
			    NETCONN_DONTBLOCK);
		} else {
			err = so_sliced(so, so->rcvtimeo_ms, false, op_recv_tcp,
			    &p);
		}
		if (err == ERR_ABRT && so_draining())
			return RUMP_EINTR;
		if (err == ERR_SO_RDSHUT)
			return 0;
		if (err == ERR_CLSD || (err == ERR_OK && p == NULL)) {
			so->eof = true;
			return 0;
		}
		if (err != ERR_OK)
			return lwip_errno(err);
		so->rxp = p;
		so->rxoff = 0;
	}
	*done = pbuf_copy_partial(so->rxp, ra->buf,
	    (u16_t)(ra->len > 0xffff ? 0xffff : ra->len), so->rxoff);
	if (!(ra->flags & RUMP_MSG_PEEK)) {
		so->rxoff = (uint16_t)(so->rxoff + *done);
		if (so->rxoff >= so->rxp->tot_len) {
			pbuf_free(so->rxp);
			so->rxp = NULL;
		}
	}
	return 0;
}

int
so_send(struct file *fp, const void *buf, size_t len, int flags,
    const ip_addr_t *to, u16_t port, size_t *done)
{
	struct ksocket *so = sock_of(fp);
	struct sockwait w;
	struct netbuf *nb;
	size_t written = 0;
	err_t err = ERR_OK;
	int64_t left = so->sndtimeo_ms;

	*done = 0;
	if (so->wrshut) {
		if (!so->nosigpipe && !(flags & RUMP_MSG_NOSIGNAL))
			ksignal(curproc(), RUMP_SIGPIPE);
		return RUMP_EPIPE;
	}
	if (so->type == RUMP_SOCK_DGRAM) {
		if (len > 65507)
			return RUMP_EMSGSIZE;
		if ((nb = netbuf_new()) == NULL)
			return RUMP_ENOBUFS;
		if (netbuf_alloc(nb, (u16_t)len) == NULL) {
			netbuf_delete(nb);
			return RUMP_ENOBUFS;
		}
		memcpy(nb->p->payload, buf, len);
		err = to != NULL ? netconn_sendto(so->conn, nb, to, port) :
				   netconn_send(so->conn, nb);
		netbuf_delete(nb);
		if (err == ERR_OK)
			*done = len;
		return lwip_errno(err);
	}
	sw_enter(so, &w);
	while (written < len) {
		size_t n = 0;

		if (so->wrshut_pending) /* shut under us: stop here */
			break;
		if (nonblocking(fp, flags)) {
			err = netconn_write_partly(so->conn,
			    (const char *)buf + written, len - written,
			    NETCONN_COPY | NETCONN_DONTBLOCK, &n);
			written += n;
			break;
		}
		netconn_set_sendtimeout(so->conn, SLICE_MS);
		err = netconn_write_partly(so->conn, (const char *)buf + written,
		    len - written, NETCONN_COPY, &n);
		written += n;
		if (err == ERR_OK && n > 0)
			continue;
		if (err != ERR_OK && err != ERR_WOULDBLOCK && err != ERR_TIMEOUT)
			break;
		/* No room for a whole slice: give up only when told to. */
		if (so_draining()) {
			err = ERR_ABRT;
			break;
		}
		if (w.restart) {
			err = ERR_SO_RESTART;
			break;
		}
		if (so->sndtimeo_ms > 0 && (left -= SLICE_MS) <= 0) {
			err = ERR_WOULDBLOCK;
			break;
		}
	}
	sw_leave(so, &w);
	*done = written;
	if (so->wrshut_pending) { /* shutdown(SHUT_WR) waited for us */
		so->wrshut_pending = false;
		netconn_shutdown(so->conn, 0, 1);
	}
	if (written > 0)
		return 0; /* a short write is a success */
	if (err == ERR_ABRT && so_draining())
		return RUMP_EINTR;
	if (err == ERR_RST || err == ERR_CLSD || err == ERR_CONN ||
	    err == ERR_ABRT) {
		if (!so->nosigpipe && !(flags & RUMP_MSG_NOSIGNAL))
			ksignal(curproc(), RUMP_SIGPIPE);
		return RUMP_EPIPE;
	}
	return lwip_errno(err);
}

static int
sock_read(struct file *fp, void *buf, size_t len, size_t *done)
{
	struct recv_args ra = { .buf = buf, .len = len };

	return so_recv(fp, &ra, done);
}

static int
sock_write(struct file *fp, const void *buf, size_t len, size_t *done)
{
	return so_send(fp, buf, len, 0, NULL, 0, done);
}

static int
sock_poll(struct file *fp, int events)
{
	struct ksocket *so = sock_of(fp);
	struct sockev *e = so->ev;
	int rev = 0;

	if (so->rxp != NULL || e->rcvevent > 0 || so->eof || so->rdshut)
		rev |= events & (RUMP_POLLIN | RUMP_POLLRDNORM);
	if (e->errevent)
		rev |= RUMP_POLLERR | (events & (RUMP_POLLIN | RUMP_POLLRDNORM));
	if (!so->listening && (so->type == RUMP_SOCK_DGRAM || e->sendevent))
		rev |= events & (RUMP_POLLOUT);
	if (so->type == RUMP_SOCK_STREAM && so->eof && e->errevent)
		rev |= RUMP_POLLHUP;
	return rev;
}

static int
sock_nread(struct file *fp, int *n)
{
	struct ksocket *so = sock_of(fp);

	*n = so->rxp != NULL ? so->rxp->tot_len - so->rxoff : 0;
	if (*n == 0 && so->conn->recv_avail > 0)
		*n = so->conn->recv_avail;
	return 0;
}

static void
sock_restart(struct file *fp, struct filedesc *fdp)
{
	for (struct sockwait *w = sock_of(fp)->waits; w != NULL; w = w->next)
		if (w->fdp == fdp)
			w->restart = true;
	kcv_broadcast(&poll_kcv);
}

const struct fileops socket_fileops = {
	.fo_read = sock_read,
	.fo_write = sock_write,
	.fo_close = sock_close,
	.fo_poll = sock_poll,
	.fo_nread = sock_nread,
	.fo_restart = sock_restart,
};
