/*
 * rump_init(), the upcall table, and the transport of the local
 * rump_sys_*() calls. rump_lwproc(3) and its upcalls are in lwproc/.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#ifdef CONFIG_NET_LWIP
#include "net/net.h"
#endif

#define SP_MAXARGS_LOCAL 8 /* slots a handler may read */

static bool inited;
char hostname[256];

/* Descriptors 0, 1 and 2 on the console, write-only (a remote client's). */
int
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
	.hyp_lwproc_rfork = lwproc_hyp_rfork,
	.hyp_lwproc_newlwp = lwproc_hyp_newlwp,
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
		kpanic("rump kernels are not lightweight enough for \"%s\" CPUs",
		    buf);
	if (rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, hostname,
		sizeof(hostname)) != 0)
		kpanic("mandatory hypervisor configuration (HOSTNAME) missing");
}

/*
 * rump_daemonize_begin/done (NetBSD's rump.h): the fork happens before
 * rump_init, which starts threads that a fork would not take along.
 */
int
rump_daemonize_begin(void)
{
	if (inited)
		return RUMP_EALREADY;
	return rumpuser_daemonize_begin();
}

int
rump_daemonize_done(int error)
{
	return rumpuser_daemonize_done(error);
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
	if (lwp_create(initproc) == NULL) /* init's own lwp: it never dies */
		return RUMP_ENOMEM;
	if ((error = console_fds(initproc->p_fd, FREAD | FWRITE)) != 0)
		return error;
#ifdef CONFIG_NET_LWIP
	/* Loopback comes up even without a network device (ENXIO). */
	if ((error = net_init()) != 0 && error != RUMP_ENXIO)
		return error;
#endif
	/* After the disks and the network: an sp server may serve them. */
	vfs_bootmounts();
	inited = true;
	return 0;
}

int
rump_init_server(const char *url)
{
#if defined(CONFIG_NET_LWIP) && !defined(CONFIG_NET_HOST)
	/*
	 * The image's network is ours: the server gets its TCP from us. On a
	 * host the server keeps the host's sockets (hypercall/posix/sp_sock.c).
	 */
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
