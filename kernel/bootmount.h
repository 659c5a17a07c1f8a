/*
 * The parser of the boot command line's root= and mount= values
 * (vfs_bootmount.c, doc/cmdline.md "Disks at boot"); its own header so
 * that the host tests reach it without the kernel's other types.
 */
#ifndef KERNEL_BOOTMOUNT_H
#define KERNEL_BOOTMOUNT_H

#include <stdbool.h>
#include <stddef.h>

struct bootmount {
	char dev[32];	 /* "/dev/ld0" */
	char path[1024]; /* "/data"; "/" for root= (MNAMELEN) */
	char type[16];	 /* "ext2fs" */
	bool ro;
};

/*
 * Parses a root= (root true: DEV[:OPTS]) or mount= (DEV:PATH[:OPTS])
 * value into bm. Returns 0, or -1 with the reason in why.
 */
int vfs_bootmount_parse(const char *word, bool root, struct bootmount *bm,
    char *why, size_t whylen);

#endif
