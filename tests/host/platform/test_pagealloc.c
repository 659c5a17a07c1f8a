/*
 * platform/x86/pagealloc.c: the buddy page allocator over a real buffer.
 */
#include <stdint.h>

#define CHECK_DEFINE_PANIC
#include "check.h"
#include "plat/pagealloc.h"

#define NPAGES 1024 /* 4 MiB */
#define PG     PA_PAGE_SIZE

static char *mem;
static uintptr_t first_pfn;
static uint8_t meta[NPAGES];
static struct pa pa;

static void
setup(void)
{
	if (mem == NULL)
		mem = aligned_alloc(NPAGES * PG, NPAGES * PG);
	first_pfn = (uintptr_t)mem / PG;
	pa_init(&pa, first_pfn, first_pfn + NPAGES, meta);
}

static int
inside(void *p, size_t n, uintptr_t lo, uintptr_t hi)
{
	return (uintptr_t)p >= lo && (uintptr_t)p + n <= hi;
}

TEST(exhaust_no_double_handout_and_restore)
{
	static void *got[NPAGES];
	static uint8_t seen[NPAGES];
	size_t n = 0;
	void *p;

	setup();
	/* Unaligned ends are rounded inward. */
	pa_add_range(&pa, (uintptr_t)mem + 100,
	    (uintptr_t)mem + NPAGES * PG - 100);
	CHECK_EQ_INT(pa.free_pages, NPAGES - 2);
	int order0 = pa_largest_free_order(&pa);
	memset(seen, 0, sizeof(seen));
	while ((p = pa_alloc(&pa, 0, 0)) != NULL) {
		size_t i = ((uintptr_t)p - (uintptr_t)mem) / PG;
		CHECK(inside(p, PG, (uintptr_t)mem + PG,
		    (uintptr_t)mem + (NPAGES - 1) * PG));
		CHECK(seen[i] == 0);
		seen[i] = 1;
		got[n++] = p;
	}
	CHECK_EQ_INT(n, NPAGES - 2);
	CHECK_EQ_INT(pa.free_pages, 0);
	for (size_t i = 0; i < n; i++)
		pa_free(&pa, got[i], 0);
	CHECK_EQ_INT(pa.free_pages, NPAGES - 2);
	CHECK_EQ_INT(pa_largest_free_order(&pa), order0);
}

TEST(split_coalesce_and_alignment)
{
	void *p[8];

	setup();
	pa_add_range(&pa, (uintptr_t)mem, (uintptr_t)mem + NPAGES * PG);
	CHECK_EQ_INT(pa_largest_free_order(&pa), 10);
	for (unsigned o = 0; o <= 6; o++) {
		void *b = pa_alloc(&pa, o, 0);
		CHECK(b != NULL && ((uintptr_t)b & ((PG << o) - 1)) == 0);
		pa_free(&pa, b, o);
	}
	CHECK_EQ_INT(pa_largest_free_order(&pa), 10);
	void *big = pa_alloc(&pa, 3, 0);
	pa_free(&pa, big, 3);
	for (int i = 0; i < 8; i++)
		p[i] = pa_alloc(&pa, 0, 0);
	for (int i = 0; i < 8; i++)
		pa_free(&pa, p[i], 0);
	CHECK_EQ_INT(pa_largest_free_order(&pa), 10);
	CHECK(pa_alloc(&pa, PA_MAX_ORDER + 1, PA_RESERVE) == NULL);
	CHECK(pa_alloc(&pa, 11, PA_RESERVE) == NULL); /* larger than all memory */
}

TEST(reserve_pool)
{
	void *p;
	size_t n = 0;

	setup();
	pa_add_range(&pa, (uintptr_t)mem, (uintptr_t)mem + 64 * PG);
	pa_set_reserve(&pa, 16);
	while (pa_alloc(&pa, 0, 0) != NULL)
		n++;
	CHECK_EQ_INT(n, 48);
	CHECK_EQ_INT(pa.free_pages, 16);
	while ((p = pa_alloc(&pa, 0, PA_RESERVE)) != NULL)
		n++;
	CHECK_EQ_INT(n, 64);
}

