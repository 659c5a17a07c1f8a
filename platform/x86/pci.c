/*
 * PCI enumeration through configuration mechanism #1 (ports 0xcf8/0xcfc).
 * The firmware (SeaBIOS under QEMU, even with -kernel) has already assigned
 * BARs and routed INTx to PIC lines; we only record and report what it did.
 * The scan starts at bus 0 and follows PCI-to-PCI bridges to their secondary
 * buses, rather than probing all 256 bus numbers.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/init.h"
#include "plat/pci.h"

#define CFG_ADDR   0xcf8
#define CFG_DATA   0xcfc
#define CFG_ENABLE 0x80000000u

#define MAX_DEVS 64
#define MAX_CAPS 48 /* 192 bytes of capability space / 4 */

static struct pci_dev devs[MAX_DEVS];
static int ndevs;
static int dropped;
static bool scanned;

static uint32_t
cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	return CFG_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
	    (uint32_t)fn << 8 | (off & 0xfc);
}

/* The address/data pair is not atomic: no interrupt between the two. */
static uint32_t
raw_read32(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	uint64_t f = cpu_flags_save_cli();
	uint32_t v;

	outl(CFG_ADDR, cfg_addr(bus, dev, fn, off));
	v = inl(CFG_DATA);
	cpu_flags_restore(f);
	return v;
}

uint32_t
pci_cfg_read32(const struct pci_dev *d, unsigned off)
{
	return raw_read32(d->bus, d->dev, d->fn, off);
}

uint16_t
pci_cfg_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_cfg_read32(d, off) >> ((off & 2) * 8));
}

uint8_t
pci_cfg_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_cfg_read32(d, off) >> ((off & 3) * 8));
}

void
pci_cfg_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	uint64_t f = cpu_flags_save_cli();

	outl(CFG_ADDR, cfg_addr(d->bus, d->dev, d->fn, off));
	outl(CFG_DATA, v);
	cpu_flags_restore(f);
}

void
pci_cfg_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	uint64_t f = cpu_flags_save_cli();

	outl(CFG_ADDR, cfg_addr(d->bus, d->dev, d->fn, off));
	outw(CFG_DATA + (off & 2), v);
	cpu_flags_restore(f);
}

void
pci_cfg_write8(const struct pci_dev *d, unsigned off, uint8_t v)
{
	uint64_t f = cpu_flags_save_cli();

	outl(CFG_ADDR, cfg_addr(d->bus, d->dev, d->fn, off));
	outb(CFG_DATA + (off & 3), v);
	cpu_flags_restore(f);
}

void
pci_command(const struct pci_dev *d, uint16_t set, uint16_t clear)
{
	uint16_t cmd = pci_cfg_read16(d, PCI_COMMAND);

	pci_cfg_write16(d, PCI_COMMAND, (uint16_t)((cmd & ~clear) | set));
}

/*
 * Sizes BAR i by writing all ones and reading back which bits stick; the
 * device's decoding is off meanwhile so that the probe value never claims
 * an address range. Returns the number of slots used (2 for a 64-bit BAR).
 */
