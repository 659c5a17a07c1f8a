/*
 * PCI: configuration space through the legacy ports 0xcf8/0xcfc
 * (configuration mechanism #1), the devices found at boot, their BARs and
 * capabilities. Machine-dependent; thread context (the boot initcall and
 * drivers' own initcalls), never from an interrupt handler.
 */
#ifndef PLAT_PCI_H
#define PLAT_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Standard configuration header offsets (type 0). */
#define PCI_VENDOR	0x00
#define PCI_DEVICE	0x02
#define PCI_COMMAND	0x04
#define PCI_STATUS	0x06
#define PCI_REVISION	0x08
#define PCI_CLASS	0x09 /* prog-if, subclass, class: 3 bytes */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0	0x10
#define PCI_SUBSYS_ID	0x2e
#define PCI_CAP_PTR	0x34
#define PCI_INTR_LINE	0x3c
#define PCI_INTR_PIN	0x3d

#define PCI_COMMAND_IO	     0x0001
#define PCI_COMMAND_MEM	     0x0002
#define PCI_COMMAND_MASTER   0x0004
#define PCI_COMMAND_INTX_OFF 0x0400
#define PCI_STATUS_CAPS	     0x0010

#define PCI_CAP_VENDOR 0x09 /* vendor-specific capability */
#define PCI_CAP_MSIX   0x11

#define PCI_NBARS 6

struct pci_bar {
	uint64_t addr; /* bus address (= physical here); 0: unassigned */
	uint64_t size; /* bytes; 0: the BAR is not implemented */
	bool io;       /* an I/O port range, else memory */
	bool mem64;    /* 64-bit memory BAR (takes two slots) */
	bool prefetch;
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, progif, revision;
	uint16_t subsys;  /* subsystem id (virtio: the device type) */
	uint8_t irq_line; /* PIC line the firmware routed INTx to; 0xff none */
	uint8_t irq_pin;  /* 1..4 = INTA..INTD; 0 none */
	struct pci_bar bar[PCI_NBARS];
};

/* Raw configuration space access; off is a byte offset, naturally aligned. */
uint32_t pci_cfg_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_cfg_read16(const struct pci_dev *d, unsigned off);
uint8_t pci_cfg_read8(const struct pci_dev *d, unsigned off);
void pci_cfg_write32(const struct pci_dev *d, unsigned off, uint32_t v);
void pci_cfg_write16(const struct pci_dev *d, unsigned off, uint16_t v);
void pci_cfg_write8(const struct pci_dev *d, unsigned off, uint8_t v);

/*
 * Scans every bus, device and function once and prints what it finds
 * (log level info). Runs as the first platform initcall; later calls do
 * nothing.
 */
void pci_init(void);

/* Devices found by pci_init, in bus/device/function order. */
int pci_ndevs(void);
const struct pci_dev *pci_dev_at(int i);

/* The first device with this vendor and device id after prev (NULL: the first), or NULL. */
const struct pci_dev *pci_find(uint16_t vendor, uint16_t device,
    const struct pci_dev *prev);

/*
 * Walks the capability list: the configuration-space offset of the first
 * capability with this id at or after the one following `after` (0: from
 * the start), or 0 when there is none. A looping or malformed list ends the
 * walk after 48 entries.
 */
unsigned pci_cap_find(const struct pci_dev *d, uint8_t id, unsigned after);

/* Sets bits in the command register (PCI_COMMAND_*) and clears others. */
void pci_command(const struct pci_dev *d, uint16_t set, uint16_t clear);

#endif
