/*
 * In-image test cases (tests/qemu). TESTCASE(name) defines a function that
 * returns 0 on success; the kernel command line test=NAME[,NAME...] runs
 * them in that order, and the image exits with PLAT_EXIT_OK only if all pass.
 */
#ifndef PLAT_TESTCASE_H
#define PLAT_TESTCASE_H

#include "plat/console.h"

struct testcase {
	const char *name;
	int (*fn)(void);
};

#define TESTCASE(n)                                                    \
	static int test_##n(void);                                     \
	static const struct testcase testcase_##n __attribute__((used, \
	    section(".testcases"), aligned(8))) = { #n, test_##n };    \
	static int test_##n(void)

/* Fails the current test with a message naming the failed check. */
#define TCHECK(cond, ...)                                                  \
	do {                                                               \
		if (!(cond)) {                                             \
			kprintf("  check failed at %s:%d: %s: ", __FILE__, \
			    __LINE__, #cond);                              \
			kprintf(__VA_ARGS__);                              \
			kprintf("\n");                                     \
			return 1;                                          \
		}                                                          \
	} while (0)

#endif
