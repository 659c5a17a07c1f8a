/*
 * mknod(2) (NetBSD's __mknod50) and mknodat(2): device nodes, FIFOs and
 * regular files, on any file system (its create operation stores the
 * device number: tmpfs in the node, ext2 in the inode's first block
 * pointer as NetBSD's and Linux's ext2 do).
 *
 * As NetBSD's: S_IFIFO with device 0 is mkfifo(2) (anyone may); every
 * other node needs root (EPERM), which is checked first. S_IFCHR and
 * S_IFBLK make device nodes, S_IFREG an empty regular file; any other
 * type (S_IFMT for bad sectors and S_IFWHT whiteouts included, which this
 * kernel does not keep) and a device number of NetBSD's NODEV (-1) are
 * EINVAL.
 *
 * Opening a device node reaches the kernel's device switch by its number
 * (vn_devattach): the kernel's character devices (null, zero, console,
 * random, urandom) and the disks (ld's block major 19 and character
 * major 69, kernel/blk_dev.c); any other number gives ENXIO at open.
 */
#include <string.h>

#include "kern.h"
#include "vfs_int.h"

#define NODEV ((uint64_t)-1)

int
vn_devattach(struct vnode *vp)
{
	struct blkdev *bd;
	const struct devsw *sw;
	int error;

	if ((vp->v_type != VCHR && vp->v_type != VBLK) || vp->v_dev != NULL ||
	    vp->v_blk != NULL)
		return 0;
	if (vp->v_type == VCHR && (sw = devsw_lookup(vp->v_rdev)) != NULL) {
		vp->v_dev = sw;
		return 0;
	}
	if ((error = blkdev_lookup_rdev(vp->v_type, vp->v_rdev, &bd, &sw)) != 0)
		return error;
	vp->v_blk = bd;
	vp->v_dev = sw;
	return 0;
}

static int
do_mknodat(struct lwp *l, int dirfd, const char *upath, uint32_t mode,
    uint64_t dev)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	if ((mode & RUMP_S_IFMT) == RUMP_S_IFIFO && dev == 0)
		return do_mkfifoat(l, dirfd, upath, mode & 07777);
	if (l->l_proc->p_cred->euid != 0)
		return RUMP_EPERM;
	memset(&va, 0, sizeof(va));
	switch (mode & RUMP_S_IFMT) {
	case RUMP_S_IFCHR:
		va.va_type = VCHR;
		break;
	case RUMP_S_IFBLK:
		va.va_type = VBLK;
		break;
	case RUMP_S_IFREG:
		va.va_type = VREG;
		dev = 0;
		break;
	default:
		return RUMP_EINVAL;
	}
	if (dev == NODEV)
		return RUMP_EINVAL;
	if ((error = create_lookup(l, dirfd, upath, &nd)) != 0)
		return error;
	if ((error = vn_rdonly(nd.ni_dvp)) == 0) {
		/* As vn_create_node, with the device number. */
		va.va_mode = mode & ~l->l_proc->p_umask & 07777;
		va.va_uid = l->l_proc->p_cred->euid;
		va.va_gid = nd.ni_dvp->v_gid;
		va.va_rdev = dev;
		error = nd.ni_dvp->v_op->vop_create(nd.ni_dvp, nd.ni_name, &va,
		    NULL, &vp);
		if (error == 0) {
			vrele(vp);
			kq_vnode_note(nd.ni_dvp, RUMP_NOTE_WRITE);
		}
	}
	nd_done(&nd);
	return error;
}

/* __mknod50(path, mode, dev) */
int
sys___mknod50(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mknodat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, uint32_t), ARG(a, 2, uint64_t));
}

/* mknodat(fd, path, mode, PAD, dev) */
int
sys_mknodat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mknodat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, uint32_t), ARG(a, 4, uint64_t));
}
