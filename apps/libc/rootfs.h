/*
 * The root file system of an appliance: a ustar archive (GNU tar's ustar
 * or gnu format, or POSIX pax with path records) unpacked into the rump
 * kernel's tmpfs before main() runs. doc/rootfs.md.
 */
#ifndef ROOTFS_H
#define ROOTFS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks the whole archive without touching any file: headers, checksums,
 * sizes, names (no "..", no absolute escape) and entry types. Returns 0,
 * or -1 with "NAME: offset N: what" in why.
 */
int rootfs_check(const void *ar, size_t len, const char *name, char *why,
    size_t whylen);

/*
 * Checks, then unpacks into / of the kernel (which must be up):
 * directories, regular files, symbolic links and hard links, with modes,
 * owners and modification times (directories' times set last). Returns
 * the number of entries, or -1 with the reason in why; a failed check
 * unpacks nothing.
 */
int rootfs_unpack(const void *ar, size_t len, const char *name, char *why,
    size_t whylen);

#endif
