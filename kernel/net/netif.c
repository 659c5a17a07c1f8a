/*
 * The kernel's network interfaces over lwIP: loopback (127.0.0.1, lwIP's
 * own) and the machine's Ethernet interface "vn0" on the
 * rumpuser_ext_net_*() frames, configured from the command line or by
 * DHCP; and net_init(), which starts it all from rump_init().
 *
 * Frames go out from whichever thread lwIP sends on (tcpip, or an
 * application thread under the core lock) and come in on the receiver
 * thread "lwip-rx", which waits in rumpuser_ext_net_recv() with the CPU
 * given up and hands each frame to the tcpip thread (tcpip_input).
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "net.h"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#define ETH_HDR 14

static struct netif vn0;
static bool have_dev, use_dhcp;
static uint64_t start_ns;

/* Waiters for the first address (rump_net_wait_address). */
static struct rumpuser_mtx *addr_mtx;
static struct rumpuser_cv *addr_cv;
static int addr_ready;

/* ---- the Ethernet interface ---- */

static err_t
vn_linkoutput(struct netif *nif, struct pbuf *p)
{
	static char frame[ETH_HDR + 1500];
	const void *data = p->payload;
	int error;

	if (p->tot_len > ETH_HDR + nif->mtu)
		return ERR_BUF;
	if (p->len != p->tot_len) {
		/* Chains are flattened; the core lock serialises this buffer. */
		pbuf_copy_partial(p, frame, p->tot_len, 0);
		data = frame;
	}
	error = rumpuser_ext_net_send(data, p->tot_len);
	if (error != 0) {
		LINK_STATS_INC(link.err);
		return error == RUMP_ENXIO ? ERR_IF : ERR_MEM;
	}
	return ERR_OK;
}

static err_t
vn_init(struct netif *nif)
{
	int mtu;

	if (rumpuser_ext_net_info(nif->hwaddr, &mtu) != 0)
		return ERR_IF;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	nif->mtu = (u16_t)mtu;
	nif->name[0] = 'v';
	nif->name[1] = 'n';
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	nif->output = etharp_output;
	nif->linkoutput = vn_linkoutput;
	return ERR_OK;
}

/* The receiver: one frame at a time into a pbuf, on to the tcpip thread. */
static void
vn_receiver(void *arg)
{
	struct netif *nif = arg;
	struct pbuf *p;
	size_t len;
	int error;

	for (;;) {
		p = pbuf_alloc(PBUF_RAW, ETH_HDR + nif->mtu, PBUF_POOL);
		if (p == NULL || p->next != NULL) {
			/* Out of memory: let the sender retransmit. */
			if (p != NULL)
				pbuf_free(p);
			rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 10000000);
			continue;
		}
		error = rumpuser_ext_net_recv(p->payload, p->len, &len, 0);
		if (error != 0) {
			pbuf_free(p);
			if (error == RUMP_ETIMEDOUT)
				continue;
			kern_printf("net: vn0: receiving stopped: error %d\n",
			    error);
			return;
		}
		pbuf_realloc(p, (u16_t)len);
		if (nif->input(p, nif) != ERR_OK)
			pbuf_free(p);
	}
}

/* Runs in the tcpip thread: prints the address once it is known. */
static void
vn_status(struct netif *nif)
{
	char addr[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX];

	if (!netif_is_up(nif) || ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return;
	ip4addr_ntoa_r(netif_ip4_addr(nif), addr, sizeof(addr));
	ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw));
	kern_printf("net: %s/%d gw %s (%s)\n", addr,
	    __builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(nif))), gw,
	    use_dhcp ? "dhcp" : "static");
	if (use_dhcp)
		kern_printf("net: dhcp lease after %lu ms\n",
		    (unsigned long)((kclock_ns() - start_ns) / 1000000));
	rumpuser_mutex_enter(addr_mtx);
	addr_ready = 1;
	rumpuser_cv_broadcast(addr_cv);
	rumpuser_mutex_exit(addr_mtx);
}

/* ---- configuration from the command line ---- */

/* "a.b.c.d" into *a; false when malformed. */
static bool
parse_ip4(const char *s, ip4_addr_t *a)
{
	unsigned int b[4];
	int n = 0;

	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9')
			return false;
		v = strtoul(s, &end, 10);
		if (v > 255 || end == s)
			return false;
		b[i] = (unsigned int)v;
		s = end;
		n++;
		if (i < 3 && *s++ != '.')
			return false;
	}
	if (*s != '\0' || n != 4)
		return false;
	IP4_ADDR(a, b[0], b[1], b[2], b[3]);
	return true;
}

