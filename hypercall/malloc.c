/*
 * The hypercall allocator. Small requests (up to 2 KiB, after rounding up to
 * a power of two at least as large as the alignment) come from per-size
 * free lists carved out of whole pages, so every chunk is naturally aligned
 * to its size. Larger ones are page blocks straight from the page allocator.
 * Each page's tag byte records what it holds, so free() finds the class from
 * the address and checks the length it is given against it.
 *
 * Pages carved for small chunks stay with their size class once carved.
 */
#include <stdint.h>

#include "hyp/malloc.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/panic.h"

#define MIN_SHIFT 4  /* 16 bytes */
#define MAX_SHIFT 11 /* 2 KiB */
#define NCLASSES  (MAX_SHIFT - MIN_SHIFT + 1)
#define TAG_SMALL 0x40 /* | class index */
#define TAG_LARGE 0x80 /* | page order */

struct chunk {
	struct chunk *next;
};

static struct chunk *freelist[NCLASSES];
static size_t inuse;

static unsigned
log2_ceil(size_t n)
{
	unsigned s = 0;

	while (((size_t)1 << s) < n)
		s++;
	return s;
}

static int
refill(unsigned cls)
{
	size_t size = (size_t)1 << (cls + MIN_SHIFT);
	char *page = plat_page_alloc(0, 0);

	if (page == NULL)
		return -1;
	*plat_page_tag(page) = TAG_SMALL | cls;
	for (size_t off = PAGE_SIZE; off >= size; off -= size) {
		struct chunk *c = (struct chunk *)(page + off - size);
		c->next = freelist[cls];
		freelist[cls] = c;
	}
	return 0;
}

void *
hyp_malloc(size_t len, size_t align)
{
	unsigned shift;

	if (align == 0)
		align = 8;
	if ((align & (align - 1)) != 0 || len > ((size_t)1 << 40))
		return NULL;
	if (len == 0)
		len = 1;
	shift = log2_ceil(len > align ? len : align);
	if (shift < MIN_SHIFT)
		shift = MIN_SHIFT;

	if (shift <= MAX_SHIFT) {
		unsigned cls = shift - MIN_SHIFT;
		struct chunk *c;
		if (freelist[cls] == NULL && refill(cls) != 0)
			return NULL;
		c = freelist[cls];
		freelist[cls] = c->next;
		inuse += len;
		return c;
	}

	unsigned order = shift > PAGE_SHIFT ? shift - PAGE_SHIFT : 0;
	void *p = plat_page_alloc(order, 0);
	if (p == NULL)
		return NULL;
	*plat_page_tag(p) = TAG_LARGE | order;
	inuse += len;
	return p;
}

void
hyp_free(void *p, size_t len)
{
	uint8_t *tag;

	if (p == NULL)
		return;
	tag = plat_page_tag(p);
	if (tag == NULL || (*tag & (TAG_SMALL | TAG_LARGE)) == 0)
		panic("hyp_free(%p, %zu): not an allocated block", p, len);
	if (len == 0)
		len = 1;
	if (*tag & TAG_LARGE) {
		unsigned order = *tag & 0x3f;
		if (((uintptr_t)p & ((PAGE_SIZE << order) - 1)) != 0 ||
		    len > ((size_t)PAGE_SIZE << order))
			panic("hyp_free(%p, %zu): block is %zu bytes", p, len,
			    (size_t)PAGE_SIZE << order);
		*tag = 0;
		plat_page_free(p, order);
	} else {
		unsigned cls = *tag & 0x3f;
		size_t size = (size_t)1 << (cls + MIN_SHIFT);
		struct chunk *c = p;
		if (len > size || ((uintptr_t)p & (size - 1)) != 0)
			panic("hyp_free(%p, %zu): chunk is %zu bytes", p, len,
			    size);
		c->next = freelist[cls];
		freelist[cls] = c;
	}
	inuse -= len;
}

size_t
hyp_malloc_inuse(void)
{
	return inuse;
}
