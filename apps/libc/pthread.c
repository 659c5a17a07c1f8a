/*
 * POSIX threads on the image's cooperative threads (hyp/sched.h). Each
 * pthread is a thread of the hypercall layer with its own newlib state and
 * its own lwp in the program's kernel process (rump_lwproc(3) newlwp), so
 * its system calls are the process's. Nothing preempts a thread, so the
 * objects here need no atomics: a thread keeps the CPU until it blocks in
 * one of these calls, in the kernel, or yields. newlib's pthread types are
 * 32-bit handles: indexes (from 1) into the tables below.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hyp/sched.h"
#include "rump/rump.h"
#include "rump/rumpuser.h"

int libc_thread_init(void);

/* ---- wait queues ---- */

struct waiter {
	struct thread *t;
	struct waiter *next;
	int woken;
};

struct waitq {
	struct waiter *head, *tail;
};

/* Blocks until woken or, with deadline != 0, until then: 0 or ETIMEDOUT. */
static int
waitq_wait(struct waitq *q, uint64_t deadline)
{
	struct waiter w = { sched_current(), NULL, 0 };

	if (q->tail != NULL)
		q->tail->next = &w;
	else
		q->head = &w;
	q->tail = &w;
	while (!w.woken) {
		if (sched_block(deadline) == SCHED_TIMEDOUT && !w.woken) {
			struct waiter **pp = &q->head, *prev = NULL;

			while (*pp != &w) {
				prev = *pp;
				pp = &(*pp)->next;
			}
			*pp = w.next;
			if (q->tail == &w)
				q->tail = prev;
			return ETIMEDOUT;
		}
	}
	return 0;
}

static int
waitq_wake(struct waitq *q)
{
	struct waiter *w = q->head;

	if (w == NULL)
		return 0;
	q->head = w->next;
	if (q->head == NULL)
		q->tail = NULL;
	w->woken = 1;
	sched_wake(w->t);
	return 1;
}

/* ---- handle tables ---- */

struct table {
	void **obj;
	uint32_t n, cap;
};

/* A new handle for o, or 0 when memory is short. */
static uint32_t
table_add(struct table *t, void *o)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->obj[i] == NULL) {
			t->obj[i] = o;
			return i + 1;
		}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		void **n = realloc(t->obj, cap * sizeof(*n));

		if (n == NULL)
			return 0;
		t->obj = n;
		t->cap = cap;
	}
	t->obj[t->n++] = o;
	return t->n;
}

static void *
table_get(struct table *t, uint32_t h)
{
	return h >= 1 && h <= t->n ? t->obj[h - 1] : NULL;
}

static struct table threads, mutexes, conds;

/* ---- threads ---- */

struct pthr {
	struct thread *t;
	void *(*fn)(void *);
	void *arg, *ret;
	int done, detached, is_main;
	pid_t pid;
	uint32_t handle;
	struct waitq joiners;
	const void *val[PTHREAD_KEYS_MAX];
};

static struct {
	int used;
	void (*dtor)(void *);
} keys[PTHREAD_KEYS_MAX];

static struct pthr *
self(void)
{
	struct thread *t = sched_current();
	struct pthr *p;

	for (uint32_t i = 0; i < threads.n; i++) {
		p = threads.obj[i];
		if (p != NULL && p->t == t)
			return p;
	}
	/* The main thread, or one the program did not create: known now. */
	if ((p = calloc(1, sizeof(*p))) == NULL)
		abort();
	p->t = t;
	p->is_main = 1;
	p->handle = table_add(&threads, p);
	if (p->handle == 0)
		abort();
	return p;
}

static void
run_destructors(struct pthr *p)
{
	for (int round = 0; round < 4; round++) {
		int again = 0;

		for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void *v = (void *)(uintptr_t)p->val[k];

			if (v != NULL && keys[k].used && keys[k].dtor != NULL) {
				p->val[k] = NULL;
				keys[k].dtor(v);
				again = 1;
			}
		}
		if (!again)
			break;
	}
}

static void
finish(struct pthr *p, void *ret)
{
	p->ret = ret;
	run_destructors(p);
	rump_pub_lwproc_releaselwp();
	p->done = 1;
	while (waitq_wake(&p->joiners))
		;
}

static void
reap(struct pthr *p)
{
	sched_join(p->t);
	threads.obj[p->handle - 1] = NULL;
	free(p);
}

/* Frees detached threads that have finished. */
static void
reap_detached(void)
{
	for (uint32_t i = 0; i < threads.n; i++) {
		struct pthr *p = threads.obj[i];

		if (p != NULL && p->detached && p->done && p->t != sched_current())
			reap(p);
	}
}

static void
trampoline(void *arg)
{
	struct pthr *p = arg;

	(void)libc_thread_init();
	if (rump_pub_lwproc_newlwp(p->pid) != 0)
		abort(); /* the process is there: its main thread waits */
	finish(p, p->fn(p->arg));
}

