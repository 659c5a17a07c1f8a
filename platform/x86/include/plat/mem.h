/*
 * Physical memory: the multiboot memory map, the reserved ranges (image,
 * multiboot structures, modules) and the page allocator over what is left.
 * Machine-dependent setup; the allocator itself is pagealloc.c.
 * Not thread safe: callers serialise (one CPU, cooperative threads).
 */
#ifndef PLAT_MEM_H
#define PLAT_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat/multiboot.h"

#define PLAT_PAGE_RESERVE 0x1 /* may dip into the kernel's reserve */

struct plat_range {
	uint64_t start, end; /* [start, end) in bytes */
	const char *what;
};

struct plat_module {
	uint64_t start, end;
	const char *cmdline;
};

/*
 * Reads the memory map from mbi, reserves what must not be handed out and
 * starts the page allocator. Stops the boot with PLAT_EXIT_NOMEM and a message
 * when less than the reserve (mem.reserve) plus 64 KiB would be free. With
 * scale (the reserve is the configured default, not one the command line
 * gave) the reserve is at most 1/16 of the free memory, at least 64 KiB:
 * a 2 MiB machine keeps its memory for the kernel rather than the pool.
 */
void mem_init(const struct mb_info *mbi, uint64_t reserve_bytes, bool scale);

/* Allocates 2^order pages (naturally aligned) or returns NULL. */
void *plat_page_alloc(unsigned order, int flags);
void plat_page_free(void *p, unsigned order);

size_t plat_pages_free(void);
size_t plat_pages_total(void);
size_t plat_pages_reserved_pool(void);

/*
 * A byte of the caller's own per page (the hypercall allocator records size
 * classes there), or NULL for an address outside managed memory. Zero until
 * set.
 */
uint8_t *plat_page_tag(const void *p);

/* True when [start, end) overlaps usable RAM from the memory map. */
bool plat_mem_is_ram(uint64_t start, uint64_t end);

/* Ranges the allocator never hands out, for tests and reports. */
int plat_mem_reserved(const struct plat_range **out);
int plat_mem_modules(const struct plat_module **out);

#endif
