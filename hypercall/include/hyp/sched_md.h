/*
 * What the portable scheduler (hypercall/sched.c) needs from the machine.
 * Bare metal: hypercall/sched_md_x86.c. Host unit tests bring their own.
 */
#ifndef HYP_SCHED_MD_H
#define HYP_SCHED_MD_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_GUARD_SIZE 4096

/*
 * A stack block of *size bytes whose lowest SCHED_GUARD_SIZE bytes are made
 * inaccessible (the guard page); NULL when memory is short.
 */
void *sched_md_stack_alloc(size_t *size);
void sched_md_stack_free(void *block, size_t size);

uint64_t sched_md_now(void); /* monotonic ns */

/*
 * Waits for an interrupt or until deadline (monotonic ns, UINT64_MAX for
 * none). Called and returns with interrupts disabled.
 */
void sched_md_idle(uint64_t deadline);

uint64_t sched_md_intr_save(void); /* disable; return previous state */
void sched_md_intr_restore(uint64_t s);

/* switch.S */
void sched_md_switch(uint64_t *save_sp, uint64_t new_sp);
void sched_md_trampoline(void);

#endif
