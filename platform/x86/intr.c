/*
 * Legacy 8259 PIC: remapped to vectors 32..47, every line masked until a
 * driver registers a handler. Handlers run with interrupts disabled and must
 * only acknowledge their device and record work for a thread to do.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/cpu.h"
#include "plat/intr.h"
#include "plat/panic.h"
#include "plat/trap.h"

#define PIC1_CMD     0x20
#define PIC1_DATA    0x21
#define PIC2_CMD     0xa0
#define PIC2_DATA    0xa1
#define PIC_EOI	     0x20
#define PIC_READ_ISR 0x0b

/* PCI devices share INTx lines: every handler of a line runs on it. */
#define NSHARE 4
static plat_intr_fn handlers[16][NSHARE];
static void *handler_args[16][NSHARE];
static uint16_t mask = 0xffff & ~(1 << 2); /* the cascade line stays open */
static uint64_t spurious;

static void
write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void
intr_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, expect ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_BASE); /* ICW2: vector base */
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	write_mask();
}

void
plat_intr_register(unsigned irq, plat_intr_fn fn, void *arg)
{
	int i;

	KASSERT(irq < 16 && irq != 2);
	for (i = 0; i < NSHARE && handlers[irq][i] != NULL; i++)
		continue;
	if (i == NSHARE)
		panic("intr: IRQ %u already has %d handlers", irq, NSHARE);
	handler_args[irq][i] = arg;
	handlers[irq][i] = fn;
	mask &= ~(1u << irq);
	write_mask();
}

static int
in_service(unsigned irq)
{
	uint16_t port = irq < 8 ? PIC1_CMD : PIC2_CMD;

	outb(port, PIC_READ_ISR);
	return (inb(port) >> (irq & 7)) & 1;
}

void
intr_dispatch(unsigned irq)
{
	/* IRQ 7 and 15 may be spurious: then they are not in service. */
	if ((irq == 7 || irq == 15) && !in_service(irq)) {
		spurious++;
		if (irq == 15)
			outb(PIC1_CMD, PIC_EOI); /* the master did see it */
		return;
	}
	for (int i = 0; i < NSHARE && handlers[irq][i] != NULL; i++)
		handlers[irq][i](handler_args[irq][i]);
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
