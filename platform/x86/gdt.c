/*
 * GDT, TSS and IDT. The TSS exists only for its interrupt stack table: a
 * double fault (often a stack overflow), an NMI or a machine check gets a
 * known-good stack of its own.
 */
#include <stdint.h>

#include "plat/layout.h"
#include "plat/string.h"
#include "plat/trap.h"

#define IST_DF	1
#define IST_NMI 2
#define IST_MC	3

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t gdt[5] = {
	0, 0x00209a0000000000, /* SEL_KCODE: 64-bit code, DPL 0 */
	0x0000920000000000,    /* SEL_KDATA */
	0, 0,		       /* SEL_TSS: 16-byte system descriptor */
};
static struct tss tss;
static struct idt_gate idt[256];
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t isr_table[256];

static void
set_gate(int vec, uint64_t handler, int ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = SEL_KCODE,
		.ist = (uint8_t)ist,
		.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = (uint32_t)(handler >> 32),
	};
}

void
trap_init(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct desc_ptr gp = { sizeof(gdt) - 1, (uint64_t)gdt };
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };

	tss.ist[IST_DF - 1] = (uint64_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_MC - 1] = (uint64_t)ist_stacks[2] + IST_STACK_SIZE;
	tss.iomap_base = sizeof(tss);
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    ((uint64_t)0x89 << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	for (int v = 0; v < 256; v++) {
		if (isr_table[v] == 0)
			continue;
		set_gate(v, isr_table[v],
		    v == 8	? IST_DF :
			v == 2	? IST_NMI :
			v == 18 ? IST_MC :
				  0);
	}

	__asm__ volatile("lgdt %0\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(gp), "i"((uint64_t)SEL_KCODE), "r"(SEL_KDATA),
			 "r"(SEL_TSS), "m"(ip)
			 : "rax", "memory");
}
