/*
 * A file's attributes: stat(2)/lstat(2)/fstat(2) as NetBSD's struct stat,
 * and the calls that change attributes: chmod(2), chown(2), utimes(2),
 * truncate(2), fsync(2), access(2) and umask(2).
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

#define BLKSIZE 4096 /* st_blksize: the transfer size to use */

/* ---- stat ---- */

_Static_assert(sizeof(struct rump_stat) == 152,
    "NetBSD's amd64 struct stat (__stat50) is 152 bytes");

static struct rump_timespec
ts_out(struct ktimespec ts)
{
	return (
	    struct rump_timespec){ .tv_sec = ts.tv_sec, .tv_nsec = ts.tv_nsec };
}

int
stat_out(struct vnode *vp, void *ub)
{
	/* The file type bits of each enum vtype, in its order. */
	static const uint32_t fmt[] = { 0, RUMP_S_IFREG, RUMP_S_IFDIR,
		RUMP_S_IFLNK, RUMP_S_IFCHR, RUMP_S_IFIFO, RUMP_S_IFBLK };
	struct rump_stat st;

	memset(&st, 0, sizeof(st));
	/* A dead vnode (forced unmount) keeps its attributes, on no device. */
	st.st_dev = vp->v_mount != NULL ? vp->v_mount->mnt_fsid : 0;
	st.st_mode = fmt[vp->v_type] | vp->v_mode;
	st.st_ino = vp->v_ino;
	st.st_nlink = vp->v_nlink;
	st.st_uid = vp->v_uid;
	st.st_gid = vp->v_gid;
	st.st_rdev = vp->v_type == VCHR || vp->v_type == VBLK ? vp->v_rdev : 0;
	st.st_atim = ts_out(vp->v_atime);
	st.st_mtim = ts_out(vp->v_mtime);
	st.st_ctim = ts_out(vp->v_ctime);
	st.st_birthtim = ts_out(vp->v_btime);
	st.st_size = vp->v_size;
	st.st_blocks = (int64_t)(vp->v_bytes / 512); /* holes take none */
	st.st_blksize = BLKSIZE;
	st.st_flags = vp->v_flags;
	return copyout(&st, ub, sizeof(st));
}

int
path_stat(struct lwp *l, int dirfd, const char *upath, void *ub, int follow)
{
	struct nameidata nd;
	int error = namei(l, dirfd, upath, follow, &nd);

	if (error != 0)
		return error;
	error = stat_out(nd.ni_vp, ub);
	nd_done(&nd);
	return error;
}

int
sys_stat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_stat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, void *), LOOKUP_FOLLOW);
}

int
sys_lstat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_stat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, void *), 0);
}

int
fd_vnode_hold(struct lwp *l, int fd, struct file **fpp)
{
	struct file *fp = fd_get(l->l_proc->p_fd, fd);

	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_EINVAL;
	file_hold(fp);
	*fpp = fp;
	return 0;
}

int
sys_fstat(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	struct rump_stat st;

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops == &vnode_fileops)
		return stat_out(fp->data, ARG(a, 1, void *));
	memset(&st, 0, sizeof(st)); /* a pipe or the boot console */
	st.st_mode = (fp->ops == &pipe_fileops ? RUMP_S_IFIFO : RUMP_S_IFCHR) |
	    0600;
	st.st_blksize = BLKSIZE;
	return copyout(&st, ARG(a, 1, void *), sizeof(st));
}

/* ---- attributes ---- */

int
set_mode(struct lwp *l, struct vnode *vp, uint32_t mode)
{
	struct vattr va = { .va_mask = VA_MODE, .va_mode = mode & 07777 };
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	if (CRED(l)->euid != 0 && CRED(l)->euid != vp->v_uid)
		return RUMP_EPERM;
	return vn_setattr(vp, &va);
}

int
set_owner(struct lwp *l, struct vnode *vp, kuid_t uid, kgid_t gid)
{
	struct kauth_cred *c = CRED(l);
	struct vattr va = { .va_mask = 0, .va_uid = uid, .va_gid = gid };
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	/* Only root gives files away; an owner may change the group to its own. */
	if (c->euid != 0) {
		bool member = gid == (kgid_t)-1 || gid == c->egid;
		for (int i = 0; !member && i < c->ngroups; i++)
			member = c->groups[i] == gid;
		if (c->euid != vp->v_uid ||
		    (uid != (kuid_t)-1 && uid != vp->v_uid) || !member)
			return RUMP_EPERM;
		/* A changed owner loses set-id bits. */
		va.va_mask |= VA_MODE;
		va.va_mode = vp->v_mode & ~06000u;
	}
	if (uid != (kuid_t)-1)
		va.va_mask |= VA_UID;
	if (gid != (kgid_t)-1)
		va.va_mask |= VA_GID;
	return vn_setattr(vp, &va);
}

