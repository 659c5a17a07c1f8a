/*
 * The modern virtio 1.0 PCI transport, as the platform's virtio drivers
 * (virtio_net.c, virtio_blk.c) share it: the vendor capabilities, the
 * common configuration structure, device status and split virtqueue
 * layouts. Private to platform/x86.
 */
#ifndef PLAT_X86_VIRTIO_H
#define PLAT_X86_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_VENDOR	       0x1af4
#define VIRTIO_ID_TRANSITIONAL 0x1000 /* ..0x103f, the type in subsys */

/* struct virtio_pci_cap: offsets of its fields in configuration space. */
#define VCAP_CFG_TYPE	 3
#define VCAP_BAR	 4
#define VCAP_OFFSET	 8
#define VCAP_LENGTH	 12
#define VCAP_NOTIFY_MULT 16 /* notify capability only */
#define VCAP_COMMON	 1
#define VCAP_NOTIFY	 2
#define VCAP_ISR	 3
#define VCAP_DEVICE	 4

/* device_status bits */
#define ST_ACKNOWLEDGE 1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8
#define ST_FAILED      128

#define F_VERSION_1 32
#define NO_VECTOR   0xffff

#define DESC_F_NEXT	     1
#define DESC_F_WRITE	     2
#define AVAIL_F_NO_INTERRUPT 1
#define USED_F_NO_NOTIFY     1

/* The common configuration structure (virtio 1.0, 4.1.4.3). */
struct vcommon {
	uint32_t dfselect, dfeature, gfselect, gfeature;
	uint16_t msix_config, num_queues;
	uint8_t status, config_gen;
	uint16_t q_select, q_size, q_msix, q_enable, q_notify_off;
	uint32_t q_desc_lo, q_desc_hi;
	uint32_t q_avail_lo, q_avail_hi;
	uint32_t q_used_lo, q_used_hi;
};
_Static_assert(offsetof(struct vcommon, q_select) == 0x16, "common cfg");
_Static_assert(offsetof(struct vcommon, q_desc_lo) == 0x20, "common cfg");

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vavail {
	uint16_t flags, idx;
	uint16_t ring[];
};

struct vused {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[];
};

/* A device's structures, as its vendor capabilities point to them. */
struct pci_dev;
struct vtransport {
	volatile struct vcommon *common;
	volatile uint8_t *isr;	  /* reading acknowledges INTx */
	volatile uint8_t *devcfg; /* the device-specific configuration */
	uint32_t devcfg_len;
	uint8_t *notify_base;
	uint32_t notify_mult;
};

/* Maps the four structures of d into t (zeroed); false when one lacks. */
bool virtio_find_caps(const struct pci_dev *d, struct vtransport *t);
/* Resets the device; false when it does not finish. */
bool virtio_reset(struct vtransport *t);
uint64_t virtio_read_features(struct vtransport *t);
void virtio_write_features(struct vtransport *t, uint64_t f);
/* The doorbell of the queue selected in the common configuration. */
volatile uint16_t *virtio_doorbell(struct vtransport *t);

#define compiler_barrier() __asm__ volatile("" : : : "memory")
/* A store to the avail index must be visible before we read used->flags. */
#define full_barrier() __asm__ volatile("mfence" : : : "memory")

#endif
