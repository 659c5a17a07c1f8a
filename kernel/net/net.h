/*
 * The kernel's TCP/IP stack: lwIP over the rumpuser_ext_net_*() extension
 * (kernel/net, CONFIG_NET_LWIP; in the host build too, doc/host-net.md).
 *
 * lwIP runs as part of the kernel: its threads (tcpip, the interface's
 * receiver) hold the virtual CPU whenever they run, and every wait in the
 * port (sys_arch.c) hands the CPU back while it waits. So lwIP's sequential
 * API (netconn, lwip/api.h) must be called with the kernel entered
 * (rump_schedule(), or inside a system call), never from a bare thread.
 */
#ifndef KERN_NET_H
#define KERN_NET_H

#include <stdint.h>

/*
 * Starts lwIP: the tcpip thread, 127.0.0.1 on the loopback interface, and
 * the machine's Ethernet interface as the default route, configured from
 * the RUMP_NET_IPV4=a.b.c.d/len and RUMP_NET_GW=a.b.c.d parameters or
 * else by DHCP (the address is printed once known: "net: ADDR/LEN gw GW
 * (dhcp)"). A bad parameter is reported by name and DHCP is used.
 * Returns 0, ENXIO without a network device (loopback is up all the same),
 * or ENOMEM; NetBSD's numbers. Called once by rump_init() after init
 * exists, from outside the kernel (it enters the kernel itself).
 */
int net_init(void);

/* rump_net_wait_address(): public, see rump/rump.h. */

/* The rump_sp server's transport over lwIP TCP, for rumpuser_sp_set_transport. */
struct sp_transport;
const struct sp_transport *net_sp_transport(void);
/* For tests: lwIP's out-of-pcb path n times on l (sp_transport.c). */
struct sp_listener;
void net_sp_listener_fail(struct sp_listener *l, int n);

#endif
