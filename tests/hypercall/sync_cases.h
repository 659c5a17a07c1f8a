/*
 * Synchronisation tests written against rumpuser(3) only, so that the same
 * cases run in the image (bare-metal backend, tests/qemu/hypercall) and on
 * the host (POSIX backend). The includer defines:
 *   SYNC_LOG(fmt, ...)   print a line
 *   SYNC_CHECK(cond, fmt, ...)  on failure: print and return 1
 * Each case returns 0 on success.
 */
#ifndef TESTS_SYNC_CASES_H
#define TESTS_SYNC_CASES_H

#include <stdint.h>

#include "rump/rumpuser.h"

/* Upcall counters of the test hyperup table (sync_cases.c). */
struct sync_upcall_counts {
	long unsched, sched;
	int depth;  /* unsched minus sched, must stay 0 or 1 per thread */
	int errors; /* protocol violations seen */
};
extern struct sync_upcall_counts sync_upcalls;

/* Calls rumpuser_init with the counting upcall table; returns its result. */
int sync_init(void);

uint64_t sync_now_ns(void);
void sync_sleep_ms(long ms);

int sync_case_pingpong(void);
int sync_case_mutex_contention(void);
int sync_case_mutex_kinds(void);
int sync_case_rwlock(void);
int sync_case_cv_timedwait(void);
int sync_case_cv_broadcast(void);
int sync_case_cv_nowrap(void);
int sync_case_join(void);
int sync_case_sleep_order(void);
int sync_case_curlwp(void);

#endif