/*
 * RUMP_NET_IPV4=a.b.c.d/len and RUMP_NET_GW=a.b.c.d. True with the static
 * configuration; false for DHCP (no parameter, or a bad one, reported).
 */
static bool
static_config(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	char buf[64], *slash, *end;
	unsigned long len = 24;

	ip4_addr_set_zero(gw);
	if (rumpuser_getparam("RUMP_NET_IPV4", buf, sizeof(buf)) != 0)
		return false;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		len = strtoul(slash, &end, 10);
		if (*slash < '0' || *slash > '9' || *end != '\0' || len > 32)
			goto bad;
	}
	if (!parse_ip4(buf, ip))
		goto bad;
	ip4_addr_set_u32(mask, len == 0 ? 0 : lwip_htonl(~0U << (32 - len)));
	if (rumpuser_getparam("RUMP_NET_GW", buf, sizeof(buf)) == 0 &&
	    !parse_ip4(buf, gw)) {
		kern_printf("net: parameter RUMP_NET_GW: invalid value '%s' "
			    "(expected a.b.c.d); no gateway\n",
		    buf);
		ip4_addr_set_zero(gw);
	}
	return true;
bad:
	kern_printf("net: parameter RUMP_NET_IPV4: invalid value (expected "
		    "a.b.c.d/len); using DHCP\n");
	return false;
}

/* ---- start-up ---- */

static void
tcpip_ready(void *arg)
{
	sys_sem_signal(arg);
}

/* Runs in the kernel. */
static int
net_start(void)
{
	ip4_addr_t ip, mask, gw;
	sys_sem_t ready;
	uint8_t mac[6];
	int mtu, error;

	if (sys_sem_new(&ready, 0) != ERR_OK)
		return RUMP_ENOMEM;
	tcpip_init(tcpip_ready, &ready);
	sys_arch_sem_wait(&ready, 0);
	sys_sem_free(&ready);

	if ((error = rumpuser_ext_net_info(mac, &mtu)) != 0) {
#ifndef CONFIG_NET_HOST
		/* A host kernel without RUMP_NET_TAP is the usual case: quiet. */
		kern_printf("net: no network device; loopback 127.0.0.1 only\n");
#endif
		if (error != RUMP_ENXIO)
			kern_printf("net: the network device: error %d\n", error);
		return error;
	}
	use_dhcp = !static_config(&ip, &mask, &gw);
	if (use_dhcp) {
		ip4_addr_set_zero(&ip);
		ip4_addr_set_zero(&mask);
		ip4_addr_set_zero(&gw);
	}
	LOCK_TCPIP_CORE();
	if (netif_add(&vn0, &ip, &mask, &gw, NULL, vn_init, tcpip_input) == NULL) {
		UNLOCK_TCPIP_CORE();
		kern_printf("net: cannot set up the network device\n");
		return RUMP_ENXIO;
	}
	kern_printf("net: vn0 %02x:%02x:%02x:%02x:%02x:%02x mtu %d%s\n", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5], mtu,
	    use_dhcp ? ", asking DHCP" : "");
	netif_set_status_callback(&vn0, vn_status);
	netif_set_default(&vn0);
	netif_set_up(&vn0);
	if (use_dhcp && dhcp_start(&vn0) != ERR_OK) {
		UNLOCK_TCPIP_CORE();
		return RUMP_ENOMEM;
	}
	UNLOCK_TCPIP_CORE();
	have_dev = true;
	sys_thread_new("lwip-rx", vn_receiver, &vn0, 0, 0);
	return 0;
}

int
net_init(void)
{
	int error;

	start_ns = kclock_ns();
	rumpuser_mutex_init(&addr_mtx, 0);
	rumpuser_cv_init(&addr_cv);
	rump_schedule();
	error = net_start();
	rump_unschedule();
	return error;
}

int
rump_net_wait_address(uint64_t timeout_ns)
{
	uint64_t deadline = kclock_ns() + timeout_ns, now;
	int error = 0;

	if (!have_dev)
		return RUMP_ENXIO;
	/* In the kernel, so that the waits below give the CPU to lwIP. */
	rump_schedule();
	rumpuser_mutex_enter(addr_mtx);
	while (!addr_ready) {
		if (timeout_ns == 0) {
			rumpuser_cv_wait(addr_cv, addr_mtx);
			continue;
		}
		if ((now = kclock_ns()) >= deadline) {
			error = RUMP_ETIMEDOUT;
			break;
		}
		rumpuser_cv_timedwait(addr_cv, addr_mtx,
		    (int64_t)((deadline - now) / 1000000000ULL),
		    (int64_t)((deadline - now) % 1000000000ULL));
	}
	rumpuser_mutex_exit(addr_mtx);
	rump_unschedule();
	return error;
}
