/*
 * Calls that make, remove and rename names in directories: mkdir(2),
 * unlink(2), rmdir(2), link(2), symlink(2), readlink(2), rename(2) and
 * their *at forms' shared implementations.
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

/* ---- names ---- */

/* Looks up the parent of a name to create; EEXIST if it exists. */
int
create_lookup(struct lwp *l, int dirfd, const char *upath, struct nameidata *nd)
{
	int error = namei(l, dirfd, upath, LOOKUP_PARENT, nd);

	if (error != 0)
		return error;
	if (nd->ni_vp != NULL) {
		nd_done(nd);
		return RUMP_EEXIST;
	}
	if ((error = vaccess(nd->ni_dvp, CRED(l), VWRITE | VEXEC)) != 0)
		nd_done(nd);
	return error;
}

static int
do_mkdir(struct lwp *l, int dirfd, const char *upath, uint32_t mode)
{
	struct nameidata nd;
	struct vnode *vp;
	int error = create_lookup(l, dirfd, upath, &nd);

	if (error != 0)
		return error;
	error = vn_create_node(nd.ni_dvp, nd.ni_name, VDIR,
	    mode & ~l->l_proc->p_umask & 07777, CRED(l), NULL, &vp);
	if (error == 0)
		vrele(vp);
	nd_done(&nd);
	return error;
}

int
sys_mkdir(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mkdir(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, uint32_t));
}

int
sys_mkdirat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mkdir(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, uint32_t));
}

/* Sticky directories: only the owner of the file or directory may remove. */
static int
may_remove(struct lwp *l, struct vnode *dvp, struct vnode *vp)
{
	int error = vaccess(dvp, CRED(l), VWRITE | VEXEC);

	/* chflags(2): such a file keeps its name; such a directory its names. */
	if (error == 0 &&
	    ((vp->v_flags & (IMMUTABLE | APPEND)) || (dvp->v_flags & APPEND)))
		error = RUMP_EPERM;
	if (error == 0 && (dvp->v_mode & RUMP_S_ISVTX) && CRED(l)->euid != 0 &&
	    CRED(l)->euid != vp->v_uid && CRED(l)->euid != dvp->v_uid)
		error = RUMP_EPERM;
	return error;
}

static int
do_remove(struct lwp *l, int dirfd, const char *upath, bool dir)
{
	struct nameidata nd;
	int error = namei(l, dirfd, upath, LOOKUP_PARENT, &nd);

	if (error != 0)
		return error;
	if (nd.ni_vp == NULL)
		error = RUMP_ENOENT;
	else if (strcmp(nd.ni_name, ".") == 0)
		error = RUMP_EINVAL;
	else if (strcmp(nd.ni_name, "..") == 0)
		error = RUMP_ENOTEMPTY;
	else if (dir && nd.ni_vp->v_type != VDIR)
		error = RUMP_ENOTDIR;
	else if (!dir && nd.ni_vp->v_type == VDIR)
		error = RUMP_EPERM; /* unlink(2) of a directory */
	else if (nd.ni_vp->v_mount != nd.ni_dvp->v_mount)
		error = RUMP_EBUSY; /* a mount point */
	else if (dir && (error = vn_dirempty(nd.ni_vp)) != 0)
		;
	else if (nd.ni_vp == rootvnode || nd.ni_vp == l->l_proc->p_cwd)
		error = RUMP_EBUSY;
	else if ((error = vn_rdonly(nd.ni_dvp)) == 0)
		error = may_remove(l, nd.ni_dvp, nd.ni_vp);
	if (error == 0)
		error = nd.ni_dvp->v_op->vop_remove(nd.ni_dvp, nd.ni_name,
		    nd.ni_vp);
	if (error == 0) {
		/* Its last name gone, or one of several. */
		kq_vnode_note(nd.ni_vp,
		    dir || nd.ni_vp->v_nlink == 0 ? RUMP_NOTE_DELETE :
						    RUMP_NOTE_LINK);
		kq_vnode_note(nd.ni_dvp,
		    RUMP_NOTE_WRITE | (dir ? RUMP_NOTE_LINK : 0));
	}
	nd_done(&nd);
	return error;
}

