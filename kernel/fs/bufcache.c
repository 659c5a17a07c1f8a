/*
 * The buffer cache (buf.h): a hash of (disk, block) to buffers, one LRU
 * list of all of them, write-back in runs of adjacent blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "blk.h"
#include "buf.h"

#define NHASH	    4096
#define CLUSTER_MAX (256 * 1024) /* bytes per write-back request */
#define LIMIT_MIN   (64 * 1024)
#define LIMIT_MAX   (64ULL * 1024 * 1024)
#define NDEVERR	    16

/*
 * The hash chains, made by the first buffer and kept: an image that never
 * reads a disk through the cache (most) does not carry them.
 */
static struct buf **hashtab;
static struct buf *lru_head, *lru_tail;
static size_t cached, dirty, limit;
static struct kcv io_kcv; /* a read or write finished */

/*
 * Write-back errors nobody has been told of yet, per disk. When the table
 * is full the error is kept for every disk (overflow_err): reported too
 * often rather than never.
 */
static struct {
	struct blkdev *bd;
	int err;
} deverr[NDEVERR];
static int overflow_err;

/*
 * The buffer multi-block requests go through (one copy): kept, as making
 * and zeroing 256 KiB per request costs more than the copy. A second
 * request while the first waits for its device gets its own.
 */
static uint8_t *bounce;
static bool bounce_busy;

static uint8_t *
bounce_get(size_t len)
{
	if (!bounce_busy && len <= CLUSTER_MAX) {
		if (bounce == NULL)
			bounce = kmem_zalloc(CLUSTER_MAX);
		if (bounce != NULL) {
			bounce_busy = true;
			return bounce;
		}
	}
	return kmem_zalloc(len);
}

static void
bounce_put(uint8_t *p, size_t len)
{
	if (p == bounce)
		bounce_busy = false;
	else
		kmem_free(p, len);
}

static unsigned
hashof(const struct blkdev *bd, uint64_t blkno)
{
	uint64_t h = ((uint64_t)(uintptr_t)bd >> 4) ^
	    (blkno * 0x9e3779b97f4a7c15ULL);

	return (unsigned)(h >> 40) % NHASH;
}

static struct buf *
lookup(struct blkdev *bd, uint64_t blkno)
{
	struct buf *bp;

	if (hashtab == NULL)
		return NULL;
	for (bp = hashtab[hashof(bd, blkno)]; bp != NULL; bp = bp->b_hnext)
		if (bp->b_dev == bd && bp->b_blkno == blkno)
			return bp;
	return NULL;
}

static void
lru_unlink(struct buf *bp)
{
	if (bp->b_prev != NULL)
		bp->b_prev->b_next = bp->b_next;
	else
		lru_head = bp->b_next;
	if (bp->b_next != NULL)
		bp->b_next->b_prev = bp->b_prev;
	else
		lru_tail = bp->b_prev;
	bp->b_prev = bp->b_next = NULL;
}

static void
lru_append(struct buf *bp)
{
	bp->b_prev = lru_tail;
	bp->b_next = NULL;
	if (lru_tail != NULL)
		lru_tail->b_next = bp;
	else
		lru_head = bp;
	lru_tail = bp;
}

static void
set_dirty(struct buf *bp, bool on)
{
	if (on && !(bp->b_flags & B_DIRTY)) {
		bp->b_flags |= B_DIRTY;
		dirty += bp->b_size;
	} else if (!on && (bp->b_flags & B_DIRTY)) {
		bp->b_flags &= ~B_DIRTY;
		dirty -= bp->b_size;
	}
}

/* Removes bp from the cache and frees it; nobody holds it, no I/O. */
static void
buf_free(struct buf *bp)
{
	struct buf **pp = &hashtab[hashof(bp->b_dev, bp->b_blkno)];

	KASSERT(bp->b_refs == 0 && !(bp->b_flags & (B_READING | B_WRITING)));
	while (*pp != bp)
		pp = &(*pp)->b_hnext;
	*pp = bp->b_hnext;
	lru_unlink(bp);
	set_dirty(bp, false);
	cached -= bp->b_size;
	kmem_free(bp->b_data, bp->b_size);
	kmem_free(bp, sizeof(*bp));
}

static void
record_error(struct blkdev *bd, int err)
{
	int i, freeslot = -1;

	for (i = 0; i < NDEVERR; i++) {
		if (deverr[i].bd == bd) {
			if (deverr[i].err == 0)
				deverr[i].err = err;
			return;
		}
		if (deverr[i].bd == NULL && freeslot < 0)
			freeslot = i;
	}
	if (freeslot >= 0) {
		deverr[freeslot].bd = bd;
		deverr[freeslot].err = err;
	} else if (overflow_err == 0) {
		overflow_err = err;
	}
}

