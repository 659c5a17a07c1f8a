/*
 * rump_init(), the upcall table, and the public wrappers that enter and
 * leave the kernel: rump_pub_lwproc_*() and the local rump_sys_*() calls.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#ifdef CONFIG_NET_LWIP
#include "net/net.h"
#endif

#define SP_MAXARGS_LOCAL	8	/* slots a handler may read */

static bool inited;
char hostname[256];

/* Descriptors 0, 1 and 2 on the console, write-only (a remote client's). */
static int
console_fds(struct filedesc *fdp, int flag)
{
	struct file *cons = file_alloc(&console_fileops, flag, NULL);
	int fd, error = 0;

	if (cons == NULL)
		return RUMP_ENOMEM;
	for (int i = 0; i < 3 && error == 0; i++) {
		file_hold(cons);
		if ((error = fd_alloc(fdp, i, cons, &fd)) != 0)
			file_release(cons);
	}
	file_release(cons);
	return error;
}

/*
 * The rump_sp server's process creation (doc/rump_sp.md): a child of the
 * current process bound to the calling thread, in remote address space
 * cookie (NULL: the parent's), named comm (NULL: the parent's name). A new
 * remote process with an empty table gets the console as 0, 1 and 2.
 */
static int
hyp_rfork(void *cookie, int flags, const char *comm)
{
	struct proc *p;
	int error;

	if ((error = lwproc_rfork(flags)) != 0)
		return error;
	p = curproc();
	if (cookie != NULL)
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

/*
 * The client of the current process is going (disconnect or exec): no new
 * lwps, and sleeping ones wake with EINTR.
 */
static void
hyp_lwpexit(void)
{
	struct proc *p = curproc();

	p->p_flag |= PS_RUMP_LWPEXIT;
	proc_interrupt(p);
}

/* The client exec'd: close-on-exec descriptors go, the name changes. */
static void
hyp_execnotify(const char *comm)
{
	struct proc *p = curproc();

	for (int fd = 0; fd < NOFILE; fd++)
		if (p->p_fd->files[fd] != NULL && p->p_fd->cloexec[fd])
			fd_close(p->p_fd, fd);
	p->p_flag &= ~PS_RUMP_LWPEXIT;
	strncpy(p->p_comm, comm, RUMP_MAXCOMLEN);
	p->p_comm[RUMP_MAXCOMLEN] = '\0';
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
	.hyp_lwpexit = hyp_lwpexit,
	.hyp_execnotify = hyp_execnotify,
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
	int error;

	if (inited)
		return 0;
	error = rumpuser_init(RUMPUSER_VERSION, &hyperup);
	if (error != 0)
		return error;
	mandatory_params();
	kmem_init();
	vcpu_init();
	proc_init();
	vfs_init();
	blkdev_autoconf();
	proc0.p_cwd = rootvnode;
	vref(rootvnode);
	error = proc_create(&proc0, RUMP_RFCFDG, &initproc);
	if (error != 0)
		return error;
	KASSERT(initproc->p_pid == 1);
	strcpy(initproc->p_comm, "init");
	if (lwp_create(initproc) == NULL)	/* init's own lwp: it never dies */
		return RUMP_ENOMEM;
	if ((error = console_fds(initproc->p_fd, FREAD | FWRITE)) != 0)
		return error;
#ifdef CONFIG_NET_LWIP
	/* Loopback comes up even without a network device (ENXIO). */
	if ((error = net_init()) != 0 && error != RUMP_ENXIO)
		return error;
#endif
	inited = true;
	return 0;
}

int
rump_init_server(const char *url)
{
#ifdef CONFIG_NET_LWIP
	/* The image's network is ours: the server gets its TCP from us. */
	rumpuser_sp_set_transport(net_sp_transport());
#endif
	return rumpuser_sp_init(url, "NetBSD", "10.0", "amd64");
}

int
rump_init_server_key(const void *key, size_t keylen)
{
	return rumpuser_sp_setkey(key, keylen);
}

int
rump_init_server_cred(int64_t uid, int64_t gid)
{
	return rumpuser_sp_setcred(uid, gid);
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

/* ---- local system calls: the transport of the stubs in rump_syscalls.c ---- */

int
rump_stub_syscall(int num, void *args, size_t len, long rv[2])
{
	static const register_t none[SP_MAXARGS_LOCAL];
	int error;

	(void)len;
	rump_schedule();
	error = rump_syscall(num, args != NULL ? args : (void *)none, rv);
	rump_unschedule();
	return error;
}

void
rump_stub_seterrno(int error)
{
	rumpuser_seterrno(error);
}
