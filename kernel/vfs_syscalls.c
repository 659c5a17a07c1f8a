/*
 * File system calls (NetBSD numbers and argument slots, doc/rump_sp.md).
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

#define ARG(a, i, type)	((type)((const register_t *)(a))[i])

/* NetBSD open(2) flags */
#define O_ACCMODE	0x00000003
#define O_NONBLOCK	0x00000004
#define O_APPEND	0x00000008
#define O_NOFOLLOW	0x00000100
#define O_CREAT		0x00000200
#define O_TRUNC		0x00000400
#define O_EXCL		0x00000800
#define O_DIRECTORY	0x00200000
#define O_CLOEXEC	0x00400000

#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFBLK		0060000
#define S_IFREG		0100000
#define S_IFLNK		0120000

#define BLKSIZE		4096		/* st_blksize: the transfer size to use */

#define CRED(l)		((l)->l_proc->p_cred)

/* ---- open files on vnodes ---- */

static int
vf_read(struct file *fp, void *buf, size_t len, size_t *done)
{
	struct vnode *vp = fp->data;
	int error;

	if (vp->v_type == VCHR && vp->v_blk == NULL && vp->v_dev != NULL)
		return vp->v_dev->d_read(buf, len, done);
	error = vn_read(vp, buf, len, fp->offset, done);
	if (error == 0)
		fp->offset += (int64_t)*done;
	return error;
}

static int
vf_write(struct file *fp, const void *buf, size_t len, size_t *done)
{
	struct vnode *vp = fp->data;
	int error;

	if (vp->v_type == VCHR && vp->v_blk == NULL && vp->v_dev != NULL)
		return vp->v_dev->d_write(buf, len, done);
	if (fp->flag & FAPPEND)
		fp->offset = vp->v_size;
	error = vn_write(vp, buf, len, fp->offset, done);
	if (error == 0)
		fp->offset += (int64_t)*done;
	return error;
}

static void
vf_close(struct file *fp)
{
	vrele(fp->data);
}

static int
vf_poll(struct file *fp, int events)
{
	(void)fp;
	return events & (0x1 | 0x4 | 0x40);	/* POLLIN|POLLOUT|POLLRDNORM: always ready */
}

static int
vf_nread(struct file *fp, int *n)
{
	struct vnode *vp = fp->data;
	int64_t left = vp->v_type == VREG ? vp->v_size - fp->offset : 0;

	*n = left > 0 ? (left > 0x7fffffff ? 0x7fffffff : (int)left) : 0;
	return 0;
}

const struct fileops vnode_fileops = {
	.fo_read = vf_read,
	.fo_write = vf_write,
	.fo_close = vf_close,
	.fo_poll = vf_poll,
	.fo_nread = vf_nread,
};

