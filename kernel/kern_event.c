/*
 * kqueue(2): kqueue, kqueue1, and kevent both as __kevent50 (NetBSD's
 * number 435 with NetBSD 9's 40-byte struct kevent, which NetBSD 10 still
 * serves there for old binaries) and as __kevent100 (501, NetBSD 10's
 * 72-byte struct kevent with ext[4]). Both lists are turned into the
 * 72-byte form inside.
 *
 * Filters: EVFILT_READ and EVFILT_WRITE on any descriptor (pipes, local
 * and TCP/UDP sockets, files) here; EVFILT_TIMER, EVFILT_USER,
 * EVFILT_VNODE, EVFILT_PROC and EVFILT_SIGNAL in kern_event_filt.c. The
 * state of a descriptor is its poll state (fo_poll), read when kevent
 * scans, so there is nothing to attach to the objects themselves; the
 * other filters keep what happened in the knote, and the code that makes
 * it happen (a write, a signal, an exit) wakes the waiters. A scan that
 * finds nothing sleeps on the channel poll(2) sleeps on, which pipes and
 * sockets wake too, until the timeout or the next timer expiry. A knote
 * of a descriptor filter names a descriptor of the table the kqueue was
 * made in; closing that descriptor removes its knotes, closing the
 * kqueue removes them all.
 */
#include <string.h>

#include "kern_event.h"

#define KQ_MAXEVENTS 128	  /* events one scan returns at most */
#define KQ_MAXKNOTES (4 * NOFILE) /* per kqueue, so memory stays bounded */
#define KQ_NFILTERS  (RUMP_EVFILT_USER + 1)
#define KQ_MAXSLEEP  (86400ULL * 1000000000ULL) /* one timed sleep, ns */
#define KQ_MAXNEST   4 /* kqueues read through kqueues, deep */

_Static_assert(sizeof(struct rump_kevent) == 40,
    "NetBSD 9's struct kevent is 40 bytes");
_Static_assert(sizeof(struct rump_kevent100) == 72,
    "NetBSD 10's struct kevent is 72 bytes");

struct kqueue {
	struct kqueue *next;  /* all kqueues */
	struct filedesc *fdp; /* where its idents are; NULL once gone */
	struct knote *knotes;
	int nknotes;
	bool scanning; /* in kq_scan: not readable from within */
};

static struct kqueue *kqueues;
static int kq_nest;		    /* kq_poll calls under way */
static int nknotes_of[KQ_NFILTERS]; /* per filter, in all kqueues */

static const struct kfilterops kf_fd;

static const struct kfilterops *
kfilter(uint32_t filter)
{
	switch (filter) {
	case RUMP_EVFILT_READ:
	case RUMP_EVFILT_WRITE:
		return &kf_fd;
	case RUMP_EVFILT_VNODE:
		return &kf_vnode;
	case RUMP_EVFILT_PROC:
		return &kf_proc;
	case RUMP_EVFILT_SIGNAL:
		return &kf_signal;
	case RUMP_EVFILT_TIMER:
		return &kf_timer;
	case RUMP_EVFILT_USER:
		return &kf_user;
	default:
		return NULL; /* EVFILT_AIO, EVFILT_FS, EVFILT_EMPTY, others */
	}
}

static void
knote_free(struct kqueue *kq, struct knote **pp)
{
	struct knote *kn = *pp;

	*pp = kn->next;
	nknotes_of[kn->kev.filter]--;
	kmem_free(kn, sizeof(*kn));
	kq->nknotes--;
}

static void
knote_unlink(struct kqueue *kq, struct knote *kn)
{
	struct knote **pp = &kq->knotes;

	while (*pp != kn)
		pp = &(*pp)->next;
	knote_free(kq, pp);
}

void
kq_fd_closed(struct filedesc *fdp, int fd)
{
	for (struct kqueue *kq = kqueues; kq != NULL; kq = kq->next) {
		struct knote **pp = &kq->knotes;

		if (kq->fdp != fdp)
			continue;
		while (*pp != NULL) {
			if (kfilter((*pp)->kev.filter)->isfd &&
			    (*pp)->kev.ident == (uint64_t)fd)
				knote_free(kq, pp);
			else
				pp = &(*pp)->next;
		}
	}
}

static void
kq_free_all(struct kqueue *kq)
{
	while (kq->knotes != NULL)
		knote_free(kq, &kq->knotes);
}

void
kq_fdp_freed(struct filedesc *fdp)
{
	for (struct kqueue *kq = kqueues; kq != NULL; kq = kq->next)
		if (kq->fdp == fdp) {
			kq_free_all(kq);
			kq->fdp = NULL;
		}
}

