/*
 * Memory layout constants shared by the assembly entry code and C.
 */
#ifndef PLAT_LAYOUT_H
#define PLAT_LAYOUT_H

#define PAGE_SIZE	4096
#define PAGE_SHIFT	12
#define BOOT_STACK_SIZE (32 * 1024)
#define IST_STACK_SIZE	(8 * 1024)

/* GDT selectors (platform/x86/gdt.c). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS	  0x18

/*
 * The first 64 KiB are never handed out (mem.c), so that a small integer
 * used as a pointer is never valid memory: the kernel's copies answer
 * EFAULT there (hypercall/rumpuser.c, rumpuser_ext_mapped).
 */
#define PLAT_LOW_GUARD 0x10000

/* Identity-mapped by the boot page tables. */
#define PLAT_MAPPED_TOP 0x100000000ULL

#endif
