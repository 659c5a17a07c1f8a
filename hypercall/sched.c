/*
 * Cooperative scheduler: threads, run queue, deadline-ordered sleep queue,
 * block/wake, join, exit. Portable C over hyp/sched_md.h.
 *
 * Invariants:
 * - the running thread is on no queue;
 * - a RUNNABLE thread is on the run queue, and only there;
 * - a BLOCKED thread is on the sleep queue iff it has a deadline;
 * - queue operations run with interrupts disabled, so interrupt handlers may
 *   call sched_wake().
 */
#include <stddef.h>
#include <stdint.h>

#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "plat/panic.h"
#include "plat/string.h"

#ifdef __SANITIZE_ADDRESS__
/*
 * Host tests under AddressSanitizer: announce each stack switch. The thread
 * that switches records itself in asan_from; whoever resumes learns from
 * ASan the bounds of that thread's stack (how the main thread's get known).
 */
#include <sanitizer/common_interface_defs.h>
static void *cur_fake_stack;
static struct thread *asan_from;
#define ASAN_START(prev, t)                                                   \
	do {                                                                  \
		asan_from = (prev);                                           \
		__sanitizer_start_switch_fiber(&cur_fake_stack, (t)->asan_lo, \
		    (t)->asan_size);                                          \
	} while (0)
#define ASAN_FINISH()                                   \
	__sanitizer_finish_switch_fiber(cur_fake_stack, \
	    (const void **)&asan_from->asan_lo, &asan_from->asan_size)
#else
#define ASAN_START(prev, t) ((void)0)
#define ASAN_FINISH()	    ((void)0)
#endif

enum state { RUNNING, RUNNABLE, BLOCKED, EXITED };

struct thread {
	uint64_t sp;	     /* saved by sched_md_switch */
	struct thread *next; /* run or sleep queue, zombie list */
	struct thread **pprev;
	struct thread *all_next; /* every thread, for lookups */
	enum state state;
	int flags;
	int wake_reason;
	uint64_t deadline; /* on the sleep queue when not 0 */
	void (*fn)(void *);
	void *arg;
	struct thread *joiner;
	void *stack; /* block from sched_md_stack_alloc */
	size_t stack_size;
	void *tls[TLS_NSLOTS];
	char name[32];
#ifdef __SANITIZE_ADDRESS__
	void *asan_lo; /* the stack's bounds, for ASan */
	size_t asan_size;
#endif
};

struct queue {
	struct thread *first;
	struct thread **lastp;
};

static struct thread main_thread = { .state = RUNNING, .name = "main" };
static struct thread *cur = &main_thread;
static struct thread *all = &main_thread;
static struct queue runq = { NULL, &runq.first };
static struct queue sleepq = { NULL, &sleepq.first };
static struct thread *zombies; /* exited, not joinable: free when off-CPU */
static int nthreads = 1;
static void (*hook_switch)(struct thread *);
static void (*hook_exit)(struct thread *);
static uint64_t nswitches;

static void
q_insert_before(struct queue *q, struct thread **where, struct thread *t)
{
	t->next = *where;
	t->pprev = where;
	if (t->next != NULL)
		t->next->pprev = &t->next;
	else
		q->lastp = &t->next;
	*where = t;
}

static void
q_push(struct queue *q, struct thread *t)
{
	q_insert_before(q, q->lastp, t);
}

