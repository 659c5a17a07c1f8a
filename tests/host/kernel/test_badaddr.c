/*
 * Local calls on the host build with addresses that are no memory: those
 * the POSIX backend can tell without a system call (the first 64 KiB, the
 * kernel half, wrapping ranges) must be EFAULT, and the kernel goes on.
 * Other wild pointers are the caller's own SIGSEGV on the host, as with
 * NetBSD's rump kernels (README.md); the image tells them all
 * (tests/qemu/apps/test_badaddr.c), as does the remote path
 * (tests/host/sp/test_client_fault.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "badaddr.h"

static const struct badaddr bad[] = {
	{ "0x2000", (void *)0x2000, 0 },
	{ "page 0", (void *)0x10, 0 },
	{ "non-canonical", (void *)0x8000000000000000UL, 0 },
	{ "kernel half", (void *)0xffffffff80001000UL, 0 },
	{ "wraps", (void *)0xfffffffffffffffeUL, 0 },
};

TEST(utimes_sets_times)
{
	badaddr_utimes_valid();
}

/* Values, not addresses: times and a pid whose arithmetic would overflow. */
TEST(values_that_would_overflow_are_refused)
{
	struct rump_timeval tv = { INT64_MAX, 0, 0 };
	struct {
		int64_t sec;
		long nsec;
	} ts = { INT64_MAX / 1000, 0 };

	CHECK_EQ_INT(rump_sys_settimeofday(&tv, NULL), -1);
	CHECK_EQ_INT(errno, RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_clock_settime(RUMP_CLOCK_REALTIME, &ts), -1);
	CHECK_EQ_INT(errno, RUMP_EINVAL);
	tv.tv_sec = 1800000000;
	CHECK_EQ_INT(rump_sys_settimeofday(&tv, NULL), 0);
	/* kill(-pid) of the lowest pid: no such group, not an overflow */
	CHECK_EQ_INT(rump_sys_kill(INT32_MIN, 0), -1);
	CHECK_EQ_INT(errno, RUMP_ESRCH);
}

TEST(bad_addresses_are_efault)
{
	badaddr_all(bad, (int)(sizeof(bad) / sizeof(bad[0])), false);
}

#ifdef RUMPIMG_IMAGE
int badaddr_host_suite(void);
int
badaddr_host_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(utimes_sets_times);
	RUN(values_that_would_overflow_are_refused);
	RUN(bad_addresses_are_efault);
	rump_pub_lwproc_releaselwp();
	return check_done();
}
