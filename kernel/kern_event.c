/*
 * kqueue(2): kqueue, kqueue1 and kevent as __kevent50 (NetBSD's number 435
 * with the 40-byte struct kevent of NetBSD 9, which NetBSD 10 still serves
 * there for old binaries; NetBSD 10's own __kevent100 with the 72-byte
 * layout is not served).
 *
 * Filters: EVFILT_READ and EVFILT_WRITE on any descriptor (pipes, local
 * and TCP/UDP sockets, files), EVFILT_TIMER. The state of a descriptor is
 * its poll state (fo_poll), read when kevent scans, so there is nothing to
 * attach to the objects themselves; a scan that finds nothing sleeps on
 * the channel poll(2) sleeps on, which pipes and sockets wake, until the
 * timeout or the next timer expiry. A knote names a descriptor of the
 * table the kqueue was made in; closing that descriptor removes its knotes,
 * closing the kqueue removes them all.
 */
#include <string.h>

#include "kern.h"

#define KQ_MAXEVENTS	256		/* events one scan returns at most */
#define KQ_MAXKNOTES	(4 * NOFILE)	/* per kqueue, so memory stays bounded */

_Static_assert(sizeof(struct rump_kevent) == 40,
    "NetBSD 9's struct kevent is 40 bytes");

struct knote {
	struct knote *next;
	uint64_t ident;
	uint32_t filter;
	uint32_t flags;			/* EV_ONESHOT, EV_CLEAR, EV_DISPATCH */
	uint32_t fflags;
	uint64_t udata;
	bool disabled;
	bool reported;			/* EV_CLEAR: reported since last change */
	int64_t lastdata;		/* EV_CLEAR: data when reported */
	uint64_t t_start, t_period;	/* EVFILT_TIMER, nanoseconds */
	uint64_t t_seen;		/* expirations reported so far */
};

struct kqueue {
	struct kqueue *next;		/* all kqueues */
	struct filedesc *fdp;		/* where its idents are; NULL once gone */
	struct knote *knotes;
	int nknotes;
};

static struct kqueue *kqueues;

static void
knote_free_list(struct kqueue *kq, bool (*match)(struct knote *, uint64_t),
    uint64_t arg)
{
	struct knote **pp = &kq->knotes;

	while (*pp != NULL) {
		struct knote *kn = *pp;
		if (match == NULL || match(kn, arg)) {
			*pp = kn->next;
			kmem_free(kn, sizeof(*kn));
			kq->nknotes--;
		} else {
			pp = &kn->next;
		}
	}
}

static bool
is_fd_knote(struct knote *kn, uint64_t fd)
{
	return kn->filter != RUMP_EVFILT_TIMER && kn->ident == fd;
}

void
kq_fd_closed(struct filedesc *fdp, int fd)
{
	for (struct kqueue *kq = kqueues; kq != NULL; kq = kq->next)
		if (kq->fdp == fdp)
			knote_free_list(kq, is_fd_knote, (uint64_t)fd);
}

void
kq_fdp_freed(struct filedesc *fdp)
{
	for (struct kqueue *kq = kqueues; kq != NULL; kq = kq->next)
		if (kq->fdp == fdp) {
			knote_free_list(kq, NULL, 0);
			kq->fdp = NULL;
		}
}

/*
 * Is kn's event pending? Fills ev (without udata) if so. A descriptor
 * filter reads the poll state; EV_CLEAR reports a state once until it
 * changes. A timer counts its expirations since the last report.
 */
static bool
knote_check(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ident = kn->ident;
	ev->filter = kn->filter;
	ev->flags = kn->flags;
	ev->udata = kn->udata;
	if (kn->filter == RUMP_EVFILT_TIMER) {
		uint64_t fired = (now - kn->t_start) / kn->t_period;

		if (fired <= kn->t_seen)
			return false;
		ev->data = (int64_t)(fired - kn->t_seen);
		return true;
	}
	struct file *fp = kq->fdp == NULL ? NULL :
	    fd_get(kq->fdp, (int)kn->ident);
	int want = kn->filter == RUMP_EVFILT_READ ?
	    RUMP_POLLIN | RUMP_POLLRDNORM : RUMP_POLLOUT;
	int rev, n = 0;

	if (fp == NULL)
		return false;
	rev = fp->ops->fo_poll != NULL ? fp->ops->fo_poll(fp, want) :
	    want & (RUMP_POLLIN | RUMP_POLLOUT);
	if ((rev & RUMP_POLLHUP) ||
	    (kn->filter == RUMP_EVFILT_WRITE && (rev & RUMP_POLLERR)))
		ev->flags |= RUMP_EV_EOF;
	if (!(rev & (want | RUMP_POLLHUP | RUMP_POLLERR))) {
		kn->reported = false;
		return false;
	}
	if (kn->filter == RUMP_EVFILT_READ && fp->ops->fo_nread != NULL &&
	    fp->ops->fo_nread(fp, &n) == 0)
		ev->data = n;
	if ((kn->flags & RUMP_EV_CLEAR) && kn->reported &&
	    ev->data == kn->lastdata)
		return false;
	return true;
}

