/*
 * kqueue(2) internals shared by kern_event.c (kqueues, the descriptor
 * filters, the system calls) and kern_event_filt.c (the timer, user,
 * vnode, process and signal filters). Everything runs holding the one
 * virtual CPU, so there is no locking.
 */
#ifndef KERN_EVENT_H
#define KERN_EVENT_H

#include "kern.h"

struct kqueue;

/* One registered event: what kevent(2) added, and its filter's state. */
struct knote {
	struct knote *next; /* in its kqueue */
	/*
	 * As the last EV_ADD gave it: ident, filter, flags (EV_ONESHOT,
	 * EV_CLEAR, EV_DISPATCH, and EV_EOF once a watched process is
	 * gone), fflags (what the filter was asked for), data, udata, ext.
	 */
	struct rump_kevent100 kev;
	bool disabled;
	bool reported;		    /* fd filters, EV_CLEAR: state seen */
	int64_t lastdata;	    /* fd filters, EV_CLEAR: data seen */
	uint32_t fired;		    /* VNODE, PROC: notes since reported */
	uint32_t ufflags;	    /* USER: the stored fflags */
	bool triggered;		    /* USER: NOTE_TRIGGER since reported */
	int64_t count;		    /* SIGNAL: signals; PROC: exit status */
	void *obj;		    /* VNODE: vnode; PROC, SIGNAL: proc */
	uint64_t t_start, t_period; /* TIMER: ns; t_period 0: fires once */
	uint64_t t_seen;	    /* TIMER: expirations reported */
};

/*
 * A filter. attach validates and applies an EV_ADD (to a new knote, whose
 * kev is already the change, or to an existing one, before kev is
 * updated): 0 or the errno; fp is the descriptor's file for fd filters.
 * touch applies a change without EV_ADD to an existing knote (NULL: none).
 * event says whether kn is pending at monotonic time now and fills ev;
 * it changes nothing that a later call would see differently. reported
 * consumes what event returned. due is the next time an idle knote
 * becomes pending by itself (NULL: never).
 */
struct kfilterops {
	bool isfd; /* ident is a descriptor */
	int (*attach)(struct knote *kn, const struct rump_kevent100 *ch,
	    struct file *fp, bool isnew);
	void (*touch)(struct knote *kn, const struct rump_kevent100 *ch);
	bool (*event)(struct kqueue *kq, struct knote *kn, uint64_t now,
	    struct rump_kevent100 *ev);
	void (*reported)(struct knote *kn, const struct rump_kevent100 *ev);
	uint64_t (*due)(const struct knote *kn);
};

extern const struct kfilterops kf_timer, kf_user, kf_vnode, kf_proc, kf_signal;

/*
 * Calls fn on every knote of filter in every kqueue; when fn returns
 * true for one (it became pending), sleeping kevent and poll callers are
 * woken.
 */
void kq_each(uint32_t filter, bool (*fn)(struct knote *, void *), void *arg);

#endif