void
kq_each(uint32_t filter, bool (*fn)(struct knote *, void *), void *arg)
{
	bool wake = false;

	if (filter >= KQ_NFILTERS || nknotes_of[filter] == 0)
		return;
	for (struct kqueue *kq = kqueues; kq != NULL; kq = kq->next)
		for (struct knote *kn = kq->knotes; kn != NULL; kn = kn->next)
			if (kn->kev.filter == filter && fn(kn, arg))
				wake = true;
	if (wake)
		kcv_broadcast(&poll_kcv);
}

/* ---- EVFILT_READ and EVFILT_WRITE: the descriptor's poll state ---- */

static int
fd_attach(struct knote *kn, const struct rump_kevent100 *ch, struct file *fp,
    bool isnew)
{
	(void)kn;
	(void)ch;
	(void)fp;
	(void)isnew;
	return 0;
}

/* A state is reported once until it changes with EV_CLEAR. */
static bool
fd_event(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	struct file *fp = kq->fdp == NULL ? NULL :
					    fd_get(kq->fdp, (int)kn->kev.ident);
	bool rd = kn->kev.filter == RUMP_EVFILT_READ;
	int want = rd ? RUMP_POLLIN | RUMP_POLLRDNORM : RUMP_POLLOUT;
	int rev, n = 0;

	(void)now;
	if (fp == NULL)
		return false;
	rev = fp->ops->fo_poll != NULL ? fp->ops->fo_poll(fp, want) :
					 want & (RUMP_POLLIN | RUMP_POLLOUT);
	if ((rev & RUMP_POLLHUP) || (!rd && (rev & RUMP_POLLERR)))
		ev->flags |= RUMP_EV_EOF;
	if (!(rev & (want | RUMP_POLLHUP | RUMP_POLLERR))) {
		kn->reported = false;
		return false;
	}
	if (rd && fp->ops->fo_nread != NULL && fp->ops->fo_nread(fp, &n) == 0)
		ev->data = n;
	else
		ev->data = 0;
	if ((kn->kev.flags & RUMP_EV_CLEAR) && kn->reported &&
	    ev->data == kn->lastdata)
		return false;
	return true;
}

static void
fd_reported(struct knote *kn, const struct rump_kevent100 *ev)
{
	kn->reported = true;
	kn->lastdata = ev->data;
}

/* EVFILT_READ and EVFILT_WRITE: fd_event tells them apart by the filter. */
static const struct kfilterops kf_fd = {
	.isfd = true,
	.attach = fd_attach,
	.event = fd_event,
	.reported = fd_reported,
};

/* ---- the queue ---- */

/* Is kn pending now? Fills ev from the knote, then its filter says. */
static bool
knote_check(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	*ev = kn->kev;
	ev->fflags = 0;
	ev->data = 0;
	return kfilter(kn->kev.filter)->event(kq, kn, now, ev);
}

/* After kn's event went out: one-shot goes, dispatch disables. */
static void
knote_reported(struct kqueue *kq, struct knote *kn,
    const struct rump_kevent100 *ev)
{
	const struct kfilterops *f = kfilter(kn->kev.filter);

	if (f->reported != NULL)
		f->reported(kn, ev);
	if (kn->kev.flags & RUMP_EV_DISPATCH)
		kn->disabled = true;
	if (kn->kev.flags & RUMP_EV_ONESHOT)
		knote_unlink(kq, kn);
}

/*
 * Collects up to max pending events into evs; with consume, they count as
 * reported. Returns how many, and the nearest time an idle knote becomes
 * pending by itself in *nextp (0: none).
 */
static int
kq_scan(struct kqueue *kq, struct rump_kevent100 *evs, int max, bool consume,
    uint64_t *nextp)
{
	uint64_t now = kclock_ns();
	struct knote *kn, *next;
	int n = 0;

	*nextp = 0;
	kq->scanning = true;
	for (kn = kq->knotes; kn != NULL && n < max; kn = next) {
		const struct kfilterops *f = kfilter(kn->kev.filter);

		next = kn->next;
		if (kn->disabled)
			continue;
		if (knote_check(kq, kn, now, &evs[n])) {
			if (consume)
				knote_reported(kq, kn, &evs[n]);
			n++;
		} else if (f->due != NULL) {
			uint64_t due = f->due(kn);
			if (due != 0 && (*nextp == 0 || due < *nextp))
				*nextp = due;
		}
	}
	kq->scanning = false;
	return n;
}

static struct knote *
knote_find(struct kqueue *kq, uint64_t ident, uint32_t filter)
{
	for (struct knote *kn = kq->knotes; kn != NULL; kn = kn->next)
		if (kn->kev.ident == ident && kn->kev.filter == filter)
			return kn;
	return NULL;
}

#define KN_USERFLAGS (RUMP_EV_ONESHOT | RUMP_EV_CLEAR | RUMP_EV_DISPATCH)

