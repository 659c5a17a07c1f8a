/*
 * The kernel's wall clock and the time calls that set or read it:
 * gettimeofday(2), settimeofday(2), clock_settime(2), clock_getres(2).
 * The wall clock is the host's (rumpuser_clock_gettime RELWALL) plus an
 * offset that only settimeofday/clock_settime move, so setting the time
 * changes this kernel alone, never its host. clock_gettime(2) is in
 * kern_syscalls.c and reads the same clock.
 */
#include <string.h>

#include "kern.h"

#define NS 1000000000LL

static int64_t wall_offset_ns; /* added to the host's wall clock */

int
kclock_realtime(struct ktimespec *ts)
{
	int64_t s, ns;
	long nsec;
	int error;

	if ((error = rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &s, &nsec)) !=
	    0)
		return error;
	ns = s * NS + nsec + wall_offset_ns;
	ts->tv_sec = ns / NS;
	ts->tv_nsec = (long)(ns % NS);
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += NS;
		ts->tv_sec--;
	}
	return 0;
}

/*
 * Moves the wall clock to ts; the caller checked privilege and that ts is
 * not negative. A time past 2116 is EINVAL: its nanosecond count (and the
 * offset computed here) would overflow.
 */
static int
kclock_set(const struct ktimespec *ts)
{
	struct ktimespec now;
	int error;

	/* Past 2116 the nanoseconds would overflow: not a time to set. */
	if (ts->tv_sec > INT64_MAX / NS / 2)
		return RUMP_EINVAL;
	if ((error = kclock_realtime(&now)) != 0)
		return error;
	wall_offset_ns += (ts->tv_sec - now.tv_sec) * NS +
	    (ts->tv_nsec - now.tv_nsec);
	return 0;
}

int
sys___gettimeofday50(struct lwp *l, const void *a, register_t *rv)
{
	struct rump_timeval tv;
	struct ktimespec ts;
	int32_t tz[2] = { 0, 0 }; /* struct timezone: UTC, no DST */
	void *utv = ARG(a, 0, void *), *utz = ARG(a, 1, void *);
	int error;

	(void)l;
	(void)rv;
	if (utv != NULL) {
		if ((error = kclock_realtime(&ts)) != 0)
			return error;
		memset(&tv, 0, sizeof(tv));
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = (int32_t)(ts.tv_nsec / 1000);
		if ((error = copyout(&tv, utv, sizeof(tv))) != 0)
			return error;
	}
	return utz != NULL ? copyout(tz, utz, sizeof(tz)) : 0;
}

int
sys___settimeofday50(struct lwp *l, const void *a, register_t *rv)
{
	struct rump_timeval tv;
	struct ktimespec ts;
	const void *utv = ARG(a, 0, const void *);
	int error;

	(void)rv;
	if (l->l_proc->p_cred->euid != 0)
		return RUMP_EPERM;
	if (utv == NULL)
		return 0; /* the time zone argument is ignored */
	if ((error = copyin(utv, &tv, sizeof(tv))) != 0)
		return error;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000 || tv.tv_sec < 0)
		return RUMP_EINVAL;
	ts.tv_sec = tv.tv_sec;
	ts.tv_nsec = tv.tv_usec * 1000L;
	return kclock_set(&ts);
}

int
sys___clock_settime50(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec ts;
	int error;

	(void)rv;
	if (l->l_proc->p_cred->euid != 0)
		return RUMP_EPERM;
	if (ARG(a, 0, int) != RUMP_CLOCK_REALTIME)
		return RUMP_EINVAL; /* only the wall clock may be set */
	if ((error = copyin(ARG(a, 1, const void *), &ts, sizeof(ts))) != 0)
		return error;
	if (ts.tv_nsec < 0 || ts.tv_nsec >= NS || ts.tv_sec < 0)
		return RUMP_EINVAL;
	return kclock_set(&ts);
}

/* Both clocks count in nanoseconds (the hypercall layer's unit). */
int
sys___clock_getres50(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec res = { 0, 1 };
	void *ures = ARG(a, 1, void *);

	(void)l;
	(void)rv;
	switch (ARG(a, 0, int)) {
	case RUMP_CLOCK_REALTIME:
	case RUMP_CLOCK_MONOTONIC:
		break;
	default:
		return RUMP_EINVAL;
	}
	return ures != NULL ? copyout(&res, ures, sizeof(res)) : 0;
}