int
pthread_create(pthread_t *out, const pthread_attr_t *a, void *(*fn)(void *),
    void *arg)
{
	struct pthr *p;

	(void)self();
	reap_detached();
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return EAGAIN;
	p->fn = fn;
	p->arg = arg;
	p->pid = getpid();
	p->detached = a != NULL && a->is_initialized &&
	    a->detachstate == PTHREAD_CREATE_DETACHED;
	if ((p->handle = table_add(&threads, p)) == 0) {
		free(p);
		return EAGAIN;
	}
	p->t = sched_create("pthread", trampoline, p, THREAD_MUSTJOIN);
	if (p->t == NULL) {
		threads.obj[p->handle - 1] = NULL;
		free(p);
		return EAGAIN;
	}
	*out = p->handle;
	return 0;
}

int
pthread_join(pthread_t t, void **ret)
{
	struct pthr *p = table_get(&threads, t), *me = self();

	if (p == NULL || p->is_main)
		return ESRCH;
	if (p == me)
		return EDEADLK;
	if (p->detached)
		return EINVAL;
	while (!p->done)
		(void)waitq_wait(&p->joiners, 0);
	if (ret != NULL)
		*ret = p->ret;
	reap(p);
	reap_detached();
	return 0;
}

int
pthread_detach(pthread_t t)
{
	struct pthr *p = table_get(&threads, t);

	if (p == NULL || p->is_main)
		return ESRCH;
	if (p->detached)
		return EINVAL;
	p->detached = 1;
	if (p->done && p != self())
		reap(p);
	return 0;
}

void
pthread_exit(void *ret)
{
	struct pthr *p = self();

	if (p->is_main)
		exit(0); /* the program ends with its main thread */
	finish(p, ret);
	sched_exit();
}

pthread_t
pthread_self(void)
{
	return self()->handle;
}

int
pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int
sched_yield(void)
{
	sched_relinquish();
	return 0;
}

int
pthread_attr_init(pthread_attr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->is_initialized = 1;
	a->detachstate = PTHREAD_CREATE_JOINABLE;
	return 0;
}

int
pthread_attr_destroy(pthread_attr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int
pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_DETACHED && state != PTHREAD_CREATE_JOINABLE)
		return EINVAL;
	a->detachstate = state;
	return 0;
}

int
pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = a->detachstate;
	return 0;
}

/* ---- mutexes ---- */

struct pmutex {
	int type;
	struct thread *owner;
	int count;
	struct waitq q;
};

int
pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->is_initialized = 1;
	a->recursive = PTHREAD_MUTEX_DEFAULT; /* holds the type */
	return 0;
}

int
pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int
pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
		return EINVAL;
	a->recursive = type;
	return 0;
}

int
pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	struct pmutex *x = calloc(1, sizeof(*x));
	uint32_t h;

	if (x == NULL)
		return ENOMEM;
	x->type = a != NULL && a->is_initialized ? a->recursive :
						   PTHREAD_MUTEX_DEFAULT;
	if ((h = table_add(&mutexes, x)) == 0) {
		free(x);
		return ENOMEM;
	}
	*m = h;
	return 0;
}

/* The mutex behind a handle, made now for PTHREAD_MUTEX_INITIALIZER. */
static int
mutex_get(pthread_mutex_t *m, struct pmutex **out)
{
	int e;

	if (*m == PTHREAD_MUTEX_INITIALIZER &&
	    (e = pthread_mutex_init(m, NULL)) != 0)
		return e;
	*out = table_get(&mutexes, *m);
	return *out != NULL ? 0 : EINVAL;
}

int
pthread_mutex_destroy(pthread_mutex_t *m)
{
	struct pmutex *x;

	if (*m == PTHREAD_MUTEX_INITIALIZER)
		return 0;
	if ((x = table_get(&mutexes, *m)) == NULL)
		return EINVAL;
	if (x->owner != NULL || x->q.head != NULL)
		return EBUSY;
	mutexes.obj[*m - 1] = NULL;
	free(x);
	*m = 0;
	return 0;
}

int
pthread_mutex_trylock(pthread_mutex_t *m)
{
	struct pmutex *x;
	struct thread *me = sched_current();
	int e;

	if ((e = mutex_get(m, &x)) != 0)
		return e;
	if (x->owner == NULL) {
		x->owner = me;
		x->count = 1;
		return 0;
	}
	if (x->owner == me && x->type == PTHREAD_MUTEX_RECURSIVE) {
		x->count++;
		return 0;
	}
	return EBUSY;
}

int
pthread_mutex_lock(pthread_mutex_t *m)
{
	struct pmutex *x;
	struct thread *me = sched_current();
	int e;

	if ((e = mutex_get(m, &x)) != 0)
		return e;
	if (x->owner == me) {
		if (x->type != PTHREAD_MUTEX_RECURSIVE)
			return EDEADLK; /* waiting would never end */
		x->count++;
		return 0;
	}
	while (x->owner != NULL)
		(void)waitq_wait(&x->q, 0);
	x->owner = me;
	x->count = 1;
	return 0;
}

