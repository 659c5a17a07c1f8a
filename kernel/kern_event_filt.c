/*
 * kqueue(2)'s filters other than the descriptors' (kern_event.c):
 *
 * EVFILT_TIMER  ident is any number; data is the period in milliseconds,
 *               or in seconds, microseconds or nanoseconds with
 *               NOTE_SECONDS, NOTE_USECONDS, NOTE_NSECONDS; NOTE_ABSTIME
 *               makes data a wall-clock time that fires once. An event's
 *               data is the expirations since the last one reported.
 * EVFILT_USER   ident is any number; NOTE_TRIGGER makes it pending, and
 *               NOTE_FFAND, NOTE_FFOR, NOTE_FFCOPY apply fflags' low 24
 *               bits to the stored fflags that events report.
 * EVFILT_VNODE  ident is a descriptor of a file or directory; fflags says
 *               which of NOTE_DELETE, NOTE_WRITE, NOTE_EXTEND, NOTE_ATTRIB,
 *               NOTE_LINK, NOTE_RENAME to watch; the vfs layer reports
 *               them (kq_vnode_note) and events carry those seen.
 * EVFILT_PROC   ident is a pid of this kernel; NOTE_EXIT (data: the exit
 *               status; the event has EV_EOF and is the last) and
 *               NOTE_FORK.
 * EVFILT_SIGNAL ident is a signal number; data counts the times it was
 *               posted to the process that added the knote since the last
 *               event, whatever becomes of the signal itself.
 *
 * Timers are computed from the monotonic clock when kevent scans, and a
 * waiting kevent sleeps until the next expiry (the filter's due); the
 * others are pushed by the code where the thing happens.
 */
#include "kern_event.h"

#define NS	       1000000000ULL
#define MS	       1000000ULL
#define TIMER_MAX_NS   (NS * 100 * 366 * 86400) /* a century */
#define TIMER_UNITMASK 0x3U

/* ---- EVFILT_TIMER ---- */

static int
timer_attach(struct knote *kn, const struct rump_kevent100 *ch, struct file *fp,
    bool isnew)
{
	static const uint64_t unit[] = { MS, NS, 1000, 1 };
	uint64_t u = unit[ch->fflags & TIMER_UNITMASK], ns;

	(void)fp;
	(void)isnew;
	if (ch->data < 0 ||
	    (ch->fflags & ~(TIMER_UNITMASK | RUMP_NOTE_ABSTIME)) != 0)
		return RUMP_EINVAL;
	ns = (uint64_t)ch->data > TIMER_MAX_NS / u ? TIMER_MAX_NS :
						     (uint64_t)ch->data * u;
	kn->t_seen = 0;
	kn->t_start = kclock_ns();
	if (ch->fflags & RUMP_NOTE_ABSTIME) {
		struct ktimespec rt;
		uint64_t real;
		int error;

		if ((error = kclock_realtime(&rt)) != 0)
			return error;
		real = rt.tv_sec < 0 ?
		    0 :
		    (uint64_t)rt.tv_sec * NS + (uint64_t)rt.tv_nsec;
		/* Fires once, at that wall-clock time or now if it is past. */
		kn->t_period = 0;
		if (ns > real)
			kn->t_start += ns - real;
		return 0;
	}
	/* A period of 0 is EINVAL, as NetBSD's (it would fire without end). */
	if (ns == 0)
		return RUMP_EINVAL;
	kn->t_period = ns;
	return 0;
}

static uint64_t
timer_fired(const struct knote *kn, uint64_t now)
{
	if (now < kn->t_start)
		return 0;
	if (kn->t_period == 0)
		return 1;
	return (now - kn->t_start) / kn->t_period;
}

static bool
timer_event(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	uint64_t fired = timer_fired(kn, now);

	(void)kq;
	if (fired <= kn->t_seen)
		return false;
	/* A one-shot timer expires once, however late it is read. */
	ev->data = (kn->kev.flags & RUMP_EV_ONESHOT) ?
	    1 :
	    (int64_t)(fired - kn->t_seen);
	return true;
}

