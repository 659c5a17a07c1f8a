/*
 * The virtio-net driver and the rumpuser_ext_net_*() extension on QEMU's
 * user network (slirp): the guest is 10.0.2.15, the gateway 10.0.2.2
 * answers ARP. Frames are built by hand; receiving blocks in
 * rumpuser_ext_net_recv until the device's interrupt wakes the thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hyp/sched.h"
#include "plat/clock.h"
#include "plat/net.h"
#include "plat/pci.h"
#include "plat/string.h"
#include "plat/testcase.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define MS	       1000000ULL
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_TEST 0x88b5 /* IEEE local experimental: slirp drops it */

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An ARP request "who has 10.0.2.2, tell 10.0.2.15", padded to 60 bytes. */
static size_t
arp_request(uint8_t *f, const uint8_t mac[6])
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, ETHERTYPE_ARP);
	put16(f + 14, 1);      /* Ethernet */
	put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1); /* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, guest_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	return 60;
}

static bool
is_arp_reply(const uint8_t *f, size_t len, const uint8_t mac[6])
{
	return len >= 42 && get16(f + 12) == ETHERTYPE_ARP &&
	    get16(f + 20) == 2 && memcmp(f + 28, gw_ip, 4) == 0 &&
	    memcmp(f + 32, mac, 6) == 0 && memcmp(f + 38, guest_ip, 4) == 0;
}

/* Waits up to 3 s for the gateway's ARP reply; its MAC in gw; 0 or errno. */
static int
await_arp_reply(uint8_t gw[6], const uint8_t mac[6])
{
	static uint8_t buf[PLAT_NET_FRAME_MAX];
	uint64_t deadline = plat_clock_monotonic() + 3000 * MS, now;
	size_t len;
	int err;

	while ((now = plat_clock_monotonic()) < deadline) {
		err = rumpuser_ext_net_recv(buf, sizeof(buf), &len,
		    deadline - now);
		if (err != 0)
			return err;
		if (is_arp_reply(buf, len, mac)) {
			memcpy(gw, buf + 22, 6);
			return 0;
		}
	}
	return RUMP_ETIMEDOUT;
}

