/*
 * Interrupt and exception entry stubs. Each stub pushes a zero error code if
 * the CPU pushed none, then its vector, and jumps to isr_common, which saves
 * the general registers as a struct trapframe (plat/trap.h) and calls
 * trap_entry(frame) on a 16-byte aligned stack.
 */
	.text

.macro STUB vec, haserr
	.align 16
isr_\vec:
	.if \haserr == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm

.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	STUB \v, 0
.endr
.irp v, 8,10,11,12,13,14,17,21,29,30
	STUB \v, 1
.endr
.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,255
	STUB \v, 0
.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	movq %rsp, %rbx			/* callee-saved: restores %rsp below */
	andq $-16, %rsp
	call trap_entry
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector and error code */
	iretq

/* isr_table[v]: the stub of vector v, or 0 where there is none. */
	.section .rodata
	.align 8
	.globl isr_table
isr_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
.endr
.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad isr_\v
.endr
	.fill 255 - 48, 8, 0
	.quad isr_255
