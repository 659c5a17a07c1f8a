/*
 * File flags: chflags(2), fchflags(2) and lchflags(2) set NetBSD's
 * st_flags of a file (rumpdefs.h's RUMP_UF_* and RUMP_SF_*), which the file
 * system stores (tmpfs: all of them; ext2: UF_APPEND and UF_IMMUTABLE, as
 * NetBSD's ext2fs). The generic layer enforces them (vfs.c, vfs_syscalls.c).
 *
 * Who may change them, as chflags(2) says with securelevel 0: root any
 * flag; the owner only the UF_* flags, and nothing while SF_IMMUTABLE or
 * SF_APPEND is set (EPERM); anyone else EPERM.
 */
#include "kern.h"
#include "vfs_int.h"

static int
set_flags(struct lwp *l, struct vnode *vp, unsigned long uflags)
{
	struct kauth_cred *c = l->l_proc->p_cred;
	struct vattr va = { .va_mask = VA_FLAGS };
	uint32_t flags = (uint32_t)uflags;
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	if (c->euid != 0) {
		if (c->euid != vp->v_uid)
			return RUMP_EPERM;
		if ((vp->v_flags & (RUMP_SF_IMMUTABLE | RUMP_SF_APPEND)) ||
		    (flags & RUMP_SF_SETTABLE) != 0)
			return RUMP_EPERM;
		/* The system flags stay as they are. */
		flags = (vp->v_flags & RUMP_SF_SETTABLE) |
		    (flags & RUMP_UF_SETTABLE);
	}
	va.va_flags = flags;
	return vn_setattr(vp, &va);
}

static int
path_flags(struct lwp *l, const char *upath, unsigned long flags, int follow)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, upath, follow, &nd);

	if (error != 0)
		return error;
	error = set_flags(l, nd.ni_vp, flags);
	nd_done(&nd);
	return error;
}

/* chflags(path, flags) */
int
sys_chflags(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_flags(l, ARG(a, 0, const char *), ARG(a, 1, unsigned long),
	    LOOKUP_FOLLOW);
}

/* lchflags(path, flags): a symbolic link's own flags. */
int
sys_lchflags(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_flags(l, ARG(a, 0, const char *), ARG(a, 1, unsigned long),
	    0);
}

/* fchflags(fd, flags) */
int
sys_fchflags(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	error = set_flags(l, fp->data, ARG(a, 1, unsigned long));
	file_release(fp);
	return error;
}
