/*
 * The kernel's disks (blk.c), by NetBSD name ("ld0", "ld1", ...). A disk is
 * reached through rumpuser_open(RUMPUSER_OPEN_BIO)/rumpuser_bio
 * (doc/rumpuser.md): a host file on the host build, a virtio-blk device in
 * the image. Everything here runs holding the kernel's CPU.
 */
#ifndef KERN_BLK_H
#define KERN_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;

#define BLK_SECSIZE 512

/* "ld0" -> the disk, or NULL. */
struct blkdev *blkdev_lookup(const char *name);
/* Bytes, a multiple of BLK_SECSIZE. */
uint64_t blkdev_size(const struct blkdev *bd);
bool blkdev_readonly(const struct blkdev *bd);
const char *blkdev_name(const struct blkdev *bd);

/*
 * Synchronous I/O of len bytes at byte offset off, both multiples of
 * BLK_SECSIZE, within the disk. Sleeps (the calling lwp) until the device
 * answers; other threads run meanwhile. 0, EINVAL (misaligned/out of
 * range), EROFS (write to a read-only disk), EIO (device error).
 */
int blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off);
int blkdev_write(struct blkdev *bd, const void *buf, size_t len, uint64_t off);
/* Device write cache -> media. 0 or EIO. */
int blkdev_flush(struct blkdev *bd);

/*
 * Registers a disk reached through rumpuser_open(hyppath)/rumpuser_bio
 * (rumpuser(3)) as name. Opened read-write unless ro; a host that refuses
 * writing (EROFS, EACCES, EPERM) gets the disk read-only. 0 with *bdp (may
 * be NULL); EEXIST for a name in use, EINVAL for a bad name or a disk
 * smaller than a sector, or the hypercall's error.
 */
int blkdev_attach(const char *name, const char *hyppath, bool ro,
    struct blkdev **bdp);
/*
 * Like blkdev_attach, with the disk being size bytes at byte offset begin
 * of hyppath (size UINT64_MAX: to its end; the size is rounded down to a
 * sector). EINVAL when that is not inside the file.
 */
int blkdev_attach_range(const char *name, const char *hyppath, bool ro,
    uint64_t begin, uint64_t size, struct blkdev **bdp);
/*
 * Forgets the disk and closes it; EBUSY while something holds it
 * (blkdev_hold), 0 otherwise.
 */
int blkdev_detach(struct blkdev *bd);
/* References that keep a disk attached (open device nodes, mounts). */
void blkdev_hold(struct blkdev *bd);
void blkdev_rele(struct blkdev *bd);
/* The unit number of "ldN" names (N), or -1. */
int blkdev_unit(const struct blkdev *bd);

#endif