static int
bar_probe(struct pci_dev *d, int i)
{
	struct pci_bar *b = &d->bar[i];
	unsigned off = PCI_BAR0 + 4 * (unsigned)i;
	uint32_t lo, lo_mask, hi = 0, hi_mask = 0;
	uint64_t mask;

	lo = pci_cfg_read32(d, off);
	pci_cfg_write32(d, off, 0xffffffffu);
	lo_mask = pci_cfg_read32(d, off);
	pci_cfg_write32(d, off, lo);
	if (lo & 1) {
		b->io = true;
		b->addr = lo & ~3u;
		mask = lo_mask & ~3u;
		/* Some devices implement only the low 16 bits of an I/O BAR. */
		if (mask != 0 && (mask >> 16) == 0)
			mask |= 0xffff0000u;
		b->size = mask != 0 ? (uint32_t)(~mask + 1) : 0;
		return 1;
	}
	b->prefetch = (lo & 8) != 0;
	b->mem64 = ((lo >> 1) & 3) == 2;
	if (b->mem64 && i + 1 < PCI_NBARS) {
		hi = pci_cfg_read32(d, off + 4);
		pci_cfg_write32(d, off + 4, 0xffffffffu);
		hi_mask = pci_cfg_read32(d, off + 4);
		pci_cfg_write32(d, off + 4, hi);
	} else if (b->mem64) {
		b->mem64 = false; /* malformed: a 64-bit BAR in slot 5 */
	}
	b->addr = ((uint64_t)hi << 32) | (lo & ~0xfu);
	mask = ((uint64_t)(b->mem64 ? hi_mask : 0xffffffffu) << 32) |
	    (lo_mask & ~0xfu);
	b->size = (lo_mask & ~0xfu) != 0 || hi_mask != 0 ? ~mask + 1 : 0;
	return b->mem64 ? 2 : 1;
}

static void
bars_probe(struct pci_dev *d)
{
	uint16_t cmd = pci_cfg_read16(d, PCI_COMMAND);

	pci_cfg_write16(d, PCI_COMMAND,
	    cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEM));
	for (int i = 0; i < PCI_NBARS;)
		i += bar_probe(d, i);
	pci_cfg_write16(d, PCI_COMMAND, cmd);
}

unsigned
pci_cap_find(const struct pci_dev *d, uint8_t id, unsigned after)
{
	unsigned off;

	if (!(pci_cfg_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	off = after != 0 ? pci_cfg_read8(d, after + 1) :
			   pci_cfg_read8(d, PCI_CAP_PTR);
	for (int n = 0; n < MAX_CAPS && off >= 0x40; n++) {
		off &= 0xfc;
		if (pci_cfg_read8(d, off) == id)
			return off;
		off = pci_cfg_read8(d, off + 1);
	}
	return 0;
}

static const char *
class_name(uint8_t class, uint8_t sub)
{
	static const char *const names[] = {
		"legacy",
		"storage",
		"network",
		"display",
		"multimedia",
		"memory",
		"bridge",
		"communication",
		"system",
		"input",
		"docking",
		"processor",
		"serial bus",
	};

	if (class == 0x06 && sub == 0x00)
		return "host bridge";
	if (class == 0x06 && sub == 0x01)
		return "ISA bridge";
	if (class < sizeof(names) / sizeof(names[0]))
		return names[class];
	return "other";
}

static void
print_size(uint64_t n)
{
	if (n >= (1ULL << 30) && n % (1ULL << 30) == 0)
		kprintf("%luG", (unsigned long)(n >> 30));
	else if (n >= (1ULL << 20) && n % (1ULL << 20) == 0)
		kprintf("%luM", (unsigned long)(n >> 20));
	else if (n >= 1024 && n % 1024 == 0)
		kprintf("%luK", (unsigned long)(n >> 10));
	else
		kprintf("%lu", (unsigned long)n);
}

static void
report(const struct pci_dev *d)
{
	kprintf("pci %02x:%02x.%x %04x:%04x %s (%02x.%02x.%02x) rev %u", d->bus,
	    d->dev, d->fn, d->vendor, d->device,
	    class_name(d->class, d->subclass), d->class, d->subclass, d->progif,
	    d->revision);
	if (d->irq_pin != 0 && d->irq_line < 16)
		kprintf(", irq %u (INT%c)", d->irq_line, 'A' + d->irq_pin - 1);
	kprintf("\n");
	for (int i = 0; i < PCI_NBARS; i++) {
		const struct pci_bar *b = &d->bar[i];
		if (b->size == 0)
			continue;
		kprintf("    bar%d %s%s 0x%lx size ", i,
		    b->io	 ? "io" :
			b->mem64 ? "mem64" :
				   "mem32",
		    b->prefetch ? " prefetchable" : "", (unsigned long)b->addr);
		print_size(b->size);
		kprintf("\n");
	}
}

static void
probe_fn(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_dev *d;
	uint32_t cls;

	if (ndevs == MAX_DEVS) {
		dropped++;
		return;
	}
	d = &devs[ndevs++];
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	cls = pci_cfg_read32(d, PCI_REVISION);
	d->revision = cls & 0xff;
	d->progif = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	d->subsys = pci_cfg_read16(d, PCI_SUBSYS_ID);
	d->irq_line = pci_cfg_read8(d, PCI_INTR_LINE);
	d->irq_pin = pci_cfg_read8(d, PCI_INTR_PIN);
	/* Bridges (header type 1) have two BARs and a different layout after. */
	if ((pci_cfg_read8(d, PCI_HEADER_TYPE) & 0x7f) == 0)
		bars_probe(d);
	if (log_get_level() >= LOG_INFO)
		report(d);
}

static void scan_bus(unsigned bus);

/* A PCI-to-PCI bridge leads to its secondary bus: scan that too. */
static void
follow_bridge(uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t cls = raw_read32(bus, dev, fn, PCI_REVISION);
	uint8_t htype = (raw_read32(bus, dev, fn, 0x0c) >> 16) & 0x7f;

	if (htype == 1 && (cls >> 16) == 0x0604)
		scan_bus((raw_read32(bus, dev, fn, 0x18) >> 8) & 0xff);
}

static void
scan_bus(unsigned bus)
{
	static uint8_t seen[256 / 8];

	/* A misprogrammed bridge must not send us round in circles. */
	if (seen[bus / 8] & (1u << (bus % 8)))
		return;
	seen[bus / 8] |= 1u << (bus % 8);
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = raw_read32(bus, dev, 0, PCI_VENDOR);
		uint8_t nfn = 1;

		if ((id & 0xffff) == 0xffff)
			continue;
		/* Bit 7 of the header type: functions 1..7 may exist. */
		if ((raw_read32(bus, dev, 0, 0x0c) >> 16) & 0x80)
			nfn = 8;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			if (fn != 0)
				id = raw_read32(bus, dev, fn, PCI_VENDOR);
			if ((id & 0xffff) == 0xffff)
				continue;
			probe_fn(bus, dev, fn, id);
			follow_bridge(bus, dev, fn);
		}
	}
}

