/*
 * newlib's <time.h>, plus what it declares only where the target claims
 * _POSIX_TIMERS and _POSIX_MONOTONIC_CLOCK; apps/libc/posix.c serves them.
 */
#ifndef RUMPIMG_TIME_H
#define RUMPIMG_TIME_H

#include_next <time.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4) /* newlib's number */
#endif

int clock_gettime(clockid_t __clock_id, struct timespec *__tp);
int clock_getres(clockid_t __clock_id, struct timespec *__res);
int nanosleep(const struct timespec *__rqtp, struct timespec *__rmtp);

#endif