int
sys_chmod(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    LOOKUP_FOLLOW, &nd);

	(void)rv;
	if (error != 0)
		return error;
	error = set_mode(l, nd.ni_vp, ARG(a, 1, uint32_t));
	nd_done(&nd);
	return error;
}

int
sys_fchmod(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	error = set_mode(l, fp->data, ARG(a, 1, uint32_t));
	file_release(fp);
	return error;
}

int
sys_chown(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    LOOKUP_FOLLOW, &nd);

	(void)rv;
	if (error != 0)
		return error;
	error = set_owner(l, nd.ni_vp, ARG(a, 1, kuid_t), ARG(a, 2, kgid_t));
	nd_done(&nd);
	return error;
}

int
sys_fchown(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	error = set_owner(l, fp->data, ARG(a, 1, kuid_t), ARG(a, 2, kgid_t));
	file_release(fp);
	return error;
}

_Static_assert(sizeof(struct rump_timeval) == 16,
    "NetBSD's amd64 struct timeval is 16 bytes");

int
sys_utimes(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	const void *utv = ARG(a, 1, const void *);
	struct rump_timeval tv[2];
	struct vattr va;
	struct vnode *vp;
	int error;

	(void)rv;
	/* The times are user memory like any other (utimes(2): EFAULT). */
	if (utv != NULL) {
		if ((error = copyin(utv, tv, sizeof(tv))) != 0)
			return error;
		for (int i = 0; i < 2; i++)
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return RUMP_EINVAL;
	}
	if ((error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
		 LOOKUP_FOLLOW, &nd)) != 0)
		return error;
	vp = nd.ni_vp;
	va.va_mask = VA_ATIME | VA_MTIME;
	if ((error = vn_rdonly(vp)) != 0) {
		;
	} else if (utv == NULL) {
		/* Now: the owner, or anyone who may write. */
		if (CRED(l)->euid != vp->v_uid)
			error = vaccess(vp, CRED(l), VWRITE);
		vnow(&va.va_atime);
		va.va_mtime = va.va_atime;
	} else if (CRED(l)->euid != 0 && CRED(l)->euid != vp->v_uid) {
		error = RUMP_EPERM;
	} else {
		va.va_atime.tv_sec = tv[0].tv_sec;
		va.va_atime.tv_nsec = (long)tv[0].tv_usec * 1000;
		va.va_mtime.tv_sec = tv[1].tv_sec;
		va.va_mtime.tv_nsec = (long)tv[1].tv_usec * 1000;
	}
	if (error == 0)
		error = vn_setattr(vp, &va);
	nd_done(&nd);
	return error;
}

int
sys_truncate(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    LOOKUP_FOLLOW, &nd);

	(void)rv;
	if (error != 0)
		return error;
	if ((error = vaccess(nd.ni_vp, CRED(l), VWRITE)) == 0)
		error = vn_truncate(nd.ni_vp, ARG(a, 2, int64_t));
	nd_done(&nd);
	return error;
}

int
sys_ftruncate(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	if (!(fp->flag & FWRITE))
		error = RUMP_EINVAL; /* NetBSD: not open for writing */
	else
		error = vn_truncate(fp->data, ARG(a, 2, int64_t));
	file_release(fp);
	return error;
}

int
sys_fsync(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error = fd_vnode_hold(l, ARG(a, 0, int), &fp);

	(void)rv;
	if (error != 0)
		return error;
	error = vn_fsync(fp->data);
	file_release(fp);
	return error;
}

int
do_accessat(struct lwp *l, int dirfd, const char *upath, int mode, int flag)
{
	struct nameidata nd;
	int error;
	struct kauth_cred real;

	if (mode & ~(RUMP_R_OK | RUMP_W_OK | RUMP_X_OK))
		return RUMP_EINVAL;
	if ((error = namei(l, dirfd, upath,
		 (flag & RUMP_AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd)) != 0)
		return error;
	/* access(2) checks with the real ids; AT_EACCESS with the effective. */
	real = *CRED(l);
	if (!(flag & RUMP_AT_EACCESS)) {
		real.euid = real.uid;
		real.egid = real.gid;
	}
	if (mode != 0)
		error = vaccess(nd.ni_vp, &real, mode);
	nd_done(&nd);
	return error;
}

int
sys_umask(struct lwp *l, const void *a, register_t *rv)
{
	*rv = l->l_proc->p_umask;
	l->l_proc->p_umask = ARG(a, 0, uint32_t) & 0777;
	return 0;
}
