/*
 * The rump_sp server's byte streams in the image (rump/rumpuser_sp.h): TCP
 * over lwIP's netconn API, handed to the server by rump_init_server(). The server's threads live outside the kernel,
 * so each call here enters it (lwIP runs only with the kernel entered, see
 * net.h) and lwIP's waits give the CPU back while they wait. Only
 * tcp://ADDR:PORT: the image has no file-system sockets to offer.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "lwip/api.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "rump/rumpuser_sp.h"

#define SEND_SLICE_MS	 1000
#define RECV_SLICE_MS	 200
#define SEND_TIMEOUT_S	 30	  /* a client that reads nothing: dropped */
#define ACCEPT_PAUSE_NS	 10000000 /* after a failed accept: 10 ms */
#define ACCEPT_SAY_EVERY 100	  /* console line per failed accepts */

struct sp_listener {
	struct netconn *conn;
	bool closed;
	unsigned long failures; /* connections lost before accept */
};

struct sp_sock {
	struct netconn *conn;
	struct pbuf *rx; /* received, not yet taken */
	uint16_t rxoff;
	bool dead;
};

static int
parse_tcp(const char *url, ip_addr_t *ip, u16_t *port)
{
	const char *a, *colon, *p;
	char host[64];
	unsigned long v = 0;

	if (strncmp(url, "tcp://", 6) != 0)
		return strstr(url, "://") == NULL ? RUMP_EINVAL : RUMP_EOPNOTSUPP;
	a = url + 6;
	if ((colon = strchr(a, ':')) == NULL ||
	    (size_t)(colon - a) >= sizeof(host))
		return RUMP_EINVAL;
	memcpy(host, a, (size_t)(colon - a));
	host[colon - a] = '\0';
	if (strcmp(host, "*") == 0 || strcmp(host, "0") == 0)
		ip_addr_set_any(0, ip);
	else if (!ipaddr_aton(host, ip))
		return RUMP_EINVAL;
	for (p = colon + 1; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long)(*p - '0')) >= 65536)
			return RUMP_ERANGE;
	if (p == colon + 1 || (*p != '\0' && *p != '/'))
		return RUMP_EINVAL;
	*port = (u16_t)v;
	return 0;
}

static int
nc_listen(const char *url, struct sp_listener **lp)
{
	struct sp_listener *l;
	ip_addr_t ip;
	u16_t port;
	err_t err;
	int error;

	if ((error = parse_tcp(url, &ip, &port)) != 0)
		return error;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return RUMP_ENOMEM;
	rump_schedule();
	l->conn = netconn_new(NETCONN_TCP);
	if (l->conn == NULL) {
		err = ERR_MEM;
	} else {
		LOCK_TCPIP_CORE();
		ip_set_option(l->conn->pcb.ip, SOF_REUSEADDR);
		UNLOCK_TCPIP_CORE();
		err = netconn_bind(l->conn, &ip, port);
		if (err == ERR_OK)
			err = netconn_listen_with_backlog(l->conn, 255);
		if (err != ERR_OK)
			netconn_delete(l->conn);
	}
	rump_unschedule();
	if (err != ERR_OK) {
		free(l);
		return err == ERR_USE ? RUMP_EADDRINUSE : RUMP_ENOMEM;
	}
	*lp = l;
	return 0;
}

/*
 * Waits for the next connection. Failures on the way are lwIP's word about
 * one connection, not about the listener: no memory for its pcb or netconn
 * (lwIP then puts an abort in the accept queue), or no memory here. They
 * are counted and said once in a while, and accepting goes on after a
 * pause for memory to come back: a listener that gave up on one failure
 * left every later client established at QEMU's forwarder and waiting for
 * a banner forever. Only unlisten ends accepting.
 */
static int
nc_accept(struct sp_listener *l, struct sp_sock **sp)
{
	struct netconn *nc;
	struct sp_sock *s = NULL;
	err_t err;

	for (;;) {
		if (l->closed)
			return RUMP_ENOTCONN;
		nc = NULL;
		rump_schedule();
		err = netconn_accept(l->conn, &nc);
		if (err == ERR_OK) {
			LOCK_TCPIP_CORE();
			if (nc->pcb.tcp != NULL)
				tcp_nagle_disable(nc->pcb.tcp);
			UNLOCK_TCPIP_CORE();
			if (l->closed || (s = calloc(1, sizeof(*s))) == NULL) {
				netconn_delete(nc);
				if (!l->closed)
					err = ERR_MEM;
			}
		}
		rump_unschedule();
		if (l->closed)
			return RUMP_ENOTCONN;
		if (err == ERR_OK)
			break;
		if (l->failures++ % ACCEPT_SAY_EVERY == 0)
			kern_printf("rump_sp: a connection failed before it was "
				    "accepted (lwIP error %d, %lu so far); still "
				    "listening\n",
			    (int)err, l->failures);
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, ACCEPT_PAUSE_NS);
	}
	s->conn = nc;
	*sp = s;
	return 0;
}

