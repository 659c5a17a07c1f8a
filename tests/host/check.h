/*
 * A small test framework for host unit tests. TEST(name) defines a case;
 * CHECK* macros report file:line and mark the case failed; RUN(name) runs a
 * case and prints "PASS name" or "FAIL name"; check_done() prints the closing
 * "N passed, N failed" line and gives main's exit status.
 * Define CHECK_DEFINE_PANIC before including to get a panic() that
 * CHECK_PANICS() can catch.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed, check_case_failed;

#define TEST(name)	static void name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("  %s:%d: check failed: %s\n", __FILE__,	\
			    __LINE__, #cond);				\
			check_case_failed = 1;				\
		}							\
	} while (0)

#define CHECK_EQ_INT(a, b)						\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_) {						\
			printf("  %s:%d: %s == %lld, expected %s == %lld\n", \
			    __FILE__, __LINE__, #a, a_, #b, b_);	\
			check_case_failed = 1;				\
		}							\
	} while (0)

#define CHECK_EQ_STR(a, b)						\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {	\
			printf("  %s:%d: %s is \"%s\", expected \"%s\"\n", \
			    __FILE__, __LINE__, #a, a_ ? a_ : "(null)",	\
			    b_ ? b_ : "(null)");			\
			check_case_failed = 1;				\
		}							\
	} while (0)

#define RUN(name)							\
	do {								\
		check_case_failed = 0;					\
		name();							\
		printf("%s %s\n", check_case_failed ? "FAIL" : "PASS", #name); \
		if (check_case_failed)					\
			check_failed++;					\
		else							\
			check_passed++;					\
	} while (0)

static inline int
check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}

#ifdef CHECK_DEFINE_PANIC
static jmp_buf check_panic_jmp;
static int check_panic_armed;
static char check_panic_msg[256];

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(check_panic_msg, sizeof(check_panic_msg), fmt, ap);
	va_end(ap);
	if (check_panic_armed)
		longjmp(check_panic_jmp, 1);
	printf("unexpected panic: %s\n", check_panic_msg);
	abort();
}

/* Checks that stmt panics (and recovers from the panic). */
#define CHECK_PANICS(stmt)						\
	do {								\
		check_panic_armed = 1;					\
		if (setjmp(check_panic_jmp) == 0) {			\
			stmt;						\
			check_panic_armed = 0;				\
			printf("  %s:%d: did not panic: %s\n", __FILE__, \
			    __LINE__, #stmt);				\
			check_case_failed = 1;				\
		}							\
		check_panic_armed = 0;					\
	} while (0)
#endif

#endif
