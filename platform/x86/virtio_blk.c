/*
 * virtio-blk over PCI, the modern (virtio 1.0) interface: devices 1af4:1042,
 * or transitional 1af4:1001 (subsystem 2) through their modern
 * capabilities; legacy-only devices are reported and left alone. Every
 * such device becomes a disk of plat/blk.h, in PCI order.
 *
 * One request queue per disk. A request is a descriptor chain: the
 * 16-byte header (type, sector) the device reads, the caller's buffer in
 * one or more segments (VIRTIO_BLK_F_SIZE_MAX and SEG_MAX bound them), and
 * a status byte the device writes. The header and status live in a slot
 * of the request table indexed by the chain's head descriptor, so any
 * number of requests up to the ring's room are in flight at once and
 * finish in whatever order the device likes. Legacy INTx on the line the
 * firmware routed; the handler reads the ISR status (which acknowledges
 * the interrupt) and calls the notifier, nothing else. Everything else
 * runs in thread context; with cooperative threads no two callers overlap,
 * so the rings need no lock.
 *
 * Addresses given to the device are physical: memory is identity-mapped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/blk.h"
#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/init.h"
#include "plat/intr.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/pci.h"
#include "plat/string.h"
#include "rump/rumpdefs.h"
#include "virtio.h"

#define VIRTIO_ID_BLK_MODERN 0x1042
#define VIRTIO_SUBSYS_BLK    2

/* Feature bits (virtio 1.0, 5.2.3). */
#define F_BLK_SIZE_MAX 1
#define F_BLK_SEG_MAX  2
#define F_BLK_RO       5
#define F_BLK_FLUSH    9

/* Device configuration: capacity in 512-byte sectors, then the limits. */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX  12

#define T_IN	0
#define T_OUT	1
#define T_FLUSH 4
#define S_OK	0

#define QSIZE_MAX 256

struct blkhdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blkreq {
	struct blkhdr hdr;	 /* the device reads it */
	volatile uint8_t status; /* the device writes it */
	uint16_t ndesc;		 /* descriptors in the chain */
	void *cookie;
};

struct vblk {
	const struct pci_dev *pci;
	struct vtransport t;
	uint64_t features;
	uint64_t bytes;
	uint32_t size_max; /* bytes per segment; 0: no limit */
	uint32_t seg_max;  /* segments per request; 0: no limit */
	/* The request queue, a split virtqueue as in virtio_net.c. */
	uint16_t qsize;
	struct vdesc *desc;
	volatile struct vavail *avail;
	volatile struct vused *used;
	uint16_t avail_idx, used_last;
	volatile uint16_t *doorbell;
	uint16_t free_head, nfree; /* descriptors linked through next */
	struct blkreq *reqs;	   /* by head descriptor */
	uint64_t irqs;
	uint64_t flushes; /* flush requests queued */
	unsigned inflight, maxinflight;
};

static struct vblk disks[PLAT_BLK_MAX];
static int ndisks;
static void (*notify_fn)(void *);
static void *notify_arg;

/* ---- discovery and set-up ---- */