static int
do_open(struct lwp *l, int dirfd, const char *upath, int oflags, uint32_t mode,
    register_t *rv)
{
	struct nameidata nd;
	struct vnode *vp;
	struct file *fp;
	int error, fd, acc = 0, fflag;

	if ((oflags & O_ACCMODE) == O_ACCMODE)
		return RUMP_EINVAL;
	fflag = (oflags & O_ACCMODE) + 1;	/* FREAD / FWRITE, as FFLAGS() */
	if (oflags & O_NONBLOCK)
		fflag |= FNONBLOCK;
	if (oflags & O_APPEND)
		fflag |= FAPPEND;
	if (oflags & O_CREAT) {
		error = namei(l, dirfd, upath,
		    (oflags & (O_EXCL | O_NOFOLLOW)) ? LOOKUP_PARENT :
		    LOOKUP_PARENT | LOOKUP_FOLLOW, &nd);
		if (error != 0)
			return error;
		if (nd.ni_vp == NULL) {
			error = vaccess(nd.ni_dvp, CRED(l), VWRITE);
			if (error == 0)
				error = vn_create_node(nd.ni_dvp, nd.ni_name,
				    VREG, mode & ~l->l_proc->p_umask, CRED(l),
				    NULL, &nd.ni_vp);
			if (error != 0) {
				nd_done(&nd);
				return error;
			}
			oflags &= ~O_TRUNC;
		} else if (oflags & O_EXCL) {
			nd_done(&nd);
			return RUMP_EEXIST;
		}
		vrele(nd.ni_dvp);
		nd.ni_dvp = NULL;
	} else {
		error = namei(l, dirfd, upath,
		    (oflags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd);
		if (error != 0)
			return error;
	}
	vp = nd.ni_vp;
	if (vp->v_type == VLNK) {
		nd_done(&nd);
		return RUMP_ELOOP;		/* O_NOFOLLOW on a symlink */
	}
	if ((oflags & O_DIRECTORY) && vp->v_type != VDIR) {
		nd_done(&nd);
		return RUMP_ENOTDIR;
	}
	if (vp->v_type == VDIR && (fflag & FWRITE)) {
		nd_done(&nd);
		return RUMP_EISDIR;
	}
	/* Writing a file of a read-only mount (devices are not its own). */
	if ((fflag & FWRITE) && (vp->v_type == VREG || vp->v_type == VLNK) &&
	    (error = vn_rdonly(vp)) != 0) {
		nd_done(&nd);
		return error;
	}
	/* An append-only file is opened for writing only to append. */
	if ((vp->v_flags & APPEND) && (fflag & (FWRITE | FAPPEND)) == FWRITE) {
		nd_done(&nd);
		return RUMP_EPERM;
	}
	if (fflag & FREAD)
		acc |= VREAD;
	if (fflag & FWRITE)
		acc |= VWRITE;
	if ((error = vaccess(vp, CRED(l), acc)) != 0 ||
	    ((oflags & O_TRUNC) && (fflag & FWRITE) && vp->v_type == VREG &&
	    (error = vn_truncate(vp, 0)) != 0)) {
		nd_done(&nd);
		return error;
	}
	/* A device node reaches its driver, or ENXIO (vfs_mknod.c). */
	if ((error = vn_devattach(vp)) != 0) {
		nd_done(&nd);
		return error;
	}
	if (vp->v_type == VFIFO) {
		/* A FIFO's file is its pipe's (fifo.c); nd's reference goes. */
		fp = fifo_open(vp, fflag, &error);
		nd_done(&nd);
		if (fp == NULL)
			return error;
	} else if ((fp = file_alloc(&vnode_fileops, fflag, vp)) == NULL) {
		nd_done(&nd);			/* else fp took nd's reference */
		return RUMP_ENOMEM;
	}
	error = fd_alloc(l->l_proc->p_fd, 0, fp, &fd);
	if (error != 0) {
		file_release(fp);
		return error;
	}
	if (oflags & O_CLOEXEC)
		l->l_proc->p_fd->cloexec[fd] = 1;
	*rv = fd;
	return 0;
}

int
sys_open(struct lwp *l, const void *a, register_t *rv)
{
	return do_open(l, AT_FDCWD, ARG(a, 0, const char *), ARG(a, 1, int),
	    ARG(a, 2, uint32_t), rv);
}

int
sys_openat(struct lwp *l, const void *a, register_t *rv)
{
	return do_open(l, ARG(a, 0, int), ARG(a, 1, const char *), ARG(a, 2, int),
	    ARG(a, 3, uint32_t), rv);
}

/* ---- stat ---- */

/* NetBSD's amd64 struct stat (__stat50), 152 bytes (doc/rump_sp.md). */
struct nb_stat {
	uint64_t st_dev;
	uint32_t st_mode;
	uint32_t pad0;
	uint64_t st_ino;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad1;
	uint64_t st_rdev;
	struct ktimespec st_atim, st_mtim, st_ctim, st_birthtim;
	int64_t st_size;
	int64_t st_blocks;
	int32_t st_blksize;
	uint32_t st_flags;
	uint32_t st_gen;
	uint32_t st_spare[2];
	uint32_t pad2;
};
_Static_assert(sizeof(struct nb_stat) == 152, "NetBSD struct stat is 152 bytes");

int
stat_out(struct vnode *vp, void *ub)
{
	static const uint32_t fmt[] = {
		0, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFIFO, S_IFBLK
	};
	struct nb_stat st;

	memset(&st, 0, sizeof(st));
	/* A dead vnode (forced unmount) keeps its attributes, on no device. */
	st.st_dev = vp->v_mount != NULL ? vp->v_mount->mnt_fsid : 0;
	st.st_mode = fmt[vp->v_type] | vp->v_mode;
	st.st_ino = vp->v_ino;
	st.st_nlink = vp->v_nlink;
	st.st_uid = vp->v_uid;
	st.st_gid = vp->v_gid;
	st.st_rdev = vp->v_type == VCHR || vp->v_type == VBLK ? vp->v_rdev : 0;
	st.st_atim = vp->v_atime;
	st.st_mtim = vp->v_mtime;
	st.st_ctim = vp->v_ctime;
	st.st_birthtim = vp->v_btime;
	st.st_size = vp->v_size;
	st.st_blocks = (int64_t)(vp->v_bytes / 512);	/* holes take none */
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
	return path_stat(l, AT_FDCWD, ARG(a, 0, const char *), ARG(a, 1, void *),
	    LOOKUP_FOLLOW);
}

int
sys_lstat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_stat(l, AT_FDCWD, ARG(a, 0, const char *), ARG(a, 1, void *), 0);
}

