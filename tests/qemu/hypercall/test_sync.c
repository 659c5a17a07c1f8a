/*
 * The shared synchronisation cases on the bare-metal backend.
 */
#include "plat/testcase.h"

#define SYNC_LOG(...)                 \
	do {                          \
		kprintf(__VA_ARGS__); \
		kprintf("\n");        \
	} while (0)
#define SYNC_CHECK(c, ...) TCHECK(c, __VA_ARGS__)

#include "../../hypercall/sync_cases.c"

static int
init_once(void)
{
	static int done;

	if (!done && sync_init() != 0)
		return 1;
	done = 1;
	return 0;
}

#define SYNC_TESTCASE(n)                                          \
	TESTCASE(sync_##n)                                        \
	{                                                         \
		TCHECK(init_once() == 0, "rumpuser_init failed"); \
		return sync_case_##n();                           \
	}

SYNC_TESTCASE(pingpong)
SYNC_TESTCASE(mutex_contention)
SYNC_TESTCASE(mutex_kinds)
SYNC_TESTCASE(rwlock)
SYNC_TESTCASE(cv_timedwait)
SYNC_TESTCASE(cv_broadcast)
SYNC_TESTCASE(cv_nowrap)
SYNC_TESTCASE(join)
SYNC_TESTCASE(sleep_order)
SYNC_TESTCASE(curlwp)
