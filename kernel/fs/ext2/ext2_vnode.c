/*
 * ext2 behind the VFS (kernel/vnode.h, doc/vfs.md): the vnode and mount
 * operations on top of ext2.h. A vnode holds one reference to its inode
 * (v_data) and the inode points back (i_vnode) while the vnode lives; a
 * vnode is reclaimed as soon as its last reference goes, and the next
 * lookup makes a new one from the inode (kept in the buffer cache). The
 * vnode's attributes are reloaded from the inode after every change.
 * Access times are not updated on reads (as with NetBSD's noatime).
 *
 * Until kern.h includes the VFS interface (vnode.h), this file compiles
 * to nothing.
 */
#include <string.h>

#include "kern.h"

#ifdef VNODE_H

#include "blk.h"
#include "ext2.h"

static const struct vnodeops ext2_vnodeops;

static struct e2inode *
VTOI(struct vnode *vp)
{
	return vp->v_data;
}

static enum vtype
mode_vtype(uint32_t mode)
{
	switch (mode & E2_IFMT) {
	case E2_IFREG:
		return VREG;
	case E2_IFDIR:
		return VDIR;
	case E2_IFLNK:
		return VLNK;
	case E2_IFCHR:
		return VCHR;
	case E2_IFBLK:
		return VBLK;
	case E2_IFIFO:
		return VFIFO;
	}
	return VNON;
}

static enum vtype
ft_vtype(uint8_t ft)
{
	switch (ft) {
	case E2_FT_REG_FILE:
		return VREG;
	case E2_FT_DIR:
		return VDIR;
	case E2_FT_SYMLINK:
		return VLNK;
	case E2_FT_CHRDEV:
		return VCHR;
	case E2_FT_BLKDEV:
		return VBLK;
	case E2_FT_FIFO:
		return VFIFO;
	}
	return VNON;
}

static uint32_t
vtype_mode(enum vtype t)
{
	switch (t) {
	case VREG:
		return E2_IFREG;
	case VDIR:
		return E2_IFDIR;
	case VLNK:
		return E2_IFLNK;
	case VCHR:
		return E2_IFCHR;
	case VBLK:
		return E2_IFBLK;
	case VFIFO:
		return E2_IFIFO;
	default:
		return 0;
	}
}

/* The vnode's attributes from its inode. */
static void
load(struct vnode *vp)
{
	struct e2attr va;

	if (vp == NULL || vp->v_data == NULL)
		return;
	ext2_getattr(VTOI(vp), &va);
	vp->v_mode = va.mode & 07777;
	vp->v_uid = va.uid;
	vp->v_gid = va.gid;
	vp->v_nlink = va.nlink;
	vp->v_ino = va.ino;
	vp->v_size = (int64_t)va.size;
	vp->v_bytes = va.bytes;
	vp->v_rdev = va.rdev;
	vp->v_flags = va.flags;
	vp->v_atime = va.atime;
	vp->v_mtime = va.mtime;
	vp->v_ctime = va.ctime;
	vp->v_btime = va.ctime; /* ext2 keeps no birth time */
}

/* The vnode of held inode ip (the hold passes to it), referenced. */
static int
getvnode(struct mount *mp, struct e2inode *ip, struct vnode **vpp)
{
	struct vnode *vp = ip->i_vnode;

	if (vp != NULL) {
		vref(vp);
		ext2_iput(ip);
		*vpp = vp;
		return 0;
	}
	vp = vn_alloc(mp, mode_vtype(ip->i_mode), &ext2_vnodeops, ip);
	if (vp == NULL) {
		ext2_iput(ip);
		return RUMP_ENOMEM;
	}
	ip->i_vnode = vp;
	load(vp);
	*vpp = vp;
	return 0;
}

static int
ext2v_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	struct e2inode *ip;
	int err;

	err = ext2_lookup(VTOI(dvp), name, strlen(name), &ip);
	if (err != 0)
		return err;
	return getvnode(dvp->v_mount, ip, vpp);
}