/* The vnode behind fd, or NULL with *errp set (EBADF, or EINVAL for pipes). */
struct vnode *
fd_vnode(struct lwp *l, int fd, int *errp)
{
	struct file *fp = fd_get(l->l_proc->p_fd, fd);

	if (fp == NULL) {
		*errp = RUMP_EBADF;
		return NULL;
	}
	if (fp->ops != &vnode_fileops) {
		*errp = RUMP_EINVAL;
		return NULL;
	}
	return fp->data;
}

int
sys_fstat(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	struct nb_stat st;

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops == &vnode_fileops)
		return stat_out(fp->data, ARG(a, 1, void *));
	memset(&st, 0, sizeof(st));	/* a pipe or the boot console */
	st.st_mode = fp->ops == &pipe_fileops ? S_IFIFO | 0600 : S_IFCHR | 0600;
	st.st_blksize = BLKSIZE;
	return copyout(&st, ARG(a, 1, void *), sizeof(st));
}

/* ---- offsets ---- */

int
sys_lseek(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	int64_t off = ARG(a, 2, int64_t), base;
	struct vnode *vp;

	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_ESPIPE;
	vp = fp->data;
	switch (ARG(a, 3, int)) {
	case 0: base = 0; break;
	case 1: base = fp->offset; break;
	case 2: base = vp->v_size; break;
	default: return RUMP_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return RUMP_EINVAL;
	fp->offset = base + off;
	*rv = fp->offset;
	return 0;
}

int
xfer_positioned(void *arg, void *kbuf, size_t n, size_t *done)
{
	struct posio *io = arg;
	struct vnode *vp = io->vp;
	int error;

	if (vp->v_type == VCHR && vp->v_blk == NULL && vp->v_dev != NULL)
		error = io->write ? vp->v_dev->d_write(kbuf, n, done) :
		    vp->v_dev->d_read(kbuf, n, done);
	else
		error = io->write ? vn_write(vp, kbuf, n, io->off, done) :
		    vn_read(vp, kbuf, n, io->off, done);
	io->off += (int64_t)*done;
	return error;
}

static int
positioned(struct lwp *l, const void *a, register_t *rv, bool write)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	struct posio io = { .off = ARG(a, 4, int64_t), .write = write };
	size_t done = 0;
	int error;

	if (fp == NULL || !(fp->flag & (write ? FWRITE : FREAD)))
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_ESPIPE;
	io.vp = fp->data;
	/* Held: a remote copy may wait while another thread closes fd. */
	file_hold(fp);
	error = uio_move(ARG(a, 1, void *), ARG(a, 2, size_t), write,
	    io.vp->v_type == VCHR && io.vp->v_blk == NULL && !write, xfer_positioned, &io, &done);
	file_release(fp);
	*rv = (register_t)done;
	return error;
}