int
sys_unlink(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), false);
}

int
sys_rmdir(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), true);
}

int
sys_unlinkat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    (ARG(a, 2, int) & RUMP_AT_REMOVEDIR) != 0);
}

int
do_linkat(struct lwp *l, int fd1, const char *path, int fd2, const char *link,
    int follow)
{
	struct nameidata from, to;
	int error;

	if ((error = namei(l, fd1, path, follow, &from)) != 0)
		return error;
	/* Directories, and immutable or append-only files (chflags(2)). */
	if (from.ni_vp->v_type == VDIR ||
	    (from.ni_vp->v_flags & (IMMUTABLE | APPEND))) {
		nd_done(&from);
		return RUMP_EPERM;
	}
	if ((error = create_lookup(l, fd2, link, &to)) == 0) {
		if (from.ni_vp->v_mount != to.ni_dvp->v_mount)
			error = RUMP_EXDEV;
		else if ((error = vn_rdonly(to.ni_dvp)) == 0)
			error = to.ni_dvp->v_op->vop_link(to.ni_dvp, to.ni_name,
			    from.ni_vp);
		if (error == 0) {
			kq_vnode_note(from.ni_vp, RUMP_NOTE_LINK);
			kq_vnode_note(to.ni_dvp, RUMP_NOTE_WRITE);
		}
		nd_done(&to);
	}
	nd_done(&from);
	return error;
}

int
do_symlinkat(struct lwp *l, const char *upath, int dirfd, const char *link)
{
	struct nameidata nd;
	struct vnode *vp;
	size_t len;
	char *target;
	int error;

	if ((target = kmem_zalloc(RUMP_PATH_MAX)) == NULL)
		return RUMP_ENOMEM;
	len = 1;
	error = copyinstr(upath, target, RUMP_PATH_MAX, &len);
	len--; /* without the NUL */
	if (error == 0)
		error = create_lookup(l, dirfd, link, &nd);
	if (error != 0) {
		kmem_free(target, RUMP_PATH_MAX);
		return error;
	}
	error = vn_create_node(nd.ni_dvp, nd.ni_name, VLNK,
	    0777 & ~l->l_proc->p_umask, CRED(l), target, &vp);
	if (error == 0)
		vrele(vp);
	nd_done(&nd);
	kmem_free(target, RUMP_PATH_MAX);
	return error;
}

int
do_readlinkat(struct lwp *l, int dirfd, const char *upath, char *ubuf, size_t n,
    register_t *rv)
{
	struct nameidata nd;
	size_t len = 0;
	char *buf;
	int error = namei(l, dirfd, upath, 0, &nd);

	if (error != 0)
		return error;
	if (nd.ni_vp->v_type != VLNK) {
		nd_done(&nd);
		return RUMP_EINVAL;
	}
	if (n > RUMP_PATH_MAX)
		n = RUMP_PATH_MAX; /* no link text is longer */
	if ((buf = kmem_zalloc(n + 1)) == NULL) {
		nd_done(&nd);
		return RUMP_ENOMEM;
	}
	/* readlink(2) truncates, returning the count. */
	error = nd.ni_vp->v_op->vop_readlink(nd.ni_vp, buf, n, &len);
	if (error == 0)
		error = copyout(buf, ubuf, len);
	kmem_free(buf, n + 1);
	*rv = (register_t)len;
	nd_done(&nd);
	return error;
}

/*
 * Is directory a an ancestor of (or equal to) directory b, on b's file
 * system? A directory cannot move under itself. 0 (no), EINVAL (yes), or
 * the error of a lookup of "..". A removed directory is its own ".." on
 * tmpfs: the walk ends there too.
 */