/*
 * One change from the changelist: 0 or the errno kevent(2) reports for it
 * (NetBSD's: EINVAL for an unknown filter or bad filter arguments, EBADF
 * for a descriptor filter's bad descriptor, ENOENT for a change to a
 * knote that does not exist, ESRCH for a process that does not).
 */
static int
kq_change(struct kqueue *kq, const struct rump_kevent100 *ch)
{
	const struct kfilterops *f = kfilter(ch->filter);
	struct file *fp = NULL;
	struct knote *kn;
	int error;

	if (f == NULL)
		return RUMP_EINVAL;
	if (f->isfd &&
	    (kq->fdp == NULL || ch->ident > INT32_MAX ||
		(fp = fd_get(kq->fdp, (int)ch->ident)) == NULL))
		return RUMP_EBADF;
	kn = knote_find(kq, ch->ident, ch->filter);
	if (ch->flags & RUMP_EV_ADD) {
		bool isnew = kn == NULL;

		if (isnew) {
			if (kq->nknotes >= KQ_MAXKNOTES)
				return RUMP_ENOMEM;
			if ((kn = kmem_zalloc(sizeof(*kn))) == NULL)
				return RUMP_ENOMEM;
			kn->kev = *ch;
			kn->kev.flags &= KN_USERFLAGS;
		}
		if ((error = f->attach(kn, ch, fp, isnew)) != 0) {
			if (isnew)
				kmem_free(kn, sizeof(*kn));
			return error;
		}
		if (isnew) {
			kn->next = kq->knotes;
			kq->knotes = kn;
			kq->nknotes++;
			nknotes_of[kn->kev.filter]++;
		}
		/* What the filter forces (EV_CLEAR, EV_EOF) stays. */
		kn->kev.flags = (kn->kev.flags & ~KN_USERFLAGS) |
		    (ch->flags & KN_USERFLAGS);
		kn->kev.fflags = ch->fflags;
		kn->kev.data = ch->data;
		kn->kev.udata = ch->udata;
		memcpy(kn->kev.ext, ch->ext, sizeof(kn->kev.ext));
		/* As NetBSD: timers and signals always count since reported. */
		if (f == &kf_timer || f == &kf_signal)
			kn->kev.flags |= RUMP_EV_CLEAR;
		kn->disabled = false;
		kn->reported = false;
	} else if (kn == NULL) {
		return RUMP_ENOENT;
	} else if (f->touch != NULL) {
		f->touch(kn, ch);
	}
	if (ch->flags & RUMP_EV_DELETE) {
		knote_unlink(kq, kn);
		return 0;
	}
	if (ch->flags & RUMP_EV_ENABLE) {
		kn->disabled = false;
		kn->reported = false;
	}
	if (ch->flags & RUMP_EV_DISABLE)
		kn->disabled = true;
	/* A trigger or an enable may make it pending for a waiter. */
	if (!kn->disabled &&
	    (ch->filter == RUMP_EVFILT_USER || (ch->flags & RUMP_EV_ENABLE)))
		kcv_broadcast(&poll_kcv);
	return 0;
}

/*
 * Readable when an event is pending. A kqueue that watches itself, or
 * one of a cycle of kqueues, is not readable from within its own scan,
 * and nesting is cut at KQ_MAXNEST, so a client cannot recurse the
 * kernel's stack away.
 */
static int
kq_poll(struct file *fp, int events)
{
	struct kqueue *kq = fp->data;
	struct rump_kevent100 ev;
	uint64_t next;
	int n;

	if (kq->scanning || kq_nest >= KQ_MAXNEST)
		return 0;
	kq_nest++;
	n = kq_scan(kq, &ev, 1, false, &next);
	kq_nest--;
	return n > 0 ? events & (RUMP_POLLIN | RUMP_POLLRDNORM) : 0;
}

static void
kq_close(struct file *fp)
{
	struct kqueue *kq = fp->data, **pp = &kqueues;

	while (*pp != kq)
		pp = &(*pp)->next;
	*pp = kq->next;
	kq_free_all(kq);
	kmem_free(kq, sizeof(*kq));
}

static const struct fileops kq_fileops = {
	.fo_close = kq_close,
	.fo_poll = kq_poll,
};

/* The flags kqueue1(2) takes. */
#define KQ_FLAGS (RUMP_O_NONBLOCK | RUMP_O_CLOEXEC | RUMP_O_NOSIGPIPE)

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
	if ((fp = file_alloc(&kq_fileops,
		 FREAD | FWRITE | ((flags & RUMP_O_NONBLOCK) ? FNONBLOCK : 0),
		 kq)) == NULL) {
		kmem_free(kq, sizeof(*kq));
		return RUMP_ENFILE;
	}
	kq->next = kqueues;
	kqueues = kq;
	if ((error = fd_alloc(fdp, 0, fp, &fd)) != 0) {
		file_release(fp);
		return error;
	}
	fdp->cloexec[fd] = (flags & RUMP_O_CLOEXEC) != 0;
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

