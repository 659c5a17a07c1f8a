/*
 * A small test framework for host unit tests. TEST(name) defines a case;
 * CHECK* macros report file:line and mark the case failed; RUN(name) runs a
 * case and prints "PASS name" or "FAIL name"; check_done() prints the closing
 * "N passed, N failed" line and gives main's exit status. On the host, a
 * program that calls check_args() runs each case in a process of its own
 * and one case by name (--case NAME); see check_args.
 * Define CHECK_DEFINE_PANIC before including to get a panic() that
 * CHECK_PANICS() can catch.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed, check_case_failed;

#define TEST(name) static void name(void)

/*
 * CHECK_TERSE (the image's kernel suites, tests/qemu/build.mk): a failed
 * check prints its file:line and values, not its expressions' text, which
 * would cost the test image tens of KiB of the memory its -m 2M cases need.
 */
#ifdef CHECK_TERSE
#define CHECK_SRC(text) "(see the line)"
#else
#define CHECK_SRC(text) text
#endif

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("  %s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, CHECK_SRC(#cond));                \
			check_case_failed = 1;                          \
		}                                                       \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                   \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ != b_) {                                              \
			printf("  %s:%d: %s == %lld, expected %s == %lld\n", \
			    __FILE__, __LINE__, CHECK_SRC(#a), a_,           \
			    CHECK_SRC(#b), b_);                              \
			check_case_failed = 1;                               \
		}                                                            \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                 \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {     \
			printf("  %s:%d: %s is \"%s\", expected \"%s\"\n", \
			    __FILE__, __LINE__, CHECK_SRC(#a),             \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");       \
			check_case_failed = 1;                             \
		}                                                          \
	} while (0)

#define RUN(name) check_run(#name, name)

#ifndef __NEWLIB__
#include <sys/wait.h>
#include <unistd.h>

/*
 * Running cases alone, on the host: check_args(argc, argv) in main, before
 * the first RUN.
 *   --case NAME   runs case NAME only, in this process (main's own set-up
 *                 runs first, as for every case)
 *   --list        prints the case names, runs none
 * Without --case, every case runs in a fresh process of its own: the
 * program again, with --case NAME, so no case sees what another left
 * behind and each passes alone and in any order (as NetBSD's ATF runs
 * its test programs). A case that crashes fails with its signal.
 */
static const char *check_only; /* --case NAME */
static int check_list, check_matched;
static char *check_self; /* argv[0]: isolating every case */
static int check_child;	 /* a case of check_spawn's */

static inline void
check_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			check_only = argv[++i];
		} else if (strcmp(argv[i], "--list") == 0) {
			check_list = 1;
		} else {
			printf("usage: %s [--case NAME | --list]\n0 passed, 1 failed\n",
			    argv[0]);
			exit(2);
		}
	}
	check_child = getenv("CHECK_CHILD") != NULL;
	if (check_only == NULL && !check_list)
		check_self = argv[0];
}

/* Runs case name in a new process of this program; 1 when it passed. */
static inline int
check_spawn(const char *name)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *args[] = { check_self, (char *)"--case", (char *)name,
			NULL };
		setenv("CHECK_CHILD", "1", 1);
		execv("/proc/self/exe", args);
		printf("  cannot run %s again: %s\n", check_self,
		    strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("  cannot run case %s in a process: %s\n", name,
		    strerror(errno));
		return 0;
	}
	if (WIFSIGNALED(status))
		printf("  case %s died of signal %d\n", name, WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
#endif

static inline void
check_run(const char *name, void (*fn)(void))
{
	int failed;

#ifndef __NEWLIB__
	if (check_list) {
		printf("%s\n", name);
		return;
	}
	if (check_only != NULL && strcmp(check_only, name) != 0)
		return;
	check_matched = 1;
	if (check_self != NULL) {
		failed = !check_spawn(name);
	} else
#endif
	{
		check_case_failed = 0;
		fn();
		failed = check_case_failed;
	}
#ifndef __NEWLIB__
	if (check_child) /* the parent reports it */
		return;
#endif
	printf("%s %s\n", failed ? "FAIL" : "PASS", name);
	if (failed)
		check_failed++;
	else
		check_passed++;
}

static inline int
check_done(void)
{
#ifndef __NEWLIB__
	if (check_list)
		return 0;
	if (check_child)
		return check_case_failed != 0;
	if (check_only != NULL && !check_matched) {
		printf("no case named %s\n", check_only);
		check_failed++;
	}
#endif
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
#define CHECK_PANICS(stmt)                                               \
	do {                                                             \
		check_panic_armed = 1;                                   \
		if (setjmp(check_panic_jmp) == 0) {                      \
			stmt;                                            \
			check_panic_armed = 0;                           \
			printf("  %s:%d: did not panic: %s\n", __FILE__, \
			    __LINE__, #stmt);                            \
			check_case_failed = 1;                           \
		}                                                        \
		check_panic_armed = 0;                                   \
	} while (0)
#endif

#endif
