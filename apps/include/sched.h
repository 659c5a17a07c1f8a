/* newlib's <sched.h>, plus sched_yield (apps/libc/pthread.c). */
#ifndef RUMPIMG_SCHED_H
#define RUMPIMG_SCHED_H

#include_next <sched.h>

int sched_yield(void);

#endif
