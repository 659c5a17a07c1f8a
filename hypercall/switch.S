/*
 * sched_md_switch(uint64_t *save_sp, uint64_t new_sp)
 * Saves the callee-saved state of the SysV ABI (rbx, rbp, r12-r15, the SSE
 * control/status word and the x87 control word) on the current stack, stores
 * the stack pointer in *save_sp, and resumes the context saved at new_sp.
 * Everything else is caller-saved, so a switch at a call boundary is complete.
 */
	.text
	.globl sched_md_switch
	.type sched_md_switch, @function
sched_md_switch:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size sched_md_switch, . - sched_md_switch

/*
 * First code of a new thread: sched_md_switch "returns" here with the entry
 * function in %r12 and its argument in %r13 (laid out by sched.c).
 */
	.globl sched_md_trampoline
	.type sched_md_trampoline, @function
sched_md_trampoline:
	xorl %ebp, %ebp			/* the backtrace stops here */
	movq %r13, %rdi
	call *%r12
	ud2				/* the entry function never returns */
	.size sched_md_trampoline, . - sched_md_trampoline
	.section .note.GNU-stack, "", @progbits
