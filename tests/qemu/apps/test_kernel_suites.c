/*
 * The host build's lwproc and system call suites, compiled into the image
 * (without the parts that need host fork(2) and pthreads; the image's fatal
 * cases are boots of their own in tests/qemu/run.py).
 */
#include "plat/testcase.h"

int lwproc_suite(void);
int syscalls_suite(void);
int tmpfs_suite(void);
int prot_suite(void);
int at_suite(void);
int lock_suite(void);
int event_suite(void);
int kfilter_suite(void);
int fifo_suite(void);
int nodes_suite(void);
int mount_suite(void);

TESTCASE(kernel_lwproc_suite)
{
	return lwproc_suite();
}

TESTCASE(kernel_syscalls_suite)
{
	return syscalls_suite();
}

TESTCASE(kernel_tmpfs_suite)
{
	return tmpfs_suite();
}

TESTCASE(kernel_prot_suite)
{
	return prot_suite();
}

TESTCASE(kernel_at_suite)
{
	return at_suite();
}

TESTCASE(kernel_lock_suite)
{
	return lock_suite();
}

TESTCASE(kernel_event_suite)
{
	return event_suite();
}

TESTCASE(kernel_kfilter_suite)
{
	return kfilter_suite();
}

TESTCASE(kernel_fifo_suite)
{
	return fifo_suite();
}

TESTCASE(kernel_nodes_suite)
{
	return nodes_suite();
}

TESTCASE(kernel_mount_suite)
{
	return mount_suite();
}
