/*
 * The two checks NetBSD's tests/h_macros.h gives the rump tests, written
 * for this compatibility directory: RL(x) fails the case when x is -1
 * (with errno), RZ(x) when x is an error number other than 0, and
 * atf_tc_fail_errno(fmt, ...) fails it with errno's text appended.
 */
#ifndef NBCOMPAT_H_MACROS_H
#define NBCOMPAT_H_MACROS_H
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <atf-c.h>
#define RL(x) ATF_REQUIRE_MSG((x) != -1, "%s: %s", #x, strerror(errno))
#define RZ(x)                                                                 \
	do {                                                                  \
		int rz_rv_ = (x);                                             \
		ATF_REQUIRE_MSG(rz_rv_ == 0, "%s: %s", #x, strerror(rz_rv_)); \
	} while (0)
#define atf_tc_fail_errno(...)                                            \
	atf_tc_fail("%s: %s",                                             \
	    (snprintf(nbcompat_msg_, sizeof(nbcompat_msg_), __VA_ARGS__), \
		nbcompat_msg_),                                           \
	    strerror(errno))
static char nbcompat_msg_[512] __attribute__((unused));
#endif
