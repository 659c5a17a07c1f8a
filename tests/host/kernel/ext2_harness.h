/*
 * The ext2 tests' surroundings (ext2_harness.c): just enough of the kernel
 * for kernel/fs (memory, console, clock, wait channels) and disks that are
 * host files, with failures on demand; images made and checked with
 * Debian's e2fsprogs (mke2fs, e2fsck, debugfs).
 */
#ifndef EXT2_HARNESS_H
#define EXT2_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The host's <fcntl.h> names two of the kernel's file flags too. */
#undef FNONBLOCK
#undef FAPPEND
#include "fs/ext2/ext2.h"
#include "kernel/sh.h"

struct blkdev {
	int fd;
	uint64_t size;
	bool ro;
	char name[16];
	long fail_writes_after; /* -1: never; else fail the next after n */
	long nwrites;
	uint64_t fail_read_off; /* reads covering it fail (0: none) */
};

/* The console's text since the last console_clear(). */
extern char console[8192];
void console_clear(void);

/* A scratch directory for this run (removed at exit). */
const char *scratch(void);
/*
 * An image at path: mke2fs -t ext2 -b bsize (size like "8M"), filled from
 * srcdir (NULL: empty). 0 or -1.
 */
int mkimage(const char *path, int bsize, const char *size, const char *srcdir);
/* e2fsck -fn's exit status (0: clean); its report is printed when not. */
int fsck(const char *path);

struct blkdev *disk_open(const char *path, bool ro);
void disk_close(struct blkdev *bd);

/* The inode at a slash-separated path from the root (held) or an errno. */
int walk(struct e2fs *fs, const char *path, struct e2inode **ipp);
/* Splits path into its parent directory (held) and last name. */
int walk_parent(struct e2fs *fs, const char *path, struct e2inode **dpp,
    const char **namep);

/* The image the case works on. */
extern char img[512];
/* Pseudo-random bytes that depend on seed and position only. */
void pattern(uint8_t *p, size_t len, uint64_t seed, uint64_t pos);
/* A new inode at path (held). */
int mkfile(struct e2fs *fs, const char *path, uint32_t mode,
    struct e2inode **ipp);
/* Writes len pattern bytes (seed) at off of a new or existing file. */
int put(struct e2fs *fs, const char *path, uint64_t off, size_t len,
    uint64_t seed);
/* Whether path's bytes [off, off+len) are the pattern (zeros: seed 0). */
bool same(struct e2fs *fs, const char *path, uint64_t off, size_t len,
    uint64_t seed);
/* Whether debugfs dumps path from img as the pattern, len bytes long. */
bool dump_same(const char *path, size_t len, uint64_t seed);
/* Opens img (read-only with E2_MNT_RDONLY) and mounts it: NULL and *errp. */
struct blkdev *open_mount(int flags, struct e2fs **fsp, int *errp);
/* An environment variable's number, or dflt. */
size_t envnum(const char *name, size_t dflt);

#endif
