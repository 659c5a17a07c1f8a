/*
 * lwIP's configuration for the kernel (lwIP 2.1, opt.h has the defaults).
 * What is on: IPv4, ARP, ICMP, UDP, TCP, DHCP, the loopback interface and
 * the netconn API over the tcpip thread. What is off: lwIP's own sockets
 * (the kernel implements NetBSD's sockets over netconn), IPv6, DNS, IGMP,
 * AutoIP, statistics.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

/* An operating system underneath: threads, semaphores, mailboxes. */
#define NO_SYS		     0
#define SYS_LIGHTWEIGHT_PROT 1
/*
 * The API calls of application threads run in the caller under the core
 * lock instead of as messages to the tcpip thread: one thread switch less
 * per call.
 */
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_NETCONN		1
#define LWIP_SOCKET		0
#define LWIP_NETIF_API		0
#define LWIP_SO_RCVTIMEO	1
#define LWIP_SO_SNDTIMEO	1
#define LWIP_SO_RCVBUF		1
#define LWIP_TCP_KEEPALIVE	1
#define SO_REUSE		1
#define TCP_LISTEN_BACKLOG	1

/*
 * Memory: everything from the C library's malloc, which is the hypercall
 * allocator, so nothing is carved out at build time and idle pools cost
 * nothing.
 */
#define MEM_LIBC_MALLOC	  1
#define MEMP_MEM_MALLOC	  1
#define MEM_ALIGNMENT	  8
#define PBUF_POOL_BUFSIZE 1536 /* a whole Ethernet frame */

/* Protocols. */
#define LWIP_IPV4	    1
#define LWIP_IPV6	    0
#define LWIP_ARP	    1
#define LWIP_ETHERNET	    1
#define LWIP_ICMP	    1
#define LWIP_UDP	    1
#define LWIP_TCP	    1
#define LWIP_RAW	    0
#define LWIP_DHCP	    1
#define DHCP_DOES_ARP_CHECK 0 /* saves a second per lease */
#define LWIP_AUTOIP	    0
#define LWIP_IGMP	    0
#define LWIP_DNS	    0
#define IP_REASSEMBLY	    1
#define IP_FRAG		    1

/* TCP: a 64 KiB window each way with the full Ethernet segment. */
#define TCP_MSS		 1460
#define TCP_WND		 (44 * TCP_MSS)
#define TCP_SND_BUF	 (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
/*
 * Connections: the rump_sp server takes 255 clients at once (sp/server.c,
 * README), the image's own sockets come on top, and closed ones linger in
 * TIME_WAIT. With MEMP_MEM_MALLOC the MEMP_NUM_* counts below are not
 * enforced (every pcb, netconn and pbuf is a malloc; memory is the only
 * limit, and running out of it fails one connection, which
 * kernel/net/sp_transport.c survives); they are sized to that promise so
 * that a build with fixed pools would keep it too.
 */
#define SP_CLIENTS_MAX		255
#define MEMP_NUM_TCP_SEG	TCP_SND_QUEUELEN
#define MEMP_NUM_TCP_PCB	(2 * SP_CLIENTS_MAX + 64)
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_UDP_PCB	16
#define MEMP_NUM_NETCONN \
	(MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN + MEMP_NUM_UDP_PCB)
#define PBUF_POOL_SIZE 128
#define LWIP_WND_SCALE 0

/* Interfaces. */
#define LWIP_HAVE_LOOPIF	   1
#define LWIP_NETIF_LOOPBACK	   1
#define LWIP_LOOPBACK_MAX_PBUFS	   64
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   0
#define LWIP_SINGLE_NETIF	   0

/*
 * Mailboxes need a size: sys_arch.c's are fixed rings (a pointer a slot).
 * The accept queue holds every connection a listener may have waiting
 * (the rump_sp server listens with a backlog of 255): when it is full,
 * lwIP resets the next connection, which a client within the limit must
 * never see. The tcpip thread's queue takes the frames of all clients at
 * once; a full one drops a frame (the sender retransmits, a second later).
 */
#define TCPIP_MBOX_SIZE		  512
#define DEFAULT_RAW_RECVMBOX_SIZE 64
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_TCP_RECVMBOX_SIZE 64
#define DEFAULT_ACCEPTMBOX_SIZE	  (SP_CLIENTS_MAX + 1)
#define TCPIP_THREAD_NAME	  "lwip-tcpip"
#define TCPIP_THREAD_PRIO	  0
#define TCPIP_THREAD_STACKSIZE	  0 /* the hypercall layer's size */

/* The platform has a mem_init() of its own (platform/x86/mem.c). */
#define mem_init lwip_mem_init

/* err_to_errno() answers NetBSD's numbers. */
#define LWIP_ERRNO_INCLUDE "arch/lwip_errno.h"

/* Diagnostics: assertions on (they panic), statistics and debug off. */
#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif
