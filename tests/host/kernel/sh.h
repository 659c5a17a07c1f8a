/*
 * The shell command runner of the ext2 host tests (ext2_harness.c's
 * tests, test_ext2_kern.c, test_ext2_mount.c, test_ext2_syscalls.c,
 * test_ext2_fsync.c), which make and check their disk images with
 * e2fsprogs.
 */
#ifndef TESTS_HOST_KERNEL_SH_H
#define TESTS_HOST_KERNEL_SH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* Runs the printf-formatted command with sh: its exit status, or -1. */
static inline int __attribute__((format(printf, 1, 2))) sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
