/*
 * System calls: one table indexed by NetBSD's numbers (doc/rump_sp.md), each
 * handler taking the argument block in NetBSD's amd64 layout (8-byte slots).
 * The table is made from kernel/syscalls.master; a number with no handler
 * answers ENOSYS.
 */
#include <string.h>

#include "kern.h"

typedef int (*sy_call_t)(struct lwp *, const void *, register_t *);

/* fo_read / fo_write of one file, as uio_move's transfer function. */
static int
xfer_read(void *arg, void *kbuf, size_t n, size_t *done)
{
	struct file *fp = arg;

	/* Files without reads (a kqueue): ENXIO, as NetBSD's kqueue says. */
	if (fp->ops->fo_read == NULL)
		return RUMP_ENXIO;
	return fp->ops->fo_read(fp, kbuf, n, done);
}

static int
xfer_write(void *arg, void *kbuf, size_t n, size_t *done)
{
	struct file *fp = arg;

	if (fp->ops->fo_write == NULL)
		return RUMP_ENXIO;
	return fp->ops->fo_write(fp, kbuf, n, done);
}

int
file_rw(struct file *fp, void *ubuf, size_t n, bool towrite, size_t *done)
{
	int error;

	/*
	 * The call holds the file: another thread's close() of the
	 * descriptor meanwhile must not free it under a blocked read.
	 * A read that may block must not block again for a second chunk.
	 */
	file_hold(fp);
	error = uio_move(ubuf, n, towrite, !towrite && fp->ops != &vnode_fileops,
	    towrite ? xfer_write : xfer_read, fp, done);
	file_release(fp);
	return error;
}

int
sys_read(struct lwp *l, const void *args, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(args, 0, int));
	size_t done = 0;
	int error;

	if (fp == NULL || !(fp->flag & FREAD))
		return RUMP_EBADF;
	error = file_rw(fp, ARG(args, 1, void *), ARG(args, 2, size_t), false,
	    &done);
	*rv = (register_t)done;
	return error;
}

int
sys_write(struct lwp *l, const void *args, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(args, 0, int));
	size_t done = 0;
	int error;

	if (fp == NULL || !(fp->flag & FWRITE))
		return RUMP_EBADF;
	error = file_rw(fp, ARG(args, 1, void *), ARG(args, 2, size_t), true,
	    &done);
	*rv = (register_t)done;
	return error;
}

int
sys_close(struct lwp *l, const void *args, register_t *rv)
{
	(void)rv;
	return fd_close(l->l_proc->p_fd, ARG(args, 0, int));
}

int
sys_dup(struct lwp *l, const void *args, register_t *rv)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	struct file *fp = fd_get(fdp, ARG(args, 0, int));
	int fd, error;

	if (fp == NULL)
		return RUMP_EBADF;
	file_hold(fp);
	error = fd_alloc(fdp, 0, fp, &fd);
	if (error != 0) {
		file_release(fp);
		return error;
	}
	*rv = fd;
	return 0;
}

int
sys_dup2(struct lwp *l, const void *args, register_t *rv)
{
	int to = ARG(args, 1, int), error;

	error = fd_dup2(l->l_proc->p_fd, ARG(args, 0, int), to);
	if (error == 0)
		*rv = to;
	return error;
}

/* dup3(2): dup2 with flags; O_CLOEXEC marks the new descriptor. */
int
sys_dup3(struct lwp *l, const void *args, register_t *rv)
{
	int from = ARG(args, 0, int), to = ARG(args, 1, int), error;

	error = fd_dup2(l->l_proc->p_fd, from, to);
	if (error != 0)
		return error;
	if (from != to && (ARG(args, 2, int) & RUMP_O_CLOEXEC))
		l->l_proc->p_fd->cloexec[to] = 1;
	*rv = to;
	return 0;
}

int
sys_getpid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	rv[0] = l->l_proc->p_pid;
	rv[1] = l->l_proc->p_pptr != NULL ? l->l_proc->p_pptr->p_pid : 0;
	return 0;
}

int
sys_getppid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	*rv = l->l_proc->p_pptr != NULL ? l->l_proc->p_pptr->p_pid : 0;
	return 0;
}

int
sys_getuid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	*rv = CRED(l)->uid;
	return 0;
}

int
sys_geteuid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	*rv = CRED(l)->euid;
	return 0;
}

int
sys_getgid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	*rv = CRED(l)->gid;
	return 0;
}

int
sys_getegid(struct lwp *l, const void *args, register_t *rv)
{
	(void)args;
	*rv = CRED(l)->egid;
	return 0;
}

/* Replaces the process's credentials with a modified private copy. */
static struct kauth_cred *
cred_modify(struct lwp *l)
{
	struct kauth_cred *n = cred_copy(CRED(l));

	if (n != NULL) {
		cred_free(CRED(l));
		l->l_proc->p_cred = n;
		l->l_proc->p_flag |= PS_SUGID;
	}
	return n;
}

/*
 * NetBSD's rules: root may set real, effective and saved ids to anything;
 * others may only make all three their real id (setuid), or the effective
 * id their real or saved one (seteuid). Likewise for groups.
 */
