/*
 * virtio-net over PCI, the modern (virtio 1.0) interface: device 1af4:1041,
 * or a transitional 1af4:1000 (subsystem 1) through its modern
 * capabilities. A legacy-only device is reported and left alone.
 *
 * One receive and one transmit split virtqueue, each with a 2 KiB buffer per
 * descriptor: receive buffers are all posted at start and reposted as soon
 * as a frame is copied out; a frame to send is copied into its slot's
 * buffer behind a zeroed virtio_net_hdr. Legacy INTx on the PIC line the
 * firmware routed; the handler reads the ISR status (which acknowledges the
 * interrupt) and calls the notifier. Everything else runs in thread
 * context, and with cooperative threads no two callers overlap: the rings
 * need no lock (the interrupt handler never touches them).
 *
 * Addresses given to the device are physical: memory is identity-mapped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/init.h"
#include "plat/intr.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/net.h"
#include "plat/pci.h"
#include "plat/string.h"
#include "rump/rumpdefs.h"
#include "virtio.h"

#define VIRTIO_ID_NET_MODERN 0x1041
#define VIRTIO_SUBSYS_NET    1

/* Feature bits. */
#define F_NET_MAC     5
#define F_NET_STATUS  16
#define NET_S_LINK_UP 1

#define Q_RX	  0 /* receiveq1 */
#define Q_TX	  1 /* transmitq1 */
#define QSIZE_MAX 256
#define BUF_SIZE  2048
#define HDR_SIZE  12 /* virtio_net_hdr with VERSION_1 */

/*
 * A split virtqueue in one 16 KiB block (descriptors, available ring and
 * used ring a page each) plus its buffers, one per descriptor.
 * avail_idx and used_last are free-running; index the rings modulo size.
 */
struct vq {
	uint16_t size;
	struct vdesc *desc;
	volatile struct vavail *avail;
	volatile struct vused *used;
	uint16_t avail_idx; /* what we last published */
	uint16_t used_last; /* next used entry to take */
	volatile uint16_t *doorbell;
	uint8_t *bufs;
	unsigned bufs_order;
	uint16_t free[QSIZE_MAX]; /* transmit: idle descriptors */
	uint16_t nfree;
};

static struct {
	bool present;
	const struct pci_dev *pci;
	struct vtransport t;
	uint64_t features;
	uint8_t mac[6];
	struct vq rx, tx;
	void (*notify)(void *);
	void *notify_arg;
	uint64_t irqs;
} vn;


/* ---- rings ---- */

static void
vq_kick(struct vq *q, uint16_t index)
{
	full_barrier();
	if (!(q->used->flags & USED_F_NO_NOTIFY))
		*q->doorbell = index;
}

/* Publishes descriptor id in the available ring. */
static void
vq_post(struct vq *q, uint16_t id)
{
	q->avail->ring[q->avail_idx % q->size] = id;
	compiler_barrier(); /* x86 keeps stores in order; the compiler must too */
	q->avail->idx = ++q->avail_idx;
}

/* The next used entry, or false when the device has returned nothing new. */
static bool
vq_take(struct vq *q, uint16_t *id, uint32_t *len)
{
	if (q->used_last == q->used->idx)
		return false;
	compiler_barrier();
	*id = (uint16_t)q->used->ring[q->used_last % q->size].id;
	*len = q->used->ring[q->used_last % q->size].len;
	q->used_last++;
	return true;
}

static uint8_t *
vq_buf(struct vq *q, uint16_t id)
{
	return q->bufs + (size_t)id * BUF_SIZE;
}

