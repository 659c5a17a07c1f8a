/*
 * The scheduler's machine layer on bare x86-64: stacks from the page
 * allocator with an unmapped guard page, the TSC clock, hlt with the one-shot
 * timer for idling.
 */
#include <stdint.h>

#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "plat/clock.h"
#include "plat/cpu.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/mmu.h"
#include "plat/trap.h"

#define STACK_ORDER CONFIG_HYP_STACK_ORDER

const char *sched_guard_owner(uintptr_t addr);

void *
sched_md_stack_alloc(size_t *size)
{
	void *p = plat_page_alloc(STACK_ORDER, 0);

	if (p == NULL)
		return NULL;
	if (plat_mmu_unmap_page((uintptr_t)p) != 0) {
		plat_page_free(p, STACK_ORDER);
		return NULL;
	}
	*size = (size_t)PAGE_SIZE << STACK_ORDER;
	return p;
}

void
sched_md_stack_free(void *block, size_t size)
{
	(void)size;
	/* Mapping an already split page needs no memory: it cannot fail. */
	plat_mmu_map_page((uintptr_t)block);
	plat_page_free(block, STACK_ORDER);
}

uint64_t
sched_md_now(void)
{
	return plat_clock_monotonic();
}

void
sched_md_idle(uint64_t deadline)
{
	plat_cpu_idle(deadline);
	cpu_intr_disable();
}

uint64_t
sched_md_intr_save(void)
{
	return (cpu_flags_save_cli() >> 9) & 1;
}

void
sched_md_intr_restore(uint64_t s)
{
	if (s)
		cpu_intr_enable();
}

static const char *
current_name(void)
{
	return sched_name(sched_current());
}

/* Called once the platform is up: threads exist from here on. */
void
sched_md_init(void)
{
	extern char boot_stack_guard[];

	sched_init();
	trap_set_thread_name_fn(current_name);
	trap_set_fault_hint_fn(sched_guard_owner);
	/* The boot stack ("main") gets a guard page too. */
	plat_mmu_unmap_page((uintptr_t)boot_stack_guard);
}
