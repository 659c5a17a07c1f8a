/*
 * NetBSD's socket system calls (numbers and argument slots of doc/rump_sp.md)
 * on the kernel's sockets (socket.c). User memory goes through copyin and
 * copyout, so remote clients' calls work the same as local ones.
 */
#include <stddef.h>
#include <string.h>

#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "socket.h"

#define MAX_BACKLOG 255

/* Puts a new socket file in the table: descriptor in *fdp. */
static int
sock_install(struct lwp *l, struct ksocket *so, int flags, int *fdp)
{
	struct filedesc *fdp_ = l->l_proc->p_fd;
	struct file *fp;
	int error;

	fp = file_alloc(&socket_fileops,
	    FREAD | FWRITE | (flags & RUMP_SOCK_NONBLOCK ? FNONBLOCK : 0), so);
	if (fp == NULL)
		return RUMP_ENOMEM;
	if ((error = fd_alloc(fdp_, 0, fp, fdp)) != 0) {
		file_release(fp); /* closes the socket */
		return error;
	}
	if (flags & RUMP_SOCK_CLOEXEC)
		fdp_->cloexec[*fdp] = 1;
	if (flags & RUMP_SOCK_NOSIGPIPE)
		so->nosigpipe = true;
	return 0;
}

int
sys_socket(struct lwp *l, const void *a, register_t *rv)
{
	int domain = ARG(a, 0, int), type = ARG(a, 1, int);
	int proto = ARG(a, 2, int), flags, fd, error;
	struct netconn *conn;
	struct ksocket *so;

	flags = type &
	    (RUMP_SOCK_CLOEXEC | RUMP_SOCK_NONBLOCK | RUMP_SOCK_NOSIGPIPE);
	type &= ~(RUMP_SOCK_CLOEXEC | RUMP_SOCK_NONBLOCK | RUMP_SOCK_NOSIGPIPE);
	if (domain != RUMP_AF_INET)
		return RUMP_EAFNOSUPPORT;
	if (type == RUMP_SOCK_STREAM && (proto == 0 || proto == RUMP_IPPROTO_TCP))
		conn = netconn_new_with_callback(NETCONN_TCP, so_event);
	else if (type == RUMP_SOCK_DGRAM &&
	    (proto == 0 || proto == RUMP_IPPROTO_UDP))
		conn = netconn_new_with_callback(NETCONN_UDP, so_event);
	else if (type == RUMP_SOCK_STREAM || type == RUMP_SOCK_DGRAM)
		return RUMP_EPROTONOSUPPORT;
	else
		return RUMP_ESOCKTNOSUPPORT;
	if (conn == NULL)
		return RUMP_ENOBUFS;
	if ((so = sock_new(conn, type)) == NULL) {
		netconn_delete(conn);
		return RUMP_ENOMEM;
	}
	if (type == RUMP_SOCK_DGRAM)
		so->ev->sendevent = true;
	if ((error = sock_install(l, so, flags, &fd)) != 0)
		return error;
	*rv = fd;
	return 0;
}

static int
sys_bind(struct lwp *l, const void *a, register_t *rv)
{
	struct ksocket *so;
	ip_addr_t ip;
	u16_t port;
	int error;

	(void)rv;
	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if ((error = addr_in(ARG(a, 1, const void *), ARG(a, 2, uint32_t), &ip,
		 &port)) != 0)
		return error;
	return lwip_errno(netconn_bind(so->conn, &ip, port));
}

static int
sys_listen(struct lwp *l, const void *a, register_t *rv)
{
	int backlog = ARG(a, 1, int), error;
	struct ksocket *so;

	(void)rv;
	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if (so->type != RUMP_SOCK_STREAM)
		return RUMP_EOPNOTSUPP;
	if (backlog < 1 || backlog > MAX_BACKLOG)
		backlog = MAX_BACKLOG;
	if ((error = lwip_errno(
		 netconn_listen_with_backlog(so->conn, (u8_t)backlog))) == 0)
		so->listening = true;
	return error;
}

static err_t
op_accept(struct ksocket *so, void *arg)
{
	return netconn_accept(so->conn, arg);
}

