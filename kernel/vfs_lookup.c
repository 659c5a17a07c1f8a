/*
 * Path lookup (namei): component by component through the file systems'
 * lookup operations, following symbolic links, going down into a file
 * system mounted on a directory and, with "..", from a mounted root back
 * up to the directory it covers (doc/vfs.md).
 */
#include <string.h>

#include "kern.h"

#define MAXSYMLINKS 32

static int
copyinstr_path(const char *upath, char *buf, size_t size)
{
	int error = copyinstr(upath, buf, size, NULL);

	return error == 0 && buf[0] == '\0' ? RUMP_ENOENT : error;
}

static struct vnode *
start_dir(struct lwp *l, int dirfd, const char *path, int *errp)
{
	struct file *fp;

	if (path[0] == '/')
		return proc_root(l->l_proc);
	if (dirfd == RUMP_AT_FDCWD)
		return l->l_proc->p_cwd;
	fp = fd_get(l->l_proc->p_fd, dirfd);
	if (fp == NULL) {
		*errp = RUMP_EBADF;
		return NULL;
	}
	if (fp->ops != &vnode_fileops ||
	    ((struct vnode *)fp->data)->v_type != VDIR) {
		*errp = RUMP_ENOTDIR;
		return NULL;
	}
	return fp->data;
}

/* vp, or the root of what is mounted on it (a reference moved along). */
static struct vnode *
cross_down(struct vnode *vp)
{
	while (vp->v_type == VDIR && vp->v_mountedhere != NULL) {
		struct vnode *root = vp->v_mountedhere->mnt_root;
		vref(root);
		vrele(vp);
		vp = root;
	}
	return vp;
}

/*
 * For "..": from a mounted root to the directory it covers, but never past
 * the process's root (chroot(2)): if dvp is the root, or the climb through
 * mounts reaches it (a mount may cover the root), *stay is set and dvp is
 * kept, so that ".." there means ".".
 */
static struct vnode *
cross_up(struct vnode *dvp, struct vnode *root, bool *stay)
{
	struct vnode *vp = dvp;

	*stay = true;
	while (vp != root) {
		if (vp->v_mount == NULL || vp != vp->v_mount->mnt_root ||
		    vp->v_mount->mnt_vnodecovered == NULL) {
			*stay = false;
			break;
		}
		vp = vp->v_mount->mnt_vnodecovered;
	}
	if (*stay || vp == dvp)
		return dvp;
	vref(vp);
	vrele(dvp);
	return vp;
}

/* One component of dvp: "." itself, or the file system's lookup. */
static int
lookup_one(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	int error;

	if (strcmp(name, ".") == 0) {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if ((error = dvp->v_op->vop_lookup(dvp, name, vpp)) != 0)
		return error;
	*vpp = cross_down(*vpp);
	return 0;
}

/*
 * Splices symlink vp's text in front of the rest of the path p: the new
 * path in *npp (RUMP_PATH_MAX bytes) or an error.
 */
static int
splice_link(struct vnode *vp, const char *p, char **npp)
{
	size_t tl, rl = strlen(p);
	char *np;
	int error;

	if ((np = kmem_zalloc(RUMP_PATH_MAX)) == NULL)
		return RUMP_ENOMEM;
	error = vp->v_op->vop_readlink(vp, np, RUMP_PATH_MAX - 1, &tl);
	if (error == 0 && tl + rl + 2 > RUMP_PATH_MAX)
		error = RUMP_ENAMETOOLONG;
	if (error != 0) {
		kmem_free(np, RUMP_PATH_MAX);
		return error;
	}
	np[tl] = '/';
	memcpy(np + tl + 1, p, rl + 1);
	if (rl == 0)
		np[tl] = '\0';
	*npp = np;
	return 0;
}

/* namei on a path already in kernel memory; path is consumed (freed). */
static int
lookup_path(struct lwp *l, int dirfd, char *path, int flags, struct nameidata *nd)
{
	struct vnode *dvp;
	char *p;
	int error = 0, links = 0;

	dvp = start_dir(l, dirfd, path, &error);
	if (dvp == NULL)
		goto out;
	vref(dvp);
	dvp = cross_down(dvp); /* a file system mounted on "/" */
	p = path;
	for (;;) {
		char name[NAME_MAX + 1];
		size_t len = 0;
		struct vnode *vp;
		bool last;

		while (*p == '/')
			p++;
		if (*p == '\0') { /* "/" or a trailing slash */
			nd->ni_vp = dvp;
			if (flags & LOOKUP_PARENT) {
				/* Creating or removing "/" itself. */
				vrele(dvp);
				nd->ni_vp = NULL;
				error = RUMP_EBUSY;
			}
			break;
		}
		while (p[len] != '\0' && p[len] != '/')
			len++;
		if (len > NAME_MAX) {
			vrele(dvp);
			error = RUMP_ENAMETOOLONG;
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		last = true;
		for (const char *q = p; *q != '\0'; q++)
			if (*q != '/')
				last = false;
		if (dvp->v_type != VDIR) {
			vrele(dvp);
			error = RUMP_ENOTDIR;
			break;
		}
		if ((error = vaccess(dvp, l->l_proc->p_cred, VEXEC)) != 0) {
			vrele(dvp);
			break;
		}
		if (strcmp(name, "..") == 0) {
			bool stay;

			dvp = cross_up(dvp, proc_root(l->l_proc), &stay);
			if (stay)
				memcpy(name, ".", 2); /* ".." at the root */
		}
		error = lookup_one(dvp, name, &vp);
		if (error == RUMP_ENOENT) {
			vp = NULL;
			error = 0;
		}
		if (error != 0) {
			vrele(dvp);
			break;
		}

		if (last && (flags & LOOKUP_PARENT)) {
			if (vp != NULL && vp->v_type == VLNK &&
			    (flags & LOOKUP_FOLLOW))
				goto follow;
			nd->ni_dvp = dvp;
			nd->ni_vp = vp;
			memcpy(nd->ni_name, name, len + 1);
			break;
		}
		if (vp == NULL) {
			vrele(dvp);
			error = RUMP_ENOENT;
			break;
		}
		if (vp->v_type == VLNK && (!last || (flags & LOOKUP_FOLLOW))) {
			char *np;
follow:
			if (++links > MAXSYMLINKS)
				error = RUMP_ELOOP;
			else
				error = splice_link(vp, p, &np);
			vrele(vp);
			if (error != 0) {
				vrele(dvp);
				break;
			}
			kmem_free(path, RUMP_PATH_MAX);
			path = p = np;
			if (*p == '/') {
				vrele(dvp);
				dvp = proc_root(l->l_proc);
				vref(dvp);
				dvp = cross_down(dvp);
			}
			continue;
		}
		vrele(dvp);
		dvp = vp;
		if (last) {
			nd->ni_vp = vp;
			break;
		}
	}
out:
	kmem_free(path, RUMP_PATH_MAX);
	return error;
}

int
namei(struct lwp *l, int dirfd, const char *upath, int flags, struct nameidata *nd)
{
	char *path = kmem_zalloc(RUMP_PATH_MAX);
	int error;

	memset(nd, 0, sizeof(*nd));
	if (path == NULL)
		return RUMP_ENOMEM;
	if ((error = copyinstr_path(upath, path, RUMP_PATH_MAX)) != 0) {
		kmem_free(path, RUMP_PATH_MAX);
		return error;
	}
	return lookup_path(l, dirfd, path, flags, nd);
}

int
namei_kernel(struct lwp *l, const char *kpath, int flags, struct nameidata *nd)
{
	char *path = kmem_zalloc(RUMP_PATH_MAX);
	size_t len = strlen(kpath);

	memset(nd, 0, sizeof(*nd));
	if (path == NULL)
		return RUMP_ENOMEM;
	if (len == 0 || len >= RUMP_PATH_MAX) {
		kmem_free(path, RUMP_PATH_MAX);
		return len == 0 ? RUMP_ENOENT : RUMP_ENAMETOOLONG;
	}
	memcpy(path, kpath, len + 1);
	return lookup_path(l, RUMP_AT_FDCWD, path, flags, nd);
}

void
nd_done(struct nameidata *nd)
{
	if (nd->ni_vp != NULL)
		vrele(nd->ni_vp);
	if (nd->ni_dvp != NULL)
		vrele(nd->ni_dvp);
	nd->ni_vp = nd->ni_dvp = NULL;
}
