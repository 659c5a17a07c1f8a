/*
 * The kernel's TCP/IP stack (lwIP, kernel/net) in the image: TCP through
 * the loopback interface between two threads; the Ethernet interface's
 * address from DHCP or the command line; TCP through QEMU's user network
 * to an echo server that tests/qemu/run.py runs on the host (10.0.2.2 is
 * the host's 127.0.0.1; the port comes as NETTEST_ECHO_PORT=n).
 * lwIP's netconn calls run with the kernel entered (rump_schedule).
 */
#include <stdlib.h>
#include <string.h>

#include "hyp/malloc.h"
#include "kern.h"
#include "net.h"
#include "plat/clock.h"
#include "plat/testcase.h"
#include "rump/rump.h"

#include "lwip/api.h"
#include "lwip/netif.h"
#include "rump/rumpuser_sp.h"

#define ECHO_TOTAL 65536
#define ECHO_CHUNK 16384
#define LOOP_PORT  7

static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251 + 3);
}

/* Echoes everything on one accepted connection of the listener in arg. */
static void *
loop_server(void *arg)
{
	struct netconn *lis = arg, *c;
	struct netbuf *nb;
	void *data;
	u16_t len;

	rump_schedule();
	if (netconn_accept(lis, &c) == ERR_OK) {
		while (netconn_recv(c, &nb) == ERR_OK) {
			do {
				netbuf_data(nb, &data, &len);
				netconn_write(c, data, len, NETCONN_COPY);
			} while (netbuf_next(nb) >= 0);
			netbuf_delete(nb);
		}
		netconn_close(c);
		netconn_delete(c);
	}
	rump_unschedule();
	return NULL;
}

/*
 * Sends ECHO_TOTAL bytes of a pattern to addr:port in chunks and reads
 * each chunk back. 0, or the lwIP error; in the kernel.
 */
static int
echo_through(const ip_addr_t *addr, u16_t port, uint64_t *ns)
{
	/* On the heap: the test image must still serve at -m 2M. */
	unsigned char *out;
	struct netconn *c;
	struct netbuf *nb;
	uint64_t t0 = plat_clock_monotonic();
	size_t sent = 0, got = 0;
	err_t err;

	if ((out = hyp_malloc(ECHO_CHUNK, 64)) == NULL)
		return ERR_MEM;
	if ((c = netconn_new(NETCONN_TCP)) == NULL) {
		hyp_free(out, ECHO_CHUNK);
		return ERR_MEM;
	}
	netconn_set_recvtimeout(c, 10000);
	if ((err = netconn_connect(c, addr, port)) != ERR_OK)
		goto out;
	while (sent < ECHO_TOTAL && err == ERR_OK) {
		for (size_t i = 0; i < ECHO_CHUNK; i++)
			out[i] = pattern(sent + i);
		if ((err = netconn_write(c, out, ECHO_CHUNK, NETCONN_COPY)) !=
		    ERR_OK)
			break;
		sent += ECHO_CHUNK;
		while (got < sent && (err = netconn_recv(c, &nb)) == ERR_OK) {
			do {
				void *data;
				u16_t len;

				netbuf_data(nb, &data, &len);
				for (u16_t i = 0; i < len; i++)
					if (((unsigned char *)data)[i] !=
					    pattern(got + i)) {
						kprintf("  byte %zu differs\n",
						    got + i);
						err = ERR_VAL;
					}
				got += len;
			} while (netbuf_next(nb) >= 0);
			netbuf_delete(nb);
		}
	}
	if (err == ERR_OK && got != ECHO_TOTAL)
		err = ERR_VAL;
	*ns = plat_clock_monotonic() - t0;
out:
	netconn_close(c);
	netconn_delete(c);
	hyp_free(out, ECHO_CHUNK);
	return err;
}

