/*
 * lwIP's compiler and platform definitions for the kernel: newlib's headers
 * in the image, the C library's in the host build; little-endian x86-64,
 * diagnostics on the kernel console, assertions that panic the kernel,
 * randomness from the hypercall layer.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* newlib's limits.h has no SSIZE_MAX; lwIP's arch.h needs it. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/*
 * BYTE_ORDER and LITTLE_ENDIAN: newlib's machine/endian.h in the image,
 * the C library's endian.h in the host build (kernel/net/host.mk).
 */
#ifdef CONFIG_NET_HOST
#include <endian.h>
#else
#include <machine/endian.h>
#endif

void kern_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kpanic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
uint32_t lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x)  \
	do {                   \
		kern_printf x; \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) \
	kpanic("lwip assertion \"%s\" failed: %s:%d", x, __FILE__, __LINE__)
#define LWIP_RAND() lwip_port_rand()

#endif
