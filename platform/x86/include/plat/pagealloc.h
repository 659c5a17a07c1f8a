/*
 * Physical page allocator: a binary buddy allocator over page frames.
 *
 * Blocks are 2^order pages, naturally aligned. Free blocks are linked through
 * their own first bytes, so the allocator needs only one byte of metadata per
 * page. Portable C (it touches only the memory it is given), unit tested on
 * the host. Not thread safe: the caller serialises (one CPU, no preemption).
 */
#ifndef PLAT_PAGEALLOC_H
#define PLAT_PAGEALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PA_PAGE_SHIFT 12
#define PA_PAGE_SIZE  ((uintptr_t)1 << PA_PAGE_SHIFT)
#define PA_MAX_ORDER  18 /* 1 GiB blocks */

/* pa_alloc flags */
#define PA_RESERVE 0x1 /* may take pages from the reserve pool */

struct pa_free;

struct pa {
	uintptr_t base_pfn; /* first frame the metadata describes */
	size_t npages;	    /* frames the metadata describes */
	uint8_t *meta;	    /* one byte per frame, see pagealloc.c */
	struct pa_free *free[PA_MAX_ORDER + 1];
	size_t free_pages;
	size_t managed_pages; /* pages ever added */
	size_t reserve_pages;
};

/* Metadata bytes needed to describe frames [first_pfn, end_pfn). */
size_t pa_meta_size(uintptr_t first_pfn, uintptr_t end_pfn);

/* Prepares pa to manage frames in [first_pfn, end_pfn); meta is zeroed here. */
void pa_init(struct pa *pa, uintptr_t first_pfn, uintptr_t end_pfn,
    uint8_t *meta);

/*
 * Hands the pages wholly inside [start, end) (byte addresses) to the
 * allocator. The range must lie within what pa_init described and must not
 * overlap anything added before.
 */
void pa_add_range(struct pa *pa, uintptr_t start, uintptr_t end);

/* Pages ordinary allocations leave free (see PA_RESERVE). */
void pa_set_reserve(struct pa *pa, size_t pages);

/*
 * Allocates 2^order contiguous pages aligned to their size. Returns NULL when
 * no block is free, or when only the reserve is left and flags lacks
 * PA_RESERVE. The contents are not cleared.
 */
void *pa_alloc(struct pa *pa, unsigned order, int flags);

/*
 * Frees a block from pa_alloc with the same order. Freeing anything else
 * (a double free, a wrong order, a foreign address) panics.
 */
void pa_free(struct pa *pa, void *p, unsigned order);

/* Largest order a pa_alloc(..., PA_RESERVE) could satisfy now, or -1. */
int pa_largest_free_order(const struct pa *pa);

#endif