int
pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct pmutex *x;
	int e;

	if ((e = mutex_get(m, &x)) != 0)
		return e;
	if (x->owner != sched_current())
		return EPERM;
	if (--x->count > 0)
		return 0;
	x->owner = NULL;
	waitq_wake(&x->q);
	return 0;
}

/* ---- condition variables ---- */

struct pcond {
	struct waitq q;
};

int
pthread_condattr_init(pthread_condattr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->is_initialized = 1;
	return 0;
}

int
pthread_condattr_destroy(pthread_condattr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int
pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	struct pcond *x = calloc(1, sizeof(*x));
	uint32_t h;

	(void)a;
	if (x == NULL)
		return ENOMEM;
	if ((h = table_add(&conds, x)) == 0) {
		free(x);
		return ENOMEM;
	}
	*c = h;
	return 0;
}

static int
cond_get(pthread_cond_t *c, struct pcond **out)
{
	int e;

	if (*c == PTHREAD_COND_INITIALIZER &&
	    (e = pthread_cond_init(c, NULL)) != 0)
		return e;
	*out = table_get(&conds, *c);
	return *out != NULL ? 0 : EINVAL;
}

int
pthread_cond_destroy(pthread_cond_t *c)
{
	struct pcond *x;

	if (*c == PTHREAD_COND_INITIALIZER)
		return 0;
	if ((x = table_get(&conds, *c)) == NULL)
		return EINVAL;
	if (x->q.head != NULL)
		return EBUSY;
	conds.obj[*c - 1] = NULL;
	free(x);
	*c = 0;
	return 0;
}

static int
cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	struct pcond *x;
	struct pmutex *mx;
	int e, count, r;

	if ((e = cond_get(c, &x)) != 0 || (e = mutex_get(m, &mx)) != 0)
		return e;
	if (mx->owner != sched_current())
		return EPERM;
	/* Release fully, wait, take it back as it was. */
	count = mx->count;
	mx->owner = NULL;
	mx->count = 0;
	waitq_wake(&mx->q);
	r = waitq_wait(&x->q, deadline);
	while (mx->owner != NULL)
		(void)waitq_wait(&mx->q, 0);
	mx->owner = sched_current();
	mx->count = count;
	return r;
}

int
pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait(c, m, 0);
}

int
pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
    const struct timespec *abstime)
{
	int64_t wsec, msec;
	long wnsec, mnsec;
	int64_t left;

	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
		return EINVAL;
	/* The deadline is on the wall clock; the scheduler's is monotonic. */
	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &wsec, &wnsec);
	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &msec, &mnsec);
	left = ((int64_t)abstime->tv_sec - wsec) * 1000000000LL +
	    (abstime->tv_nsec - wnsec);
	if (left < 1)
		left = 1;
	return cond_wait(c, m, (uint64_t)(msec * 1000000000LL + mnsec + left));
}

int
pthread_cond_signal(pthread_cond_t *c)
{
	struct pcond *x;
	int e;

	if ((e = cond_get(c, &x)) != 0)
		return e;
	waitq_wake(&x->q);
	return 0;
}

int
pthread_cond_broadcast(pthread_cond_t *c)
{
	struct pcond *x;
	int e;

	if ((e = cond_get(c, &x)) != 0)
		return e;
	while (waitq_wake(&x->q))
		;
	return 0;
}

/* ---- keys and once ---- */

int
pthread_key_create(pthread_key_t *k, void (*dtor)(void *))
{
	for (int i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (!keys[i].used) {
			keys[i].used = 1;
			keys[i].dtor = dtor;
			*k = (pthread_key_t)i;
			return 0;
		}
	}
	return EAGAIN;
}

int
pthread_key_delete(pthread_key_t k)
{
	if (k >= PTHREAD_KEYS_MAX || !keys[k].used)
		return EINVAL;
	keys[k].used = 0;
	for (uint32_t i = 0; i < threads.n; i++) {
		struct pthr *p = threads.obj[i];

		if (p != NULL)
			p->val[k] = NULL;
	}
	return 0;
}

void *
pthread_getspecific(pthread_key_t k)
{
	if (k >= PTHREAD_KEYS_MAX || !keys[k].used)
		return NULL;
	return (void *)(uintptr_t)self()->val[k];
}

int
pthread_setspecific(pthread_key_t k, const void *v)
{
	if (k >= PTHREAD_KEYS_MAX || !keys[k].used)
		return EINVAL;
	self()->val[k] = v;
	return 0;
}

int
pthread_once(pthread_once_t *o, void (*fn)(void))
{
	/* init_executed: 0 not yet, 2 running (its fn may block), 1 done. */
	if (o->init_executed == 0) {
		o->init_executed = 2;
		fn();
		o->init_executed = 1;
	}
	while (o->init_executed == 2)
		sched_relinquish();
	return 0;
}
