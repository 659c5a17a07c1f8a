/*
 * Binary buddy page allocator.
 *
 * meta[pfn - base_pfn] describes each frame:
 *   0                 not the head of a block (a tail page, or unmanaged)
 *   META_FREE | k     head of a free block of order k, on free[k]
 *   META_USED | k     head of an allocated block of order k
 * A frame's buddy at order k is pfn ^ (1 << k); two free buddies of the same
 * order always merge, so no two free buddies of equal order coexist.
 */
#include <stdbool.h>

#include "plat/pagealloc.h"
#include "plat/panic.h"
#include "plat/string.h"

#define META_FREE  0x80
#define META_USED  0x40
#define META_ORDER 0x3f

struct pa_free {
	struct pa_free *next;
	struct pa_free **pprev;
};

static inline void *
pfn_to_ptr(uintptr_t pfn)
{
	return (void *)(pfn << PA_PAGE_SHIFT);
}

static inline uintptr_t
ptr_to_pfn(const void *p)
{
	return (uintptr_t)p >> PA_PAGE_SHIFT;
}

static inline bool
managed(const struct pa *pa, uintptr_t pfn)
{
	return pfn >= pa->base_pfn && pfn - pa->base_pfn < pa->npages;
}

static void
list_push(struct pa *pa, uintptr_t pfn, unsigned order)
{
	struct pa_free *f = pfn_to_ptr(pfn);

	f->next = pa->free[order];
	if (f->next != NULL)
		f->next->pprev = &f->next;
	f->pprev = &pa->free[order];
	pa->free[order] = f;
	pa->meta[pfn - pa->base_pfn] = META_FREE | order;
}

static void
list_remove(struct pa *pa, uintptr_t pfn)
{
	struct pa_free *f = pfn_to_ptr(pfn);

	*f->pprev = f->next;
	if (f->next != NULL)
		f->next->pprev = f->pprev;
	pa->meta[pfn - pa->base_pfn] = 0;
}

size_t
pa_meta_size(uintptr_t first_pfn, uintptr_t end_pfn)
{
	return end_pfn > first_pfn ? end_pfn - first_pfn : 0;
}

void
pa_init(struct pa *pa, uintptr_t first_pfn, uintptr_t end_pfn, uint8_t *meta)
{
	memset(pa, 0, sizeof(*pa));
	pa->base_pfn = first_pfn;
	pa->npages = pa_meta_size(first_pfn, end_pfn);
	pa->meta = meta;
	memset(meta, 0, pa->npages);
}

/* Puts a block on the free lists, merging it with free buddies. */
static void
free_block(struct pa *pa, uintptr_t pfn, unsigned order)
{
	pa->free_pages += (size_t)1 << order;
	while (order < PA_MAX_ORDER) {
		uintptr_t buddy = pfn ^ ((uintptr_t)1 << order);
		if (!managed(pa, buddy) ||
		    pa->meta[buddy - pa->base_pfn] != (META_FREE | order))
			break;
		list_remove(pa, buddy);
		if (buddy < pfn)
			pfn = buddy;
		order++;
	}
	list_push(pa, pfn, order);
}

void
pa_add_range(struct pa *pa, uintptr_t start, uintptr_t end)
{
	uintptr_t pfn = (start + PA_PAGE_SIZE - 1) >> PA_PAGE_SHIFT;
	uintptr_t end_pfn = end >> PA_PAGE_SHIFT;

	if (end <= start)
		return;
	if (!managed(pa, pfn) || (end_pfn > pfn && !managed(pa, end_pfn - 1)))
		panic("pa_add_range: [%#lx, %#lx) is outside the managed frames",
		    (unsigned long)start, (unsigned long)end);
	while (pfn < end_pfn) {
		unsigned order = 0;
		/* The largest naturally aligned block that fits. */
		while (order < PA_MAX_ORDER &&
		    (pfn & (((uintptr_t)2 << order) - 1)) == 0 &&
		    pfn + ((uintptr_t)2 << order) <= end_pfn)
			order++;
		pa->managed_pages += (size_t)1 << order;
		free_block(pa, pfn, order);
		pfn += (uintptr_t)1 << order;
	}
}

void
pa_set_reserve(struct pa *pa, size_t pages)
{
	pa->reserve_pages = pages;
}

void *
pa_alloc(struct pa *pa, unsigned order, int flags)
{
	size_t want = (size_t)1 << order;
	unsigned o;

	if (order > PA_MAX_ORDER || want > pa->free_pages)
		return NULL;
	if (!(flags & PA_RESERVE) && pa->free_pages - want < pa->reserve_pages)
		return NULL;
	for (o = order; o <= PA_MAX_ORDER && pa->free[o] == NULL; o++)
		;
	if (o > PA_MAX_ORDER)
		return NULL;

	uintptr_t pfn = ptr_to_pfn(pa->free[o]);
	list_remove(pa, pfn);
	while (o > order) {
		o--;
		list_push(pa, pfn + ((uintptr_t)1 << o), o);
	}
	pa->meta[pfn - pa->base_pfn] = META_USED | order;
	pa->free_pages -= want;
	return pfn_to_ptr(pfn);
}

void
pa_free(struct pa *pa, void *p, unsigned order)
{
	uintptr_t pfn = ptr_to_pfn(p);
	uint8_t m;

	if (((uintptr_t)p & (PA_PAGE_SIZE - 1)) != 0 || !managed(pa, pfn))
		panic("pa_free: %p is not an allocated page", p);
	m = pa->meta[pfn - pa->base_pfn];
	if (m & META_FREE)
		panic("pa_free: double free of %p (order %u)", p, order);
	if (m != (META_USED | order))
		panic("pa_free: %p is not an allocated block of order %u "
		      "(metadata %#x)",
		    p, order, m);
	pa->meta[pfn - pa->base_pfn] = 0;
	free_block(pa, pfn, order);
}

int
pa_largest_free_order(const struct pa *pa)
{
	for (int o = PA_MAX_ORDER; o >= 0; o--)
		if (pa->free[o] != NULL)
			return o;
	return -1;
}
