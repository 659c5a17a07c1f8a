/*
 * rump_init(), the upcall table, and the public wrappers that enter and
 * leave the kernel: rump_pub_lwproc_*() and the local rump_sys_*() calls.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"

static bool inited;
static char hostname[256];

static int
hyp_rfork(void *cookie, int flags, const char *comm)
{
	(void)cookie;
	(void)comm;
	return lwproc_rfork(flags);
}

static int
hyp_newlwp(pid_t pid)
{
	return lwproc_newlwp(pid);
}

static int
hyp_syscall(int num, void *args, long *retval)
{
	return rump_syscall(num, args, retval);
}

static pid_t
hyp_getpid(void)
{
	return curproc()->p_pid;
}

static const struct rumpuser_hyperup hyperup = {
	.hyp_schedule = rump_schedule,
	.hyp_unschedule = rump_unschedule,
	.hyp_backend_unschedule = rump_backend_unschedule,
	.hyp_backend_schedule = rump_backend_schedule,
	.hyp_lwproc_switch = lwproc_switch,
	.hyp_lwproc_release = lwproc_releaselwp,
	.hyp_lwproc_rfork = hyp_rfork,
	.hyp_lwproc_newlwp = hyp_newlwp,
	.hyp_lwproc_curlwp = lwproc_curlwp,
	.hyp_syscall = hyp_syscall,
	.hyp_getpid = hyp_getpid,
};

static void
mandatory_params(void)
{
	char buf[32];

	if (rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) != 0)
		kpanic("mandatory hypervisor configuration (NCPU) missing");
	if (atoi(buf) < 1)
		kpanic("rump kernels are not lightweight enough for \"%s\" CPUs", buf);
	if (rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, hostname,
	    sizeof(hostname)) != 0)
		kpanic("mandatory hypervisor configuration (HOSTNAME) missing");
}

int
rump_init(void)
{
	struct file *cons;
	int error, fd;

	if (inited)
		return 0;
	error = rumpuser_init(RUMPUSER_VERSION, &hyperup);
	if (error != 0)
		return error;
	mandatory_params();
	vcpu_init();
	proc_init();
	error = proc_create(&proc0, RUMP_RFCFDG, &initproc);
	if (error != 0)
		return error;
	KASSERT(initproc->p_pid == 1);
	strcpy(initproc->p_comm, "init");
	if (lwp_create(initproc) == NULL)	/* init's own lwp: it never dies */
		return RUMP_ENOMEM;
	cons = file_alloc(&console_fileops, FREAD | FWRITE, NULL);
	if (cons == NULL)
		return RUMP_ENOMEM;
	for (int i = 0; i < 3; i++) {
		file_hold(cons);
		fd_alloc(initproc->p_fd, i, cons, &fd);
	}
	file_release(cons);
	inited = true;
	return 0;
}

/* ---- rump_lwproc(3) ---- */

int
rump_pub_lwproc_rfork(int flags)
{
	int error;

	rump_schedule();
	error = lwproc_rfork(flags);
	rump_unschedule();
	return error;
}

int
rump_pub_lwproc_newlwp(pid_t pid)
{
	int error;

	rump_schedule();
	error = lwproc_newlwp(pid);
	rump_unschedule();
	return error;
}

void
rump_pub_lwproc_switch(struct lwp *l)
{
	rump_schedule();
	lwproc_switch(l);
	rump_unschedule();
}

void
rump_pub_lwproc_releaselwp(void)
{
	rump_schedule();
	lwproc_releaselwp();
	rump_unschedule();
}

struct lwp *
rump_pub_lwproc_curlwp(void)
{
	struct lwp *l;

	rump_schedule();
	l = lwproc_curlwp();
	rump_unschedule();
	return l;
}

/* ---- local system calls ---- */

static register_t
local_syscall(int num, const register_t *args, int *failed)
{
	register_t rv[2] = { 0, 0 };
	int error;

	rump_schedule();
	error = rump_syscall(num, (void *)args, rv);
	rump_unschedule();
	*failed = error != 0;
	if (error != 0) {
		rumpuser_seterrno(error);
		return -1;
	}
	return rv[0];
}

#define SYS0(num)	({ int f_; register_t a_[1] = { 0 }; local_syscall(num, a_, &f_); })
#define SYSN(num, ...)	({ int f_; register_t a_[] = { __VA_ARGS__ }; local_syscall(num, a_, &f_); })

ssize_t rump_sys_read(int fd, void *buf, size_t n) { return SYSN(3, fd, (register_t)buf, (register_t)n); }
ssize_t rump_sys_write(int fd, const void *buf, size_t n) { return SYSN(4, fd, (register_t)buf, (register_t)n); }
int rump_sys_close(int fd) { return (int)SYSN(6, fd); }
int rump_sys_dup(int fd) { return (int)SYSN(41, fd); }
int rump_sys_dup2(int from, int to) { return (int)SYSN(90, from, to); }
pid_t rump_sys_getpid(void) { return (pid_t)SYS0(20); }
pid_t rump_sys_getppid(void) { return (pid_t)SYS0(39); }
uid_t rump_sys_getuid(void) { return (uid_t)SYS0(24); }
uid_t rump_sys_geteuid(void) { return (uid_t)SYS0(25); }
gid_t rump_sys_getgid(void) { return (gid_t)SYS0(47); }
gid_t rump_sys_getegid(void) { return (gid_t)SYS0(43); }
int rump_sys_setuid(uid_t uid) { return (int)SYSN(23, uid); }
int rump_sys_seteuid(uid_t euid) { return (int)SYSN(183, euid); }
int rump_sys_setgid(gid_t gid) { return (int)SYSN(181, gid); }
int rump_sys_setegid(gid_t egid) { return (int)SYSN(182, egid); }
int rump_sys_getgroups(int n, gid_t *set) { return (int)SYSN(79, n, (register_t)set); }
int rump_sys_setgroups(int n, const gid_t *set) { return (int)SYSN(80, n, (register_t)set); }