static int
ancestor(struct vnode *a, struct vnode *b)
{
	struct vnode *v = b, *up;
	int error = 0;

	vref(v);
	while (v != a && v->v_mount != NULL && v != v->v_mount->mnt_root) {
		if ((error = v->v_op->vop_lookup(v, "..", &up)) != 0)
			break;
		vrele(v);
		if (up == v)
			break; /* still referenced: up is v */
		v = up;
	}
	if (error == 0 && v == a)
		error = RUMP_EINVAL;
	vrele(v);
	return error;
}

/*
 * What kqueue's EVFILT_VNODE sees of a rename: the file renamed, both
 * directories written (a directory that moved takes a link from one to
 * the other), a file replaced losing its name.
 */
static void
rename_notes(struct nameidata *from, struct nameidata *to)
{
	bool moved = from->ni_vp->v_type == VDIR && from->ni_dvp != to->ni_dvp;

	kq_vnode_note(from->ni_vp, RUMP_NOTE_RENAME);
	kq_vnode_note(from->ni_dvp,
	    RUMP_NOTE_WRITE | (moved ? RUMP_NOTE_LINK : 0));
	if (to->ni_dvp != from->ni_dvp)
		kq_vnode_note(to->ni_dvp,
		    RUMP_NOTE_WRITE | (moved ? RUMP_NOTE_LINK : 0));
	if (to->ni_vp != NULL)
		kq_vnode_note(to->ni_vp,
		    to->ni_vp->v_type == VDIR || to->ni_vp->v_nlink == 0 ?
			RUMP_NOTE_DELETE :
			RUMP_NOTE_LINK);
}

int
do_renameat(struct lwp *l, int fromfd, const char *upfrom, int tofd,
    const char *upto)
{
	struct nameidata from, to;
	struct vnode *vp;
	int error;

	if ((error = namei(l, fromfd, upfrom, LOOKUP_PARENT, &from)) != 0)
		return error;
	if (from.ni_vp == NULL) {
		nd_done(&from);
		return RUMP_ENOENT;
	}
	if ((error = namei(l, tofd, upto, LOOKUP_PARENT, &to)) != 0) {
		nd_done(&from);
		return error;
	}
	vp = from.ni_vp;
	if (strcmp(from.ni_name, ".") == 0 || strcmp(from.ni_name, "..") == 0 ||
	    strcmp(to.ni_name, ".") == 0 || strcmp(to.ni_name, "..") == 0)
		error = RUMP_EINVAL;
	else if (vp->v_mount != from.ni_dvp->v_mount ||
	    (to.ni_vp != NULL && to.ni_vp->v_mount != to.ni_dvp->v_mount))
		error = RUMP_EBUSY; /* a mount point */
	else if (from.ni_dvp->v_mount != to.ni_dvp->v_mount)
		error = RUMP_EXDEV;
	else if (vp->v_type == VDIR && (error = ancestor(vp, to.ni_dvp)) != 0)
		;
	else if ((error = vn_rdonly(to.ni_dvp)) == 0 &&
	    (error = may_remove(l, from.ni_dvp, vp)) == 0 &&
	    (error = vaccess(to.ni_dvp, CRED(l), VWRITE | VEXEC)) == 0 &&
	    to.ni_vp != NULL && to.ni_vp != vp) {
		if (vp->v_type == VDIR && to.ni_vp->v_type != VDIR)
			error = RUMP_ENOTDIR;
		else if (vp->v_type != VDIR && to.ni_vp->v_type == VDIR)
			error = RUMP_EISDIR;
		else if (to.ni_vp->v_type == VDIR &&
		    (error = vn_dirempty(to.ni_vp)) != 0)
			;
		else
			error = may_remove(l, to.ni_dvp, to.ni_vp);
	}
	if (error == 0 && to.ni_vp != vp) {
		error = vp->v_op->vop_rename(from.ni_dvp, from.ni_name, vp,
		    to.ni_dvp, to.ni_name, to.ni_vp);
		if (error == 0)
			rename_notes(&from, &to);
	}
	nd_done(&to);
	nd_done(&from);
	return error;
}