TESTCASE(virtio_net_arp)
{
	const struct pci_dev *d = pci_find(0x1af4, 0x1041, NULL);
	uint8_t mac[6], gw[6], frame[PLAT_NET_FRAME_MAX + 1];
	uint64_t t0, rtt, best = UINT64_MAX, sum = 0;
	size_t len;
	int mtu, err;

	TCHECK(d != NULL, "no 1af4:1041 in the PCI list");
	TCHECK(d->irq_line < 16, "interrupt line %u", d->irq_line);
	TCHECK(plat_net_present(), "the driver did not come up");
	TCHECK(rumpuser_ext_net_info(mac, &mtu) == 0, "net_info failed");
	TCHECK(memcmp(mac, qemu_mac, 6) == 0, "MAC %02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	TCHECK(mtu == 1500, "mtu %d", mtu);

	/* Nothing arrives unasked: the wait ends by its deadline. */
	t0 = plat_clock_monotonic();
	err = rumpuser_ext_net_recv(frame, sizeof(frame), &len, 50 * MS);
	rtt = plat_clock_monotonic() - t0;
	TCHECK(err == RUMP_ETIMEDOUT, "recv with nothing to receive: %d", err);
	/* Never early; late by whatever the host's load adds: only lost is wrong. */
	TCHECK(rtt >= 50 * MS && rtt < 10000 * MS, "timed out after %lu ns",
	    (unsigned long)rtt);

	/* Bad sizes are refused. */
	memset(frame, 0, sizeof(frame));
	TCHECK(plat_net_send(frame, PLAT_NET_FRAME_MAX + 1) == RUMP_EINVAL,
	    "oversized frame accepted");
	TCHECK(rumpuser_ext_net_send(frame, 10) == RUMP_EINVAL, "runt accepted");

	for (int i = 0; i < 10; i++) {
		len = arp_request(frame, mac);
		t0 = plat_clock_monotonic();
		TCHECK((err = rumpuser_ext_net_send(frame, len)) == 0,
		    "send: error %d", err);
		TCHECK((err = await_arp_reply(gw, mac)) == 0,
		    "no ARP reply from 10.0.2.2 (error %d)", err);
		rtt = plat_clock_monotonic() - t0;
		sum += rtt;
		if (rtt < best)
			best = rtt;
	}
	kprintf("virtio-net: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x; "
		"ARP round trip %lu us best, %lu us mean of 10\n",
	    gw[0], gw[1], gw[2], gw[3], gw[4], gw[5],
	    (unsigned long)(best / 1000), (unsigned long)(sum / 10 / 1000));
	return 0;
}

/*
 * More full-size frames than the transmit ring holds, back to back: the
 * sender waits for room when the ring is full. Then ARP still works.
 */
TESTCASE(virtio_net_tx_burst)
{
	static uint8_t frame[PLAT_NET_FRAME_MAX];
	uint8_t mac[6], gw[6];
	uint64_t t0, dt;
	int err, n = 2000;

	TCHECK(rumpuser_ext_net_info(mac, NULL) == 0, "no device");
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	put16(frame + 12, ETHERTYPE_TEST);
	t0 = plat_clock_monotonic();
	for (int i = 0; i < n; i++) {
		frame[14] = (uint8_t)i;
		TCHECK((err = rumpuser_ext_net_send(frame, sizeof(frame))) == 0,
		    "frame %d: error %d", i, err);
	}
	dt = plat_clock_monotonic() - t0;
	kprintf("virtio-net: %d frames of %u bytes sent in %lu ms (%lu Mbit/s)\n",
	    n, PLAT_NET_FRAME_MAX, (unsigned long)(dt / MS),
	    (unsigned long)((uint64_t)n * PLAT_NET_FRAME_MAX * 8 /
		(dt / 1000 + 1)));
	TCHECK(rumpuser_ext_net_send(frame, arp_request(frame, mac)) == 0,
	    "send");
	TCHECK((err = await_arp_reply(gw, mac)) == 0, "no ARP reply (%d)", err);
	return 0;
}

/* Two threads wait at once; each of two replies reaches one of them. */
static int results[2];

static void
receiver(void *arg)
{
	static uint8_t bufs[2][PLAT_NET_FRAME_MAX];
	int i = (int)(intptr_t)arg;
	size_t len;
	int err;

	do {
		err = rumpuser_ext_net_recv(bufs[i], sizeof(bufs[i]), &len,
		    3000 * MS);
	} while (err == 0 && !is_arp_reply(bufs[i], len, qemu_mac));
	results[i] = err;
}

TESTCASE(virtio_net_two_receivers)
{
	uint8_t frame[64];
	struct thread *t[2];

	TCHECK(plat_net_present(), "no device");
	for (int i = 0; i < 2; i++) {
		results[i] = -1;
		t[i] = sched_create("net-rx", receiver, (void *)(intptr_t)i,
		    THREAD_MUSTJOIN);
		TCHECK(t[i] != NULL, "sched_create");
	}
	sched_relinquish(); /* both are now blocked in recv */
	for (int i = 0; i < 2; i++)
		TCHECK(rumpuser_ext_net_send(frame,
			   arp_request(frame, qemu_mac)) == 0,
		    "send");
	for (int i = 0; i < 2; i++)
		sched_join(t[i]);
	TCHECK(results[0] == 0 && results[1] == 0, "receivers: %d %d",
	    results[0], results[1]);
	kprintf("virtio-net: two waiting receivers got one reply each\n");
	return 0;
}

TESTCASE(virtio_net_absent)
{
	uint8_t buf[64], mac[6];
	size_t len;
	int mtu;

	TCHECK(!plat_net_present(), "a device is present");
	TCHECK(rumpuser_ext_net_info(mac, &mtu) == RUMP_ENXIO, "net_info");
	TCHECK(rumpuser_ext_net_send(buf, 60) == RUMP_ENXIO, "net_send");
	TCHECK(rumpuser_ext_net_recv(buf, sizeof(buf), &len, 0) == RUMP_ENXIO,
	    "net_recv");
	TCHECK(plat_net_recv(buf, sizeof(buf), &len) == RUMP_ENXIO,
	    "plat_net_recv");
	return 0;
}
