/*
 * Shared by the libFuzzer targets of tests/fuzz (see tests/fuzz/README.md):
 * the kernel and its POSIX backend are linked in, under ASan and UBSan.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Records the file system as the kernel booted it (call once, after
 * rump_init(), outside the kernel).
 */
void fuzz_reset_init(void);

/*
 * Removes every file and directory made since fuzz_reset_init(), sets the
 * host name and the wall clock back and gives "/" its mode and owner back. Call outside the
 * kernel, with no lwp bound.
 */
void fuzz_reset(void);

/*
 * Whether the target steps around known bug name (fuzz_known.c): true
 * unless FUZZ_KNOWN_BUGS lets it through.
 */
bool fuzz_known_bug(const char *name);

/*
 * The argument slot holding a file offset or size in call num (pread,
 * pwrite, lseek, truncate, ftruncate), or -1. Until tmpfs stops allocating
 * block pointers for a whole sparse file, the targets keep such values
 * under FUZZ_OFFSET_MASK (see tests/fuzz/README.md).
 */
int fuzz_offset_slot(int num);
#define FUZZ_OFFSET_MASK 0xffffffL

#endif