void
pci_init(void)
{
	if (scanned)
		return;
	scanned = true;
	/*
	 * Bus 0 and whatever hangs below its bridges. A multifunction host
	 * bridge at 00:00 means one host controller per function, each with
	 * its own root bus numbered after the function.
	 */
	scan_bus(0);
	if ((raw_read32(0, 0, 0, 0x0c) >> 16) & 0x80)
		for (uint8_t fn = 1; fn < 8; fn++)
			if ((raw_read32(0, 0, fn, PCI_VENDOR) & 0xffff) != 0xffff)
				scan_bus(fn);
	klog(LOG_INFO, "pci: %d devices\n", ndevs);
	if (dropped != 0)
		klog(LOG_WARN, "pci: %d more devices ignored (table holds %d)\n",
		    dropped, MAX_DEVS);
}
PLAT_INITCALL(PLAT_INIT_BUS, pci_init);

int
pci_ndevs(void)
{
	return ndevs;
}

const struct pci_dev *
pci_dev_at(int i)
{
	return i >= 0 && i < ndevs ? &devs[i] : NULL;
}

const struct pci_dev *
pci_find(uint16_t vendor, uint16_t device, const struct pci_dev *prev)
{
	int i = prev != NULL ? (int)(prev - devs) + 1 : 0;

	for (; i < ndevs; i++)
		if (devs[i].vendor == vendor && devs[i].device == device)
			return &devs[i];
	return NULL;
}