TESTCASE(net_tcp_loopback)
{
	struct netconn *lis;
	ip_addr_t lo;
	void *server;
	uint64_t ns = 0;
	int err;

	TCHECK(rump_init() == 0, "rump_init");
	rump_schedule();
	IP_ADDR4(&lo, 127, 0, 0, 1);
	lis = netconn_new(NETCONN_TCP);
	TCHECK(lis != NULL, "netconn_new");
	TCHECK(netconn_bind(lis, &lo, LOOP_PORT) == ERR_OK, "bind");
	TCHECK(netconn_listen(lis) == ERR_OK, "listen");
	TCHECK(rumpuser_thread_create(loop_server, lis, "echo-server", 1, 0, -1,
		   &server) == 0,
	    "server thread");
	err = echo_through(&lo, LOOP_PORT, &ns);
	/* Blocking hypercalls are made from inside the kernel. */
	rumpuser_thread_join(server);
	netconn_delete(lis);
	rump_unschedule();
	TCHECK(err == ERR_OK, "echo through 127.0.0.1: lwIP error %d", err);
	kprintf("net: loopback tcp echoed %d bytes in %lu ms\n", ECHO_TOTAL,
	    (unsigned long)(ns / 1000000));
	return 0;
}

/* The interface has an address; the transcript shows which and how. */
TESTCASE(net_address)
{
	char buf[IP4ADDR_STRLEN_MAX];

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_net_wait_address(20000000000ULL) == 0, "no address in 20 s");
	rump_schedule();
	ip4addr_ntoa_r(netif_ip4_addr(netif_default), buf, sizeof(buf));
	rump_unschedule();
	kprintf("net: default interface has %s\n", buf);
	return 0;
}

TESTCASE(net_tcp_echo_host)
{
	char buf[16];
	ip_addr_t host;
	uint64_t ns = 0;
	long port;
	int err;

	TCHECK(rumpuser_getparam("NETTEST_ECHO_PORT", buf, sizeof(buf)) == 0,
	    "no NETTEST_ECHO_PORT parameter");
	port = strtol(buf, NULL, 10);
	TCHECK(port > 0 && port < 65536, "bad port %s", buf);
	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_net_wait_address(20000000000ULL) == 0, "no address in 20 s");
	IP_ADDR4(&host, 10, 0, 2, 2);
	rump_schedule();
	err = echo_through(&host, (u16_t)port, &ns);
	rump_unschedule();
	TCHECK(err == ERR_OK, "echo through 10.0.2.2:%ld: lwIP error %d", port,
	    err);
	kprintf("net: tcp echoed %d bytes through 10.0.2.2:%ld in %lu ms\n",
	    ECHO_TOTAL, port, (unsigned long)(ns / 1000000));
	return 0;
}

/* ---- the rump_sp transport's accept goes on after failed connections ---- */

#define SP_TEST_PORT 4711
#define STR_(x)	     #x
#define STR(x)	     STR_(x)

struct accept_result {
	const struct sp_transport *tr;
	struct sp_listener *l;
	struct sp_sock *s;
	int error;
};

static void *
sp_acceptor(void *arg)
{
	struct accept_result *a = arg;

	a->error = a->tr->accept(a->l, &a->s);
	return NULL;
}

/*
 * lwIP's out-of-memory path for three connection requests (an abort in
 * the accept queue each), then a real connection: accept must return that
 * one, not give up the listener at the first failure.
 */
TESTCASE(net_sp_accept_goes_on_after_failures)
{
	struct accept_result a = { .tr = net_sp_transport(), .error = -1 };
	struct netconn *c;
	ip_addr_t lo;
	void *t;
	err_t err;

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(a.tr->listen("tcp://127.0.0.1:" STR(SP_TEST_PORT), &a.l) == 0,
	    "listen");
	net_sp_listener_fail(a.l, 3);
	TCHECK(rumpuser_thread_create(sp_acceptor, &a, "acceptor", 1, 0, -1,
		   &t) == 0,
	    "acceptor thread");
	rump_schedule();
	IP_ADDR4(&lo, 127, 0, 0, 1);
	c = netconn_new(NETCONN_TCP);
	err = c == NULL ? ERR_MEM : netconn_connect(c, &lo, SP_TEST_PORT);
	rump_unschedule();
	rumpuser_thread_join(t);
	TCHECK(err == ERR_OK, "connect: lwIP error %d", err);
	TCHECK(a.error == 0, "accept gave up after lwIP's failures: error %d",
	    a.error);
	a.tr->close(a.s);
	a.tr->unlisten(a.l);
	rump_schedule();
	netconn_delete(c);
	rump_unschedule();
	kprintf("net: rump_sp accept went on after 3 failed connections\n");
	return 0;
}