static unsigned
order_for(size_t bytes)
{
	unsigned o = 0;

	while (((size_t)PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

static void
vq_free(struct vq *q)
{
	if (q->bufs != NULL)
		plat_page_free(q->bufs, q->bufs_order);
	if (q->desc != NULL)
		plat_page_free(q->desc, 2);
	q->bufs = NULL;
	q->desc = NULL;
}

/* Sets up queue index: memory, the device's registers, enable. 0 or errno. */
static int
vq_init(struct vq *q, uint16_t index, bool receive)
{
	volatile struct vcommon *c = vn.t.common;
	uint8_t *block;
	uint16_t max;

	c->q_select = index;
	max = c->q_size;
	if (max == 0)
		return RUMP_ENXIO;
	if ((block = plat_page_alloc(2, 0)) == NULL)
		return RUMP_ENOMEM;
	/*
	 * Shorter rings on a machine short of memory (the size stays a power
	 * of 2): a ring's buffers take at most 1/16 of the memory, so that on
	 * a 2 MiB machine the kernel keeps room for its threads and copies.
	 */
	q->size = max < QSIZE_MAX ? max : QSIZE_MAX;
	while (q->size > 16 &&
	    (size_t)q->size * BUF_SIZE > plat_pages_total() * PAGE_SIZE / 16)
		q->size /= 2;
	for (;; q->size /= 2) {
		q->bufs_order = order_for((size_t)q->size * BUF_SIZE);
		if ((q->bufs = plat_page_alloc(q->bufs_order, 0)) != NULL)
			break;
		if (q->size <= 16) {
			plat_page_free(block, 2);
			return RUMP_ENOMEM;
		}
	}
	memset(block, 0, 4 * PAGE_SIZE);
	q->desc = (struct vdesc *)block;
	q->avail = (volatile struct vavail *)(block + PAGE_SIZE);
	q->used = (volatile struct vused *)(block + 2 * PAGE_SIZE);
	q->avail_idx = q->used_last = 0;
	q->nfree = 0;
	for (uint16_t i = 0; i < q->size; i++) {
		q->desc[i].addr = (uint64_t)(uintptr_t)vq_buf(q, i);
		q->desc[i].len = BUF_SIZE;
		q->desc[i].flags = receive ? DESC_F_WRITE : 0;
		q->desc[i].next = 0;
		if (!receive)
			q->free[q->nfree++] = i;
	}
	/* Transmit completions interrupt only when a sender waits for room. */
	if (!receive)
		q->avail->flags = AVAIL_F_NO_INTERRUPT;

	c->q_size = q->size;
	c->q_msix = NO_VECTOR;
	c->q_desc_lo = (uint32_t)(uintptr_t)q->desc;
	c->q_desc_hi = (uint32_t)((uint64_t)(uintptr_t)q->desc >> 32);
	c->q_avail_lo = (uint32_t)(uintptr_t)q->avail;
	c->q_avail_hi = (uint32_t)((uint64_t)(uintptr_t)q->avail >> 32);
	c->q_used_lo = (uint32_t)(uintptr_t)q->used;
	c->q_used_hi = (uint32_t)((uint64_t)(uintptr_t)q->used >> 32);
	q->doorbell = virtio_doorbell(&vn.t);
	c->q_enable = 1;
	return 0;
}

/* ---- interrupt ---- */

static void
vn_intr(void *arg)
{
	uint8_t isr;
	void (*fn)(void *);

	(void)arg;
	isr = *vn.t.isr; /* reading acknowledges and lowers INTx */
	if (isr == 0)
		return; /* not ours (a shared line) */
	vn.irqs++;
	fn = vn.notify;
	if (fn != NULL)
		fn(vn.notify_arg);
}

/* ---- discovery ---- */

static const struct pci_dev *
find_device(void)
{
	const struct pci_dev *d;

	if ((d = pci_find(VIRTIO_VENDOR, VIRTIO_ID_NET_MODERN, NULL)) != NULL)
		return d;
	for (d = pci_find(VIRTIO_VENDOR, VIRTIO_ID_TRANSITIONAL, NULL);
	     d != NULL; d = pci_find(VIRTIO_VENDOR, VIRTIO_ID_TRANSITIONAL, d))
		if (d->subsys == VIRTIO_SUBSYS_NET)
			return d;
	return NULL;
}

/* Reads the MAC address consistently (config_generation unchanged). */
static void
read_mac(void)
{
	uint8_t gen;

	do {
		gen = vn.t.common->config_gen;
		for (int i = 0; i < 6; i++)
			vn.mac[i] = vn.t.devcfg[i];
	} while (gen != vn.t.common->config_gen);
}

static bool
link_up(void)
{
	if (!(vn.features & (1ULL << F_NET_STATUS)))
		return true; /* no status field: always up */
	return ((vn.t.devcfg[6] | vn.t.devcfg[7] << 8) & NET_S_LINK_UP) != 0;
}

/* Brings the device up; a message and false on any failure. */
static bool
device_init(const struct pci_dev *d)
{
	volatile struct vcommon *c;
	uint64_t want = (1ULL << F_VERSION_1) | (1ULL << F_NET_MAC) |
	    (1ULL << F_NET_STATUS);
	int err;

	if (!virtio_find_caps(d, &vn.t)) {
		klog(LOG_WARN,
		    "virtio-net: %02x:%02x.%x has no usable modern "
		    "capabilities (a legacy-only device is not supported)\n",
		    d->bus, d->dev, d->fn);
		return false;
	}
	if (d->irq_pin == 0 || d->irq_line >= 16 || d->irq_line == 2) {
		klog(LOG_WARN,
		    "virtio-net: no usable interrupt line "
		    "(pin %u, line %u)\n",
		    d->irq_pin, d->irq_line);
		return false;
	}
	pci_command(d, PCI_COMMAND_MEM | PCI_COMMAND_MASTER,
	    PCI_COMMAND_INTX_OFF);
	c = vn.t.common;
	if (!virtio_reset(&vn.t)) {
		klog(LOG_WARN,
		    "virtio-net: the device does not finish its "
		    "reset\n");
		return false;
	}
	c->status = ST_ACKNOWLEDGE;
	c->status = ST_ACKNOWLEDGE | ST_DRIVER;
	vn.features = virtio_read_features(&vn.t);
	if (!(vn.features & (1ULL << F_VERSION_1))) {
		klog(LOG_WARN,
		    "virtio-net: the device does not offer "
		    "VIRTIO_F_VERSION_1\n");
		goto fail;
	}
	vn.features &= want;
	virtio_write_features(&vn.t, vn.features);
	c->status = ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK;
	if (!(c->status & ST_FEATURES_OK)) {
		klog(LOG_WARN,
		    "virtio-net: the device refused features "
		    "%#lx\n",
		    (unsigned long)vn.features);
		goto fail;
	}
	if (c->num_queues < 2) {
		klog(LOG_WARN, "virtio-net: %u queues\n", c->num_queues);
		goto fail;
	}
	c->msix_config = NO_VECTOR;
	if ((err = vq_init(&vn.rx, Q_RX, true)) != 0 ||
	    (err = vq_init(&vn.tx, Q_TX, false)) != 0) {
		klog(LOG_WARN, "virtio-net: queue setup failed (error %d)\n",
		    err);
		c->status = 0; /* reset: the device forgets the queues */
		vq_free(&vn.rx);
		vq_free(&vn.tx);
		goto fail;
	}
	if (vn.features & (1ULL << F_NET_MAC)) {
		read_mac();
	} else {
		/* A locally administered address of our own. */
		static const uint8_t fallback[6] = { 0x02, 0, 0, 0, 0, 1 };
		memcpy(vn.mac, fallback, 6);
	}
	plat_intr_register(d->irq_line, vn_intr, NULL);
	c->status = ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	for (uint16_t i = 0; i < vn.rx.size; i++)
		vq_post(&vn.rx, i);
	vq_kick(&vn.rx, Q_RX);
	return true;
fail:
	c->status |= ST_FAILED;
	return false;
}

static void
virtio_net_init(void)
{
	const struct pci_dev *d = find_device();

	if (d == NULL) {
		klog(LOG_INFO, "virtio-net: no virtio-net device\n");
		return;
	}
	vn.pci = d;
	if (!device_init(d))
		return;
	vn.present = true;
	klog(LOG_INFO,
	    "virtio-net: %02x:%02x.%x "
	    "%02x:%02x:%02x:%02x:%02x:%02x, link %s, rx %u tx %u, irq %u\n",
	    d->bus, d->dev, d->fn, vn.mac[0], vn.mac[1], vn.mac[2], vn.mac[3],
	    vn.mac[4], vn.mac[5], link_up() ? "up" : "down", vn.rx.size,
	    vn.tx.size, d->irq_line);
}
PLAT_INITCALL(PLAT_INIT_DRIVER, virtio_net_init);

/* ---- the interface (plat/net.h) ---- */

bool
plat_net_present(void)
{
	return vn.present;
}

void
plat_net_mac(uint8_t mac[6])
{
	memcpy(mac, vn.mac, 6);
}

void
plat_net_set_notify(void (*fn)(void *), void *arg)
{
	/* The handler must never see the new function with the old argument. */
	uint64_t f = cpu_flags_save_cli();

	vn.notify = fn;
	vn.notify_arg = arg;
	cpu_flags_restore(f);
}

/* Returns the descriptors the device has finished sending to the free list. */
static void
tx_reclaim(void)
{
	struct vq *q = &vn.tx;
	uint16_t id;
	uint32_t len;

	while (vq_take(q, &id, &len))
		if (id < q->size)
			q->free[q->nfree++] = id;
}

int
plat_net_send(const void *frame, size_t len)
{
	struct vq *q = &vn.tx;
	uint16_t id;
	uint8_t *buf;

	if (!vn.present)
		return RUMP_ENXIO;
	if (len > PLAT_NET_FRAME_MAX)
		return RUMP_EINVAL;
	tx_reclaim();
	if (q->nfree == 0) {
		/* Ask for an interrupt when room appears; it may already have. */
		q->avail->flags = 0;
		full_barrier();
		tx_reclaim();
		if (q->nfree == 0)
			return RUMP_EAGAIN;
	}
	q->avail->flags = AVAIL_F_NO_INTERRUPT;
	id = q->free[--q->nfree];
	buf = vq_buf(q, id);
	memset(buf, 0, HDR_SIZE);
	memcpy(buf + HDR_SIZE, frame, len);
	q->desc[id].len = (uint32_t)(HDR_SIZE + len);
	vq_post(q, id);
	vq_kick(q, Q_TX);
	return 0;
}

int
plat_net_recv(void *buf, size_t size, size_t *lenp)
{
	struct vq *q = &vn.rx;
	uint16_t id;
	uint32_t len;
	int err;

	if (!vn.present)
		return RUMP_ENXIO;
	for (;;) {
		if (!vq_take(q, &id, &len))
			return RUMP_EAGAIN;
		if (id >= q->size)
			continue; /* a broken device; nothing to repost */
		if (len >= HDR_SIZE && len <= BUF_SIZE)
			break;
		vq_post(q, id); /* runt: drop it */
		vq_kick(q, Q_RX);
	}
	len -= HDR_SIZE;
	if (len > size) {
		err = RUMP_EMSGSIZE;
	} else {
		memcpy(buf, vq_buf(q, id) + HDR_SIZE, len);
		*lenp = len;
		err = 0;
	}
	vq_post(q, id);
	vq_kick(q, Q_RX);
	return err;
}
