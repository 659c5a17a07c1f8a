/*
 * Directories as a process sees them: the working directory (chdir(2),
 * fchdir(2), __getcwd(2)) and reading entries (getdents(2)).
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

/* ---- working directory ---- */

static int
set_cwd(struct lwp *l, struct vnode *vp)
{
	int error;

	/* A dead vnode (forced unmount) is no directory, as NetBSD's deadfs. */
	if (vp->v_type != VDIR || vp->v_mount == NULL)
		return RUMP_ENOTDIR;
	if ((error = vaccess(vp, CRED(l), VEXEC)) != 0)
		return error;
	vref(vp);
	vrele(l->l_proc->p_cwd);
	l->l_proc->p_cwd = vp;
	return 0;
}

int
sys_chdir(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    LOOKUP_FOLLOW, &nd);

	(void)rv;
	if (error != 0)
		return error;
	error = set_cwd(l, nd.ni_vp);
	nd_done(&nd);
	return error;
}

int
sys_fchdir(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	struct vnode *vp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	vp = fp->data;
	/* A chrooted process cannot step outside its root, as on NetBSD. */
	if (proc_root(l->l_proc) != rootvnode && vp->v_type == VDIR &&
	    vp->v_mount != NULL && !vn_isunder(vp, proc_root(l->l_proc)))
		error = RUMP_EPERM;
	else
		error = set_cwd(l, vp);
	file_release(fp);
	return error;
}

/* What getcwd looks for in a directory: the name of inode ino. */
struct name_of {
	uint64_t ino;
	size_t len;
	bool found;
	char name[NAME_MAX + 1];
};

static int
fill_name_of(void *arg, const char *name, size_t namelen, uint64_t ino,
    enum vtype type, int64_t nextoff)
{
	struct name_of *no = arg;

	(void)type;
	(void)nextoff;
	if (ino != no->ino || namelen > NAME_MAX ||
	    (name[0] == '.' && (namelen == 1 || (namelen == 2 && name[1] == '.'))))
		return 0;
	memcpy(no->name, name, namelen);
	no->len = namelen;
	no->found = true;
	return 1;
}

/*
 * The name of directory vp in its parent: the parent (referenced) in
 * *dvpp and the name in *no. ENOENT when vp was removed.
 */
static int
dir_name(struct vnode *vp, struct vnode **dvpp, struct name_of *no)
{
	struct vnode *dvp;
	int64_t off = 0;
	int error;

	if (vp->v_nlink == 0)
		return RUMP_ENOENT; /* the directory was removed */
	if ((error = vp->v_op->vop_lookup(vp, "..", &dvp)) != 0)
		return error;
	memset(no, 0, sizeof(*no));
	no->ino = vp->v_ino;
	error = dvp->v_op->vop_readdir(dvp, &off, fill_name_of, no);
	if (error == 0 && (!no->found || dvp == vp))
		error = RUMP_ENOENT;
	if (error != 0) {
		vrele(dvp);
		return error;
	}
	*dvpp = dvp;
	return 0;
}

/*
 * __getcwd(2), as NetBSD: the path is built backwards in a kernel buffer
 * of the caller's length, capped at four times PATH_MAX, so any path that
 * fits the caller's buffer is returned (ERANGE otherwise, never
 * ENAMETOOLONG); the return value is the length used, NUL included. Each
 * step up finds the directory's name by reading its parent.
 */
int
sys_getcwd(struct lwp *l, const void *a, register_t *rv)
{
	size_t size = ARG(a, 1, size_t), pos;
	struct vnode *vp = l->l_proc->p_cwd;
	struct name_of *no;
	char *tmp;
	int error = 0;

	if (size > 4 * RUMP_PATH_MAX)
		size = 4 * RUMP_PATH_MAX;
	else if (size < 2)
		return RUMP_ERANGE;
	if ((tmp = kmem_zalloc(size)) == NULL)
		return RUMP_ENOMEM;
	if ((no = kmem_zalloc(sizeof(*no))) == NULL) {
		kmem_free(tmp, size);
		return RUMP_ENOMEM;
	}
	pos = size - 1;
	tmp[pos] = '\0';
	vref(vp);
	/* Up to the process's root (chroot(2)), or "/" for a cwd outside it. */
	while (vp != proc_root(l->l_proc) && vp != rootvnode && error == 0) {
		struct vnode *dvp;

		if (vp->v_mount == NULL) {
			error = RUMP_ENOENT; /* its file system is gone */
			break;
		}
		if (vp == vp->v_mount->mnt_root &&
		    vp->v_mount->mnt_vnodecovered != NULL) {
			/* A mounted root: on, as the directory it covers. */
			dvp = vp->v_mount->mnt_vnodecovered;
			vref(dvp);
			vrele(vp);
			vp = dvp;
			continue;
		}
		if ((error = dir_name(vp, &dvp, no)) != 0)
			break;
		vrele(vp);
		vp = dvp;
		if (no->len + 1 > pos) {
			error = RUMP_ERANGE;
			break;
		}
		pos -= no->len;
		memcpy(tmp + pos, no->name, no->len);
		tmp[--pos] = '/';
	}
	vrele(vp);
	if (error == 0 && pos == size - 1)
		tmp[--pos] = '/'; /* the root itself */
	if (error == 0 &&
	    (error = copyout(tmp + pos, ARG(a, 0, char *), size - pos)) == 0)
		*rv = (register_t)(size - pos);
	kmem_free(no, sizeof(*no));
	kmem_free(tmp, size);
	return error;
}

/* ---- directories ---- */

#define GETDENTS_MAX 65536 /* bytes of records per call */

/* getdents' buffer of NetBSD struct dirent records. */
struct dents {
	uint8_t *buf;
	size_t size, out;
	bool full; /* an entry did not fit */
};

static int
fill_dirent(void *arg, const char *name, size_t nl, uint64_t ino,
    enum vtype type, int64_t nextoff)
{
	/* The d_type of each enum vtype, in its order. */
	static const uint8_t dtype[] = { RUMP_DT_UNKNOWN, RUMP_DT_REG,
		RUMP_DT_DIR, RUMP_DT_LNK, RUMP_DT_CHR, RUMP_DT_FIFO,
		RUMP_DT_BLK };
	struct dents *d = arg;
	size_t reclen = (13 + nl + 1 + 7) & ~(size_t)7;
	uint8_t *rec = d->buf + d->out;

	(void)nextoff;
	if (d->out + reclen > d->size) {
		d->full = true;
		return 1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	rec[8] = (uint8_t)reclen;
	rec[9] = (uint8_t)(reclen >> 8);
	rec[10] = (uint8_t)nl;
	rec[11] = (uint8_t)(nl >> 8);
	rec[12] = dtype[type];
	memcpy(rec + 13, name, nl);
	d->out += reclen;
	return 0;
}

/*
 * getdents(2): the directory's entries from the descriptor's offset (a
 * cookie of the file system's, doc/vfs.md) as NetBSD struct dirent
 * records, as many as fit; the offset moves past the records returned.
 */
int
sys_getdents(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	char *ubuf = ARG(a, 1, char *);
	size_t count = ARG(a, 2, size_t);
	struct dents d;
	struct vnode *dvp;
	int64_t off;
	int error = 0;

	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops ||
	    ((struct vnode *)fp->data)->v_type != VDIR)
		return RUMP_ENOTDIR;
	dvp = fp->data;
	d.size = count < GETDENTS_MAX ? count : GETDENTS_MAX;
	d.out = 0;
	d.full = false;
	if ((d.buf = kmem_zalloc(d.size + 1)) == NULL)
		return RUMP_ENOMEM;
	file_hold(fp); /* across the readdir and copyout, which may wait */
	off = fp->offset < 0 ? 0 : fp->offset;
	error = dvp->v_op->vop_readdir(dvp, &off, fill_dirent, &d);
	if (error == 0 && d.out == 0 && d.full)
		error = RUMP_EINVAL; /* too small for one record */
	/* Integer arithmetic: ubuf is the caller's word, not an object. */
	if (error == 0 && d.out > 0 &&
	    copyout(d.buf, (void *)(uintptr_t)ubuf, d.out) != 0)
		error = RUMP_EFAULT;
	if (error == 0)
		fp->offset = off;
	file_release(fp);
	kmem_free(d.buf, d.size + 1);
	if (error != 0)
		return error;
	*rv = (register_t)d.out;
	return 0;
}
