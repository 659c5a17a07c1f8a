/*
 * The rump kernel inside the image: boot, lwproc, files on tmpfs, pipes
 * between cooperative threads, permissions, and memory back to its
 * baseline after 10,000 processes.
 */
#include <string.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "plat/mem.h"
#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

/* rump_sys_* leave NetBSD's error in the thread's rumpuser errno slot. */
static long
rerr(void)
{
	return *(long *)sched_tls(sched_current(), TLS_ERRNO);
}

TESTCASE(kernel_boot_and_lwproc)
{
	TCHECK(rump_init() == 0, "rump_init failed");
	TCHECK(rump_init() == 0, "second rump_init failed");
	TCHECK(rump_sys_getpid() == 1, "implicit context is pid %d",
	    rump_sys_getpid());
	TCHECK(rump_pub_lwproc_curlwp() == NULL, "implicit context has an lwp");
	TCHECK(rump_sys_write(1, "kernel: hello through fd 1\n", 27) == 27,
	    "console write failed");
	TCHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0, "rfork");
	TCHECK(rump_sys_getpid() == 2, "first process is pid %d",
	    rump_sys_getpid());
	TCHECK(rump_sys_getppid() == 1, "ppid %d", rump_sys_getppid());
	TCHECK(rump_pub_lwproc_rfork(3) == RUMP_EINVAL,
	    "bad rfork flags accepted");
	TCHECK(rump_pub_lwproc_newlwp(4242) == RUMP_ESRCH,
	    "newlwp of a missing pid");
	rump_pub_lwproc_releaselwp();
	TCHECK(rump_pub_lwproc_newlwp(2) == RUMP_ESRCH,
	    "released process still there");
	return 0;
}

TESTCASE(kernel_files_on_tmpfs)
{
	char buf[32];
	struct rump_stat st;
	int fd;

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0, "rfork");
	fd = rump_sys_open("/tmp/x", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	TCHECK(fd >= 0, "open: %ld", rerr());
	TCHECK(rump_sys_write(fd, "bare metal", 10) == 10, "write");
	TCHECK(rump_sys_pread(fd, buf, sizeof(buf), 5) == 5 &&
		memcmp(buf, "metal", 5) == 0,
	    "pread");
	TCHECK(rump_sys_fstat(fd, &st) == 0 && st.st_size == 10, "fstat");
	TCHECK(rump_sys_close(fd) == 0, "close");
	TCHECK(rump_sys_mkdir("/tmp/dir", 0755) == 0, "mkdir");
	TCHECK(rump_sys_symlink("/tmp/x", "/tmp/dir/ln") == 0, "symlink");
	TCHECK(rump_sys_stat("/tmp/dir/ln", &st) == 0 && st.st_size == 10,
	    "stat via link");
	TCHECK(rump_sys_open("/tmp/none", RUMP_O_RDONLY) == -1 &&
		rerr() == RUMP_ENOENT,
	    "missing file: %ld", rerr());
	TCHECK(rump_sys_setuid(1000) == 0, "setuid");
	TCHECK(rump_sys_open("/tmp/x", RUMP_O_WRONLY) == -1 &&
		rerr() == RUMP_EACCES,
	    "non-root wrote a 0644 root file: %ld", rerr());
	rump_pub_lwproc_releaselwp();
	kprintf("kernel: tmpfs, links and permissions work in the image\n");
	return 0;
}

struct pipe_arg {
	int pid, fd;
	long total;
};

static void
pipe_reader(void *p)
{
	struct pipe_arg *a = p;
	char buf[1000];
	long n;

	if (rump_pub_lwproc_newlwp(a->pid) != 0)
		return;
	while ((n = rump_sys_read(a->fd, buf, sizeof(buf))) > 0)
		a->total += n;
	rump_pub_lwproc_releaselwp();
}

