/*
 * The machine's disks: virtio-blk PCI devices (platform/x86/virtio_blk.c),
 * numbered from 0 in PCI order. Requests are queued without blocking and
 * complete in any order; the device interrupts when some are done, and
 * the notifier (interrupt context) wakes whoever reaps them. Thread
 * context unless said otherwise; one thread at a time per call (the
 * threads are cooperative). The hypercall layer turns this into
 * rumpuser_open/rumpuser_bio (hypercall/blk.c).
 */
#ifndef PLAT_BLK_H
#define PLAT_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_BLK_MAX	 8
#define PLAT_BLK_SECSIZE 512

#define PLAT_BLK_READ  0
#define PLAT_BLK_WRITE 1
#define PLAT_BLK_FLUSH 2

/* Disks set up at boot. */
int plat_blk_count(void);

/*
 * Disk i's size in bytes, whether the device refuses writes
 * (VIRTIO_BLK_F_RO) and whether it has a write cache to flush
 * (VIRTIO_BLK_F_FLUSH; without one, a finished write is on the media).
 */
void plat_blk_info(int i, uint64_t *bytes, bool *ro, bool *flush);

/*
 * Queues a request on disk i: read or write len bytes (a multiple of
 * PLAT_BLK_SECSIZE, at most PLAT_BLK_MAXIO) at byte offset off into or from
 * buf, or a flush (buf, len and off unused). buf must stay put until the
 * request is reaped. 0; EAGAIN when the queue is full (wait for the
 * notifier, reap, retry); EINVAL for a misaligned, too long or
 * out-of-range request; EROFS for a write to a read-only disk; ENXIO for
 * no such disk; EOPNOTSUPP for a flush the device cannot do.
 */
#define PLAT_BLK_MAXIO (1024 * 1024)
int plat_blk_submit(int i, int op, void *buf, size_t len, uint64_t off,
    void *cookie);

/*
 * Takes a finished request of disk i: 0 with its cookie and *error (0, or
 * EIO when the device failed it); EAGAIN when none has finished.
 */
int plat_blk_reap(int i, void **cookie, int *error);

/* Disk i's interrupts so far and the most requests it had in flight. */
void plat_blk_stats(int i, uint64_t *irqs, unsigned *maxinflight);

/* Flush requests (VIRTIO_BLK_T_FLUSH) queued on disk i so far. */
uint64_t plat_blk_flushes(int i);

/*
 * fn(arg) runs in interrupt context when a disk finishes requests; it may
 * only wake a thread (sched_wake). One notifier for every disk.
 */
void plat_blk_set_notify(void (*fn)(void *), void *arg);

#endif
