/*
 * rumpuser(3) threads and the current lwp on pthreads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

static __thread struct lwp *curlwp;

/*
 * A new thread names itself before it runs fn: a detached thread may have
 * run and exited by the time pthread_create returns, and its pthread_t
 * then names freed memory (pthread_setname_np on it read an unmapped
 * stack: found by fuzz_sp, a server worker that found no job and left).
 */
struct start {
	void *(*fn)(void *);
	void *arg;
	char name[16]; /* Linux allows 15 characters */
};

static void *
thread_start(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	if (s.name[0] != '\0')
		pthread_setname_np(pthread_self(), s.name);
	return s.fn(s.arg);
}

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int mustjoin, int prio, int cpuidx, void **cookie)
{
	pthread_attr_t attr;
	pthread_t *t = malloc(sizeof(*t));
	struct start *s = calloc(1, sizeof(*s));
	int rv;

	(void)prio;   /* host scheduling decides */
	(void)cpuidx; /* unbound */
	if (t == NULL || s == NULL) {
		free(t);
		free(s);
		return 12;
	}
	s->fn = fn;
	s->arg = arg;
	if (name != NULL)
		strncpy(s->name, name, sizeof(s->name) - 1);
	pthread_attr_init(&attr);
	if (!mustjoin)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rv = pthread_create(t, &attr, thread_start, s);
	pthread_attr_destroy(&attr);
	if (rv != 0) {
		free(t);
		free(s);
		return posix_errno(rv);
	}
	if (mustjoin)
		*cookie = t;
	else
		free(t);
	return 0;
}

void
rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int
rumpuser_thread_join(void *cookie)
{
	pthread_t *t = cookie;
	int nlocks, rv;

	posix_unsched(&nlocks, NULL);
	rv = pthread_join(*t, NULL);
	posix_sched(nlocks, NULL);
	free(t);
	return posix_errno(rv);
}

void
rumpuser_curlwpop(int op, struct lwp *l)
{
	switch (op) {
	case RUMPUSER_LWP_CREATE:
	case RUMPUSER_LWP_DESTROY:
		break; /* no per-lwp host state */
	case RUMPUSER_LWP_SET:
		if (curlwp != NULL)
			posix_fatal("curlwpop SET %p: this thread has lwp %p",
			    (void *)l, (void *)curlwp);
		curlwp = l;
		break;
	case RUMPUSER_LWP_CLEAR:
		if (curlwp != l)
			posix_fatal("curlwpop CLEAR %p: this thread has lwp %p",
			    (void *)l, (void *)curlwp);
		curlwp = NULL;
		break;
	default:
		posix_fatal("curlwpop: unknown op %d", op);
	}
}

struct lwp *
rumpuser_curlwp(void)
{
	return curlwp;
}
