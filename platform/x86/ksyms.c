/*
 * Symbol lookup over the table scripts/mksyms generates into .ksyms: entries
 * sorted by address, each with the function's size and its name's offset in
 * the string table.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/ksyms.h"

struct ksym {
	uint64_t addr;
	uint32_t size;
	uint32_t name;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_strings[];

unsigned long
ksym_count(void)
{
	return ksyms_count;
}

const char *
ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	/* Find the last entry whose address is <= addr. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *k = &ksyms_table[lo - 1];
	if (k->size != 0 && addr - k->addr >= k->size)
		return NULL;
	*offset = addr - k->addr;
	return &ksyms_strings[k->name];
}
