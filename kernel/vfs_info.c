/*
 * What the file system says about itself (pathconf(2), fpathconf(2)) and
 * the calls that make data durable (sync(2), fsync_range(2),
 * fdatasync(2)): they check their arguments as NetBSD does and hand the
 * work to the file system (tmpfs has nothing to write).
 */
#include "kern.h"
#include "vfs_int.h"

/* pathconf names (NetBSD's <unistd.h> _PC_*) and tmpfs's answers. */
#define PC_LINK_MAX	    1
#define PC_NAME_MAX	    4
#define PC_PATH_MAX	    5
#define PC_PIPE_BUF	    6
#define PC_CHOWN_RESTRICTED 7
#define PC_NO_TRUNC	    8
#define PC_SYNC_IO	    10
#define PC_FILESIZEBITS	    11
#define LINK_MAX	    32767
#define PIPE_BUF	    512

/* fsync_range(2) flags */
#define FDATASYNC 0x0010
#define FFILESYNC 0x0020

static int
tmpfs_pathconf(int name, register_t *rv)
{
	switch (name) {
	case PC_LINK_MAX:
		*rv = LINK_MAX;
		return 0;
	case PC_NAME_MAX:
		*rv = NAME_MAX;
		return 0;
	case PC_PATH_MAX:
		*rv = RUMP_PATH_MAX;
		return 0;
	case PC_PIPE_BUF:
		*rv = PIPE_BUF;
		return 0;
	case PC_CHOWN_RESTRICTED:
	case PC_NO_TRUNC:
	case PC_SYNC_IO:
		*rv = 1;
		return 0;
	case PC_FILESIZEBITS:
		*rv = 64;
		return 0;
	}
	return RUMP_EINVAL;
}

int
sys_pathconf(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error;

	error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW,
	    &nd);
	if (error != 0)
		return error;
	if (nd.ni_vp == NULL)
		error = RUMP_ENOENT;
	else
		error = tmpfs_pathconf(ARG(a, 1, int), rv);
	nd_done(&nd);
	return error;
}

int
sys_fpathconf(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	int name = ARG(a, 1, int);

	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops == &vnode_fileops)
		return tmpfs_pathconf(name, rv);
	/* Pipes and sockets know one name: the atomic write size. */
	if (name != PC_PIPE_BUF)
		return RUMP_EINVAL;
	*rv = PIPE_BUF;
	return 0;
}

int
sys_sync(struct lwp *l, const void *a, register_t *rv)
{
	(void)l;
	(void)a;
	(void)rv;
	/* A mount being made or unmounted is left to its own writes. */
	for (struct mount *mp = rootmount; mp != NULL; mp = mp->mnt_next) {
		if (mp->mnt_unmounting)
			continue;
		mp->mnt_busy++; /* stays in the table while it sleeps */
		mp->mnt_op->vfs_sync(mp);
		mp->mnt_busy--;
	}
	return 0;
}

int
sys_fdatasync(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp;
	int error;

	(void)rv;
	if ((error = fd_vnode_hold(l, ARG(a, 0, int), &fp)) != 0)
		return error;
	error = vn_fsync(fp->data);
	file_release(fp);
	return error;
}

int
sys_fsync_range(struct lwp *l, const void *a, register_t *rv)
{
	int flags = ARG(a, 1, int), error;
	int64_t start = ARG(a, 2, int64_t), len = ARG(a, 3, int64_t);
	struct file *fp;

	(void)rv;
	if ((error = fd_vnode_hold(l, ARG(a, 0, int), &fp)) != 0)
		return error;
	if (!(fp->flag & FWRITE))
		error = RUMP_EBADF;
	/* Exactly one of FDATASYNC and FFILESYNC. */
	else if ((flags & (FDATASYNC | FFILESYNC)) == 0 ||
	    (~flags & (FDATASYNC | FFILESYNC)) == 0)
		error = RUMP_EINVAL;
	else if (len != 0 && (start < 0 || len < 0 || start > INT64_MAX - len))
		error = RUMP_EINVAL;
	else
		error = vn_fsync(fp->data); /* the whole file: a superset */
	file_release(fp);
	return error;
}
