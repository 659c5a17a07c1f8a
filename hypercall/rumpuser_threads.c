/*
 * The rumpuser(3) calls about threads, the current lwp and sleeping, over
 * the cooperative scheduler. Portable: the image links it, and so do the
 * host tests that run the scheduler natively.
 */
#include <stdint.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "hyp/sched_md.h"
#include "hyp/upcall.h"
#include "plat/panic.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define NSEC 1000000000LL

int
rumpuser_clock_sleep(int clk, int64_t sec, long nsec)
{
	uint64_t now = sched_md_now(), deadline, t;
	int nlocks;

	if (sec < 0 || nsec < 0 || nsec >= NSEC)
		return RUMP_EINVAL;
	t = (uint64_t)sec * NSEC + (uint64_t)nsec;
	switch (clk) {
	case RUMPUSER_CLOCK_RELWALL:
		deadline = now + t < now ? UINT64_MAX : now + t;
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		deadline = t;
		break;
	default:
		return RUMP_EINVAL;
	}
	hyp_unsched(&nlocks, NULL);
	/* A sleep is always a scheduling point, even one already over. */
	if (deadline <= now)
		sched_relinquish();
	else
		sched_sleep_until(deadline);
	hyp_sched(nlocks, NULL);
	return 0;
}

/* Set by the C library glue so that rump_sys_*() failures reach errno. */
void (*hyp_libc_seterrno)(int);

void
rumpuser_seterrno(int error)
{
	*(long *)sched_tls(sched_current(), TLS_ERRNO) = error;
	if (hyp_libc_seterrno != NULL)
		hyp_libc_seterrno(error);
}

/* ---- threads ---- */

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void
thread_start(void *p)
{
	struct start s = *(struct start *)p;

	hyp_free(p, sizeof(s));
	s.fn(s.arg);
	sched_exit();
}

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int mustjoin, int prio, int cpuidx, void **cookie)
{
	struct start *s = hyp_malloc(sizeof(*s), 0);
	struct thread *t;

	(void)prio;   /* one priority: cooperative round robin */
	(void)cpuidx; /* one CPU */
	if (s == NULL)
		return RUMP_ENOMEM;
	s->fn = fn;
	s->arg = arg;
	t = sched_create(name, thread_start, s, mustjoin ? THREAD_MUSTJOIN : 0);
	if (t == NULL) {
		hyp_free(s, sizeof(*s));
		return RUMP_ENOMEM;
	}
	if (mustjoin && cookie != NULL)
		*cookie = t;
	return 0;
}

void
rumpuser_thread_exit(void)
{
	sched_exit();
}

int
rumpuser_thread_join(void *cookie)
{
	int nlocks;

	hyp_unsched(&nlocks, NULL);
	sched_join(cookie);
	hyp_sched(nlocks, NULL);
	return 0;
}

void
rumpuser_curlwpop(int op, struct lwp *l)
{
	struct lwp **slot = (struct lwp **)sched_tls(sched_current(), TLS_CURLWP);

	switch (op) {
	case RUMPUSER_LWP_CREATE:
	case RUMPUSER_LWP_DESTROY:
		break; /* no per-lwp state here */
	case RUMPUSER_LWP_SET:
		if (*slot != NULL)
			panic("rumpuser_curlwpop: SET %p on thread %s, which "
			      "has lwp %p",
			    (void *)l, sched_name(sched_current()),
			    (void *)*slot);
		*slot = l;
		break;
	case RUMPUSER_LWP_CLEAR:
		if (*slot != l)
			panic("rumpuser_curlwpop: CLEAR %p on thread %s, which "
			      "has lwp %p",
			    (void *)l, sched_name(sched_current()),
			    (void *)*slot);
		*slot = NULL;
		break;
	default:
		panic("rumpuser_curlwpop: unknown op %d", op);
	}
}

struct lwp *
rumpuser_curlwp(void)
{
	return *(struct lwp **)sched_tls(sched_current(), TLS_CURLWP);
}