/* A change list entry of size sz (40 or 72 bytes) at user address u. */
static int
kev_copyin(const void *u, size_t sz, struct rump_kevent100 *k)
{
	struct rump_kevent k50;
	int error;

	if (sz == sizeof(*k))
		return copyin(u, k, sz);
	if ((error = copyin(u, &k50, sizeof(k50))) != 0)
		return error;
	memset(k, 0, sizeof(*k));
	k->ident = k50.ident;
	k->filter = k50.filter;
	k->flags = k50.flags;
	k->fflags = k50.fflags;
	k->data = k50.data;
	k->udata = k50.udata;
	return 0;
}

/* Packs n events in place into the 40-byte layout when sz says so. */
static void
kev_pack(struct rump_kevent100 *evs, int n, size_t sz)
{
	struct rump_kevent *out = (struct rump_kevent *)(void *)evs;

	if (sz == sizeof(*evs))
		return;
	/* Entry i goes below entry i + 1's source, so in order is safe. */
	for (int i = 0; i < n; i++) {
		struct rump_kevent100 k = evs[i];
		struct rump_kevent o = {
			.ident = k.ident,
			.filter = k.filter,
			.flags = k.flags,
			.fflags = k.fflags,
			.data = k.data,
			.udata = k.udata,
		};
		memcpy(&out[i], &o, sizeof(o));
	}
}

/*
 * kevent(fd, changelist, nchanges, eventlist, nevents, timeout) with
 * entries of sz bytes: applies the changes in order, a failed one (or one
 * with EV_RECEIPT) becoming an EV_ERROR event while there is room (else
 * kevent fails with its errno), then waits up to timeout (NULL: no limit)
 * for pending events. EBADF for a descriptor that is not a kqueue, EINVAL
 * for a bad timeout, EFAULT for bad lists.
 */
static int
kevent_common(struct lwp *l, const void *a, register_t *rv, size_t sz)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	uintptr_t uch = ARG(a, 1, uintptr_t), uev = ARG(a, 3, uintptr_t);
	size_t nch = ARG(a, 2, size_t), nev = ARG(a, 4, size_t), nout = 0;
	const void *uts = ARG(a, 5, const void *);
	struct ktimespec ts;
	struct rump_kevent100 *evs = NULL;
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
		deadline = kclock_ns() +
		    (ts.tv_sec > 1000000000 ? 1000000000ULL * 1000000000ULL :
					      (uint64_t)ts.tv_sec * 1000000000ULL +
				(uint64_t)ts.tv_nsec);
	}
	file_hold(fp); /* across the copies and the wait */
	for (size_t i = 0; i < nch; i++) {
		struct rump_kevent100 ch;

		/* Integer arithmetic: uch is the caller's word, not an object. */
		if ((error = kev_copyin((const void *)(uch + i * sz), sz, &ch)) !=
		    0)
			goto out;
		error = kq_change(kq, &ch);
		if (error == 0 && !(ch.flags & RUMP_EV_RECEIPT))
			continue;
		if (nout >= nev)
			goto out; /* no room: the call fails with it */
		ch.flags = RUMP_EV_ERROR;
		ch.data = error;
		kev_pack(&ch, 1, sz);
		if ((error = copyout(&ch, (void *)(uev + nout * sz), sz)) != 0)
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
			kev_pack(evs, got, sz);
			error = copyout(evs, (void *)uev, (size_t)got * sz);
			nout = (size_t)got;
			break;
		}
		now = kclock_ns();
		if (uts != NULL && now >= deadline)
			break;
		/*
		 * Sleep to the deadline or the next timer, whichever is first
		 * (at most KQ_MAXSLEEP at a time: the loop sleeps again).
		 */
		until = deadline;
		if (next != 0 && (until == 0 || next < until))
			until = next;
		if (until != 0 && until > now + KQ_MAXSLEEP)
			until = now + KQ_MAXSLEEP;
		if (kcv_wait(&poll_kcv,
			until == 0 ? 0 : (until > now ? until - now : 1)) ==
		    RUMP_EINTR) {
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

/* __kevent50: NetBSD 9's 40-byte struct kevent. */
int
sys___kevent50(struct lwp *l, const void *a, register_t *rv)
{
	return kevent_common(l, a, rv, sizeof(struct rump_kevent));
}

/* __kevent100: NetBSD 10's 72-byte struct kevent. */
int
sys___kevent100(struct lwp *l, const void *a, register_t *rv)
{
	return kevent_common(l, a, rv, sizeof(struct rump_kevent100));
}