static int
do_accept(struct lwp *l, const void *a, register_t *rv, int flags)
{
	struct netconn *nc = NULL;
	struct ksocket *so, *nso;
	struct file *fp;
	ip_addr_t ip;
	u16_t port;
	err_t err;
	int fd, error;

	if ((so = getsock(l, ARG(a, 0, int), &fp, &error)) == NULL)
		return error;
	if (!so->listening)
		return RUMP_EINVAL;
	if (fp->flag & FNONBLOCK) {
		netconn_set_nonblocking(so->conn, 1);
		err = netconn_accept(so->conn, &nc);
		netconn_set_nonblocking(so->conn, 0);
	} else {
		err = so_sliced(so, so->rcvtimeo_ms, false, op_accept, &nc);
	}
	if (err == ERR_ABRT && so_draining())
		return RUMP_EINTR;
	if (err != ERR_OK)
		return lwip_errno(err);
	if ((nso = sock_new(nc, RUMP_SOCK_STREAM)) == NULL) {
		netconn_delete(nc);
		return RUMP_ENOMEM;
	}
	nso->ev->sendevent = true;
	if ((error = sock_install(l, nso, flags, &fd)) != 0)
		return error;
	if (netconn_peer(nc, &ip, &port) == ERR_OK &&
	    (error = addr_out(&ip, port, ARG(a, 1, void *),
		 ARG(a, 2, uint32_t *))) != 0) {
		fd_close(l->l_proc->p_fd, fd);
		return error;
	}
	*rv = fd;
	return 0;
}

static int
sys_accept(struct lwp *l, const void *a, register_t *rv)
{
	return do_accept(l, a, rv, 0);
}

/* paccept(s, name, anamelen, sigmask, flags): the flags are SOCK_*. */
static int
sys_paccept(struct lwp *l, const void *a, register_t *rv)
{
	return do_accept(l, a, rv, ARG(a, 4, int));
}

static int
sys_connect(struct lwp *l, const void *a, register_t *rv)
{
	struct ksocket *so;
	struct file *fp;
	ip_addr_t ip;
	u16_t port;
	err_t err;
	int error;

	(void)rv;
	if ((so = getsock(l, ARG(a, 0, int), &fp, &error)) == NULL)
		return error;
	if ((error = addr_in(ARG(a, 1, const void *), ARG(a, 2, uint32_t), &ip,
		 &port)) != 0)
		return error;
	if (fp->flag & FNONBLOCK)
		netconn_set_nonblocking(so->conn, 1);
	err = netconn_connect(so->conn, &ip, port);
	netconn_set_nonblocking(so->conn, 0);
	if (err == ERR_OK && so->type == RUMP_SOCK_STREAM)
		so->ev->sendevent = true;
	/* A reset answering the SYN: nobody listens there. */
	if (err == ERR_RST && so->type == RUMP_SOCK_STREAM)
		return RUMP_ECONNREFUSED;
	return lwip_errno(err);
}

/* ---- data ---- */

struct xfer_sock {
	struct file *fp;
	int flags;
	struct recv_args ra;
	const ip_addr_t *to;
	u16_t port;
};

static int
xfer_recv(void *arg, void *kbuf, size_t n, size_t *done)
{
	struct xfer_sock *x = arg;

	x->ra.buf = kbuf;
	x->ra.len = n;
	return so_recv(x->fp, &x->ra, done);
}

static int
xfer_send(void *arg, void *kbuf, size_t n, size_t *done)
{
	struct xfer_sock *x = arg;

	return so_send(x->fp, kbuf, n, x->flags, x->to, x->port, done);
}

static int
sys_sendto(struct lwp *l, const void *a, register_t *rv)
{
	struct xfer_sock x = { .flags = ARG(a, 3, int) };
	const void *to = ARG(a, 4, const void *);
	struct ksocket *so;
	ip_addr_t ip;
	size_t done = 0;
	int error;

	if ((so = getsock(l, ARG(a, 0, int), &x.fp, &error)) == NULL)
		return error;
	if (to != NULL && so->type == RUMP_SOCK_DGRAM) {
		if ((error = addr_in(to, ARG(a, 5, uint32_t), &ip, &x.port)) != 0)
			return error;
		x.to = &ip;
	}
	/* A datagram must go in one piece: no chunking for them. */
	if (so->type == RUMP_SOCK_DGRAM && ARG(a, 2, size_t) > 65507)
		return RUMP_EMSGSIZE;
	error = uio_move(ARG(a, 1, void *), ARG(a, 2, size_t), true,
	    so->type == RUMP_SOCK_DGRAM, xfer_send, &x, &done);
	*rv = (register_t)done;
	return error;
}

