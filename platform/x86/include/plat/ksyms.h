/*
 * The image's own symbol table, embedded at build time (scripts/mksyms).
 */
#ifndef PLAT_KSYMS_H
#define PLAT_KSYMS_H

#include <stdint.h>

/*
 * Name of the function containing addr and addr's offset into it, or NULL
 * when addr is in no known function.
 */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

/* Number of symbols in the table (0 in the first link pass). */
unsigned long ksym_count(void);

#endif
