/*
 * Boot-time memory setup: usable RAM from the multiboot map, minus the image,
 * the multiboot structures, the modules and the first 64 KiB, goes to the page
 * allocator. Only the identity-mapped first 4 GiB are used.
 */
#include <stdbool.h>
#include <stdint.h>

#include "plat/console.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/pagealloc.h"
#include "plat/panic.h"
#include "plat/power.h"
#include "plat/string.h"

#define MAX_RANGES  64
#define MAX_MODULES 16

extern char _load_start[], _bss_end[];

static struct pa pa;
static uint8_t *page_tags; /* one byte per frame, for the layers above */
static struct plat_range usable[MAX_RANGES];
static int nusable;
static struct plat_range reserved[MAX_RANGES];
static int nreserved;
static struct plat_module modules[MAX_MODULES];
static int nmodules;

static void
reserve(uint64_t start, uint64_t end, const char *what)
{
	if (end <= start)
		return;
	if (nreserved == MAX_RANGES)
		panic("mem: more than %d reserved ranges", MAX_RANGES);
	reserved[nreserved++] = (struct plat_range){ start, end, what };
}

static void
add_usable(uint64_t start, uint64_t end)
{
	start = (start + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	end &= ~(uint64_t)(PAGE_SIZE - 1);
	if (start < PLAT_LOW_GUARD)
		start = PLAT_LOW_GUARD; /* page 0 unmapped, the rest unused */
	if (end > PLAT_MAPPED_TOP)
		end = PLAT_MAPPED_TOP;
	if (end <= start)
		return;
	if (nusable == MAX_RANGES) {
		klog(LOG_WARN,
		    "mem: more than %d usable ranges; ignoring "
		    "%#lx-%#lx\n",
		    MAX_RANGES, (unsigned long)start, (unsigned long)end);
		return;
	}
	usable[nusable++] = (struct plat_range){ start, end, "ram" };
}

static const char *
mmap_type(uint32_t t)
{
	switch (t) {
	case 1:
		return "available";
	case 2:
		return "reserved";
	case 3:
		return "ACPI reclaimable";
	case 4:
		return "ACPI NVS";
	case 5:
		return "bad";
	default:
		return "unknown";
	}
}

static void
read_memory_map(const struct mb_info *mbi)
{
	uint64_t above = 0;

	if (mbi->flags & MB_INFO_MMAP) {
		uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
		reserve(p, end, "multiboot memory map");
		klog(LOG_INFO, "memory map:\n");
		while (p + sizeof(struct mb_mmap_entry) <= end) {
			const struct mb_mmap_entry *e = (const void *)p;
			klog(LOG_INFO, "  0x%012lx-0x%012lx %s\n",
			    (unsigned long)e->addr,
			    (unsigned long)(e->addr + e->len),
			    mmap_type(e->type));
			if (e->type == 1) {
				add_usable(e->addr, e->addr + e->len);
				if (e->addr + e->len > PLAT_MAPPED_TOP)
					above += e->addr + e->len -
					    (e->addr > PLAT_MAPPED_TOP ?
						    e->addr :
						    PLAT_MAPPED_TOP);
			}
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MB_INFO_MEM) {
		klog(LOG_WARN,
		    "mem: loader gave no memory map; using "
		    "mem_lower/mem_upper\n");
		add_usable(0, (uint64_t)mbi->mem_lower << 10);
		add_usable(1 << 20, (1 << 20) + ((uint64_t)mbi->mem_upper << 10));
	} else {
		panic("mem: the boot loader reported no memory at all");
	}
	if (above != 0)
		klog(LOG_WARN,
		    "mem: ignoring %lu MiB of RAM above 4 GiB "
		    "(not mapped)\n",
		    (unsigned long)(above >> 20));
}

static void
read_modules(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count == 0)
		return;
	const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;
	reserve(mbi->mods_addr,
	    mbi->mods_addr + (uint64_t)mbi->mods_count * sizeof(*m),
	    "multiboot module list");
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		const char *s = m[i].string ?
		    (const char *)(uintptr_t)m[i].string :
		    "";
		reserve(m[i].mod_start, m[i].mod_end, "module");
		if (m[i].string)
			reserve(m[i].string, m[i].string + strlen(s) + 1,
			    "module name");
		if (nmodules < MAX_MODULES)
			modules[nmodules++] = (struct plat_module){ m[i].mod_start,
				m[i].mod_end, s };
		else
			klog(LOG_WARN,
			    "mem: module %u (%s) not listed: more "
			    "than %d modules\n",
			    i, s, MAX_MODULES);
		klog(LOG_INFO, "module %u: %#x-%#x (%u bytes) '%s'\n", i,
		    m[i].mod_start, m[i].mod_end, m[i].mod_end - m[i].mod_start,
		    s);
	}
}

static bool
overlaps_reserved(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nreserved; i++)
		if (start < reserved[i].end && reserved[i].start < end)
			return true;
	return false;
}

/* A page-aligned hole of len bytes in usable RAM, clear of every reservation. */
static uint64_t
find_hole(uint64_t len)
{
	for (int i = 0; i < nusable; i++) {
		uint64_t s = usable[i].start;
		while (s + len <= usable[i].end) {
			if (!overlaps_reserved(s, s + len))
				return s;
			s += PAGE_SIZE;
		}
	}
	return 0;
}

