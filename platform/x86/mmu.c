/*
 * Queries and small edits of the boot identity page tables.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/cpu.h"
#include "plat/errno.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/mmu.h"
#include "plat/string.h"

#define PTE_P		0x001ULL
#define PTE_W		0x002ULL
#define PTE_PS		0x080ULL
#define PTE_ADDR	0x000ffffffffff000ULL

static uint64_t *
table(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

/* The PD entry covering va, or NULL when the PML4/PDPT levels lack one. */
static uint64_t *
pd_entry(uintptr_t va)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t e;

	if ((va >> 47) != 0)
		return NULL;	/* non-canonical or upper half: never mapped */
	e = pml4[(va >> 39) & 511];
	if (!(e & PTE_P))
		return NULL;
	e = table(e)[(va >> 30) & 511];
	if (!(e & PTE_P) || (e & PTE_PS))
		return NULL;	/* 1 GiB pages are not used */
	return &table(e)[(va >> 21) & 511];
}

bool
plat_mmu_is_mapped(uintptr_t va)
{
	uint64_t *pde = pd_entry(va);

	if (pde == NULL || !(*pde & PTE_P))
		return false;
	if (*pde & PTE_PS)
		return true;
	return (table(*pde)[(va >> 12) & 511] & PTE_P) != 0;
}

/* The 4 KiB PTE for va, splitting its 2 MiB page first if needed. */
static uint64_t *
pte_for(uintptr_t va, int *err)
{
	uint64_t *pde = pd_entry(va), *pt;

	if (pde == NULL || !(*pde & PTE_P) || va >= PLAT_MAPPED_TOP) {
		*err = EINVAL;
		return NULL;
	}
	if (*pde & PTE_PS) {
		uint64_t base = *pde & PTE_ADDR & ~0x1fffffULL;
		uint64_t flags = *pde & 0x1f;	/* P, W, U, PWT, PCD */
		pt = plat_page_alloc(0, PLAT_PAGE_RESERVE);
		if (pt == NULL) {
			*err = ENOMEM;
			return NULL;
		}
		for (int i = 0; i < 512; i++)
			pt[i] = (base + ((uint64_t)i << 12)) | flags;
		*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
		/* The whole 2 MiB translation changed. */
		__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
	}
	return &table(*pde)[(va >> 12) & 511];
}

/* Sets or clears the present bit of the 4 KiB page holding va. */
static int
set_present(uintptr_t va, bool present)
{
	int err = 0;
	uint64_t *pte;

	va &= ~(uintptr_t)(PAGE_SIZE - 1);
	pte = pte_for(va, &err);
	if (pte == NULL)
		return err;
	*pte = present ? (va | PTE_P | PTE_W) : (*pte & ~PTE_P);
	invlpg((void *)va);
	return 0;
}

int
plat_mmu_unmap_page(uintptr_t va)
{
	return set_present(va, false);
}

int
plat_mmu_map_page(uintptr_t va)
{
	return set_present(va, true);
}
