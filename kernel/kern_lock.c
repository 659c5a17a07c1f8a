/*
 * Advisory locks on files: flock(2) and fcntl(2)'s record locks (F_GETLK,
 * F_SETLK, F_SETLKW) with NetBSD's struct flock and errno.
 *
 * A lock covers a byte range [start, end] of a vnode (end LK_EOF: to the
 * end of the file, however long it gets) and has an owner: the open file
 * for flock(2), which every descriptor dup'ed from it shares and which
 * drops it on its last close; the process for fcntl(2), which drops its
 * locks on a vnode when it closes any descriptor of it, and all of them
 * when it exits. Both kinds conflict with each other, as in NetBSD. One
 * owner's locks on a vnode never overlap: a new one replaces the part of
 * the older ones it covers and merges with touching ones of its type.
 *
 * Waiting requests sleep on one channel, woken whenever a lock goes or
 * shrinks; a waiter whose process is drained gets EINTR. A process about
 * to wait on a lock whose owner waits, directly or along a chain, for a
 * lock of the first process gets EDEADLK (fcntl(2) locks only, as NetBSD).
 * At most LK_MAX lock records exist at once; past that a request that
 * needs one is ENOLCK (NetBSD limits them per user).
 */
#include <string.h>

#include "kern.h"

#define LK_EOF	    INT64_MAX
#define LK_HASH	    64
#define LK_MAXDEPTH 50	 /* deadlock search: chains longer pass */
#define LK_MAX	    8192 /* locks in the kernel: ENOLCK past it */

_Static_assert(sizeof(struct rump_flock) == 24,
    "NetBSD's struct flock is 24 bytes");

struct klock {
	struct klock *next; /* in its vnode's hash chain */
	struct vnode *vp;
	void *owner; /* struct proc * or struct file * */
	bool posix;  /* fcntl(2): the owner is a process */
	int type;    /* F_RDLCK or F_WRLCK */
	int64_t start, end;
};

/* A process waiting in F_SETLKW, for the deadlock search. */
struct kwaiter {
	struct kwaiter *next;
	struct klock want; /* the request; next unused */
};

static struct klock *lk_hash[LK_HASH];
static struct kwaiter *lk_waiters;
static struct kcv lk_cv;
static int lk_count;

/* A zeroed lock record, or NULL past LK_MAX or out of memory. */
static struct klock *
lk_alloc(void)
{
	struct klock *k;

	if (lk_count >= LK_MAX || (k = kmem_zalloc(sizeof(*k))) == NULL)
		return NULL;
	lk_count++;
	return k;
}

static void
lk_free(struct klock *k)
{
	lk_count--;
	kmem_free(k, sizeof(*k));
}

static struct klock **
chain(struct vnode *vp)
{
	return &lk_hash[((uintptr_t)vp >> 4) % LK_HASH];
}

static bool
overlaps(const struct klock *a, const struct klock *b)
{
	return a->vp == b->vp && a->start <= b->end && b->start <= a->end;
}

/* Does held block want? Another owner's overlapping lock, one of them a write. */
static bool
conflicts(const struct klock *held, const struct klock *want)
{
	return held->owner != want->owner && overlaps(held, want) &&
	    (held->type == RUMP_F_WRLCK || want->type == RUMP_F_WRLCK);
}

/* The conflicting lock with the lowest start (what F_GETLK reports), or NULL. */
static struct klock *
first_conflict(const struct klock *want)
{
	struct klock *best = NULL;

	for (struct klock *k = *chain(want->vp); k != NULL; k = k->next)
		if (conflicts(k, want) && (best == NULL || k->start < best->start))
			best = k;
	return best;
}

/* Does process q wait, directly or through others, on a lock of p? */
static bool
waits_for(struct proc *q, struct proc *p, int depth)
{
	if (q == p)
		return true;
	if (depth >= LK_MAXDEPTH)
		return false;
	for (struct kwaiter *w = lk_waiters; w != NULL; w = w->next) {
		if (w->want.owner != q)
			continue;
		for (struct klock *k = *chain(w->want.vp); k != NULL; k = k->next)
			if (k->posix && conflicts(k, &w->want) &&
			    waits_for(k->owner, p, depth + 1))
				return true;
	}
	return false;
}

static bool
would_deadlock(const struct klock *want)
{
	for (struct klock *k = *chain(want->vp); k != NULL; k = k->next)
		if (k->posix && conflicts(k, want) &&
		    waits_for(k->owner, want->owner, 0))
			return true;
	return false;
}

static void
unlink_lock(struct klock *k)
{
	struct klock **pp = chain(k->vp);

	while (*pp != k)
		pp = &(*pp)->next;
	*pp = k->next;
}

