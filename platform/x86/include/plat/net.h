/*
 * The machine's network interface: the first virtio-net PCI device
 * (platform/x86/virtio_net.c), raw Ethernet frames without the FCS. Thread
 * context unless said otherwise; the hypercall layer turns this into the
 * rumpuser_ext_net_*() extension the kernel's network stack uses.
 */
#ifndef PLAT_NET_H
#define PLAT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_NET_FRAME_MAX 1514 /* Ethernet header + 1500 */

/* True when a device was found and set up at boot. */
bool plat_net_present(void);
void plat_net_mac(uint8_t mac[6]);

/*
 * Queues one frame (copied) for sending. 0; EAGAIN when the transmit ring
 * is full (wait for the notify and retry); EINVAL for a frame longer than
 * PLAT_NET_FRAME_MAX; ENXIO without a device. Never blocks.
 */
int plat_net_send(const void *frame, size_t len);

/*
 * Takes the next received frame into buf (size bytes; a longer frame is
 * dropped with EMSGSIZE). 0 and *lenp; EAGAIN when none is pending; ENXIO
 * without a device. Never blocks.
 */
int plat_net_recv(void *buf, size_t size, size_t *lenp);

/*
 * fn(arg) runs in interrupt context when frames arrive or transmit slots
 * free up; it may only wake a thread (sched_wake). One notifier.
 */
void plat_net_set_notify(void (*fn)(void *), void *arg);

#endif
