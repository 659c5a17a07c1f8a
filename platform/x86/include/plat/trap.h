/*
 * CPU traps: descriptor tables, the saved register frame, interrupt
 * dispatch. Machine-dependent.
 */
#ifndef PLAT_TRAP_H
#define PLAT_TRAP_H

#include <stdint.h>

/* Saved by isr.S; field order is the reverse of the push order. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, err;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define IRQ_BASE     32 /* legacy PIC IRQ n arrives as vector IRQ_BASE + n */
#define VEC_SPURIOUS 255

/* Loads the GDT with a TSS (separate stacks for #DF, NMI and #MC) and the IDT. */
void trap_init(void);

/*
 * Sets the function panic and trap reports call to name the current thread
 * (the scheduler registers one; until then reports say "boot").
 */
void trap_set_thread_name_fn(const char *(*fn)(void));

/*
 * Sets the function fault reports (#PF, #DF) call with the faulting address:
 * it returns the name of the thread whose stack guard page holds the
 * address, or NULL. The report then says which thread overflowed its stack.
 */
void trap_set_fault_hint_fn(const char *(*fn)(uintptr_t addr));

/*
 * Prints a backtrace starting at rip and following the frame-pointer chain
 * from rbp, with symbol names. Stops at the first frame outside mapped memory.
 */
void trap_backtrace(uint64_t rip, uint64_t rbp);

/* Called by isr.S for every vector. */
void trap_entry(struct trapframe *tf);

/* Called by trap_entry for IRQs (intr.c). */
void intr_dispatch(unsigned irq);

#endif
