/*
 * The buffer cache: blocks of a disk (kernel/blk.h) kept in memory, read
 * on demand and written back later (write-back), as NetBSD's bread(9),
 * bwrite(9), brelse(9) do for file systems.
 *
 * A buffer is one block of one disk: its number counts blocks of its size
 * from the start of the disk, and a disk is used with one block size at a
 * time (the mounted file system's). A caller holds a buffer between
 * bread/bget and brelse; held buffers are never evicted. Clean buffers
 * nobody holds are evicted oldest first when the cache is at its limit;
 * dirty ones are written back first (adjacent blocks in one request).
 *
 * Errors are never dropped: a read error is the caller's errno; a write
 * error during a write-back the caller did not ask for is kept on the disk
 * (and the buffer stays dirty, so its data is not lost) and returned by the
 * next bflush of that disk.
 *
 * Everything runs holding the virtual CPU; disk I/O gives it up, so other
 * threads may use the cache meanwhile. A buffer being read is waited for;
 * a buffer being written may be read and changed meanwhile (the write
 * sends a copy; a change re-marks it dirty).
 */
#ifndef FS_BUF_H
#define FS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;

struct buf {
	struct blkdev *b_dev;
	uint64_t b_blkno; /* in blocks of b_size */
	size_t b_size;
	uint8_t *b_data;
	int b_flags;
	int b_refs;		     /* holders (bread/bget to brelse) */
	struct buf *b_hnext;	     /* hash chain */
	struct buf *b_prev, *b_next; /* the LRU list: oldest first */
};
#define B_VALID	  0x1  /* b_data holds the block */
#define B_DIRTY	  0x2  /* b_data is newer than the disk */
#define B_READING 0x4  /* a read into it is in progress */
#define B_WRITING 0x8  /* a write of it is in progress */
#define B_WERROR  0x10 /* its last write-back failed */

/*
 * Reads block blkno (size bytes) of bd into the cache and holds it.
 * 0 with *bpp, EIO (the device failed: nothing cached), EINVAL (outside
 * the disk), ENOMEM, or EINTR (the caller's process is being drained).
 */
int bread(struct blkdev *bd, uint64_t blkno, size_t size, struct buf **bpp);
/*
 * Holds block blkno without reading it: for a block the caller overwrites
 * whole. Its contents are the cached ones, or zeros. Same errors as bread
 * but EIO.
 */
int bget(struct blkdev *bd, uint64_t blkno, size_t size, struct buf **bpp);
/*
 * Reads ahead: blocks blkno.. of bd (at most n, 64) not yet cached, up to
 * the first cached one, in one request; they stay cached, not held. An
 * error is not reported here: the bread that wants the block reads again.
 */
void bread_ahead(struct blkdev *bd, uint64_t blkno, size_t size, size_t n);
/* Whether block blkno of bd is in the cache. */
bool bincore(struct blkdev *bd, uint64_t blkno);
/* Marks a held buffer changed: it is written back later. */
void bdirty(struct buf *bp);
/* Lets go of a held buffer. */
void brelse(struct buf *bp);
/*
 * Writes a held buffer to the disk now (it stays held): 0 or the errno of
 * the write (the buffer stays dirty then).
 */
int bwrite(struct buf *bp);
/*
 * Writes back every dirty buffer of bd, waits for writes in progress, then
 * asks the device to make them durable (blkdev_flush). Returns 0, or the
 * first error since the last bflush of bd (a failed write-back included).
 */
int bflush(struct blkdev *bd);
/*
 * Forgets every buffer of bd (after bflush, at unmount): dirty data is
 * dropped. EBUSY (nothing forgotten) while a buffer of bd is held or in
 * I/O.
 */
int binval(struct blkdev *bd);
/*
 * Forgets block blkno of bd if cached and not held: its contents no longer
 * matter (a freed block), so it is not written back.
 */
void bforget(struct blkdev *bd, uint64_t blkno);
/* The most bytes of block data the cache keeps (at least 64 KiB). */
void bcache_setlimit(size_t bytes);
/* Bytes of block data cached now, and how many of them are dirty. */
void bcache_stats(size_t *cached, size_t *dirty);

#endif
