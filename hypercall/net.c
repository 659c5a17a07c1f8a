/*
 * The rumpuser_ext_net_*() extension on bare metal (see rump/rumpuser.h):
 * the platform's network device (plat/net.h) with blocking on top. A thread
 * that must wait for a frame, or for transmit room, gives the kernel's
 * virtual CPU back (hyp_unsched), puts itself on the waiter list and blocks;
 * the device's interrupt calls net_notify, which wakes every waiter, and
 * each one looks again. Any number of threads may wait at once; one
 * receiving thread is the expected use.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "hyp/upcall.h"
#include "plat/init.h"
#include "plat/net.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define ETHER_HDR     14
#define TX_RECHECK_NS 100000000ULL /* a sender looks again after 100 ms */

#ifdef CONFIG_PLAT_VIRTIO_NET

/* A blocked caller; lives on its stack while linked. */
struct net_waiter {
	struct thread *t;
	struct net_waiter *next;
};

/* Changed with interrupts disabled: net_notify walks it. */
static struct net_waiter *waiters;

/*
 * Interrupt context: wakes whoever waits. Only general registers here, as
 * in the platform, since interrupt entry does not save the SSE state.
 */
__attribute__((target("general-regs-only"))) static void
net_notify(void *arg)
{
	(void)arg;
	for (struct net_waiter *w = waiters; w != NULL; w = w->next)
		sched_wake(w->t);
}

static void
net_hyp_init(void)
{
	if (plat_net_present())
		plat_net_set_notify(net_notify, NULL);
}
PLAT_INITCALL(PLAT_INIT_HYPERCALL, net_hyp_init);

/*
 * Blocks until net_notify or the deadline (0: none). Called and returns
 * with interrupts disabled, so that no notification falls between the
 * caller's last look at the device and the block.
 */
static void
wait_notify(uint64_t deadline)
{
	struct net_waiter w = { sched_current(), waiters }, **pp;

	waiters = &w;
	sched_block(deadline);
	for (pp = &waiters; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	}
}

int
rumpuser_ext_net_info(uint8_t mac[6], int *mtu)
{
	if (!plat_net_present())
		return RUMP_ENXIO;
	if (mac != NULL)
		plat_net_mac(mac);
	if (mtu != NULL)
		*mtu = PLAT_NET_FRAME_MAX - ETHER_HDR;
	return 0;
}

int
rumpuser_ext_net_send(const void *frame, size_t len)
{
	uint64_t s;
	int err, nlocks;

	if (frame == NULL || len < ETHER_HDR)
		return RUMP_EINVAL;
	if ((err = plat_net_send(frame, len)) != RUMP_EAGAIN)
		return err;
	hyp_unsched(&nlocks, NULL);
	for (;;) {
		s = sched_md_intr_save();
		if ((err = plat_net_send(frame, len)) != RUMP_EAGAIN) {
			sched_md_intr_restore(s);
			break;
		}
		/* The device interrupts when room appears; the deadline is a safety net. */
		wait_notify(sched_md_now() + TX_RECHECK_NS);
		sched_md_intr_restore(s);
	}
	hyp_sched(nlocks, NULL);
	return err;
}

int
rumpuser_ext_net_recv(void *buf, size_t size, size_t *lenp, uint64_t timeout_ns)
{
	uint64_t deadline = 0, now, s;
	int err, nlocks;

	if (buf == NULL || lenp == NULL)
		return RUMP_EINVAL;
	if ((err = plat_net_recv(buf, size, lenp)) != RUMP_EAGAIN)
		return err;
	if (timeout_ns != 0) {
		now = sched_md_now();
		deadline = now + timeout_ns < now ? UINT64_MAX : now + timeout_ns;
	}
	hyp_unsched(&nlocks, NULL);
	for (;;) {
		s = sched_md_intr_save();
		if ((err = plat_net_recv(buf, size, lenp)) != RUMP_EAGAIN) {
			sched_md_intr_restore(s);
			break;
		}
		if (deadline != 0 && sched_md_now() >= deadline) {
			sched_md_intr_restore(s);
			err = RUMP_ETIMEDOUT;
			break;
		}
		wait_notify(deadline);
		sched_md_intr_restore(s);
	}
	hyp_sched(nlocks, NULL);
	return err;
}

#else /* !CONFIG_PLAT_VIRTIO_NET: no driver, no device */

int
rumpuser_ext_net_info(uint8_t mac[6], int *mtu)
{
	(void)mac;
	(void)mtu;
	return RUMP_ENXIO;
}

int
rumpuser_ext_net_send(const void *frame, size_t len)
{
	(void)frame;
	(void)len;
	return RUMP_ENXIO;
}

int
rumpuser_ext_net_recv(void *buf, size_t size, size_t *lenp, uint64_t timeout_ns)
{
	(void)buf;
	(void)size;
	(void)lenp;
	(void)timeout_ns;
	return RUMP_ENXIO;
}

#endif
