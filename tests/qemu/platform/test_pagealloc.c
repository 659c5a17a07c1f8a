/*
 * Page allocator: exhaust memory page by page, prove no page is handed out
 * twice and none overlaps a reserved range (image, multiboot data, modules),
 * free everything and get the large blocks back.
 */
#include <stdint.h>

#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/string.h"
#include "plat/testcase.h"

/* Pages taken, linked through their own first word. */
struct taken {
	struct taken *next;
	uintptr_t self;
};

TESTCASE(pagealloc)
{
	const struct plat_range *res;
	int nres = plat_mem_reserved(&res);
	size_t free0 = plat_pages_free(), n = 0, nres_pages = 0;
	struct taken *list = NULL;
	void *big;

	TCHECK(free0 > 0, "no free pages at all");
	/* Ordinary allocations stop at the reserve; reserve ones go on. */
	for (int pass = 0; pass < 2; pass++) {
		struct taken *t;
		while ((t = plat_page_alloc(0, pass ? PLAT_PAGE_RESERVE : 0)) !=
		    NULL) {
			uintptr_t a = (uintptr_t)t;
			TCHECK((a & (PAGE_SIZE - 1)) == 0,
			    "page %#lx unaligned", a);
			TCHECK(a >= PAGE_SIZE, "page 0 handed out");
			for (int i = 0; i < nres; i++)
				TCHECK(a + PAGE_SIZE <= res[i].start ||
					a >= res[i].end,
				    "page %#lx inside reserved %s [%#lx, %#lx)",
				    a, res[i].what, (unsigned long)res[i].start,
				    (unsigned long)res[i].end);
			t->next = list;
			t->self = a;
			list = t;
			if (pass == 0)
				n++;
			else
				nres_pages++;
		}
		if (pass == 0)
			TCHECK(plat_pages_free() == plat_pages_reserved_pool(),
			    "ordinary allocation stopped with %zu free, reserve %zu",
			    plat_pages_free(), plat_pages_reserved_pool());
	}
	TCHECK(plat_pages_free() == 0, "%zu pages left after exhaustion",
	    plat_pages_free());
	TCHECK(n + nres_pages == free0, "got %zu + %zu pages of %zu", n,
	    nres_pages, free0);
	TCHECK(plat_page_alloc(0, PLAT_PAGE_RESERVE) == NULL,
	    "allocation past exhaustion");
	/* Every page still holds its own address: none was handed out twice. */
	for (struct taken *t = list; t != NULL; t = t->next)
		TCHECK(t->self == (uintptr_t)t,
		    "page %#lx overwritten (holds %#lx)",
		    (unsigned long)(uintptr_t)t, (unsigned long)t->self);
	while (list != NULL) {
		struct taken *next = list->next;
		plat_page_free(list, 0);
		list = next;
	}
	TCHECK(plat_pages_free() == free0,
	    "%zu pages free after freeing all, was %zu", plat_pages_free(),
	    free0);
	/* Freed pages merged again: a 64 KiB block is available. */
	big = plat_page_alloc(4, 0);
	TCHECK(big != NULL && ((uintptr_t)big & (16 * PAGE_SIZE - 1)) == 0,
	    "no aligned 16-page block after freeing (%p)", big);
	plat_page_free(big, 4);
	kprintf("pagealloc: %zu pages handed out once each (%zu from the "
		"reserve), all returned\n",
	    n + nres_pages, nres_pages);
	return 0;
}

TESTCASE(modules)
{
	const struct plat_module *m;
	int n = plat_mem_modules(&m);

	TCHECK(n == 1, "%d modules, expected 1", n);
	TCHECK(m[0].end - m[0].start >= 16, "module is %lu bytes",
	    (unsigned long)(m[0].end - m[0].start));
	TCHECK(memcmp((const void *)(uintptr_t)m[0].start, "RUMPIMG-MODULE\n",
		   15) == 0,
	    "module contents differ");
	TCHECK(strcmp(m[0].cmdline + strlen(m[0].cmdline) - 7, "arg=one") == 0,
	    "module command line '%s'", m[0].cmdline);
	kprintf("modules: '%s' at %#lx, %lu bytes\n", m[0].cmdline,
	    (unsigned long)m[0].start, (unsigned long)(m[0].end - m[0].start));
	return 0;
}
