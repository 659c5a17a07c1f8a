/*
 * rumpuser(3) threads and the current lwp on pthreads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

static __thread struct lwp *curlwp;

int
rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
    int mustjoin, int prio, int cpuidx, void **cookie)
{
	pthread_attr_t attr;
	pthread_t *t = malloc(sizeof(*t));
	int rv;

	(void)prio;   /* host scheduling decides */
	(void)cpuidx; /* unbound */
	if (t == NULL)
		return 12;
	pthread_attr_init(&attr);
	if (!mustjoin)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rv = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (rv != 0) {
		free(t);
		return posix_errno(rv);
	}
	if (name != NULL) {
		char n[16];
		strncpy(n, name, sizeof(n) - 1); /* Linux allows 15 */
		n[sizeof(n) - 1] = '\0';
		pthread_setname_np(*t, n);
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