static uint32_t
cfg32(struct vblk *v, unsigned off)
{
	volatile uint8_t *p = v->t.devcfg + off;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The configuration read consistently (config_generation unchanged). */
static void
read_config(struct vblk *v)
{
	uint8_t gen;

	do {
		gen = v->t.common->config_gen;
		v->bytes = ((uint64_t)cfg32(v, CFG_CAPACITY) |
		    (uint64_t)cfg32(v, CFG_CAPACITY + 4) << 32);
		v->size_max = (v->features & (1ULL << F_BLK_SIZE_MAX)) ?
		    cfg32(v, CFG_SIZE_MAX) :
		    0;
		v->seg_max = (v->features & (1ULL << F_BLK_SEG_MAX)) ?
		    cfg32(v, CFG_SEG_MAX) :
		    0;
	} while (gen != v->t.common->config_gen);
	/* A capacity past what 64 bits of bytes hold is cut there. */
	v->bytes = v->bytes > UINT64_MAX / PLAT_BLK_SECSIZE ?
	    UINT64_MAX / PLAT_BLK_SECSIZE * PLAT_BLK_SECSIZE :
	    v->bytes * PLAT_BLK_SECSIZE;
}

static int
queue_init(struct vblk *v)
{
	volatile struct vcommon *c = v->t.common;
	uint8_t *block;
	size_t reqbytes;
	unsigned order = 0;

	c->q_select = 0;
	if (c->q_size == 0)
		return RUMP_ENXIO;
	v->qsize = c->q_size < QSIZE_MAX ? c->q_size : QSIZE_MAX;
	if ((block = plat_page_alloc(2, 0)) == NULL)
		return RUMP_ENOMEM;
	reqbytes = (size_t)v->qsize * sizeof(struct blkreq);
	while (((size_t)PAGE_SIZE << order) < reqbytes)
		order++;
	if ((v->reqs = plat_page_alloc(order, 0)) == NULL) {
		plat_page_free(block, 2);
		return RUMP_ENOMEM;
	}
	memset(block, 0, 4 * PAGE_SIZE);
	memset(v->reqs, 0, reqbytes);
	v->desc = (struct vdesc *)block;
	v->avail = (volatile struct vavail *)(block + PAGE_SIZE);
	v->used = (volatile struct vused *)(block + 2 * PAGE_SIZE);
	for (uint16_t i = 0; i < v->qsize; i++)
		v->desc[i].next = (uint16_t)(i + 1);
	v->free_head = 0;
	v->nfree = v->qsize;
	c->q_size = v->qsize;
	c->q_msix = NO_VECTOR;
	c->q_desc_lo = (uint32_t)(uintptr_t)v->desc;
	c->q_desc_hi = (uint32_t)((uint64_t)(uintptr_t)v->desc >> 32);
	c->q_avail_lo = (uint32_t)(uintptr_t)v->avail;
	c->q_avail_hi = (uint32_t)((uint64_t)(uintptr_t)v->avail >> 32);
	c->q_used_lo = (uint32_t)(uintptr_t)v->used;
	c->q_used_hi = (uint32_t)((uint64_t)(uintptr_t)v->used >> 32);
	v->doorbell = virtio_doorbell(&v->t);
	c->q_enable = 1;
	return 0;
}

static void
vblk_intr(void *arg)
{
	struct vblk *v = arg;
	void (*fn)(void *);

	if (*v->t.isr == 0) /* reading acknowledges and lowers INTx */
		return;	    /* not ours (a shared line) */
	v->irqs++;
	fn = notify_fn;
	if (fn != NULL)
		fn(notify_arg);
}

static bool
device_init(struct vblk *v, int n)
{
	const struct pci_dev *d = v->pci;
	volatile struct vcommon *c;
	uint64_t want = (1ULL << F_VERSION_1) | (1ULL << F_BLK_SIZE_MAX) |
	    (1ULL << F_BLK_SEG_MAX) | (1ULL << F_BLK_RO) | (1ULL << F_BLK_FLUSH);
	int err;

	if (!virtio_find_caps(d, &v->t) || v->t.devcfg_len < CFG_SEG_MAX + 4) {
		klog(LOG_WARN,
		    "virtio-blk%d: %02x:%02x.%x has no usable modern "
		    "capabilities (a legacy-only device is not supported)\n",
		    n, d->bus, d->dev, d->fn);
		return false;
	}
	if (d->irq_pin == 0 || d->irq_line >= 16 || d->irq_line == 2) {
		klog(LOG_WARN,
		    "virtio-blk%d: no usable interrupt line "
		    "(pin %u, line %u)\n",
		    n, d->irq_pin, d->irq_line);
		return false;
	}
	pci_command(d, PCI_COMMAND_MEM | PCI_COMMAND_MASTER,
	    PCI_COMMAND_INTX_OFF);
	c = v->t.common;
	if (!virtio_reset(&v->t)) {
		klog(LOG_WARN,
		    "virtio-blk%d: the device does not finish its "
		    "reset\n",
		    n);
		return false;
	}
	c->status = ST_ACKNOWLEDGE;
	c->status = ST_ACKNOWLEDGE | ST_DRIVER;
	v->features = virtio_read_features(&v->t);
	if (!(v->features & (1ULL << F_VERSION_1))) {
		klog(LOG_WARN,
		    "virtio-blk%d: the device does not offer "
		    "VIRTIO_F_VERSION_1\n",
		    n);
		goto fail;
	}
	v->features &= want;
	virtio_write_features(&v->t, v->features);
	c->status = ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK;
	if (!(c->status & ST_FEATURES_OK)) {
		klog(LOG_WARN,
		    "virtio-blk%d: the device refused features "
		    "%#lx\n",
		    n, (unsigned long)v->features);
		goto fail;
	}
	c->msix_config = NO_VECTOR;
	if ((err = queue_init(v)) != 0) {
		klog(LOG_WARN, "virtio-blk%d: queue setup failed (error %d)\n",
		    n, err);
		c->status = 0;
		goto fail;
	}
	read_config(v);
	plat_intr_register(d->irq_line, vblk_intr, v);
	c->status = ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	return true;
fail:
	c->status |= ST_FAILED;
	return false;
}

static bool
is_blk(const struct pci_dev *d)
{
	return d->vendor == VIRTIO_VENDOR &&
	    (d->device == VIRTIO_ID_BLK_MODERN ||
		(d->device == VIRTIO_ID_TRANSITIONAL &&
		    d->subsys == VIRTIO_SUBSYS_BLK));
}

static void
virtio_blk_init(void)
{
	for (int i = 0; i < pci_ndevs(); i++) {
		const struct pci_dev *d = pci_dev_at(i);
		struct vblk *v = &disks[ndisks];
		if (!is_blk(d))
			continue;
		if (ndisks == PLAT_BLK_MAX) {
			klog(LOG_WARN,
			    "virtio-blk: more than %d disks; "
			    "%02x:%02x.%x left alone\n",
			    PLAT_BLK_MAX, d->bus, d->dev, d->fn);
			continue;
		}
		memset(v, 0, sizeof(*v));
		v->pci = d;
		if (!device_init(v, ndisks))
			continue;
		klog(LOG_INFO,
		    "virtio-blk%d: %02x:%02x.%x, %lu bytes "
		    "(%lu sectors), %s, %s, queue %u, irq %u\n",
		    ndisks, d->bus, d->dev, d->fn, (unsigned long)v->bytes,
		    (unsigned long)(v->bytes / PLAT_BLK_SECSIZE),
		    (v->features & (1ULL << F_BLK_RO)) ? "read-only" :
							 "read-write",
		    (v->features & (1ULL << F_BLK_FLUSH)) ?
			"write cache with flush" :
			"no write cache",
		    v->qsize, d->irq_line);
		ndisks++;
	}
}
PLAT_INITCALL(PLAT_INIT_DRIVER, virtio_blk_init);

/* ---- the interface (plat/blk.h) ---- */

int
plat_blk_count(void)
{
	return ndisks;
}

void
plat_blk_info(int i, uint64_t *bytes, bool *ro, bool *flush)
{
	struct vblk *v = &disks[i];

	*bytes = v->bytes;
	*ro = (v->features & (1ULL << F_BLK_RO)) != 0;
	*flush = (v->features & (1ULL << F_BLK_FLUSH)) != 0;
}

void
plat_blk_stats(int i, uint64_t *irqs, unsigned *maxinflight)
{
	*irqs = disks[i].irqs;
	*maxinflight = disks[i].maxinflight;
}

uint64_t
plat_blk_flushes(int i)
{
	return i >= 0 && i < ndisks ? disks[i].flushes : 0;
}

void
plat_blk_set_notify(void (*fn)(void *), void *arg)
{
	uint64_t f = cpu_flags_save_cli();

	notify_fn = fn;
	notify_arg = arg;
	cpu_flags_restore(f);
}

/* The next free descriptor, linked as the chain's tail so far. */
static uint16_t
desc_get(struct vblk *v)
{
	uint16_t id = v->free_head;

	v->free_head = v->desc[id].next;
	v->nfree--;
	return id;
}

int
plat_blk_submit(int i, int op, void *buf, size_t len, uint64_t off, void *cookie)
{
	struct vblk *v;
	struct blkreq *r;
	size_t seg, nseg = 0;
	uint16_t head, prev, id;

	if (i < 0 || i >= ndisks)
		return RUMP_ENXIO;
	v = &disks[i];
	if (op == PLAT_BLK_FLUSH) {
		if (!(v->features & (1ULL << F_BLK_FLUSH)))
			return RUMP_EOPNOTSUPP;
		len = 0;
	} else {
		if (op != PLAT_BLK_READ && op != PLAT_BLK_WRITE)
			return RUMP_EINVAL;
		if (len == 0 || len > PLAT_BLK_MAXIO ||
		    len % PLAT_BLK_SECSIZE != 0 || off % PLAT_BLK_SECSIZE != 0 ||
		    off > v->bytes || len > v->bytes - off)
			return RUMP_EINVAL;
		if (op == PLAT_BLK_WRITE && (v->features & (1ULL << F_BLK_RO)))
			return RUMP_EROFS;
	}
	seg = v->size_max != 0 ? v->size_max : PLAT_BLK_MAXIO;
	if (len > 0)
		nseg = (len + seg - 1) / seg;
	if ((v->seg_max != 0 && nseg > v->seg_max) || nseg + 2 > v->qsize)
		return RUMP_EINVAL;
	if (nseg + 2 > v->nfree)
		return RUMP_EAGAIN;

	head = desc_get(v);
	r = &v->reqs[head];
	r->hdr.type = op == PLAT_BLK_READ ? T_IN :
	    op == PLAT_BLK_WRITE	  ? T_OUT :
					    T_FLUSH;
	r->hdr.reserved = 0;
	r->hdr.sector = op == PLAT_BLK_FLUSH ? 0 : off / PLAT_BLK_SECSIZE;
	r->status = 0xff;
	r->ndesc = (uint16_t)(nseg + 2);
	r->cookie = cookie;
	v->desc[head].addr = (uint64_t)(uintptr_t)&r->hdr;
	v->desc[head].len = sizeof(r->hdr);
	v->desc[head].flags = DESC_F_NEXT;
	prev = head;
	for (size_t done = 0; done < len; done += seg) {
		id = desc_get(v);
		v->desc[prev].next = id;
		v->desc[id].addr = (uint64_t)(uintptr_t)((uint8_t *)buf + done);
		v->desc[id].len = (uint32_t)(len - done < seg ? len - done : seg);
		v->desc[id].flags = DESC_F_NEXT |
		    (op == PLAT_BLK_READ ? DESC_F_WRITE : 0);
		prev = id;
	}
	id = desc_get(v);
	v->desc[prev].next = id;
	v->desc[id].addr = (uint64_t)(uintptr_t)&r->status;
	v->desc[id].len = 1;
	v->desc[id].flags = DESC_F_WRITE;

	if (op == PLAT_BLK_FLUSH)
		v->flushes++;
	if (++v->inflight > v->maxinflight)
		v->maxinflight = v->inflight;
	v->avail->ring[v->avail_idx % v->qsize] = head;
	compiler_barrier(); /* x86 keeps stores in order; the compiler must too */
	v->avail->idx = ++v->avail_idx;
	full_barrier();
	if (!(v->used->flags & USED_F_NO_NOTIFY))
		*v->doorbell = 0;
	return 0;
}

int
plat_blk_reap(int i, void **cookie, int *error)
{
	struct vblk *v;
	struct blkreq *r;
	uint16_t head, id;

	if (i < 0 || i >= ndisks)
		return RUMP_ENXIO;
	v = &disks[i];
	for (;;) {
		if (v->used_last == v->used->idx)
			return RUMP_EAGAIN;
		compiler_barrier();
		head = (uint16_t)v->used->ring[v->used_last % v->qsize].id;
		v->used_last++;
		if (head < v->qsize && v->reqs[head].ndesc != 0)
			break;
		/* A broken device returned what it was not given: skip it. */
	}
	r = &v->reqs[head];
	*cookie = r->cookie;
	*error = r->status == S_OK ? 0 : RUMP_EIO;
	/* The chain goes back on the free list whole. */
	id = head;
	for (uint16_t k = 1; k < r->ndesc; k++)
		id = v->desc[id].next;
	v->desc[id].next = v->free_head;
	v->free_head = head;
	v->nfree = (uint16_t)(v->nfree + r->ndesc);
	r->ndesc = 0;
	v->inflight--;
	return 0;
}