TEST(bad_frees_panic)
{
	void *p;

	setup();
	pa_add_range(&pa, (uintptr_t)mem, (uintptr_t)mem + 64 * PG);
	p = pa_alloc(&pa, 1, 0);
	CHECK_PANICS(pa_free(&pa, p, 0));	      /* wrong order */
	CHECK_PANICS(pa_free(&pa, (char *)p + 1, 1)); /* unaligned */
	CHECK_PANICS(pa_free(&pa, (char *)mem + 2 * NPAGES * PG, 0)); /* foreign */
	pa_free(&pa, p, 1);
	CHECK_PANICS(pa_free(&pa, p, 1)); /* double free */
	CHECK_PANICS(pa_add_range(&pa, (uintptr_t)mem - PG, (uintptr_t)mem + PG));
}

TEST(gap_never_merged)
{
	void *b;

	setup();
	/* Two 256 KiB ranges with one page missing between them. */
	pa_add_range(&pa, (uintptr_t)mem, (uintptr_t)mem + 64 * PG);
	pa_add_range(&pa, (uintptr_t)mem + 65 * PG, (uintptr_t)mem + 129 * PG);
	CHECK(pa_largest_free_order(&pa) <= 6);
	while ((b = pa_alloc(&pa, 6, 0)) != NULL)
		CHECK((uintptr_t)b + 64 * PG <= (uintptr_t)mem + 64 * PG ||
		    (uintptr_t)b >= (uintptr_t)mem + 65 * PG);
}

TEST(random_stress_against_shadow_map)
{
	static struct {
		void *p;
		unsigned order;
	} live[4096];
	static uint8_t shadow[NPAGES];
	int nlive = 0;
	unsigned seed = 12345;

	setup();
	pa_add_range(&pa, (uintptr_t)mem, (uintptr_t)mem + NPAGES * PG);
	memset(shadow, 0, sizeof(shadow));
	for (int op = 0; op < 20000; op++) {
		seed = seed * 1103515245 + 12345;
		if (nlive > 0 && ((seed >> 16) % 3 == 0 || nlive == 4096)) {
			int i = (int)((seed >> 8) % (unsigned)nlive);
			size_t first = ((uintptr_t)live[i].p - (uintptr_t)mem) /
			    PG;
			for (size_t k = 0; k < (1u << live[i].order); k++)
				shadow[first + k] = 0;
			pa_free(&pa, live[i].p, live[i].order);
			live[i] = live[--nlive];
		} else {
			unsigned order = (seed >> 20) % 6;
			void *p = pa_alloc(&pa, order, 0);
			if (p == NULL)
				continue;
			size_t first = ((uintptr_t)p - (uintptr_t)mem) / PG;
			CHECK(((uintptr_t)p & ((PG << order) - 1)) == 0);
			for (size_t k = 0; k < (1u << order); k++) {
				CHECK(shadow[first + k] == 0); /* overlap */
				shadow[first + k] = 1;
			}
			live[nlive].p = p;
			live[nlive++].order = order;
		}
	}
	while (nlive > 0) {
		nlive--;
		pa_free(&pa, live[nlive].p, live[nlive].order);
	}
	CHECK_EQ_INT(pa.free_pages, NPAGES);
	CHECK_EQ_INT(pa_largest_free_order(&pa), 10);
}

int
main(void)
{
	RUN(exhaust_no_double_handout_and_restore);
	RUN(split_coalesce_and_alignment);
	RUN(reserve_pool);
	RUN(bad_frees_panic);
	RUN(gap_never_merged);
	RUN(random_stress_against_shadow_map);
	free(mem);
	return check_done();
}