int
sys_pread(struct lwp *l, const void *a, register_t *rv)
{
	return positioned(l, a, rv, false);
}

int
sys_pwrite(struct lwp *l, const void *a, register_t *rv)
{
	return positioned(l, a, rv, true);
}

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
	return do_mkdir(l, AT_FDCWD, ARG(a, 0, const char *), ARG(a, 1, uint32_t));
}

int
sys_mkdirat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mkdir(l, ARG(a, 0, int), ARG(a, 1, const char *), ARG(a, 2, uint32_t));
}

/* Sticky directories: only the owner of the file or directory may remove. */
static int
may_remove(struct lwp *l, struct vnode *dvp, struct vnode *vp)
{
	int error = vaccess(dvp, CRED(l), VWRITE | VEXEC);

	/* chflags(2): such a file keeps its name; such a directory its names. */
	if (error == 0 && ((vp->v_flags & (IMMUTABLE | APPEND)) ||
	    (dvp->v_flags & APPEND)))
		error = RUMP_EPERM;
	if (error == 0 && (dvp->v_mode & 01000) && CRED(l)->euid != 0 &&
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
		error = RUMP_EPERM;		/* unlink(2) of a directory */
	else if (nd.ni_vp->v_mount != nd.ni_dvp->v_mount)
		error = RUMP_EBUSY;		/* a mount point */
	else if (dir && (error = vn_dirempty(nd.ni_vp)) != 0)
		;
	else if (nd.ni_vp == rootvnode || nd.ni_vp == l->l_proc->p_cwd)
		error = RUMP_EBUSY;
	else if ((error = vn_rdonly(nd.ni_dvp)) == 0)
		error = may_remove(l, nd.ni_dvp, nd.ni_vp);
	if (error == 0)
		error = nd.ni_dvp->v_op->vop_remove(nd.ni_dvp, nd.ni_name,
		    nd.ni_vp);
	nd_done(&nd);
	return error;
}

int
sys_unlink(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, AT_FDCWD, ARG(a, 0, const char *), false);
}

int
sys_rmdir(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, AT_FDCWD, ARG(a, 0, const char *), true);
}

int
sys_unlinkat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_remove(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    (ARG(a, 2, int) & AT_REMOVEDIR) != 0);
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
	len--;			/* without the NUL */
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
		n = RUMP_PATH_MAX;	/* no link text is longer */
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
 * the error of a lookup of "..".
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
		v = up;
	}
	if (error == 0 && v == a)
		error = RUMP_EINVAL;
	vrele(v);
	return error;
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
		error = RUMP_EBUSY;		/* a mount point */
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
	if (error == 0 && to.ni_vp != vp)
		error = vp->v_op->vop_rename(from.ni_dvp, from.ni_name, vp,
		    to.ni_dvp, to.ni_name, to.ni_vp);
	nd_done(&to);
	nd_done(&from);
	return error;
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
		if (c->euid != vp->v_uid || (uid != (kuid_t)-1 && uid != vp->v_uid) ||
		    !member)
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
	int error = namei(l, AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW, &nd);

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
	int error = 0;
	struct vnode *vp = fd_vnode(l, ARG(a, 0, int), &error);

	(void)rv;
	return vp == NULL ? error : set_mode(l, vp, ARG(a, 1, uint32_t));
}