/* After kn's event went out: one-shot goes, dispatch disables, clear marks. */
static void
knote_reported(struct kqueue *kq, struct knote *kn,
    const struct rump_kevent *ev)
{
	if (kn->filter == RUMP_EVFILT_TIMER)
		kn->t_seen += (uint64_t)ev->data;
	kn->reported = true;
	kn->lastdata = ev->data;
	if (kn->flags & RUMP_EV_DISPATCH)
		kn->disabled = true;
	if (kn->flags & RUMP_EV_ONESHOT) {
		struct knote **pp = &kq->knotes;
		while (*pp != kn)
			pp = &(*pp)->next;
		*pp = kn->next;
		kmem_free(kn, sizeof(*kn));
		kq->nknotes--;
	}
}

/*
 * Collects up to max pending events into evs; with consume, they count as
 * reported. Returns how many, and the nearest timer expiry in *nextp (0:
 * none).
 */
static int
kq_scan(struct kqueue *kq, struct rump_kevent *evs, int max, bool consume,
    uint64_t *nextp)
{
	uint64_t now = kclock_ns();
	struct knote *kn, *next;
	int n = 0;

	*nextp = 0;
	for (kn = kq->knotes; kn != NULL && n < max; kn = next) {
		next = kn->next;
		if (kn->disabled)
			continue;
		if (knote_check(kq, kn, now, &evs[n])) {
			if (consume)
				knote_reported(kq, kn, &evs[n]);
			n++;
		} else if (kn->filter == RUMP_EVFILT_TIMER) {
			uint64_t due = kn->t_start + (kn->t_seen + 1) * kn->t_period;
			if (*nextp == 0 || due < *nextp)
				*nextp = due;
		}
	}
	return n;
}

static struct knote *
knote_find(struct kqueue *kq, uint64_t ident, uint32_t filter)
{
	for (struct knote *kn = kq->knotes; kn != NULL; kn = kn->next)
		if (kn->ident == ident && kn->filter == filter)
			return kn;
	return NULL;
}

/* One change from the changelist: 0 or the errno kevent(2) reports for it. */
static int
kq_change(struct kqueue *kq, const struct rump_kevent *ch)
{
	struct knote *kn;

	if (ch->filter != RUMP_EVFILT_READ && ch->filter != RUMP_EVFILT_WRITE &&
	    ch->filter != RUMP_EVFILT_TIMER)
		return RUMP_EINVAL;
	if (ch->filter != RUMP_EVFILT_TIMER && (kq->fdp == NULL ||
	    ch->ident > INT32_MAX || fd_get(kq->fdp, (int)ch->ident) == NULL))
		return RUMP_EBADF;
	kn = knote_find(kq, ch->ident, ch->filter);
	if (ch->flags & RUMP_EV_ADD) {
		if (ch->filter == RUMP_EVFILT_TIMER && ch->data < 0)
			return RUMP_EINVAL;
		if (kn == NULL) {
			if (kq->nknotes >= KQ_MAXKNOTES)
				return RUMP_ENOMEM;
			if ((kn = kmem_zalloc(sizeof(*kn))) == NULL)
				return RUMP_ENOMEM;
			kn->ident = ch->ident;
			kn->filter = ch->filter;
			kn->next = kq->knotes;
			kq->knotes = kn;
			kq->nknotes++;
		}
		kn->flags = ch->flags &
		    (RUMP_EV_ONESHOT | RUMP_EV_CLEAR | RUMP_EV_DISPATCH);
		kn->fflags = ch->fflags;
		kn->udata = ch->udata;
		kn->disabled = false;
		kn->reported = false;
		if (ch->filter == RUMP_EVFILT_TIMER) {
			/* A period in milliseconds, restarted by each EV_ADD. */
			kn->flags |= RUMP_EV_CLEAR;
			kn->t_start = kclock_ns();
			kn->t_period = (uint64_t)(ch->data > 0 ? ch->data : 1) * 1000000;
			kn->t_seen = 0;
		}
	} else if (kn == NULL) {
		return RUMP_ENOENT;
	}
	if (ch->flags & RUMP_EV_DELETE) {
		struct knote **pp = &kq->knotes;
		while (*pp != kn)
			pp = &(*pp)->next;
		*pp = kn->next;
		kmem_free(kn, sizeof(*kn));
		kq->nknotes--;
		return 0;
	}
	if (ch->flags & RUMP_EV_ENABLE) {
		kn->disabled = false;
		kn->reported = false;
	}
	if (ch->flags & RUMP_EV_DISABLE)
		kn->disabled = true;
	return 0;
}

static int
kq_poll(struct file *fp, int events)
{
	struct rump_kevent ev;
	uint64_t next;

	if (kq_scan(fp->data, &ev, 1, false, &next) > 0)
		return events & (RUMP_POLLIN | RUMP_POLLRDNORM);
	return 0;
}

static void
kq_close(struct file *fp)
{
	struct kqueue *kq = fp->data, **pp = &kqueues;

	while (*pp != kq)
		pp = &(*pp)->next;
	*pp = kq->next;
	knote_free_list(kq, NULL, 0);
	kmem_free(kq, sizeof(*kq));
}