static void
nc_unlisten(struct sp_listener *l)
{
	/*
	 * Only marked: closing the netconn under the thread waiting in
	 * accept would free the mailbox it waits on (lwIP without full-duplex
	 * netconns). This is called when the kernel halts, and the image ends
	 * right after; a connection accepted meanwhile is closed at once.
	 */
	l->closed = true;
}

static int
nc_recv(struct sp_sock *s, void *buf, size_t len)
{
	size_t done = 0;
	err_t err = ERR_OK;

	rump_schedule();
	while (done < len) {
		if (s->rx == NULL) {
			if (s->dead) {
				err = ERR_CLSD;
				break;
			}
			/* In slices: sp_shutdown from another thread ends it. */
			netconn_set_recvtimeout(s->conn, RECV_SLICE_MS);
			err = netconn_recv_tcp_pbuf(s->conn, &s->rx);
			if (err == ERR_TIMEOUT)
				continue;
			if (err != ERR_OK || s->rx == NULL) {
				s->rx = NULL;
				err = ERR_CLSD;
				break;
			}
			s->rxoff = 0;
		}
		u16_t n = pbuf_copy_partial(s->rx, (char *)buf + done,
		    (u16_t)(len - done > 0xffff ? 0xffff : len - done), s->rxoff);
		done += n;
		s->rxoff = (uint16_t)(s->rxoff + n);
		if (s->rxoff >= s->rx->tot_len) {
			pbuf_free(s->rx);
			s->rx = NULL;
		}
	}
	rump_unschedule();
	return err == ERR_OK ? 0 : RUMP_ENOTCONN;
}

static int
nc_sendv(struct sp_sock *s, const struct sp_iov *iov, int n)
{
	struct netvector v[8];
	int i = 0, k, stuck = 0;
	size_t skip = 0, w;
	err_t err = ERR_OK;

	rump_schedule();
	while (i < n && !s->dead) {
		int m = 0;

		if (iov[i].len == skip) { /* empty or done: lwIP wants neither */
			i++;
			skip = 0;
			continue;
		}
		for (k = 0; i + k < n && m < 8; k++) {
			if (iov[i + k].len == (k == 0 ? skip : 0))
				continue;
			v[m].ptr = (const char *)iov[i + k].base +
			    (k == 0 ? skip : 0);
			v[m].len = iov[i + k].len - (k == 0 ? skip : 0);
			m++;
		}
		w = 0;
		netconn_set_sendtimeout(s->conn, SEND_SLICE_MS);
		err = netconn_write_vectors_partly(s->conn, v, (u16_t)m,
		    NETCONN_COPY, &w);
		if (w == 0 &&
		    (err == ERR_OK || err == ERR_WOULDBLOCK ||
			err == ERR_TIMEOUT)) {
			if (++stuck >= SEND_TIMEOUT_S) {
				err = ERR_TIMEOUT;
				break;
			}
			continue;
		}
		if (err != ERR_OK && err != ERR_WOULDBLOCK && err != ERR_TIMEOUT)
			break;
		stuck = 0;
		err = ERR_OK;
		while (i < n && w >= iov[i].len - skip) {
			w -= iov[i].len - skip;
			skip = 0;
			i++;
		}
		skip += w;
	}
	if (err != ERR_OK)
		s->dead = true;
	rump_unschedule();
	return err == ERR_OK && i == n ? 0 : RUMP_EPIPE;
}

/*
 * Only marked: without lwIP's full-duplex netconns, a shutdown must not
 * run under another thread's wait on the same netconn. The reader and the
 * senders see the mark within a slice; sp_close, once they are all done,
 * closes the connection for the peer.
 */
static void
nc_shutdown(struct sp_sock *s)
{
	rump_schedule();
	s->dead = true;
	rump_unschedule();
}

static void
nc_close(struct sp_sock *s)
{
	rump_schedule();
	if (s->rx != NULL)
		pbuf_free(s->rx);
	netconn_delete(s->conn);
	rump_unschedule();
	free(s);
}

static const struct sp_transport netconn_transport = {
	.listen = nc_listen,
	.accept = nc_accept,
	.unlisten = nc_unlisten,
	.recv = nc_recv,
	.sendv = nc_sendv,
	.shutdown = nc_shutdown,
	.close = nc_close,
};

const struct sp_transport *
net_sp_transport(void)
{
	return &netconn_transport;
}

/*
 * For the image's tests (linked into every image, as they are): what lwIP does when a connection request finds no
 * memory for its pcb (tcp_listen_input calls the listener's accept
 * callback without one), n times on l.
 */
void
net_sp_listener_fail(struct sp_listener *l, int n)
{
	struct tcp_pcb_listen *lpcb;

	rump_schedule();
	LOCK_TCPIP_CORE();
	lpcb = (struct tcp_pcb_listen *)l->conn->pcb.tcp;
	while (n-- > 0)
		(void)lpcb->accept(lpcb->callback_arg, NULL, ERR_MEM);
	UNLOCK_TCPIP_CORE();
	rump_unschedule();
}