TESTCASE(kernel_pipe_between_threads)
{
	/* On the heap: the test build must fit in -m 2M for other cases. */
	const size_t len = 50000;
	char *data = hyp_malloc(len, 16);
	struct pipe_arg a;
	struct thread *t;
	int fds[2];
	long w = 0;

	TCHECK(data != NULL, "no memory for the data");
	memset(data, 'p', len);
	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0, "rfork");
	TCHECK(rump_sys_pipe(fds) == 0, "pipe");
	a.pid = rump_sys_getpid();
	a.fd = fds[0];
	a.total = 0;
	t = sched_create("pipe-reader", pipe_reader, &a, THREAD_MUSTJOIN);
	while (w < (long)len) {
		long k = rump_sys_write(fds[1], data + w, len - (size_t)w);
		TCHECK(k > 0, "write returned %ld", k);
		w += k;
	}
	rump_sys_close(fds[1]);
	sched_join(t);
	TCHECK(a.total == (long)len, "reader got %ld of %zu", a.total, len);
	hyp_free(data, len);
	rump_sys_close(fds[0]);
	rump_pub_lwproc_releaselwp();
	return 0;
}

TESTCASE(kernel_10000_processes_memory_baseline)
{
	size_t pages0, mem0;

	TCHECK(rump_init() == 0, "rump_init");
	/* Warm up: the first ones create caches that stay. */
	for (int i = 0; i < 10; i++) {
		TCHECK(rump_pub_lwproc_rfork(RUMP_RFFDG) == 0, "rfork");
		rump_pub_lwproc_releaselwp();
	}
	pages0 = plat_pages_free();
	mem0 = hyp_malloc_inuse();
	for (int i = 0; i < 10000; i++) {
		TCHECK(rump_pub_lwproc_rfork(i % 2 ? RUMP_RFFDG : RUMP_RFCFDG) ==
			0,
		    "rfork %d", i);
		rump_pub_lwproc_releaselwp();
	}
	TCHECK(hyp_malloc_inuse() == mem0,
	    "kernel memory %zu bytes, baseline %zu", hyp_malloc_inuse(), mem0);
	TCHECK(plat_pages_free() == pages0, "%zu pages free, baseline %zu",
	    plat_pages_free(), pages0);
	kprintf(
	    "kernel: 10000 processes created and released, memory at baseline\n");
	return 0;
}

TESTCASE(kernel_switch_to_running_lwp_panics)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFFDG);
	rump_pub_lwproc_switch(rump_pub_lwproc_curlwp());
	return 1;
}

TESTCASE(kernel_release_in_implicit_panics)
{
	rump_init();
	rump_pub_lwproc_releaselwp();
	return 1;
}

TESTCASE(kernel_release_twice_panics)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFFDG);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_releaselwp();
	return 1;
}

TESTCASE(kernel_switch_null_in_implicit_panics)
{
	rump_init();
	rump_pub_lwproc_switch(NULL);
	return 1;
}

TESTCASE(kernel_unmapped_pointers_efault)
{
	void *wild = (void *)0x8000000000ULL; /* beyond the page tables */
	struct rump_stat st;
	char buf[8];

	TCHECK(rump_init() == 0, "rump_init");
	TCHECK(rump_sys_read(0, wild, 8) == -1 && rerr() == RUMP_EFAULT,
	    "read: %ld", rerr());
	TCHECK(rump_sys_write(1, wild, 8) == -1 && rerr() == RUMP_EFAULT,
	    "write: %ld", rerr());
	TCHECK(rump_sys_stat(wild, &st) == -1 && rerr() == RUMP_EFAULT,
	    "stat path: %ld", rerr());
	TCHECK(rump_sys_stat("/tmp", wild) == -1 && rerr() == RUMP_EFAULT,
	    "stat buf: %ld", rerr());
	TCHECK(rump_sys_readlink("/tmp", (char *)4096 - 8, 8) == -1, "readlink");
	TCHECK(rump_sys___getcwd((char *)8, sizeof(buf)) == -1 &&
		rerr() == RUMP_EFAULT,
	    "getcwd into page 0: %ld", rerr());
	kprintf("kernel: unmapped pointers answered EFAULT\n");
	return 0;
}