static int
sys_recvfrom(struct lwp *l, const void *a, register_t *rv)
{
	struct xfer_sock x = { .flags = ARG(a, 3, int) };
	struct ksocket *so;
	size_t done = 0;
	int error;

	if ((so = getsock(l, ARG(a, 0, int), &x.fp, &error)) == NULL)
		return error;
	x.ra.flags = x.flags;
	error = uio_move(ARG(a, 1, void *), ARG(a, 2, size_t), false, true,
	    xfer_recv, &x, &done);
	if (error == 0 && ARG(a, 4, void *) != NULL) {
		if (x.ra.fromset)
			error = addr_out(&x.ra.from, x.ra.port,
			    ARG(a, 4, void *), ARG(a, 5, uint32_t *));
		else if (netconn_peer(so->conn, &x.ra.from, &x.ra.port) == ERR_OK)
			error = addr_out(&x.ra.from, x.ra.port,
			    ARG(a, 4, void *), ARG(a, 5, uint32_t *));
	}
	*rv = (register_t)done;
	return error;
}

/*
 * sendmsg/recvmsg where simple: the iovec and the address; no control
 * data (msg_controllen must be 0 for sendmsg; recvmsg returns none).
 */
static int
msg_io(struct lwp *l, const void *a, register_t *rv, bool send)
{
	struct xfer_sock x = { .flags = ARG(a, 2, int) };
	uintptr_t umh = ARG(a, 1, uintptr_t);
	struct rump_msghdr mh;
	struct rump_iovec iov;
	struct ksocket *so;
	ip_addr_t ip;
	size_t total = 0, done;
	int error;

	if ((so = getsock(l, ARG(a, 0, int), &x.fp, &error)) == NULL)
		return error;
	if ((error = copyin((const void *)umh, &mh, sizeof(mh))) != 0)
		return error;
	if (mh.msg_iovlen < 0 || mh.msg_iovlen > RUMP_IOV_MAX)
		return RUMP_EMSGSIZE;
	if (send && mh.msg_controllen != 0)
		return RUMP_EINVAL;
	if (send && mh.msg_name != NULL && so->type == RUMP_SOCK_DGRAM) {
		if ((error = addr_in(mh.msg_name, mh.msg_namelen, &ip, &x.port)) !=
		    0)
			return error;
		x.to = &ip;
	}
	x.ra.flags = x.flags;
	for (int i = 0; i < mh.msg_iovlen; i++) {
		/* Integer arithmetic: user addresses are not our objects. */
		if ((error = copyin((const void *)((uintptr_t)mh.msg_iov +
					(size_t)i * sizeof(iov)),
			 &iov, sizeof(iov))) != 0)
			break;
		done = 0;
		error = uio_move(iov.iov_base, iov.iov_len, send,
		    !send || so->type == RUMP_SOCK_DGRAM,
		    send ? xfer_send : xfer_recv, &x, &done);
		total += done;
		/* Datagrams: one per call, from the first non-empty iovec. */
		if (error != 0 || done < iov.iov_len ||
		    (so->type == RUMP_SOCK_DGRAM && iov.iov_len > 0))
			break;
	}
	if (total > 0)
		error = 0;
	if (error == 0 && !send) {
		if (mh.msg_name != NULL && x.ra.fromset)
			error = addr_out(&x.ra.from, x.ra.port, mh.msg_name,
			    (void *)(umh +
				offsetof(struct rump_msghdr, msg_namelen)));
		mh.msg_controllen = 0;
		mh.msg_flags = 0;
		if (error == 0)
			error = copyout(&mh.msg_controllen,
			    (void *)(umh +
				offsetof(struct rump_msghdr, msg_controllen)),
			    sizeof(mh.msg_controllen) + sizeof(mh.msg_flags));
	}
	*rv = (register_t)total;
	return error;
}

static int
sys_sendmsg(struct lwp *l, const void *a, register_t *rv)
{
	return msg_io(l, a, rv, true);
}

static int
sys_recvmsg(struct lwp *l, const void *a, register_t *rv)
{
	return msg_io(l, a, rv, false);
}

/* ---- names, options, shutdown ---- */

static int
getname(struct lwp *l, const void *a, bool local)
{
	struct ksocket *so;
	ip_addr_t ip;
	u16_t port;
	err_t err;
	int error;

	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if ((err = netconn_getaddr(so->conn, &ip, &port, local)) != ERR_OK)
		return local ? lwip_errno(err) : RUMP_ENOTCONN;
	return addr_out(&ip, port, ARG(a, 1, void *), ARG(a, 2, uint32_t *));
}

static int
sys_getsockname(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return getname(l, a, true);
}

