/*
 * Init calls: a layer above the platform registers a function with
 * PLAT_INITCALL(fn); plat_main() calls every one, in link order, once
 * interrupts and the timer work and before the workload or tests start.
 * This way the platform never names the layers above it.
 */
#ifndef PLAT_INIT_H
#define PLAT_INIT_H

typedef void (*plat_initcall_fn)(void);

#define PLAT_INITCALL(fn)						\
	static const plat_initcall_fn initcall_##fn			\
	    __attribute__((used, section(".initcalls"), aligned(8))) = fn

#endif
