/*
 * Fatal errors. panic() prints its message, the current thread, the caller
 * and a backtrace on the console, then stops the machine with the panic exit
 * status. Callable from anywhere, interrupts included; never returns.
 */
#ifndef PLAT_PANIC_H
#define PLAT_PANIC_H

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#ifdef CONFIG_DEBUG_ASSERTS
#define KASSERT(e)       \
	((e) ? (void)0 : \
	       panic("assertion \"%s\" failed at %s:%d", #e, __FILE__, __LINE__))
#else
#define KASSERT(e) ((void)0)
#endif

#endif
