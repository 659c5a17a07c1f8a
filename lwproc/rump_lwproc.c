/*
 * The public rump_lwproc(3) calls, rump_pub_lwproc_*(), and the rump_sp
 * server's lwproc upcalls: each enters the kernel, does the lwproc.c
 * operation, and leaves (doc/lwproc.md).
 */
#include <string.h>

#include "kern.h"

/*
 * The rump_sp server's process creation (doc/rump_sp.md): a child of the
 * current process bound to the calling thread, in remote address space
 * cookie (NULL: none, a local process; the held copy of a prefork),
 * named comm (NULL: the parent's name). A new
 * remote process with an empty table gets the console as 0, 1 and 2.
 */
int
lwproc_hyp_rfork(void *cookie, int flags, const char *comm)
{
	struct proc *p;
	int error;

	if ((error = lwproc_rfork(flags)) != 0)
		return error;
	p = curproc();
	/*
	 * The new process belongs to the connection given, or to none: a
	 * prefork's held copy must not keep its parent's connection, which
	 * may be freed while the copy waits (a later kill(2) would raise a
	 * signal on freed memory).
	 */
	p->p_vmspace = cookie;
	if (comm != NULL) {
		strncpy(p->p_comm, comm, RUMP_MAXCOMLEN);
		p->p_comm[RUMP_MAXCOMLEN] = '\0';
	}
	if (cookie != NULL && (flags & RUMP_RFCFDG) &&
	    (error = console_fds(p->p_fd, FWRITE)) != 0) {
		lwproc_releaselwp();
		return error;
	}
	return 0;
}

int
lwproc_hyp_newlwp(pid_t pid)
{
	return lwproc_newlwp(pid);
}

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
