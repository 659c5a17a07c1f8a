/*
 * Device interrupts (legacy PIC lines 0..15). A handler runs in interrupt
 * context with interrupts off: it may acknowledge its device and record work
 * for a thread (set a flag, wake), never run scheduler or kernel code.
 */
#ifndef PLAT_INTR_H
#define PLAT_INTR_H

typedef void (*plat_intr_fn)(void *arg);

void intr_init(void);

/*
 * Installs fn for IRQ line irq and unmasks the line. Up to four handlers
 * share a line (PCI INTx); each runs on every interrupt of it and must
 * tell from its device whether the interrupt was its own.
 */
void plat_intr_register(unsigned irq, plat_intr_fn fn, void *arg);

#endif
