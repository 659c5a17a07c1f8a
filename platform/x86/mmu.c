/*
 * Queries and small edits of the boot identity page tables.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/cpu.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/mmu.h"
#include "plat/string.h"
#include "rump/rumpdefs.h"

#define PTE_P	 0x001ULL
#define PTE_W	 0x002ULL
#define PTE_PWT	 0x008ULL
#define PTE_PCD	 0x010ULL
#define PTE_PS	 0x080ULL
#define PTE_NX	 (1ULL << 63)
#define LARGE	 0x200000ULL /* 2 MiB */
#define PTE_ADDR 0x000ffffffffff000ULL

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
		return NULL; /* non-canonical or upper half: never mapped */
	e = pml4[(va >> 39) & 511];
	if (!(e & PTE_P))
		return NULL;
	e = table(e)[(va >> 30) & 511];
	if (!(e & PTE_P) || (e & PTE_PS))
		return NULL; /* 1 GiB pages are not used */
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

static void
flush_tlb(void)
{
	__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3"
			 :
			 :
			 : "rax", "memory");
}

/*
 * Replaces the 2 MiB page *pde with a page table of 512 4 KiB pages that
 * translate the same way, with the same caching. 0 or ENOMEM.
 */
static int
split_large(uint64_t *pde)
{
	uint64_t base = *pde & PTE_ADDR & ~(LARGE - 1);
	uint64_t flags = *pde & 0x1f; /* P, W, U, PWT, PCD */
	uint64_t *pt = plat_page_alloc(0, PLAT_PAGE_RESERVE);

	if (pt == NULL)
		return RUMP_ENOMEM;
	for (int i = 0; i < 512; i++)
		pt[i] = (base + ((uint64_t)i << 12)) | flags;
	*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
	/* The whole 2 MiB translation changed. */
	flush_tlb();
	return 0;
}

/* The 4 KiB PTE for va, splitting its 2 MiB page first if needed. */
static uint64_t *
pte_for(uintptr_t va, int *err)
{
	uint64_t *pde = pd_entry(va);

	if (pde == NULL || !(*pde & PTE_P) || va >= PLAT_MAPPED_TOP) {
		*err = RUMP_EINVAL;
		return NULL;
	}
	if ((*pde & PTE_PS) && (*err = split_large(pde)) != 0)
		return NULL;
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

/* A zeroed page for a new page-table level, or NULL. */
static uint64_t *
new_table(void)
{
	uint64_t *t = plat_page_alloc(0, PLAT_PAGE_RESERVE);

	if (t != NULL)
		memset(t, 0, PAGE_SIZE);
	return t;
}

/* Like pd_entry, but builds missing PDPT and PD levels (above 4 GiB). */
static uint64_t *
pd_entry_alloc(uintptr_t va)
{
	uint64_t *e = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR), *t;

	if ((va >> 47) != 0)
		return NULL;
	e = &e[(va >> 39) & 511];
	for (int shift = 30; shift >= 21; shift -= 9) {
		if (!(*e & PTE_P)) {
			if ((t = new_table()) == NULL)
				return NULL;
			*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
		}
		if (*e & PTE_PS)
			return NULL; /* 1 GiB pages are not used */
		e = &table(*e)[(va >> shift) & 511];
	}
	return e;
}

void *
plat_mmu_map_mmio(uint64_t phys, size_t len)
{
	uint64_t end = phys + len, a, next;
	uint64_t *pde, *pte;

	if (len == 0 || end < phys || (end - 1) >> 47 != 0 || phys < PAGE_SIZE)
		return NULL;
	if (plat_mem_is_ram(phys, end))
		return NULL; /* a BAR over RAM is a firmware bug: refuse */
	for (a = phys & ~(LARGE - 1); a < end; a = next) {
		next = a + LARGE;
		if ((pde = pd_entry_alloc(a)) == NULL)
			return NULL;
		if (!(*pde & PTE_P)) {
			/* Above the boot map: a fresh uncached 2 MiB page. */
			*pde = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT |
			    PTE_NX;
			continue;
		}
		if ((*pde & PTE_PS) && (*pde & PTE_PCD))
			continue; /* already uncached (the top 32 MiB) */
		if ((*pde & PTE_PS) && phys <= a && end >= next) {
			*pde |= PTE_PCD | PTE_PWT;
			continue;
		}
		/* Part of a 2 MiB page: only the device's 4 KiB pages change. */
		if ((*pde & PTE_PS) && split_large(pde) != 0)
			return NULL;
		for (uint64_t p = a > phys ? a :
					     phys & ~(uint64_t)(PAGE_SIZE - 1);
		     p < end && p < next; p += PAGE_SIZE) {
			pte = &table(*pde)[(p >> 12) & 511];
			*pte = p | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
		}
	}
	flush_tlb();
	return (void *)(uintptr_t)phys;
}