static void
q_remove(struct queue *q, struct thread *t)
{
	*t->pprev = t->next;
	if (t->next != NULL)
		t->next->pprev = t->pprev;
	else
		q->lastp = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

static struct thread *
q_pop(struct queue *q)
{
	struct thread *t = q->first;

	if (t != NULL)
		q_remove(q, t);
	return t;
}

/* Ordered by deadline; equal deadlines keep their insertion order. */
static void
sleepq_insert(struct thread *t)
{
	struct thread **where = &sleepq.first;

	while (*where != NULL && (*where)->deadline <= t->deadline)
		where = &(*where)->next;
	q_insert_before(&sleepq, where, t);
}

static void
make_runnable(struct thread *t, int reason)
{
	if (t->deadline != 0) {
		q_remove(&sleepq, t);
		t->deadline = 0;
	}
	t->state = RUNNABLE;
	t->wake_reason = reason;
	q_push(&runq, t);
}

static void
wake_expired(uint64_t now)
{
	while (sleepq.first != NULL && sleepq.first->deadline <= now)
		make_runnable(sleepq.first, SCHED_TIMEDOUT);
}

static void
free_thread(struct thread *t)
{
	struct thread **pp;

	for (pp = &all; *pp != t; pp = &(*pp)->all_next)
		KASSERT(*pp != NULL);
	*pp = t->all_next;
	nthreads--;
	if (t->stack != NULL)
		sched_md_stack_free(t->stack, t->stack_size);
}

static void
reap(void)
{
	while (zombies != NULL) {
		struct thread *z = zombies;
		zombies = z->next;
		free_thread(z);
	}
}

/*
 * Runs the next runnable thread, idling until one exists. The caller has put
 * cur where it belongs (run queue, sleep queue, blocked, exited) and has
 * interrupts disabled.
 */
static void
schedule(void)
{
	struct thread *prev = cur, *next;

	for (;;) {
		if (sleepq.first != NULL)
			wake_expired(sched_md_now());
		next = q_pop(&runq);
		if (next != NULL)
			break;
		if (prev->state == RUNNING)
			return; /* a yield with nobody else to run */
		sched_md_idle(
		    sleepq.first != NULL ? sleepq.first->deadline : UINT64_MAX);
	}
	next->state = RUNNING;
	if (next != prev) {
		if (prev->state == RUNNING) {
			prev->state = RUNNABLE;
			q_push(&runq, prev);
		}
		cur = next;
		nswitches++;
		if (hook_switch != NULL)
			hook_switch(next);
		ASAN_START(prev, next);
		sched_md_switch(&prev->sp, next->sp);
		ASAN_FINISH();
	}
	/* Back on the CPU: stacks of exited threads are no longer in use. */
	if (zombies != NULL)
		reap();
}

static void
thread_start(void *unused)
{
	(void)unused;
	ASAN_FINISH();
	sched_md_intr_restore(1);
	cur->fn(cur->arg);
	sched_exit();
}

void
sched_set_hooks(void (*on_switch)(struct thread *),
    void (*on_exit)(struct thread *))
{
	hook_switch = on_switch;
	hook_exit = on_exit;
}

void
sched_init(void)
{
	main_thread.state = RUNNING;
}

struct thread *
sched_create(const char *name, void (*fn)(void *), void *arg, int flags)
{
	size_t size;
	char *block = sched_md_stack_alloc(&size);
	struct thread *t;
	uint64_t *sp, s;

	if (block == NULL)
		return NULL;
	t = (struct thread *)(((uintptr_t)block + size - sizeof(*t)) &
	    ~(uintptr_t)63);
	memset(t, 0, sizeof(*t));
	t->stack = block;
	t->stack_size = size;
	t->fn = fn;
	t->arg = arg;
	t->flags = flags;
#ifdef __SANITIZE_ADDRESS__
	t->asan_lo = block + SCHED_GUARD_SIZE;
	t->asan_size = (size_t)((char *)t - (char *)t->asan_lo);
#endif
	if (name == NULL)
		name = "thread";
	for (size_t i = 0; i < sizeof(t->name) - 1 && name[i] != '\0'; i++)
		t->name[i] = name[i];

	/* The frame sched_md_switch pops, "returning" into the trampoline. */
	sp = (uint64_t *)((uintptr_t)t & ~(uintptr_t)15);
	*--sp = (uint64_t)(uintptr_t)sched_md_trampoline;
	*--sp = 0;				   /* rbp */
	*--sp = 0;				   /* rbx */
	*--sp = (uint64_t)(uintptr_t)thread_start; /* r12: entry */
	*--sp = 0;				   /* r13: its argument */
	*--sp = 0;				   /* r14 */
	*--sp = 0;				   /* r15 */
	*--sp = 0x1f80 | ((uint64_t)0x037f << 32); /* MXCSR, x87 CW */
	t->sp = (uint64_t)(uintptr_t)sp;

	s = sched_md_intr_save();
	t->all_next = all;
	all = t;
	nthreads++;
	t->state = RUNNABLE;
	q_push(&runq, t);
	sched_md_intr_restore(s);
	return t;
}

struct thread *
sched_current(void)
{
	return cur;
}

const char *
sched_name(const struct thread *t)
{
	return t->name;
}

void **
sched_tls(struct thread *t, int slot)
{
	KASSERT(slot >= 0 && slot < TLS_NSLOTS);
	return &t->tls[slot];
}

void
sched_relinquish(void)
{
	uint64_t s = sched_md_intr_save();

	schedule();
	sched_md_intr_restore(s);
}

int
sched_block(uint64_t deadline)
{
	uint64_t s = sched_md_intr_save();

	cur->state = BLOCKED;
	cur->wake_reason = SCHED_WOKEN;
	cur->deadline = deadline;
	if (deadline != 0)
		sleepq_insert(cur);
	schedule();
	sched_md_intr_restore(s);
	return cur->wake_reason;
}

void
sched_wake(struct thread *t)
{
	uint64_t s = sched_md_intr_save();

	if (t->state == BLOCKED)
		make_runnable(t, SCHED_WOKEN);
	sched_md_intr_restore(s);
}

void
sched_sleep_until(uint64_t deadline)
{
	while (sched_md_now() < deadline)
		sched_block(deadline);
}

void
sched_exit(void)
{
	if (cur == &main_thread)
		panic("sched_exit: the main thread cannot exit");
	if (hook_exit != NULL)
		hook_exit(cur);
	sched_md_intr_save();
	cur->state = EXITED;
	if (cur->flags & THREAD_MUSTJOIN) {
		if (cur->joiner != NULL && cur->joiner->state == BLOCKED)
			make_runnable(cur->joiner, SCHED_WOKEN);
	} else {
		cur->next = zombies;
		zombies = cur;
	}
	schedule();
	panic("sched_exit: exited thread %s ran again", cur->name);
}

void
sched_join(struct thread *t)
{
	if (!(t->flags & THREAD_MUSTJOIN))
		panic("sched_join: thread %s was not created joinable", t->name);
	if (t == cur)
		panic("sched_join: thread %s joins itself", t->name);
	if (t->joiner != NULL && t->joiner != cur)
		panic("sched_join: thread %s already has a joiner", t->name);
	t->joiner = cur;
	while (t->state != EXITED)
		sched_block(0);
	uint64_t s = sched_md_intr_save();
	free_thread(t);
	sched_md_intr_restore(s);
}

int
sched_nthreads(void)
{
	return nthreads;
}

uint64_t
sched_switches(void)
{
	return nswitches;
}

/* The thread whose guard page holds addr, for fault reports; or NULL. */
const char *
sched_guard_owner(uintptr_t addr)
{
	for (struct thread *t = all; t != NULL; t = t->all_next)
		if (t->stack != NULL && addr >= (uintptr_t)t->stack &&
		    addr < (uintptr_t)t->stack + SCHED_GUARD_SIZE)
			return t->name;
	return NULL;
}