static void
timer_reported(struct knote *kn, const struct rump_kevent100 *ev)
{
	kn->t_seen += (uint64_t)ev->data;
}

static uint64_t
timer_due(const struct knote *kn)
{
	if (kn->t_period == 0)
		return kn->t_seen == 0 ? kn->t_start : 0;
	return kn->t_start + (kn->t_seen + 1) * kn->t_period;
}

const struct kfilterops kf_timer = {
	.attach = timer_attach,
	.event = timer_event,
	.reported = timer_reported,
	.due = timer_due,
};

/* ---- EVFILT_USER ---- */

/* NOTE_TRIGGER, the fflags operation, and data, as each change gives. */
static void
user_touch(struct knote *kn, const struct rump_kevent100 *ch)
{
	uint32_t v = ch->fflags & RUMP_NOTE_FFLAGSMASK;

	switch (ch->fflags & RUMP_NOTE_FFCTRLMASK) {
	case RUMP_NOTE_FFAND:
		kn->ufflags &= v;
		break;
	case RUMP_NOTE_FFOR:
		kn->ufflags |= v;
		break;
	case RUMP_NOTE_FFCOPY:
		kn->ufflags = v;
		break;
	default:
		break; /* NOTE_FFNOP */
	}
	if (ch->fflags & RUMP_NOTE_TRIGGER)
		kn->triggered = true;
	kn->count = ch->data;
}

static int
user_attach(struct knote *kn, const struct rump_kevent100 *ch, struct file *fp,
    bool isnew)
{
	(void)fp;
	if (isnew) {
		kn->ufflags = 0;
		kn->triggered = false;
	}
	user_touch(kn, ch);
	return 0;
}

static bool
user_event(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	(void)kq;
	(void)now;
	if (!kn->triggered)
		return false;
	ev->fflags = kn->ufflags;
	ev->data = kn->count;
	return true;
}

/* Without EV_CLEAR a trigger stays, as a level. */
static void
user_reported(struct knote *kn, const struct rump_kevent100 *ev)
{
	(void)ev;
	if (kn->kev.flags & RUMP_EV_CLEAR)
		kn->triggered = false;
}

const struct kfilterops kf_user = {
	.attach = user_attach,
	.touch = user_touch,
	.event = user_event,
	.reported = user_reported,
};

/* ---- what VNODE and PROC share: notes seen since reported ---- */

static bool
notes_event(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	(void)kq;
	(void)now;
	if (kn->fired == 0)
		return false;
	ev->fflags = kn->fired;
	if (kn->fired & RUMP_NOTE_EXIT)
		ev->data = kn->count;
	return true;
}

/* Without EV_CLEAR the notes stay, as a level. */
static void
notes_reported(struct knote *kn, const struct rump_kevent100 *ev)
{
	(void)ev;
	if (kn->kev.flags & RUMP_EV_CLEAR)
		kn->fired = 0;
}

/* ---- EVFILT_VNODE ---- */

static int
vnode_attach(struct knote *kn, const struct rump_kevent100 *ch, struct file *fp,
    bool isnew)
{
	(void)ch;
	(void)isnew;
	if (fp->ops != &vnode_fileops)
		return RUMP_EINVAL; /* a pipe, socket, FIFO or kqueue */
	kn->obj = fp->data;
	return 0;
}

const struct kfilterops kf_vnode = {
	.isfd = true,
	.attach = vnode_attach,
	.event = notes_event,
	.reported = notes_reported,
};

struct vnote {
	struct vnode *vp;
	uint32_t hint;
};

static bool
vnode_note1(struct knote *kn, void *arg)
{
	struct vnote *v = arg;
	uint32_t seen = v->hint & kn->kev.fflags;

	if (kn->obj != v->vp || seen == 0)
		return false;
	kn->fired |= seen;
	return !kn->disabled;
}