static int
ext2v_create(struct vnode *dvp, const char *name, const struct vattr *va,
    const char *target, struct vnode **vpp)
{
	struct e2inode *ip;
	uint32_t type = vtype_mode(va->va_type);
	int err;

	if (type == 0)
		return RUMP_EINVAL;
	if (va->va_type == VLNK)
		err = ext2_symlink(VTOI(dvp), name, strlen(name), target,
		    strlen(target), va->va_mode & 07777, va->va_uid, va->va_gid,
		    &ip);
	else
		err = ext2_create(VTOI(dvp), name, strlen(name),
		    type | (va->va_mode & 07777), va->va_uid, va->va_gid,
		    va->va_rdev, &ip);
	load(dvp);
	if (err != 0)
		return err;
	return getvnode(dvp->v_mount, ip, vpp);
}

static int
ext2v_link(struct vnode *dvp, const char *name, struct vnode *vp)
{
	int err = ext2_link(VTOI(dvp), name, strlen(name), VTOI(vp));

	load(dvp);
	load(vp);
	return err;
}

static int
ext2v_remove(struct vnode *dvp, const char *name, struct vnode *vp)
{
	int err = ext2_remove(VTOI(dvp), name, strlen(name), vp->v_type == VDIR);

	load(dvp);
	load(vp);
	return err;
}

static int
ext2v_rename(struct vnode *fdvp, const char *fname, struct vnode *fvp,
    struct vnode *tdvp, const char *tname, struct vnode *tvp)
{
	int err = ext2_rename(VTOI(fdvp), fname, strlen(fname), VTOI(tdvp),
	    tname, strlen(tname));

	load(fdvp);
	load(fvp);
	load(tdvp);
	load(tvp);
	return err;
}

static int
ext2v_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done)
{
	if (off < 0)
		return RUMP_EINVAL;
	return ext2_read(VTOI(vp), buf, len, (uint64_t)off, done);
}

static int
ext2v_write(struct vnode *vp, const void *buf, size_t len, int64_t off,
    size_t *done)
{
	int err;

	if (off < 0)
		return RUMP_EINVAL;
	err = ext2_write(VTOI(vp), buf, len, (uint64_t)off, done);
	load(vp);
	return err;
}

static int
ext2v_truncate(struct vnode *vp, int64_t len)
{
	int err;

	if (len < 0)
		return RUMP_EINVAL;
	err = ext2_truncate(VTOI(vp), (uint64_t)len);
	load(vp);
	return err;
}

static int
ext2v_setattr(struct vnode *vp, const struct vattr *va)
{
	struct e2attr ea;
	int which = 0, err;

	memset(&ea, 0, sizeof(ea));
	if (va->va_mask & VA_MODE) {
		which |= E2_SETATTR_MODE;
		ea.mode = va->va_mode;
	}
	if (va->va_mask & VA_UID) {
		which |= E2_SETATTR_UID;
		ea.uid = va->va_uid;
	}
	if (va->va_mask & VA_GID) {
		which |= E2_SETATTR_GID;
		ea.gid = va->va_gid;
	}
	if (va->va_mask & VA_ATIME) {
		which |= E2_SETATTR_ATIME;
		ea.atime = va->va_atime;
	}
	if (va->va_mask & VA_MTIME) {
		which |= E2_SETATTR_MTIME;
		ea.mtime = va->va_mtime;
	}
	if (va->va_mask & VA_FLAGS) {
		which |= E2_SETATTR_FLAGS;
		ea.flags = va->va_flags;
	}
	err = ext2_setattr(VTOI(vp), which, &ea);
	load(vp);
	return err;
}

struct filldir {
	vn_filldir_t fill;
	void *arg;
};

static int
filldir(void *arg, uint32_t ino, uint8_t type, const char *name, size_t namelen,
    uint64_t nextoff)
{
	struct filldir *fd = arg;

	return fd->fill(fd->arg, name, namelen, ino, ft_vtype(type),
	    (int64_t)nextoff);
}

/* Cookies are byte offsets in the directory: "." at 0, ".." next. */
static int
ext2v_readdir(struct vnode *vp, int64_t *offp, vn_filldir_t fill, void *arg)
{
	struct filldir fd = { fill, arg };
	uint64_t off;
	int err;

	if (vp->v_type != VDIR)
		return RUMP_ENOTDIR;
	if (*offp < 0)
		return RUMP_EINVAL;
	off = (uint64_t)*offp;
	err = ext2_readdir(VTOI(vp), &off, filldir, &fd);
	*offp = (int64_t)off;
	return err;
}