static const struct fileops kq_fileops = {
	.fo_close = kq_close,
	.fo_poll = kq_poll,
};

/* The flags kqueue1(2) takes. */
#define KQ_FLAGS	(RUMP_O_NONBLOCK | RUMP_O_CLOEXEC | RUMP_O_NOSIGPIPE)

static int
kq_create(struct lwp *l, int flags, register_t *rv)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	struct kqueue *kq;
	struct file *fp;
	int fd, error;

	if (flags & ~KQ_FLAGS)
		return RUMP_EINVAL;
	if ((kq = kmem_zalloc(sizeof(*kq))) == NULL)
		return RUMP_ENOMEM;
	kq->fdp = fdp;
	if ((fp = file_alloc(&kq_fileops, FREAD | FWRITE |
	    ((flags & 0x4) ? FNONBLOCK : 0), kq)) == NULL) {
		kmem_free(kq, sizeof(*kq));
		return RUMP_ENFILE;
	}
	kq->next = kqueues;
	kqueues = kq;
	if ((error = fd_alloc(fdp, 0, fp, &fd)) != 0) {
		file_release(fp);
		return error;
	}
	fdp->cloexec[fd] = (flags & 0x00400000) != 0;
	*rv = fd;
	return 0;
}

int
sys_kqueue(struct lwp *l, const void *a, register_t *rv)
{
	(void)a;
	return kq_create(l, 0, rv);
}

int
sys_kqueue1(struct lwp *l, const void *a, register_t *rv)
{
	return kq_create(l, ARG(a, 0, int), rv);
}

/*
 * __kevent50(fd, changelist, nchanges, eventlist, nevents, timeout):
 * applies the changes in order, a failed one becoming an EV_ERROR event
 * while there is room (else kevent fails with its errno), then waits up
 * to timeout (NULL: no limit) for pending events. EBADF for a descriptor
 * that is not a kqueue, EINVAL for a bad timeout, EFAULT for bad lists.
 */
int
sys___kevent50(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	const char *uch = ARG(a, 1, const char *);
	size_t nch = ARG(a, 2, size_t), nev = ARG(a, 4, size_t), nout = 0;
	char *uev = ARG(a, 3, char *);
	const void *uts = ARG(a, 5, const void *);
	struct ktimespec ts;
	struct rump_kevent *evs = NULL;
	uint64_t deadline = 0, next;
	int error = 0, n = 0;
	struct kqueue *kq;

	if (fp == NULL || fp->ops != &kq_fileops)
		return RUMP_EBADF;
	kq = fp->data;
	if (uts != NULL) {
		if ((error = copyin(uts, &ts, sizeof(ts))) != 0)
			return error;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return RUMP_EINVAL;
		deadline = kclock_ns() + (ts.tv_sec > 1000000000 ? 1000000000ULL *
		    1000000000ULL : (uint64_t)ts.tv_sec * 1000000000ULL +
		    (uint64_t)ts.tv_nsec);
	}
	file_hold(fp);		/* across the copies and the wait */
	for (size_t i = 0; i < nch; i++) {
		struct rump_kevent ch;

		/* Integer arithmetic: uch is the caller's word, not an object. */
		if ((error = copyin((const void *)((uintptr_t)uch + i * sizeof(ch)),
		    &ch, sizeof(ch))) != 0)
			goto out;
		error = kq_change(kq, &ch);
		if (error == 0 && !(ch.flags & RUMP_EV_RECEIPT))
			continue;
		if (nout >= nev)
			goto out;	/* no room: the call fails with it */
		ch.flags = RUMP_EV_ERROR;
		ch.data = error;
		error = copyout(&ch, (void *)((uintptr_t)uev + nout * sizeof(ch)),
		    sizeof(ch));
		if (error != 0)
			goto out;
		nout++;
	}
	if (nout > 0 || nev == 0)
		goto out;
	n = nev > KQ_MAXEVENTS ? KQ_MAXEVENTS : (int)nev;
	if ((evs = kmem_zalloc((size_t)n * sizeof(*evs))) == NULL) {
		error = RUMP_ENOMEM;
		goto out;
	}
	for (;;) {
		uint64_t now, until;
		int got = kq_scan(kq, evs, n, true, &next);

		if (got > 0) {
			error = copyout(evs, uev, (size_t)got * sizeof(*evs));
			nout = (size_t)got;
			break;
		}
		now = kclock_ns();
		if (uts != NULL && now >= deadline)
			break;
		until = deadline;
		if (next != 0 && (until == 0 || next < until))
			until = next;
		if (kcv_wait(&poll_kcv, until == 0 ? 0 : (until > now ?
		    until - now : 1)) == RUMP_EINTR) {
			error = RUMP_EINTR;
			break;
		}
	}
out:
	if (evs != NULL)
		kmem_free(evs, (size_t)n * sizeof(*evs));
	file_release(fp);
	*rv = (register_t)nout;
	return error;
}