void
kq_vnode_note(struct vnode *vp, uint32_t hint)
{
	struct vnote v = { vp, hint };

	if (vp != NULL && hint != 0)
		kq_each(RUMP_EVFILT_VNODE, vnode_note1, &v);
}

/* ---- EVFILT_PROC ---- */

/*
 * May the caller watch p? Root, or the same real user id for a process
 * whose ids did not change (NetBSD's KAUTH_PROCESS_KEVENT_FILTER rule).
 */
static bool
may_watch(struct kauth_cred *c, struct proc *p)
{
	return c->euid == 0 ||
	    (c->uid == p->p_cred->uid && !(p->p_flag & PS_SUGID));
}

static int
proc_attach(struct knote *kn, const struct rump_kevent100 *ch, struct file *fp,
    bool isnew)
{
	struct proc *p;

	(void)fp;
	(void)isnew;
	if (ch->ident > INT32_MAX || (p = proc_find((kpid_t)ch->ident)) == NULL)
		return RUMP_ESRCH;
	if (!may_watch(curproc()->p_cred, p))
		return RUMP_EACCES;
	kn->obj = p;
	return 0;
}

const struct kfilterops kf_proc = {
	.attach = proc_attach,
	.event = notes_event,
	.reported = notes_reported,
};

struct pnote {
	struct proc *p;
	uint32_t note;
};

static bool
proc_note1(struct knote *kn, void *arg)
{
	struct pnote *n = arg;

	if (kn->obj != n->p)
		return false;
	if (n->note == RUMP_NOTE_EXIT) {
		/* Its last event: the process and its pid are gone. */
		kn->obj = NULL;
		kn->kev.flags |= RUMP_EV_EOF | RUMP_EV_ONESHOT;
		kn->count = 0; /* the status: this kernel's exit */
	}
	if ((kn->kev.fflags & n->note) == 0)
		return false;
	kn->fired |= n->note;
	return !kn->disabled;
}

static bool
signal_gone1(struct knote *kn, void *arg)
{
	if (kn->obj == arg)
		kn->obj = NULL;
	return false;
}

void
kq_proc_fork(struct proc *parent)
{
	struct pnote n = { parent, RUMP_NOTE_FORK };

	kq_each(RUMP_EVFILT_PROC, proc_note1, &n);
}

void
kq_proc_exit(struct proc *p)
{
	struct pnote n = { p, RUMP_NOTE_EXIT };

	kq_each(RUMP_EVFILT_PROC, proc_note1, &n);
	kq_each(RUMP_EVFILT_SIGNAL, signal_gone1, p);
}

/* ---- EVFILT_SIGNAL ---- */

static int
signal_attach(struct knote *kn, const struct rump_kevent100 *ch,
    struct file *fp, bool isnew)
{
	(void)fp;
	(void)ch; /* any ident, as NetBSD: one no signal has is silent */
	if (isnew)
		kn->obj = curproc();
	return 0;
}

static bool
signal_event(struct kqueue *kq, struct knote *kn, uint64_t now,
    struct rump_kevent100 *ev)
{
	(void)kq;
	(void)now;
	if (kn->count == 0)
		return false;
	ev->data = kn->count;
	return true;
}

static void
signal_reported(struct knote *kn, const struct rump_kevent100 *ev)
{
	(void)ev;
	kn->count = 0;
}

const struct kfilterops kf_signal = {
	.attach = signal_attach,
	.event = signal_event,
	.reported = signal_reported,
};

struct snote {
	struct proc *p;
	int sig;
};

static bool
signal_note1(struct knote *kn, void *arg)
{
	struct snote *s = arg;

	if (kn->obj != s->p || kn->kev.ident != (uint64_t)s->sig)
		return false;
	kn->count++;
	return !kn->disabled;
}

void
kq_proc_signal(struct proc *p, int sig)
{
	struct snote s = { p, sig };

	kq_each(RUMP_EVFILT_SIGNAL, signal_note1, &s);
}
