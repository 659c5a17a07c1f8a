/*
 * The modern virtio 1.0 PCI transport shared by the platform's virtio
 * drivers (virtio.h): finding and mapping the structures the vendor
 * capabilities point to, reset, feature negotiation, queue doorbells.
 * Thread context, at initialisation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/mmu.h"
#include "plat/pci.h"
#include "virtio.h"

/* Maps the region a virtio capability at cap points to, or NULL. */
static volatile void *
map_cap(const struct pci_dev *d, unsigned cap, uint32_t *lenp)
{
	uint8_t bar = pci_cfg_read8(d, cap + VCAP_BAR);
	uint32_t off = pci_cfg_read32(d, cap + VCAP_OFFSET);
	uint32_t len = pci_cfg_read32(d, cap + VCAP_LENGTH);
	const struct pci_bar *b;

	if (bar >= PCI_NBARS)
		return NULL;
	b = &d->bar[bar];
	if (b->io || b->addr == 0 || len == 0 || (uint64_t)off + len > b->size)
		return NULL;
	*lenp = len;
	return plat_mmu_map_mmio(b->addr + off, len);
}

bool
virtio_find_caps(const struct pci_dev *d, struct vtransport *t)
{
	uint32_t len;

	for (unsigned cap = pci_cap_find(d, PCI_CAP_VENDOR, 0); cap != 0;
	     cap = pci_cap_find(d, PCI_CAP_VENDOR, cap)) {
		/* The first capability of each type is the preferred one. */
		switch (pci_cfg_read8(d, cap + VCAP_CFG_TYPE)) {
		case VCAP_COMMON:
			if (t->common == NULL &&
			    (t->common = map_cap(d, cap, &len)) != NULL &&
			    len < sizeof(struct vcommon))
				t->common = NULL;
			break;
		case VCAP_NOTIFY:
			if (t->notify_base == NULL) {
				t->notify_base = (uint8_t *)map_cap(d, cap, &len);
				t->notify_mult = pci_cfg_read32(d,
				    cap + VCAP_NOTIFY_MULT);
			}
			break;
		case VCAP_ISR:
			if (t->isr == NULL)
				t->isr = map_cap(d, cap, &len);
			break;
		case VCAP_DEVICE:
			if (t->devcfg == NULL &&
			    (t->devcfg = map_cap(d, cap, &len)) != NULL)
				t->devcfg_len = len;
			break;
		}
	}
	return t->common != NULL && t->notify_base != NULL && t->isr != NULL &&
	    t->devcfg != NULL;
}

bool
virtio_reset(struct vtransport *t)
{
	t->common->status = 0; /* done when it reads back 0 */
	for (int i = 0; t->common->status != 0; i++)
		if (i == 1000000)
			return false;
	return true;
}

uint64_t
virtio_read_features(struct vtransport *t)
{
	volatile struct vcommon *c = t->common;
	uint64_t f;

	c->dfselect = 0;
	f = c->dfeature;
	c->dfselect = 1;
	return f | (uint64_t)c->dfeature << 32;
}

void
virtio_write_features(struct vtransport *t, uint64_t f)
{
	volatile struct vcommon *c = t->common;

	c->gfselect = 0;
	c->gfeature = (uint32_t)f;
	c->gfselect = 1;
	c->gfeature = (uint32_t)(f >> 32);
}

volatile uint16_t *
virtio_doorbell(struct vtransport *t)
{
	return (volatile uint16_t *)(t->notify_base +
	    (size_t)t->common->q_notify_off * t->notify_mult);
}