static int
take_error(struct blkdev *bd)
{
	int i, err = overflow_err;

	for (i = 0; i < NDEVERR; i++) {
		if (deverr[i].bd == bd) {
			if (err == 0)
				err = deverr[i].err;
			deverr[i].bd = NULL;
			deverr[i].err = 0;
		}
	}
	return err;
}

/*
 * Writes the n buffers run[] (adjacent blocks of one disk, all dirty and
 * not being written) in one request. The data goes from a copy, so the
 * buffers may change meanwhile (and are then dirty again). Returns 0 or
 * the errno, which leaves the buffers dirty and marked B_WERROR.
 */
static int
write_run(struct buf **run, size_t n)
{
	struct blkdev *bd = run[0]->b_dev;
	size_t bsize = run[0]->b_size, i;
	uint8_t *copy;
	int err;

	copy = bounce_get(n * bsize);
	if (copy == NULL) {
		/* One block at a time then: no memory is a poor reason to fail. */
		if (n > 1) {
			for (i = 0; i < n; i++) {
				err = write_run(&run[i], 1);
				if (err != 0)
					return err;
			}
			return 0;
		}
		return RUMP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(copy + i * bsize, run[i]->b_data, bsize);
		set_dirty(run[i], false);
		run[i]->b_flags |= B_WRITING;
		run[i]->b_refs++;
	}
	err = blkdev_write(bd, copy, n * bsize, run[0]->b_blkno * bsize);
	bounce_put(copy, n * bsize);
	for (i = 0; i < n; i++) {
		run[i]->b_flags &= ~B_WRITING;
		run[i]->b_refs--;
		if (err != 0) {
			set_dirty(run[i], true);
			run[i]->b_flags |= B_WERROR;
		} else if (!(run[i]->b_flags & B_DIRTY)) {
			run[i]->b_flags &= ~B_WERROR;
		}
	}
	kcv_broadcast(&io_kcv);
	return err;
}

static bool
writable(const struct buf *bp, const struct buf *first)
{
	return bp != NULL && bp->b_size == first->b_size &&
	    (bp->b_flags & B_DIRTY) && !(bp->b_flags & B_WRITING);
}

/*
 * Writes bp back together with the dirty blocks around it that are in the
 * cache, at most CLUSTER_MAX bytes. The error is recorded on the disk too.
 */
static int
write_cluster(struct buf *bp)
{
	struct buf *run[64], *p;
	size_t max = CLUSTER_MAX / bp->b_size, n = 0;

	if (max > 64)
		max = 64;
	uint64_t lo = bp->b_blkno;
	int err;

	if (max < 1)
		max = 1;
	while (lo > 0 && bp->b_blkno - lo + 1 < max &&
	    writable(lookup(bp->b_dev, lo - 1), bp))
		lo--;
	for (uint64_t b = lo; n < max; b++) {
		p = b == bp->b_blkno ? bp : lookup(bp->b_dev, b);
		if (!writable(p, bp))
			break;
		run[n++] = p;
	}
	err = write_run(run, n);
	if (err != 0)
		record_error(bp->b_dev, err);
	return err;
}

static size_t
cache_limit(void)
{
	if (limit == 0) {
		uint64_t l = kmem_limit() / 8;
		limit = l > LIMIT_MAX ? LIMIT_MAX :
		    l < LIMIT_MIN     ? LIMIT_MIN :
					l;
	}
	return limit;
}

/*
 * Makes room for size more bytes: evicts the oldest clean buffers nobody
 * holds, writing dirty ones back first. May give up the CPU. Stops short
 * (the cache then overshoots its limit) when everything left is held, in
 * I/O, or failed to write. The first evicted buffer of size bytes is not
 * freed but returned, out of the cache, for the caller to use again: a
 * stream through a full cache then neither allocates nor zeroes memory
 * (fresh memory costs page faults on the host, zeroing costs a pass over
 * the data). NULL when none was.
 */
static struct buf *
make_room(size_t size)
{
	struct buf *bp, *reuse = NULL, **pp;

	while (cached + size > cache_limit()) {
		for (bp = lru_head; bp != NULL; bp = bp->b_next)
			if (bp->b_refs == 0 &&
			    !(bp->b_flags & (B_READING | B_WRITING | B_WERROR)))
				break;
		if (bp == NULL)
			break;
		if (bp->b_flags & B_DIRTY) {
			(void)write_cluster(bp); /* recorded for bflush */
		} else if (reuse == NULL && bp->b_size == size) {
			pp = &hashtab[hashof(bp->b_dev, bp->b_blkno)];
			while (*pp != bp)
				pp = &(*pp)->b_hnext;
			*pp = bp->b_hnext;
			lru_unlink(bp);
			cached -= bp->b_size;
			reuse = bp;
		} else {
			buf_free(bp);
		}
	}
	return reuse;
}

