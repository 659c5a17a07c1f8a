/*
 * rumpuser(3) block devices on bare metal: the machine's disks (plat/blk.h)
 * under the names "virtio-blk0", "virtio-blk1", ... (doc/rumpuser.md),
 * which rumpuser_ext_disk_name lists for the kernel to attach at boot.
 *
 * rumpuser_bio queues the request and returns; when the queue is full it
 * first gives the kernel's CPU up and waits for room. One thread, "blkdone",
 * reaps finished requests: the disks' interrupt only wakes it. For each
 * one it takes the kernel's CPU (hyp_schedule, as NetBSD's bio threads do)
 * and calls the completion there. A RUMPUSER_BIO_SYNC write is followed by
 * a flush before its completion; rumpuser_syncfd flushes and waits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "hyp/upcall.h"
#include "plat/string.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#ifdef CONFIG_PLAT_VIRTIO_BLK
#include "plat/blk.h"
#else
/* No driver: no disks. */
#define PLAT_BLK_READ  0
#define PLAT_BLK_WRITE 1
#define PLAT_BLK_FLUSH 2
static int
plat_blk_count(void)
{
	return 0;
}
static void
plat_blk_info(int i, uint64_t *b, bool *ro, bool *fl)
{
	(void)i;
	*b = 0;
	*ro = *fl = false;
}
static int
plat_blk_submit(int i, int op, void *buf, size_t len, uint64_t off, void *c)
{
	(void)i;
	(void)op;
	(void)buf;
	(void)len;
	(void)off;
	(void)c;
	return RUMP_ENXIO;
}
static int
plat_blk_reap(int i, void **c, int *e)
{
	(void)i;
	(void)c;
	(void)e;
	return RUMP_EAGAIN;
}
static void
plat_blk_set_notify(void (*fn)(void *), void *arg)
{
	(void)fn;
	(void)arg;
}
#endif

#define NAME_PREFIX "virtio-blk"
#define FD_BASE	    0x100 /* disk i is descriptor FD_BASE + i */

/* A request handed to a disk; the cookie the driver gives back. */
struct bioreq {
	struct bioreq *next; /* on the flush-pending list */
	int disk;
	size_t len;
	bool flush_after;     /* RUMPUSER_BIO_SYNC write */
	rump_biodone_fn done; /* NULL: a syncfd's own, waited on */
	void *donearg;
	struct thread *waiter; /* syncfd: who waits */
	bool finished;
	int error;
};

static struct thread *reaper; /* "blkdone" */
/* Changed with interrupts disabled: blk_notify reads them. */
static bool reaper_asleep, irq_seen;
/* Threads waiting for room in a queue; woken after every reap. */
static struct thread *room_waiters[16];
static int nroom;
static struct bioreq *flush_pending; /* SYNC writes done, flush not queued */

/* Interrupt context: only wakes the reaper. */
__attribute__((target("general-regs-only"))) static void
blk_notify(void *arg)
{
	(void)arg;
	irq_seen = true;
	if (reaper_asleep)
		sched_wake(reaper);
}

static int
disk_of_fd(int fd)
{
	int i = fd - FD_BASE;

	return i >= 0 && i < plat_blk_count() ? i : -1;
}

/* "virtio-blkN" -> N, or -1. */
static int
disk_of_name(const char *name)
{
	size_t n = sizeof(NAME_PREFIX) - 1;
	int i;

	if (name == NULL || strncmp(name, NAME_PREFIX, n) != 0 ||
	    name[n] < '0' || name[n] > '9' || name[n + 1] != '\0')
		return -1;
	i = name[n] - '0';
	return i < plat_blk_count() ? i : -1;
}

int
rumpuser_ext_disk_name(int i, char *buf, size_t len)
{
	if (i < 0 || i >= plat_blk_count() || i > 9)
		return RUMP_ENOENT;
	if (len < sizeof(NAME_PREFIX) + 1)
		return RUMP_ERANGE;
	memcpy(buf, NAME_PREFIX, sizeof(NAME_PREFIX) - 1);
	buf[sizeof(NAME_PREFIX) - 1] = (char)('0' + i);
	buf[sizeof(NAME_PREFIX)] = '\0';
	return 0;
}

int
rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
	int i = disk_of_name(name);
	bool ro, flush;

	if (i < 0)
		return RUMP_ENOENT;
	plat_blk_info(i, size, &ro, &flush);
	*type = RUMPUSER_FT_BLK;
	return 0;
}

/* Finishes r: wakes its syncfd, or calls its completion holding the CPU. */
static void
finish(struct bioreq *r)
{
	if (r->done == NULL) {
		r->finished = true;
		sched_wake(r->waiter);
		return;
	}
	rumpuser__hyp->hyp_schedule();
	r->done(r->donearg, r->error != 0 ? 0 : r->len, r->error);
	rumpuser__hyp->hyp_unschedule();
	hyp_free(r, sizeof(*r));
}

static void
reaped(struct bioreq *r, int error)
{
	if (error == 0 && r->flush_after) {
		/* The write is done: now the flush that makes it durable. */
		r->flush_after = false;
		r->next = flush_pending;
		flush_pending = r;
		return;
	}
	r->error = error;
	finish(r);
}