static int
sys_getpeername(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return getname(l, a, false);
}

/* A pcb option, set or cleared in lwIP's core context. */
static void
pcb_option(struct ksocket *so, u8_t opt, bool on)
{
	LOCK_TCPIP_CORE();
	if (so->conn->pcb.ip != NULL) {
		if (on)
			ip_set_option(so->conn->pcb.ip, opt);
		else
			ip_reset_option(so->conn->pcb.ip, opt);
	}
	UNLOCK_TCPIP_CORE();
}

static int
sys_setsockopt(struct lwp *l, const void *a, register_t *rv)
{
	int level = ARG(a, 1, int), name = ARG(a, 2, int), v = 0, error;
	const void *val = ARG(a, 3, const void *);
	uint32_t size = ARG(a, 4, uint32_t);
	struct rump_timeval tv;
	struct ksocket *so;

	(void)rv;
	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if (level == RUMP_SOL_SOCKET &&
	    (name == RUMP_SO_RCVTIMEO || name == RUMP_SO_SNDTIMEO)) {
		if (size < sizeof(tv))
			return RUMP_EINVAL;
		if ((error = copyin(val, &tv, sizeof(tv))) != 0)
			return error;
		/* Also EDOM where the milliseconds would overflow. */
		if (tv.tv_sec < 0 || tv.tv_sec > INT64_MAX / 1000 - 1 ||
		    tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return RUMP_EDOM; /* as NetBSD */
		int64_t ms = tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
		if (name == RUMP_SO_RCVTIMEO)
			so->rcvtimeo_ms = ms;
		else
			so->sndtimeo_ms = ms;
		return 0;
	}
	if (size < sizeof(int))
		return RUMP_EINVAL;
	if ((error = copyin(val, &v, sizeof(v))) != 0)
		return error;
	if (level == RUMP_SOL_SOCKET) {
		switch (name) {
		case RUMP_SO_REUSEADDR:
		case RUMP_SO_REUSEPORT:
			pcb_option(so, SOF_REUSEADDR, v != 0);
			return 0;
		case RUMP_SO_KEEPALIVE:
			pcb_option(so, SOF_KEEPALIVE, v != 0);
			return 0;
		case RUMP_SO_BROADCAST:
			pcb_option(so, SOF_BROADCAST, v != 0);
			return 0;
		case RUMP_SO_NOSIGPIPE:
			so->nosigpipe = v != 0;
			return 0;
		case RUMP_SO_RCVBUF:
		case RUMP_SO_SNDBUF:
			if (v <= 0)
				return RUMP_EINVAL;
			if (name == RUMP_SO_RCVBUF) {
				so->rcvbuf = v;
				if (so->type == RUMP_SOCK_DGRAM)
					netconn_set_recvbufsize(so->conn, v);
			} else {
				so->sndbuf = v;
			}
			return 0;
		}
		return RUMP_ENOPROTOOPT;
	}
	if (level == RUMP_IPPROTO_TCP && name == RUMP_TCP_NODELAY) {
		if (so->type != RUMP_SOCK_STREAM)
			return RUMP_ENOPROTOOPT;
		LOCK_TCPIP_CORE();
		if (so->conn->pcb.tcp != NULL) {
			if (v)
				tcp_nagle_disable(so->conn->pcb.tcp);
			else
				tcp_nagle_enable(so->conn->pcb.tcp);
		}
		UNLOCK_TCPIP_CORE();
		return 0;
	}
	return RUMP_ENOPROTOOPT;
}

static int
sys_getsockopt(struct lwp *l, const void *a, register_t *rv)
{
	int level = ARG(a, 1, int), name = ARG(a, 2, int), v = 0, error;
	void *val = ARG(a, 3, void *);
	uint32_t *sizep = ARG(a, 4, uint32_t *), size;
	struct rump_timeval tv = { 0, 0, 0 };
	struct ksocket *so;
	const void *out = &v;
	uint32_t outlen = sizeof(v);

	(void)rv;
	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if ((error = copyin(sizep, &size, sizeof(size))) != 0)
		return error;
	if (level == RUMP_SOL_SOCKET) {
		switch (name) {
		case RUMP_SO_REUSEADDR:
		case RUMP_SO_REUSEPORT:
			v = so->conn->pcb.ip != NULL &&
				ip_get_option(so->conn->pcb.ip, SOF_REUSEADDR) ?
			    name :
			    0;
			break;
		case RUMP_SO_KEEPALIVE:
			v = so->conn->pcb.ip != NULL &&
				ip_get_option(so->conn->pcb.ip, SOF_KEEPALIVE) ?
			    name :
			    0;
			break;
		case RUMP_SO_TYPE:
			v = so->type;
			break;
		case RUMP_SO_ERROR:
			v = lwip_errno(netconn_err(so->conn));
			so->ev->errevent = false;
			break;
		case RUMP_SO_RCVBUF:
			v = so->rcvbuf != 0 ?
			    so->rcvbuf :
			    (so->type == RUMP_SOCK_STREAM ? TCP_WND : 65536);
			break;
		case RUMP_SO_SNDBUF:
			v = so->sndbuf != 0 ?
			    so->sndbuf :
			    (so->type == RUMP_SOCK_STREAM ? TCP_SND_BUF : 65536);
			break;
		case RUMP_SO_NOSIGPIPE:
			v = so->nosigpipe;
			break;
		case RUMP_SO_RCVTIMEO:
		case RUMP_SO_SNDTIMEO: {
			int64_t ms = name == RUMP_SO_RCVTIMEO ? so->rcvtimeo_ms :
								so->sndtimeo_ms;
			tv.tv_sec = ms / 1000;
			tv.tv_usec = (int32_t)(ms % 1000) * 1000;
			out = &tv;
			outlen = sizeof(tv);
			break;
		}
		default:
			return RUMP_ENOPROTOOPT;
		}
	} else if (level == RUMP_IPPROTO_TCP && name == RUMP_TCP_NODELAY &&
	    so->type == RUMP_SOCK_STREAM) {
		v = so->conn->pcb.tcp != NULL &&
			tcp_nagle_disabled(so->conn->pcb.tcp) ?
		    1 :
		    0;
	} else {
		return RUMP_ENOPROTOOPT;
	}
	if (size > outlen)
		size = outlen;
	if ((error = copyout(out, val, size)) != 0)
		return error;
	return copyout(&size, sizep, sizeof(size));
}

/*
 * The receive side is shut here, not in lwIP: lwIP (without full-duplex
 * netconns) would free the mailbox a reader in another thread waits on.
 * Readers see the mark within a slice and get end of file. The send side
 * goes to lwIP (a FIN), after a write in progress if there is one.
 */
static int
sys_shutdown(struct lwp *l, const void *a, register_t *rv)
{
	int how = ARG(a, 1, int), error;
	struct ksocket *so;
	err_t err = ERR_OK;

	(void)rv;
	{
		struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
		if (fp != NULL && fp->ops == &lsock_fileops)
			return lsock_shutdown(fp, how); /* socketpair end */
	}
	if ((so = getsock(l, ARG(a, 0, int), NULL, &error)) == NULL)
		return error;
	if (how < RUMP_SHUT_RD || how > RUMP_SHUT_RDWR)
		return RUMP_EINVAL;
	if (so->type != RUMP_SOCK_STREAM || so->listening)
		return RUMP_ENOTCONN;
	if (how != RUMP_SHUT_WR)
		so->rdshut = true;
	if (how != RUMP_SHUT_RD && !so->wrshut) {
		so->wrshut = true;
		err = netconn_shutdown(so->conn, 0, 1);
		if (err == ERR_INPROGRESS) { /* a write is under way */
			so->wrshut_pending = true;
			err = ERR_OK;
		}
	}
	kcv_broadcast(&poll_kcv);
	return lwip_errno(err);
}

/*
 * Each call on a socket descriptor (the first argument) holds its file
 * while it runs: a close() by another thread then only marks the socket
 * (sock_restart) and the call blocked through that table ends with EBADF
 * within a slice.
 */
#define HELD(name)                                                         \
	int name##_held(struct lwp *l, const void *a, register_t *rv)      \
	{                                                                  \
		struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int)); \
		int error;                                                 \
                                                                           \
		if (fp != NULL)                                            \
			file_hold(fp);                                     \
		error = name(l, a, rv);                                    \
		if (fp != NULL)                                            \
			file_release(fp);                                  \
		return error;                                              \
	}
HELD(sys_recvmsg)
HELD(sys_sendmsg)
HELD(sys_recvfrom)
HELD(sys_accept)
HELD(sys_getpeername)
HELD(sys_getsockname)
HELD(sys_connect)
HELD(sys_bind)
HELD(sys_setsockopt)
HELD(sys_listen)
HELD(sys_getsockopt)
HELD(sys_sendto)
HELD(sys_shutdown)
HELD(sys_paccept)
