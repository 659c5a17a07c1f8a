/*
 * Init calls: a layer above the platform registers a function with
 * PLAT_INITCALL(level, fn); plat_main() calls every one once interrupts
 * and the timer work and before the workload or tests start, level by
 * level in the order below (within one level, in link order, which must
 * not matter). This way the platform never names the layers above it.
 */
#ifndef PLAT_INIT_H
#define PLAT_INIT_H

typedef void (*plat_initcall_fn)(void);

/* The levels, lowest first: each may use what the levels before it set up. */
#define PLAT_INIT_BUS	 1 /* buses: PCI enumeration */
#define PLAT_INIT_DRIVER 2 /* device drivers on those buses */
#define PLAT_INIT_HYPERCALL \
	3		 /* the hypercall layer: scheduler, network hooks */
#define PLAT_INIT_LIBC 4 /* the C library of programs in the image */

#define PLAT_INITCALL_SECTION_(level) ".initcalls." #level
#define PLAT_INITCALL_SECTION(level)  PLAT_INITCALL_SECTION_(level)
#define PLAT_INITCALL(level, fn)                                         \
	static const plat_initcall_fn initcall_##fn __attribute__((used, \
	    section(PLAT_INITCALL_SECTION(level)), aligned(8))) = fn

#endif