/*
 * Takes range r away from r's owner's locks on r's vnode; with merge, a
 * lock of r's type touching or overlapping r is absorbed into r instead.
 * A lock r falls strictly inside is split, using *spare (set to NULL when
 * used). Returns whether anything was removed or shrunk.
 */
static bool
carve(struct klock *r, bool merge, struct klock **spare)
{
	bool changed = false;
	struct klock *k, *next;

	for (k = *chain(r->vp); k != NULL; k = next) {
		next = k->next;
		if (k->owner != r->owner || k->vp != r->vp)
			continue;
		if (merge && k->type == r->type &&
		    k->start <= (r->end == LK_EOF ? LK_EOF : r->end + 1) &&
		    r->start <= (k->end == LK_EOF ? LK_EOF : k->end + 1)) {
			if (k->start < r->start)
				r->start = k->start;
			if (k->end > r->end)
				r->end = k->end;
			unlink_lock(k);
			lk_free(k);
			continue;
		}
		if (!overlaps(k, r))
			continue;
		changed = true;
		if (k->start >= r->start && k->end <= r->end) {
			unlink_lock(k);
			lk_free(k);
		} else if (k->start < r->start && k->end > r->end) {
			struct klock *right = *spare;

			KASSERT(right != NULL);
			*spare = NULL;
			*right = *k;
			right->start = r->end + 1;
			k->end = r->start - 1;
			right->next = *chain(r->vp);
			*chain(r->vp) = right;
		} else if (k->start < r->start) {
			k->end = r->start - 1;
		} else {
			k->start = r->end + 1;
		}
	}
	return changed;
}

/*
 * Sets (type F_RDLCK/F_WRLCK) or clears (F_UNLCK) a lock as want says,
 * waiting with wait while another owner's lock is in the way. fp is the
 * file the request came through; a wait ends with EBADF if fd stopped
 * being it meanwhile. 0, EAGAIN, EDEADLK, EINTR, EBADF or ENOLCK.
 */
static int
lock_set(struct klock *want, bool wait, struct lwp *l, int fd, struct file *fp)
{
	struct klock *nk = NULL, *spare = lk_alloc();
	struct kwaiter w;
	bool woke;
	int error = 0;

	if (spare == NULL ||
	    (want->type != RUMP_F_UNLCK && (nk = lk_alloc()) == NULL)) {
		if (spare != NULL)
			lk_free(spare);
		return RUMP_ENOLCK;
	}
	if (want->type == RUMP_F_UNLCK) {
		woke = carve(want, false, &spare);
		goto out;
	}
	/* flock(2) changes a lock by dropping the old one first, as NetBSD. */
	woke = !want->posix && carve(want, false, &spare);
	if (woke)
		kcv_broadcast(&lk_cv);
	woke = false;
	memset(&w, 0, sizeof(w));
	w.want = *want;
	while (first_conflict(want) != NULL) {
		if (!wait) {
			error = RUMP_EAGAIN;
			goto out;
		}
		if (want->posix && would_deadlock(want)) {
			error = RUMP_EDEADLK;
			goto out;
		}
		if (want->posix) {
			w.next = lk_waiters;
			lk_waiters = &w;
		}
		error = kcv_wait(&lk_cv, 0);
		if (want->posix) {
			struct kwaiter **pp = &lk_waiters;
			while (*pp != &w)
				pp = &(*pp)->next;
			*pp = w.next;
		}
		if (error == 0 && fd_get(l->l_proc->p_fd, fd) != fp)
			error = RUMP_EBADF; /* closed while it waited */
		if (error != 0)
			goto out;
	}
	woke = carve(want, true, &spare);
	*nk = *want;
	nk->next = *chain(want->vp);
	*chain(want->vp) = nk;
	nk = NULL;
out:
	if (woke)
		kcv_broadcast(&lk_cv);
	if (nk != NULL)
		lk_free(nk);
	if (spare != NULL)
		lk_free(spare);
	return error;
}

/* Drops every lock of owner, on vp only unless vp is NULL. */
static void
drop_owner(void *owner, struct vnode *vp)
{
	bool woke = false;

	for (int i = 0; i < LK_HASH; i++) {
		struct klock **pp = &lk_hash[i];
		while (*pp != NULL) {
			struct klock *k = *pp;
			if (k->owner == owner && (vp == NULL || k->vp == vp)) {
				*pp = k->next;
				lk_free(k);
				woke = true;
			} else {
				pp = &k->next;
			}
		}
	}
	if (woke)
		kcv_broadcast(&lk_cv);
}

