/*
 * platform/x86/fmt.c against the C library's snprintf.
 */
/* The cases below use odd formats on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#include <limits.h>
#include <stdint.h>

#include "check.h"
#include "plat/fmt.h"

#define SAME(...)                                                          \
	do {                                                               \
		char ours_[256], libc_[256];                               \
		int n1_ = fmt_snprintf(ours_, sizeof(ours_), __VA_ARGS__); \
		int n2_ = snprintf(libc_, sizeof(libc_), __VA_ARGS__);     \
		CHECK_EQ_STR(ours_, libc_);                                \
		CHECK_EQ_INT(n1_, n2_);                                    \
	} while (0)

TEST(integers_match_libc)
{
	SAME("%d %i %u", 0, -1, 42u);
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%ld %lld", LONG_MIN, LLONG_MIN);
	SAME("%lu %llu", ULONG_MAX, ULLONG_MAX);
	SAME("%hhd %hd %hhu %hu", 300, 70000, 300, 70000);
	SAME("%zu %zd %td %jd", (size_t)123, (ssize_t)-5, (ptrdiff_t)-7,
	    (intmax_t)-9);
	SAME("%x %X %o", 0xdeadbeefu, 0xabcdefu, 0777u);
	SAME("%#x %#X %#o %#x %#o %#.5o %#3o", 255u, 255u, 8u, 0u, 0u, 8u, 1u);
}

TEST(flags_width_precision_match_libc)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%+5d] [%-+5d] [% 05d]", -3, 3, 3);
	SAME("[%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, 7, 7, 7);
	SAME("[%.0d] [%5.0d] [%.0x]", 0, 0, 0u);
	SAME("[%*d] [%-*d] [%*d]", 6, 1, 6, 1, -6, 1);
	SAME("[%.*d] [%.*d]", 4, 5, -1, 5);
	SAME("[%#10x] [%#-10x] [%#010x]", 0x1fu, 0x1fu, 0x1fu);
}

TEST(strings_and_chars_match_libc)
{
	SAME("[%s] [%10s] [%-10s] [%.2s] [%5.1s]", "abc", "abc", "abc", "abc",
	    "abc");
	SAME("[%*.*s]", 8, 3, "abcdef");
	SAME("[%c] [%3c] [%-3c]", 'x', 'y', 'z');
	SAME("100%% [%%]");
}

TEST(pointers_and_null_string)
{
	char buf[64];
	int x;

	SAME("%p", (void *)&x);
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0);
	CHECK_EQ_STR(buf, "0x0");
	fmt_snprintf(buf, sizeof(buf), "%s", (char *)NULL);
	CHECK_EQ_STR(buf, "(null)");
}

TEST(truncation_like_c99)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ_INT(fmt_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	CHECK_EQ_STR(buf, "abcd");
	CHECK(buf[5] == 'X'); /* nothing written past size */
	CHECK_EQ_INT(fmt_snprintf(buf, 1, "%d", 12345), 5);
	CHECK_EQ_STR(buf, "");
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ_INT(fmt_snprintf(buf, 0, "%d", 12345), 5);
	CHECK(buf[0] == 'X'); /* size 0 writes nothing */
	CHECK_EQ_INT(fmt_snprintf(NULL, 0, "%s-%d", "ab", 7), 4);
}

TEST(unknown_conversion_is_literal)
{
	char buf[64];

	CHECK_EQ_INT(fmt_snprintf(buf, sizeof(buf), "a%yb%d", 5), 5);
	CHECK_EQ_STR(buf, "a%yb5");
	fmt_snprintf(buf, sizeof(buf), "end%");
	CHECK_EQ_STR(buf, "end%");
	fmt_snprintf(buf, sizeof(buf), "%5");
	CHECK_EQ_STR(buf, "%5");
}

int
main(void)
{
	RUN(integers_match_libc);
	RUN(flags_width_precision_match_libc);
	RUN(strings_and_chars_match_libc);
	RUN(pointers_and_null_string);
	RUN(truncation_like_c99);
	RUN(unknown_conversion_is_literal);
	return check_done();
}
