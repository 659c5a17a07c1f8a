/*
 * Multiboot (v1) entry. The loader enters _start32 in 32-bit protected mode
 * with paging off, EAX = 0x2BADB002 and EBX = the multiboot information.
 * We build identity page tables for the first 4 GiB (page 0 left unmapped so
 * that a NULL dereference faults), enable SSE, PAE and long mode, and call
 * plat_main(magic, mbi) on the boot stack.
 */
#include "plat/layout.h"

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))  /* align mods, mem info, address fields */

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr */
	.long _load_start		/* load_addr */
	.long _load_end			/* load_end_addr */
	.long _bss_end			/* bss_end_addr */
	.long _start32			/* entry_addr */

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	/* Keep magic and mbi in .data: the zeroing below and cpuid clobber registers. */
	movl %eax, boot_magic
	movl %ebx, boot_mbi
	/* Zero .bss: it holds the boot stack and the page tables. */
	movl $_bss_start, %edi
	movl $_bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl $boot_stack_top, %esp

	/* Long mode present? */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
	movl $boot_pdpt, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pml4
	movl $boot_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	xorl %ecx, %ecx
1:	movl %eax, boot_pdpt(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jne 1b

	/* 2 MiB pages for 2 MiB..4 GiB; the top 32 MiB (MMIO: LAPIC, IOAPIC) uncached. */
	movl $1, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	cmpl $(2048 - 16), %ecx
	jb 2f
	orl $(PTE_PCD | PTE_PWT), %eax
2:	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* 4 KiB pages for the first 2 MiB, all but page 0. */
	movl $boot_pt0, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pd
	movl $1, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pt0(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b

	/* CR4: PAE, OSFXSR, OSXMMEXCPT. CR3: the PML4. EFER: LME, NXE. */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax
	wrmsr
	/* CR0: PG, WP, NE, MP on; EM off (SSE usable). */
	movl %cr0, %eax
	andl $~(1 << 2), %eax
	orl $((1 << 31) | (1 << 16) | (1 << 5) | (1 << 1)), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $_start64

no_long_mode:
	/* No C can run here: say why on COM1 by polling, then stop. */
	movl $no_lm_msg, %esi
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $0x3fd, %dx
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movb %bl, %al
	movw $0x3f8, %dx
	outb %al, %dx
	jmp 1b
3:	hlt
	jmp 3b

	.code64
_start64:
	movl $0x10, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp			/* the backtrace stops here */
	movl boot_magic, %edi
	movl boot_mbi, %esi
	call plat_main
1:	cli
	hlt
	jmp 1b
	.size _start64, . - _start64

	.section .rodata
no_lm_msg:
	.asciz "rumpimg: this CPU has no 64-bit long mode; cannot boot\r\n"

	.align 8
boot_gdt:
	.quad 0				/* null */
	.quad 0x00209a0000000000	/* 0x08: 64-bit code */
	.quad 0x0000920000000000	/* 0x10: data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

	.section .data
	.align 4
boot_magic:	.long 0
boot_mbi:	.long 0

	.section .bss
	.align 4096
	.globl boot_pml4, boot_pt0
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_pt0:	.skip 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:	.skip 4096		/* unmapped once threads start */
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
