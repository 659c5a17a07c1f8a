/*
 * The identity page tables built at boot (4 GiB; 4 KiB pages for the first
 * 2 MiB, 2 MiB pages above). Machine-dependent.
 */
#ifndef PLAT_MMU_H
#define PLAT_MMU_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * Maps a device's memory-mapped registers [phys, phys+len) uncached (PCD,
 * PWT, no execute) and returns their virtual address (the identity: the
 * same as phys), or NULL when the range is empty, lies over RAM or needs a
 * page table the reserve cannot give. Above 4 GiB it builds new directory
 * levels with 2 MiB pages; below, it splits a 2 MiB page only when the range
 * covers part of it. Thread context, at initialisation.
 */
void *plat_mmu_map_mmio(uint64_t phys, size_t len);

#endif