static void
reuse_free(struct buf *bp)
{
	if (bp != NULL) {
		kmem_free(bp->b_data, bp->b_size);
		kmem_free(bp, sizeof(*bp));
	}
}

/*
 * Finds or makes the buffer of (bd, blkno), held; *isnew when made. A
 * made one holds zeros if zero, else anything (the caller fills it).
 */
static int
getbuf(struct blkdev *bd, uint64_t blkno, size_t size, struct buf **bpp,
    bool *isnew, bool zero)
{
	struct buf *bp, *reuse;
	uint8_t *data;
	unsigned h;
	int err;

	if (size == 0 || size % BLK_SECSIZE != 0 ||
	    blkno > blkdev_size(bd) / size ||
	    (blkno + 1) * size > blkdev_size(bd))
		return RUMP_EINVAL;
	for (;;) {
		bp = lookup(bd, blkno);
		if (bp == NULL)
			break;
		if (bp->b_flags & B_READING) {
			err = kcv_wait(&io_kcv, 0);
			if (err != 0)
				return err;
			continue;
		}
		KASSERT(bp->b_size == size);
		bp->b_refs++;
		lru_unlink(bp);
		lru_append(bp);
		*isnew = false;
		*bpp = bp;
		return 0;
	}
	reuse = make_room(size);
	/* make_room may have given the CPU up: someone may have made it. */
	if (lookup(bd, blkno) != NULL) {
		reuse_free(reuse);
		return getbuf(bd, blkno, size, bpp, isnew, zero);
	}
	if (reuse != NULL) {
		bp = reuse;
		data = bp->b_data;
		memset(bp, 0, sizeof(*bp));
		bp->b_data = data;
		if (zero)
			memset(data, 0, size);
	} else {
		if (hashtab == NULL &&
		    (hashtab = kmem_zalloc(NHASH * sizeof(*hashtab))) == NULL)
			return RUMP_ENOMEM;
		bp = kmem_zalloc(sizeof(*bp));
		if (bp == NULL)
			return RUMP_ENOMEM;
		bp->b_data = kmem_data_alloc(size); /* zeroed */
		if (bp->b_data == NULL) {
			kmem_free(bp, sizeof(*bp));
			return RUMP_ENOMEM;
		}
	}
	bp->b_dev = bd;
	bp->b_blkno = blkno;
	bp->b_size = size;
	bp->b_refs = 1;
	h = hashof(bd, blkno);
	bp->b_hnext = hashtab[h];
	hashtab[h] = bp;
	lru_append(bp);
	cached += size;
	*isnew = true;
	*bpp = bp;
	return 0;
}

int
bread(struct blkdev *bd, uint64_t blkno, size_t size, struct buf **bpp)
{
	struct buf *bp;
	bool isnew;
	int err;

	err = getbuf(bd, blkno, size, &bp, &isnew, false);
	if (err != 0 || !isnew) {
		if (err == 0)
			*bpp = bp;
		return err;
	}
	bp->b_flags = B_READING;
	err = blkdev_read(bd, bp->b_data, size, blkno * size);
	bp->b_flags &= ~B_READING;
	kcv_broadcast(&io_kcv);
	if (err != 0) {
		/* Those who waited for it look again and read it themselves. */
		bp->b_refs--;
		buf_free(bp);
		return err;
	}
	bp->b_flags |= B_VALID;
	*bpp = bp;
	return 0;
}

int
bget(struct blkdev *bd, uint64_t blkno, size_t size, struct buf **bpp)
{
	struct buf *bp;
	bool isnew;
	int err;

	err = getbuf(bd, blkno, size, &bp, &isnew, true);
	if (err != 0)
		return err;
	bp->b_flags |= B_VALID;
	*bpp = bp;
	return 0;
}

void
bread_ahead(struct blkdev *bd, uint64_t blkno, size_t size, size_t n)
{
	struct buf *run[64], *bp;
	size_t k = 0, i;
	uint8_t *data;
	bool isnew;
	int err;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		if (lookup(bd, blkno + i) != NULL)
			break;
		if (getbuf(bd, blkno + i, size, &bp, &isnew, false) != 0)
			break;
		if (!isnew) {
			brelse(bp);
			break;
		}
		bp->b_flags = B_READING; /* before the CPU can go */
		run[k++] = bp;
	}
	if (k == 0)
		return;
	data = bounce_get(k * size);
	err = data == NULL ? RUMP_ENOMEM :
			     blkdev_read(bd, data, k * size, blkno * size);
	for (i = 0; i < k; i++) {
		bp = run[i];
		bp->b_flags &= ~B_READING;
		bp->b_refs--;
		if (err != 0) {
			buf_free(bp);
			continue;
		}
		memcpy(bp->b_data, data + i * size, size);
		bp->b_flags |= B_VALID;
	}
	if (data != NULL)
		bounce_put(data, k * size);
	kcv_broadcast(&io_kcv);
}

