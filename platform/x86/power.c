/*
 * Exit, halt and reboot.
 */
#include <stdint.h>

#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/power.h"

#define DEBUG_EXIT_PORT 0xf4

void
plat_halt(void)
{
	kprintf("halted\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void
plat_exit(int value)
{
	/* QEMU with -device isa-debug-exit ends here with status value*2+1. */
	outl(DEBUG_EXIT_PORT, (uint32_t)value);
	plat_halt();
}

void
plat_reboot(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };

	kprintf("rebooting\n");
	cpu_intr_disable();
	/* The keyboard controller's reset line, once its input buffer drains. */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		;
	outb(0x64, 0xfe);
	for (volatile int i = 0; i < 1000000; i++)
		;
	/* Still here: a triple fault resets every PC. */
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	plat_halt();
}
