/*
 * preadv(2) and pwritev(2): readv/writev at an offset, leaving the file's
 * own offset alone (NetBSD's numbers 289 and 290, an empty slot before the
 * 64-bit offset as pread(2)'s).
 */
#include "kern.h"
#include "vfs_int.h"

#define SSIZE_MAX INT64_MAX

/*
 * preadv(fd, iovp, iovcnt, PAD, offset): EBADF for a descriptor not open
 * for the direction, ESPIPE for a pipe or socket, EINVAL for iovcnt
 * outside 1..IOV_MAX, lengths adding up past SSIZE_MAX, or a negative
 * offset. What moved before an error is the result.
 */
static int
positioned_vec(struct lwp *l, const void *a, register_t *rv, bool write)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	const char *uiov = ARG(a, 1, const char *);
	int cnt = ARG(a, 2, int), error = 0;
	struct posio io = { .off = ARG(a, 4, int64_t), .write = write };
	size_t total = 0, sum = 0;

	if (fp == NULL || !(fp->flag & (write ? FWRITE : FREAD)))
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_ESPIPE;
	if (cnt <= 0 || cnt > RUMP_IOV_MAX)
		return RUMP_EINVAL;
	io.vp = fp->data;
	if (io.off < 0 && io.vp->v_type != VCHR)
		return RUMP_EINVAL;
	file_hold(fp); /* across the copies, which may wait */
	/* First the lengths, as NetBSD checks them all before moving data. */
	for (int i = 0; i < cnt && error == 0; i++) {
		struct rump_iovec iov;
		/* Integer arithmetic: uiov is the caller's word, not an object. */
		error = copyin(
		    (const void *)((uintptr_t)uiov + (size_t)i * sizeof(iov)),
		    &iov, sizeof(iov));
		if (error == 0 &&
		    (iov.iov_len > SSIZE_MAX || sum > SSIZE_MAX - iov.iov_len))
			error = RUMP_EINVAL;
		sum += iov.iov_len;
	}
	for (int i = 0; i < cnt && error == 0; i++) {
		struct rump_iovec iov;
		size_t done = 0;

		error = copyin(
		    (const void *)((uintptr_t)uiov + (size_t)i * sizeof(iov)),
		    &iov, sizeof(iov));
		if (error != 0 || iov.iov_len == 0)
			continue;
		error = uio_move(iov.iov_base, iov.iov_len, write,
		    io.vp->v_type == VCHR && !write, xfer_positioned, &io, &done);
		total += done;
		if (done < iov.iov_len)
			break;
	}
	file_release(fp);
	if (total > 0)
		error = 0; /* a partial transfer is a success */
	*rv = (register_t)total;
	return error;
}

int
sys_preadv(struct lwp *l, const void *a, register_t *rv)
{
	return positioned_vec(l, a, rv, false);
}

int
sys_pwritev(struct lwp *l, const void *a, register_t *rv)
{
	return positioned_vec(l, a, rv, true);
}
