/*
 * The identity page tables built at boot (4 GiB; 4 KiB pages for the first
 * 2 MiB, 2 MiB pages above). Machine-dependent.
 */
#ifndef PLAT_MMU_H
#define PLAT_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* True when the byte at va is mapped. Safe to call from trap handlers. */
bool plat_mmu_is_mapped(uintptr_t va);

/*
 * Removes or restores the 4 KiB page at va (page aligned, below 4 GiB), so
 * that touching it faults: guard pages. Splits a 2 MiB mapping when needed,
 * taking a page table from the allocator's reserve. Returns 0 or ENOMEM.
 */
int plat_mmu_unmap_page(uintptr_t va);
int plat_mmu_map_page(uintptr_t va);

#endif