bool
bincore(struct blkdev *bd, uint64_t blkno)
{
	return lookup(bd, blkno) != NULL;
}

void
bdirty(struct buf *bp)
{
	KASSERT(bp->b_refs > 0);
	set_dirty(bp, true);
}

void
brelse(struct buf *bp)
{
	KASSERT(bp->b_refs > 0);
	bp->b_refs--;
}

int
bwrite(struct buf *bp)
{
	int err;

	KASSERT(bp->b_refs > 0);
	set_dirty(bp, true);
	while (bp->b_flags & B_WRITING) {
		err = kcv_wait(&io_kcv, 0);
		if (err != 0)
			return err;
	}
	if (!(bp->b_flags & B_DIRTY))
		return 0;
	return write_run(&bp, 1);
}

static int
cmp_blkno(const void *a, const void *b)
{
	const struct buf *x = *(struct buf *const *)a;
	const struct buf *y = *(struct buf *const *)b;

	return x->b_blkno < y->b_blkno ? -1 : x->b_blkno > y->b_blkno;
}

/* Writes the dirty buffers of bd in block order; the first error or 0. */
static int
write_all(struct blkdev *bd)
{
	struct buf *bp, **list;
	size_t n = 0, i, j, max;
	int err = 0, e;

	for (bp = lru_head; bp != NULL; bp = bp->b_next)
		if (bp->b_dev == bd && (bp->b_flags & B_DIRTY))
			n++;
	if (n == 0)
		return 0;
	list = kmem_zalloc(n * sizeof(*list));
	if (list == NULL) {
		/* Unsorted then: one cluster per dirty buffer found. */
		for (;;) {
			for (bp = lru_head; bp != NULL; bp = bp->b_next)
				if (bp->b_dev == bd && writable(bp, bp))
					break;
			if (bp == NULL)
				return err;
			e = write_cluster(bp);
			if (e != 0)
				return e;
		}
	}
	n = 0;
	for (bp = lru_head; bp != NULL; bp = bp->b_next) {
		if (bp->b_dev == bd && (bp->b_flags & B_DIRTY)) {
			bp->b_refs++; /* kept while the CPU is away */
			list[n++] = bp;
		}
	}
	qsort(list, n, sizeof(*list), cmp_blkno);
	for (i = 0; i < n; i = j) {
		j = i + 1;
		if (!writable(list[i], list[i]))
			continue;
		max = CLUSTER_MAX / list[i]->b_size;
		while (j < n && j - i < max &&
		    list[j]->b_blkno == list[j - 1]->b_blkno + 1 &&
		    writable(list[j], list[i]))
			j++;
		e = write_run(&list[i], j - i);
		if (e != 0 && err == 0)
			err = e;
	}
	for (i = 0; i < n; i++)
		list[i]->b_refs--;
	kmem_free(list, n * sizeof(*list));
	return err;
}

int
bflush(struct blkdev *bd)
{
	struct buf *bp;
	int err, e;

	err = write_all(bd);
	/* Writes others started (evictions) must be on the disk too. */
	for (;;) {
		for (bp = lru_head; bp != NULL; bp = bp->b_next)
			if (bp->b_dev == bd && (bp->b_flags & B_WRITING))
				break;
		if (bp == NULL)
			break;
		e = kcv_wait(&io_kcv, 0);
		if (e != 0)
			return e;
	}
	e = take_error(bd);
	if (err == 0)
		err = e;
	e = blkdev_flush(bd);
	if (err == 0)
		err = e;
	return err;
}

int
binval(struct blkdev *bd)
{
	struct buf *bp, *next;

	for (bp = lru_head; bp != NULL; bp = bp->b_next)
		if (bp->b_dev == bd &&
		    (bp->b_refs != 0 || (bp->b_flags & (B_READING | B_WRITING))))
			return RUMP_EBUSY;
	for (bp = lru_head; bp != NULL; bp = next) {
		next = bp->b_next;
		if (bp->b_dev == bd)
			buf_free(bp);
	}
	(void)take_error(bd);
	return 0;
}

void
bforget(struct blkdev *bd, uint64_t blkno)
{
	struct buf *bp = lookup(bd, blkno);

	if (bp != NULL && bp->b_refs == 0 &&
	    !(bp->b_flags & (B_READING | B_WRITING)))
		buf_free(bp);
}

void
bcache_setlimit(size_t bytes)
{
	limit = bytes < LIMIT_MIN ? LIMIT_MIN : bytes;
}

void
bcache_stats(size_t *cachedp, size_t *dirtyp)
{
	*cachedp = cached;
	*dirtyp = dirty;
}
