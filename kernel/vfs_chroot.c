/*
 * The root directory of a process: chroot(2) and fchroot(2). Lookups of
 * absolute paths and of absolute symbolic links start there, ".." at it
 * stays there (vfs_lookup.c), __getcwd(2) ends there. A new process
 * takes its parent's (proc.c), as its working directory, whatever its
 * rump_lwproc_rfork(3) flags (NetBSD's rump makes each process's cwdinfo
 * with cwdinit(), a copy of the parent's).
 *
 * As chroot(2): root only (EPERM), a directory (ENOTDIR) that the caller
 * may search (EACCES); a working directory outside the new root moves to
 * it, so that ".." cannot climb out.
 */
#include "kern.h"
#include "vfs_int.h"

struct vnode *
proc_root(struct proc *p)
{
	return p->p_rootdir != NULL ? p->p_rootdir : rootvnode;
}

/*
 * Is vp dir or below it? Walks vp's ".." (across mount points) up to dir
 * or the top ("/" or a dead vnode).
 */
bool
vn_isunder(struct vnode *vp, struct vnode *dir)
{
	struct vnode *v = vp, *up;
	bool under = false;

	vref(v);
	for (;;) {
		if (v == dir) {
			under = true;
			break;
		}
		if (v == rootvnode || v->v_mount == NULL)
			break;
		if (v == v->v_mount->mnt_root) {
			if ((up = v->v_mount->mnt_vnodecovered) == NULL)
				break;
			vref(up);
		} else if (v->v_op->vop_lookup(v, "..", &up) != 0 || up == v) {
			if (up == v)
				vrele(up);
			break;
		}
		vrele(v);
		v = up;
	}
	vrele(v);
	return under;
}

static int
change_root(struct lwp *l, struct vnode *vp)
{
	struct proc *p = l->l_proc;
	int error;

	if (p->p_cred->euid != 0)
		return RUMP_EPERM;
	/* A dead vnode (forced unmount) is no directory, as NetBSD's deadfs. */
	if (vp->v_type != VDIR || vp->v_mount == NULL)
		return RUMP_ENOTDIR;
	if ((error = vaccess(vp, p->p_cred, VEXEC)) != 0)
		return error;
	vref(vp);
	if (p->p_rootdir != NULL)
		vrele(p->p_rootdir);
	p->p_rootdir = vp;
	if (p->p_cwd != NULL && !vn_isunder(p->p_cwd, vp)) {
		vref(vp);
		vrele(p->p_cwd);
		p->p_cwd = vp;
	}
	return 0;
}

/* chroot(path) */
int
sys_chroot(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error;

	(void)rv;
	if (l->l_proc->p_cred->euid != 0)
		return RUMP_EPERM;
	error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW,
	    &nd);
	if (error != 0)
		return error;
	error = change_root(l, nd.ni_vp);
	nd_done(&nd);
	return error;
}

/* fchroot(fd) */
int
sys_fchroot(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;

	(void)rv;
	if (l->l_proc->p_cred->euid != 0)
		return RUMP_EPERM;
	if ((fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int))) == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_ENOTDIR;
	return change_root(l, fp->data);
}
