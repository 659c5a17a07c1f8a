/*
 * Opening files and I/O through their descriptors: the file operations of
 * an open vnode, open(2)/openat(2), lseek(2), pread(2) and pwrite(2)
 * (NetBSD numbers and argument slots, doc/rump_sp.md).
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

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
	/* Always ready. */
	return events & (RUMP_POLLIN | RUMP_POLLOUT | RUMP_POLLRDNORM);
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

	if ((oflags & RUMP_O_ACCMODE) == RUMP_O_ACCMODE)
		return RUMP_EINVAL;
	/* FREAD / FWRITE, as FFLAGS() */
	fflag = (oflags & RUMP_O_ACCMODE) + 1;
	if (oflags & RUMP_O_NONBLOCK)
		fflag |= FNONBLOCK;
	if (oflags & RUMP_O_APPEND)
		fflag |= FAPPEND;
	if (oflags & RUMP_O_CREAT) {
		error = namei(l, dirfd, upath,
		    (oflags & (RUMP_O_EXCL | RUMP_O_NOFOLLOW)) ?
			LOOKUP_PARENT :
			LOOKUP_PARENT | LOOKUP_FOLLOW,
		    &nd);
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
			oflags &= ~RUMP_O_TRUNC;
		} else if (oflags & RUMP_O_EXCL) {
			nd_done(&nd);
			return RUMP_EEXIST;
		}
		vrele(nd.ni_dvp);
		nd.ni_dvp = NULL;
	} else {
		error = namei(l, dirfd, upath,
		    (oflags & RUMP_O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &nd);
		if (error != 0)
			return error;
	}
	vp = nd.ni_vp;
	if (vp->v_type == VLNK) {
		nd_done(&nd);
		return RUMP_ELOOP; /* O_NOFOLLOW on a symlink */
	}
	if ((oflags & RUMP_O_DIRECTORY) && vp->v_type != VDIR) {
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
	    ((oflags & RUMP_O_TRUNC) && (fflag & FWRITE) &&
		vp->v_type == VREG && (error = vn_truncate(vp, 0)) != 0)) {
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
		nd_done(&nd); /* else fp took nd's reference */
		return RUMP_ENOMEM;
	}
	error = fd_alloc(l->l_proc->p_fd, 0, fp, &fd);
	if (error != 0) {
		file_release(fp);
		return error;
	}
	if (oflags & RUMP_O_CLOEXEC)
		l->l_proc->p_fd->cloexec[fd] = 1;
	*rv = fd;
	return 0;
}

int
sys_open(struct lwp *l, const void *a, register_t *rv)
{
	return do_open(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, int), ARG(a, 2, uint32_t), rv);
}

int
sys_openat(struct lwp *l, const void *a, register_t *rv)
{
	return do_open(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, int), ARG(a, 3, uint32_t), rv);
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
	case RUMP_SEEK_SET:
		base = 0;
		break;
	case RUMP_SEEK_CUR:
		base = fp->offset;
		break;
	case RUMP_SEEK_END:
		base = vp->v_size;
		break;
	default:
		return RUMP_EINVAL;
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
	    io.vp->v_type == VCHR && io.vp->v_blk == NULL && !write,
	    xfer_positioned, &io, &done);
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