static void
sort_reserved(void)
{
	for (int i = 1; i < nreserved; i++) {
		struct plat_range r = reserved[i];
		int j = i;
		for (; j > 0 && reserved[j - 1].start > r.start; j--)
			reserved[j] = reserved[j - 1];
		reserved[j] = r;
	}
}

/* Adds [start, end) minus every reserved range (sorted) to the allocator. */
static void
add_free(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nreserved && start < end; i++) {
		const struct plat_range *r = &reserved[i];
		if (r->end <= start || r->start >= end)
			continue;
		if (r->start > start)
			pa_add_range(&pa, start, r->start);
		start = r->end;
	}
	if (start < end)
		pa_add_range(&pa, start, end);
}

void
mem_init(const struct mb_info *mbi, uint64_t reserve_bytes, bool scale)
{
	uint64_t lo = UINT64_MAX, hi = 0, meta, need;
	size_t meta_len;

	reserve((uintptr_t)_load_start, (uintptr_t)_bss_end, "kernel image");
	reserve((uintptr_t)mbi, (uintptr_t)mbi + sizeof(*mbi), "multiboot info");
	if (mbi->flags & MB_INFO_CMDLINE)
		reserve(mbi->cmdline,
		    mbi->cmdline +
			strlen((const char *)(uintptr_t)mbi->cmdline) + 1,
		    "command line");
	if (mbi->flags & MB_INFO_LOADER_NAME)
		reserve(mbi->boot_loader_name,
		    mbi->boot_loader_name +
			strlen((const char *)(uintptr_t)mbi->boot_loader_name) + 1,
		    "loader name");
	read_memory_map(mbi);
	read_modules(mbi);

	for (int i = 0; i < nusable; i++) {
		if (usable[i].start < lo)
			lo = usable[i].start;
		if (usable[i].end > hi)
			hi = usable[i].end;
	}
	if (nusable == 0)
		goto too_small;
	meta_len = pa_meta_size(lo >> PAGE_SHIFT, hi >> PAGE_SHIFT);
	meta = find_hole(
	    (2 * meta_len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1));
	if (meta == 0)
		goto too_small;
	reserve(meta, meta + 2 * meta_len, "page allocator metadata");
	pa_init(&pa, lo >> PAGE_SHIFT, hi >> PAGE_SHIFT, (uint8_t *)meta);
	page_tags = (uint8_t *)meta + meta_len;
	memset(page_tags, 0, meta_len);
	sort_reserved();
	for (int i = 0; i < nusable; i++)
		add_free(usable[i].start, usable[i].end);

	/* The pool serves page tables: a small machine needs few. */
	if (scale && reserve_bytes > (uint64_t)pa.free_pages * PAGE_SIZE / 16) {
		reserve_bytes = ((uint64_t)pa.free_pages * PAGE_SIZE / 16) &
		    ~(uint64_t)(PAGE_SIZE - 1);
		if (reserve_bytes < 64 * 1024)
			reserve_bytes = 64 * 1024;
	}
	need = reserve_bytes + 64 * 1024;
	if ((uint64_t)pa.free_pages * PAGE_SIZE < need)
		goto too_small;
	pa_set_reserve(&pa, (size_t)(reserve_bytes / PAGE_SIZE));
	klog(LOG_INFO,
	    "memory: %lu KiB usable, %lu KiB free after the image "
	    "(%lu KiB kernel image, %lu KiB kept in reserve)\n",
	    (unsigned long)(pa.managed_pages +
		(((uintptr_t)_bss_end - (uintptr_t)_load_start) >> PAGE_SHIFT)) *
		4,
	    (unsigned long)pa.free_pages * 4,
	    (unsigned long)((uintptr_t)_bss_end - (uintptr_t)_load_start) / 1024,
	    (unsigned long)reserve_bytes / 1024);
	return;

too_small:
	kprintf("error: not enough memory to boot: %lu KiB free, the kernel "
		"needs at least %lu KiB (mem.reserve=%luK plus 64K for the "
		"workload); give the machine more memory (QEMU -m)\n",
	    (unsigned long)pa.free_pages * 4,
	    (unsigned long)(reserve_bytes / 1024 + 64),
	    (unsigned long)(reserve_bytes / 1024));
	plat_exit(PLAT_EXIT_NOMEM);
}

void *
plat_page_alloc(unsigned order, int flags)
{
	return pa_alloc(&pa, order, (flags & PLAT_PAGE_RESERVE) ? PA_RESERVE : 0);
}

void
plat_page_free(void *p, unsigned order)
{
	pa_free(&pa, p, order);
}

size_t
plat_pages_free(void)
{
	return pa.free_pages;
}

size_t
plat_pages_total(void)
{
	return pa.managed_pages;
}

size_t
plat_pages_reserved_pool(void)
{
	return pa.reserve_pages;
}

int
plat_mem_reserved(const struct plat_range **out)
{
	*out = reserved;
	return nreserved;
}

int
plat_mem_modules(const struct plat_module **out)
{
	*out = modules;
	return nmodules;
}

uint8_t *
plat_page_tag(const void *p)
{
	uintptr_t pfn = (uintptr_t)p >> PAGE_SHIFT;

	if (pfn < pa.base_pfn || pfn - pa.base_pfn >= pa.npages)
		return NULL;
	return &page_tags[pfn - pa.base_pfn];
}

bool
plat_mem_is_ram(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nusable; i++)
		if (start < usable[i].end && usable[i].start < end)
			return true;
	return false;
}