static int
ext2v_readlink(struct vnode *vp, char *buf, size_t len, size_t *done)
{
	return ext2_readlink(VTOI(vp), buf, len, done);
}

static int
ext2v_fsync(struct vnode *vp)
{
	return ext2_fsync(VTOI(vp));
}

/* No caching of unreferenced vnodes: the inode is found again by number. */
static bool
ext2v_inactive(struct vnode *vp)
{
	struct e2inode *ip = VTOI(vp);

	if (ip != NULL)
		ip->i_vnode = NULL; /* before anything may sleep */
	return true;
}

static void
ext2v_reclaim(struct vnode *vp)
{
	struct e2inode *ip = VTOI(vp);

	if (ip == NULL)
		return;
	if (ip->i_vnode == vp)
		ip->i_vnode = NULL;
	vp->v_data = NULL;
	ext2_iput(ip); /* frees an unlinked inode */
}

static const struct vnodeops ext2_vnodeops = {
	.vop_lookup = ext2v_lookup,
	.vop_create = ext2v_create,
	.vop_link = ext2v_link,
	.vop_remove = ext2v_remove,
	.vop_rename = ext2v_rename,
	.vop_read = ext2v_read,
	.vop_write = ext2v_write,
	.vop_truncate = ext2v_truncate,
	.vop_setattr = ext2v_setattr,
	.vop_readdir = ext2v_readdir,
	.vop_readlink = ext2v_readlink,
	.vop_fsync = ext2v_fsync,
	.vop_inactive = ext2v_inactive,
	.vop_reclaim = ext2v_reclaim,
};

static int
ext2fs_mount(struct mount *mp, struct blkdev *bd, const void *args, size_t argslen)
{
	struct e2inode *ip;
	struct e2fs *fs;
	int flags = 0, err;

	(void)args;
	(void)argslen;
	if (bd == NULL)
		return RUMP_EINVAL;
	if (mp->mnt_flag & RUMP_MNT_RDONLY)
		flags |= E2_MNT_RDONLY;
	/* NetBSD's mount -f: read-write even when not cleanly unmounted. */
	if (mp->mnt_flag & RUMP_MNT_FORCE)
		flags |= E2_MNT_FORCE;
	err = ext2_mount(bd, flags, &fs);
	if (err != 0)
		return err;
	mp->mnt_data = fs;
	err = ext2_iget(fs, E2_ROOTINO, &ip);
	if (err == 0)
		err = getvnode(mp, ip, &mp->mnt_root);
	if (err != 0) {
		(void)ext2_unmount(fs);
		mp->mnt_data = NULL;
		return err;
	}
	return 0;
}

static int
ext2fs_unmount(struct mount *mp, bool force)
{
	struct e2fs *fs = mp->mnt_data;
	int err;

	/* A write error keeps the mount, unless forced (doc/vfs.md). */
	err = ext2_sync(fs);
	if (err != 0 && !force)
		return err;
	err = vflush(mp, force);
	if (err != 0)
		return err;
	err = ext2_unmount(fs);
	mp->mnt_data = NULL;
	return force ? 0 : err;
}

static int
ext2fs_statvfs(struct mount *mp, struct kstatvfs *sb)
{
	struct e2fs *fs = mp->mnt_data;
	struct e2statfs st;

	ext2_statfs(fs, &st);
	memset(sb, 0, sizeof(*sb));
	sb->f_bsize = st.bsize;
	sb->f_iosize = st.bsize;
	sb->f_blocks = st.blocks;
	sb->f_bfree = st.bfree;
	sb->f_bavail = st.bavail;
	sb->f_bresvd = st.bfree - st.bavail;
	sb->f_files = st.files;
	sb->f_ffree = st.ffree;
	sb->f_favail = st.ffree;
	sb->f_namemax = E2_MAXNAMLEN;
	return 0;
}

static int
ext2fs_sync(struct mount *mp)
{
	return ext2_sync(mp->mnt_data);
}

const struct vfsops ext2fs_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_flags = VFS_NEEDDEV,
	.vfs_mount = ext2fs_mount,
	.vfs_unmount = ext2fs_unmount,
	.vfs_statvfs = ext2fs_statvfs,
	.vfs_sync = ext2fs_sync,
};

#endif /* VNODE_H */