int
sys_setuid(struct lwp *l, const void *args, register_t *rv)
{
	kuid_t uid = ARG(args, 0, kuid_t);
	struct kauth_cred *c = CRED(l);

	(void)rv;
	if (c->euid != 0 && uid != c->uid)
		return RUMP_EPERM;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->uid = c->euid = c->svuid = uid;
	return 0;
}

int
sys_seteuid(struct lwp *l, const void *args, register_t *rv)
{
	kuid_t euid = ARG(args, 0, kuid_t);
	struct kauth_cred *c = CRED(l);

	(void)rv;
	if (c->euid != 0 && euid != c->uid && euid != c->svuid)
		return RUMP_EPERM;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->euid = euid;
	return 0;
}

/*
 * setreuid(2)/setregid(2): -1 leaves an id as it is. Others than root may
 * make the real id their real or effective one, and the effective id any
 * of the three; the saved id follows the new effective id when the real
 * id changes (NetBSD's rule).
 */
static int
set_re(uint32_t *r, uint32_t *e, uint32_t *sv, uint32_t nr, uint32_t ne, bool root)
{
	uint32_t nsv;

	if (nr == (uint32_t)-1)
		nr = *r;
	if (ne == (uint32_t)-1)
		ne = *e;
	nsv = nr != *r ? ne : *sv;
	if (!root &&
	    ((nr != *r && nr != *e) || (ne != *r && ne != *e && ne != *sv)))
		return RUMP_EPERM;
	*r = nr;
	*e = ne;
	*sv = nsv;
	return 0;
}

int
sys_setreuid(struct lwp *l, const void *args, register_t *rv)
{
	struct kauth_cred t = *CRED(l), *c;
	int error;

	(void)rv;
	error = set_re(&t.uid, &t.euid, &t.svuid, ARG(args, 0, kuid_t),
	    ARG(args, 1, kuid_t), t.euid == 0);
	if (error != 0)
		return error;
	if (t.uid == CRED(l)->uid && t.euid == CRED(l)->euid &&
	    t.svuid == CRED(l)->svuid)
		return 0; /* no change: the process stays untainted */
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->uid = t.uid;
	c->euid = t.euid;
	c->svuid = t.svuid;
	return 0;
}

int
sys_setregid(struct lwp *l, const void *args, register_t *rv)
{
	struct kauth_cred t = *CRED(l), *c;
	int error;

	(void)rv;
	error = set_re(&t.gid, &t.egid, &t.svgid, ARG(args, 0, kgid_t),
	    ARG(args, 1, kgid_t), t.euid == 0);
	if (error != 0)
		return error;
	if (t.gid == CRED(l)->gid && t.egid == CRED(l)->egid &&
	    t.svgid == CRED(l)->svgid)
		return 0;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->gid = t.gid;
	c->egid = t.egid;
	c->svgid = t.svgid;
	return 0;
}

int
sys_setgid(struct lwp *l, const void *args, register_t *rv)
{
	kgid_t gid = ARG(args, 0, kgid_t);
	struct kauth_cred *c = CRED(l);

	(void)rv;
	if (c->euid != 0 && gid != c->gid)
		return RUMP_EPERM;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->gid = c->egid = c->svgid = gid;
	return 0;
}

int
sys_setegid(struct lwp *l, const void *args, register_t *rv)
{
	kgid_t egid = ARG(args, 0, kgid_t);
	struct kauth_cred *c = CRED(l);

	(void)rv;
	if (c->euid != 0 && egid != c->gid && egid != c->svgid)
		return RUMP_EPERM;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	c->egid = egid;
	return 0;
}

int
sys_getgroups(struct lwp *l, const void *args, register_t *rv)
{
	int n = ARG(args, 0, int);
	struct kauth_cred *c = CRED(l);

	if (n == 0) {
		*rv = c->ngroups;
		return 0;
	}
	if (n < c->ngroups)
		return RUMP_EINVAL;
	*rv = c->ngroups;
	return copyout(c->groups, ARG(args, 1, void *),
	    (size_t)c->ngroups * sizeof(kgid_t));
}

int
sys_setgroups(struct lwp *l, const void *args, register_t *rv)
{
	int n = ARG(args, 0, int), error;
	kgid_t groups[RUMP_NGROUPS];
	struct kauth_cred *c;

	(void)rv;
	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	if (n < 0 || n > RUMP_NGROUPS)
		return RUMP_EINVAL;
	error = copyin(ARG(args, 1, const void *), groups,
	    (size_t)n * sizeof(kgid_t));
	if (error != 0)
		return error;
	if ((c = cred_modify(l)) == NULL)
		return RUMP_ENOMEM;
	memcpy(c->groups, groups, (size_t)n * sizeof(kgid_t));
	c->ngroups = n;
	return 0;
}

/* Handlers and table from kernel/syscalls.master (scripts/gensyscalls). */
#include "sysent.h"

int
rump_syscall(int num, void *args, register_t *retval)
{
	if (num < 0 || num >= NSYSENT || sysent[num] == NULL)
		return RUMP_ENOSYS;
	retval[0] = 0;
	retval[1] = 0;
	return sysent[num](curlwp(), args, retval);
}