int
sys_chown(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW, &nd);

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
	int error = 0;
	struct vnode *vp = fd_vnode(l, ARG(a, 0, int), &error);

	(void)rv;
	return vp == NULL ? error : set_owner(l, vp, ARG(a, 1, kuid_t), ARG(a, 2, kgid_t));
}

/* NetBSD's amd64 struct timeval: {int64 tv_sec; int32 tv_usec; pad}. */
struct nb_timeval {
	int64_t tv_sec;
	int32_t tv_usec;
	uint32_t pad;
};
_Static_assert(sizeof(struct nb_timeval) == 16, "NetBSD struct timeval is 16 bytes");

int
sys_utimes(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	const void *utv = ARG(a, 1, const void *);
	struct nb_timeval tv[2];
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
	if ((error = namei(l, AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW,
	    &nd)) != 0)
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
	int error = namei(l, AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW, &nd);

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
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_EINVAL;
	if (!(fp->flag & FWRITE))
		return RUMP_EINVAL;	/* NetBSD: not open for writing */
	return vn_truncate(fp->data, ARG(a, 2, int64_t));
}

int
sys_fsync(struct lwp *l, const void *a, register_t *rv)
{
	int error = 0;
	struct vnode *vp = fd_vnode(l, ARG(a, 0, int), &error);

	(void)rv;
	return vp == NULL ? error : vn_fsync(vp);
}

int
do_accessat(struct lwp *l, int dirfd, const char *upath, int mode, int flag)
{
	struct nameidata nd;
	int error;
	struct kauth_cred real;

	if (mode & ~7)
		return RUMP_EINVAL;
	if ((error = namei(l, dirfd, upath,
	    (flag & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd)) != 0)
		return error;
	/* access(2) checks with the real ids; AT_EACCESS with the effective. */
	real = *CRED(l);
	if (!(flag & AT_EACCESS)) {
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
	int error = namei(l, AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW, &nd);

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
	int error = 0;
	struct vnode *vp = fd_vnode(l, ARG(a, 0, int), &error);

	(void)rv;
	return vp == NULL ? error : set_cwd(l, vp);
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
	if (ino != no->ino || namelen > NAME_MAX || (name[0] == '.' &&
	    (namelen == 1 || (namelen == 2 && name[1] == '.'))))
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
		return RUMP_ENOENT;	/* the directory was removed */
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
			error = RUMP_ENOENT;	/* its file system is gone */
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
		tmp[--pos] = '/';	/* the root itself */
	if (error == 0 && (error = copyout(tmp + pos, ARG(a, 0, char *),
	    size - pos)) == 0)
		*rv = (register_t)(size - pos);
	kmem_free(no, sizeof(*no));
	kmem_free(tmp, size);
	return error;
}

/* ---- directories ---- */

#define GETDENTS_MAX	65536		/* bytes of records per call */

/* getdents' buffer of NetBSD struct dirent records. */
struct dents {
	uint8_t *buf;
	size_t size, out;
	bool full;			/* an entry did not fit */
};

static int
fill_dirent(void *arg, const char *name, size_t nl, uint64_t ino,
    enum vtype type, int64_t nextoff)
{
	static const uint8_t dtype[] = { 0, 8, 4, 10, 2, 1, 6 };
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
	if (fp->ops != &vnode_fileops || ((struct vnode *)fp->data)->v_type != VDIR)
		return RUMP_ENOTDIR;
	dvp = fp->data;
	d.size = count < GETDENTS_MAX ? count : GETDENTS_MAX;
	d.out = 0;
	d.full = false;
	if ((d.buf = kmem_zalloc(d.size + 1)) == NULL)
		return RUMP_ENOMEM;
	file_hold(fp);		/* across the readdir and copyout, which may wait */
	off = fp->offset < 0 ? 0 : fp->offset;
	error = dvp->v_op->vop_readdir(dvp, &off, fill_dirent, &d);
	if (error == 0 && d.out == 0 && d.full)
		error = RUMP_EINVAL;	/* too small for one record */
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

/* ---- the table fragment ---- */

