/*
 * rumpuser(3) clocks on POSIX hosts.
 */
#include <errno.h>
#include <time.h>

#include "posix.h"

int
rumpuser_clock_gettime(int clk, int64_t *sec, long *nsec)
{
	struct timespec ts;
	clockid_t id;

	switch (clk) {
	case RUMPUSER_CLOCK_RELWALL:
		id = CLOCK_REALTIME;
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		id = CLOCK_MONOTONIC;
		break;
	default:
		return 22;
	}
	if (clock_gettime(id, &ts) == -1)
		return posix_errno(errno);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

int
rumpuser_clock_sleep(int clk, int64_t sec, long nsec)
{
	struct timespec ts = { (time_t)sec, nsec };
	int nlocks, rv = 0;

	if (sec < 0 || nsec < 0 || nsec >= 1000000000L)
		return 22;
	if (clk != RUMPUSER_CLOCK_RELWALL && clk != RUMPUSER_CLOCK_ABSMONO)
		return 22;
	posix_unsched(&nlocks, NULL);
	do {
		if (clk == RUMPUSER_CLOCK_RELWALL)
			rv = nanosleep(&ts, &ts) == -1 ? errno : 0;
		else
			rv = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
			    &ts, NULL);
	} while (rv == EINTR);
	posix_sched(nlocks, NULL);
	return posix_errno(rv);
}