void
lock_fd_closed(struct proc *p, struct file *fp)
{
	if (fp->ops == &vnode_fileops)
		drop_owner(p, fp->data);
}

void
lock_file_closed(struct file *fp)
{
	if (fp->ops == &vnode_fileops)
		drop_owner(fp, NULL);
}

void
lock_proc_exit(struct proc *p)
{
	drop_owner(p, NULL);
}

/* flock(fd, how) */
int
sys_flock(struct lwp *l, const void *a, register_t *rv)
{
	int fd = ARG(a, 0, int), how = ARG(a, 1, int);
	struct file *fp = fd_get(l->l_proc->p_fd, fd);
	struct klock want;
	int error;

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_EOPNOTSUPP;
	memset(&want, 0, sizeof(want));
	want.vp = fp->data;
	want.owner = fp;
	want.start = 0;
	want.end = LK_EOF;
	switch (how & ~RUMP_LOCK_NB) {
	case RUMP_LOCK_UN:
		want.type = RUMP_F_UNLCK;
		break;
	case RUMP_LOCK_EX:
		want.type = RUMP_F_WRLCK;
		break;
	case RUMP_LOCK_SH:
		want.type = RUMP_F_RDLCK;
		break;
	default:
		return RUMP_EINVAL;
	}
	file_hold(fp); /* across a wait */
	error = lock_set(&want, !(how & RUMP_LOCK_NB), l, fd, fp);
	file_release(fp);
	return error;
}

/*
 * The range of fl for fp: l_whence SEEK_SET, SEEK_CUR (the file's offset)
 * or SEEK_END (its size); a negative l_len covers the bytes before l_start.
 * EINVAL for another whence or a range that starts before 0 or overflows.
 */
static int
flock_range(const struct rump_flock *fl, struct file *fp, struct klock *k)
{
	struct vnode *vp = fp->data;
	int64_t base, start;

	switch (fl->l_whence) {
	case RUMP_SEEK_SET:
		base = 0;
		break;
	case RUMP_SEEK_CUR:
		base = fp->offset;
		break;
	case RUMP_SEEK_END:
		base = vp->v_size;
		break;
	default:
		return RUMP_EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return RUMP_EINVAL;
	if (fl->l_len == 0) {
		k->start = start;
		k->end = LK_EOF;
	} else if (fl->l_len > 0) {
		if (start > LK_EOF - fl->l_len + 1)
			return RUMP_EINVAL;
		k->start = start;
		k->end = start + fl->l_len - 1;
	} else {
		if (start < INT64_MIN - fl->l_len)
			return RUMP_EINVAL;
		k->end = start - 1;
		k->start = start + fl->l_len;
	}
	return k->start < 0 || k->end < k->start ? RUMP_EINVAL : 0;
}

int
lock_fcntl(struct lwp *l, int fd, struct file *fp, int cmd, void *ufl)
{
	struct rump_flock fl;
	struct klock want, *k;
	int error;

	if (fp->ops != &vnode_fileops)
		return RUMP_EINVAL;
	file_hold(fp); /* across the copies and a wait */
	if ((error = copyin(ufl, &fl, sizeof(fl))) != 0)
		goto out;
	memset(&want, 0, sizeof(want));
	want.vp = fp->data;
	want.owner = l->l_proc;
	want.posix = true;
	want.type = fl.l_type;
	if (fl.l_type != RUMP_F_RDLCK && fl.l_type != RUMP_F_WRLCK &&
	    fl.l_type != RUMP_F_UNLCK) {
		error = RUMP_EINVAL;
		goto out;
	}
	if ((error = flock_range(&fl, fp, &want)) != 0)
		goto out;
	if (cmd == RUMP_F_GETLK) {
		if ((k = first_conflict(&want)) == NULL) {
			fl.l_type = RUMP_F_UNLCK;
		} else {
			fl.l_type = (int16_t)k->type;
			fl.l_whence = 0;
			fl.l_start = k->start;
			fl.l_len = k->end == LK_EOF ? 0 : k->end - k->start + 1;
			fl.l_pid = k->posix ? ((struct proc *)k->owner)->p_pid :
					      -1;
		}
		error = copyout(&fl, ufl, sizeof(fl));
		goto out;
	}
	/* A read lock needs the file open for reading, a write lock writing. */
	if ((fl.l_type == RUMP_F_RDLCK && !(fp->flag & FREAD)) ||
	    (fl.l_type == RUMP_F_WRLCK && !(fp->flag & FWRITE))) {
		error = RUMP_EBADF;
		goto out;
	}
	error = lock_set(&want, cmd == RUMP_F_SETLKW, l, fd, fp);
out:
	file_release(fp);
	return error;
}