/* Queues the flushes of finished SYNC writes while there is room. */
static void
queue_flushes(void)
{
	struct bioreq **pp = &flush_pending, *r;
	int err;

	while ((r = *pp) != NULL) {
		err = plat_blk_submit(r->disk, PLAT_BLK_FLUSH, NULL, 0, 0, r);
		if (err == RUMP_EAGAIN) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		if (err != 0) {
			r->error = err == RUMP_EOPNOTSUPP ? 0 : RUMP_EIO;
			finish(r);
		}
	}
}

static void
reaper_main(void *arg)
{
	void *cookie;
	uint64_t s;
	int error;
	bool any;

	(void)arg;
	for (;;) {
		any = false;
		for (int i = 0; i < plat_blk_count(); i++) {
			while (plat_blk_reap(i, &cookie, &error) == 0) {
				any = true;
				reaped(cookie, error);
			}
		}
		if (any) {
			queue_flushes();
			for (int k = 0; k < nroom; k++)
				sched_wake(room_waiters[k]);
			nroom = 0;
			continue;
		}
		/*
		 * Nothing finished: sleep until an interrupt, unless one came
		 * since the last look (irq_seen), so that none is lost.
		 */
		s = sched_md_intr_save();
		while (!irq_seen) {
			reaper_asleep = true;
			sched_block(0);
			reaper_asleep = false;
		}
		irq_seen = false;
		sched_md_intr_restore(s);
	}
}

int
rumpuser_open(const char *name, int mode, int *fdp)
{
	int i = disk_of_name(name);
	uint64_t size;
	bool ro, flush;

	if (i < 0)
		return RUMP_ENXIO; /* no host file system here */
	if ((mode & RUMPUSER_OPEN_CREATE) && (mode & RUMPUSER_OPEN_EXCL))
		return RUMP_EEXIST;
	plat_blk_info(i, &size, &ro, &flush);
	if (ro && (mode & RUMPUSER_OPEN_ACCMODE) != RUMPUSER_OPEN_RDONLY)
		return RUMP_EROFS;
	if (reaper == NULL) {
		plat_blk_set_notify(blk_notify, NULL);
		if ((reaper = sched_create("blkdone", reaper_main, NULL, 0)) ==
		    NULL)
			return RUMP_ENOMEM;
	}
	*fdp = FD_BASE + i;
	return 0;
}

int
rumpuser_close(int fd)
{
	return disk_of_fd(fd) < 0 ? RUMP_EBADF : 0;
}

/*
 * Queues r's request; with the queue full, gives the CPU up and waits for
 * the reaper to make room. The driver's answer otherwise.
 */
static int
submit(struct bioreq *r, int op, void *data, size_t dlen, int64_t off)
{
	int err, nlocks;

	if ((err = plat_blk_submit(r->disk, op, data, dlen, (uint64_t)off, r)) !=
	    RUMP_EAGAIN)
		return err;
	hyp_unsched(&nlocks, NULL);
	while ((err = plat_blk_submit(r->disk, op, data, dlen, (uint64_t)off,
		    r)) == RUMP_EAGAIN) {
		/* Requests are in flight: the reaper wakes us after reaping. */
		if (nroom <
		    (int)(sizeof(room_waiters) / sizeof(room_waiters[0]))) {
			room_waiters[nroom++] = sched_current();
			sched_block(0);
		} else {
			sched_relinquish(); /* more waiters than slots: poll */
		}
	}
	hyp_sched(nlocks, NULL);
	return err;
}

void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn biodone, void *donearg)
{
	int i = disk_of_fd(fd), err;
	struct bioreq *r;
	uint64_t size;
	bool ro, flush;

	if (i < 0) {
		biodone(donearg, 0, RUMP_EBADF);
		return;
	}
	if (off < 0) {
		biodone(donearg, 0, RUMP_EINVAL);
		return;
	}
	if ((r = hyp_malloc(sizeof(*r), sizeof(void *))) == NULL) {
		biodone(donearg, 0, RUMP_ENOMEM);
		return;
	}
	plat_blk_info(i, &size, &ro, &flush);
	memset(r, 0, sizeof(*r));
	r->disk = i;
	r->len = dlen;
	r->done = biodone;
	r->donearg = donearg;
	r->flush_after = flush && (op & RUMPUSER_BIO_SYNC) &&
	    (op & RUMPUSER_BIO_WRITE);
	err = submit(r, (op & RUMPUSER_BIO_READ) ? PLAT_BLK_READ : PLAT_BLK_WRITE,
	    data, dlen, off);
	if (err != 0) {
		hyp_free(r, sizeof(*r));
		biodone(donearg, 0, err);
	}
}

int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	struct bioreq r;
	int i = disk_of_fd(fd), err, nlocks;
	uint64_t size;
	bool ro, flush;

	(void)start; /* the device flushes everything */
	(void)len;
	if (i < 0)
		return RUMP_EBADF;
	plat_blk_info(i, &size, &ro, &flush);
	if (!flush ||
	    !(flags &
		(RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_SYNC |
		    RUMPUSER_SYNCFD_BARRIER)))
		return 0; /* no write cache, or only reads to order */
	memset(&r, 0, sizeof(r));
	r.disk = i;
	r.waiter = sched_current();
	if ((err = submit(&r, PLAT_BLK_FLUSH, NULL, 0, 0)) != 0)
		return err;
	hyp_unsched(&nlocks, NULL);
	while (!r.finished)
		sched_block(0);
	hyp_sched(nlocks, NULL);
	return r.error;
}
