/*
 * The mount table and the calls on it: mount(2) as NetBSD's __mount50,
 * unmount(2), statvfs1(2), fstatvfs1(2), getvfsstat(2) (doc/vfs.md).
 * Only root mounts and unmounts.
 */
#include <string.h>

#include "kern.h"

#define VFS_NAMELEN    32   /* NetBSD's _VFS_NAMELEN */
#define MOUNT_ARGS_MAX 4096 /* a file system's mount argument */

struct mount *rootmount;
/* The kernel's tmpfs when a disk is "/": mounted on /dev, never unmounted. */
static struct mount *devmount;
static uint32_t nextfsid = 0x1700; /* "/" keeps the st_dev it always had */

/* The file system types the kernel has. */
static const struct vfsops *const vfs_types[] = {
	&tmpfs_vfsops,
	&ext2fs_vfsops,
};

const struct vfsops *
vfs_type(const char *name)
{
	for (size_t i = 0; i < sizeof(vfs_types) / sizeof(vfs_types[0]); i++)
		if (strcmp(vfs_types[i]->vfs_name, name) == 0)
			return vfs_types[i];
	return NULL;
}

static int mount_device(struct lwp *l, const char *from, struct blkdev **bdp);

static struct mount *
mount_alloc(const struct vfsops *ops, int flags, const char *from, const char *on)
{
	struct mount *mp = kmem_obj_alloc(sizeof(*mp));

	if (mp == NULL)
		return NULL;
	mp->mnt_op = ops;
	mp->mnt_flag = flags;
	mp->mnt_fsid = nextfsid++;
	strncpy(mp->mnt_from, from, MNAMELEN - 1);
	strncpy(mp->mnt_on, on, MNAMELEN - 1);
	return mp;
}

int
vfs_mountroot(void)
{
	struct mount *mp = mount_alloc(&tmpfs_vfsops, RUMP_MNT_ROOTFS, "tmpfs",
	    "/");
	int error;

	if (mp == NULL)
		return RUMP_ENOMEM;
	if ((error = tmpfs_vfsops.vfs_mount(mp, NULL, NULL, 0)) != 0) {
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	rootmount = mp;
	rootvnode = mp->mnt_root;
	vref(rootvnode); /* rootvnode's own, never dropped */
	return 0;
}

/*
 * The disk at from becomes "/" (the boot command line's root=, doc/cmdline.md):
 * it is mounted, and the kernel's tmpfs, which has the device nodes, moves
 * to the disk's /dev (made when missing and the disk is writable) with its
 * /dev directory as its root. Its /tmp and "/" are no longer reachable.
 * The caller fixes the working directories that still point at the old "/".
 */
int
vfs_mountroot_disk(struct lwp *l, const char *fstype, const char *from, int flags)
{
	const struct vfsops *ops = vfs_type(fstype);
	struct mount *mp, *old = rootmount;
	struct vnode *ddev = NULL, *kdev = NULL;
	struct blkdev *bd = NULL;
	int error;

	if (ops == NULL || !(ops->vfs_flags & VFS_NEEDDEV))
		return RUMP_ENODEV;
	if (devmount != NULL)
		return RUMP_EBUSY; /* once, at boot */
	if ((error = mount_device(l, from, &bd)) != 0)
		return error;
	mp = mount_alloc(ops,
	    RUMP_MNT_ROOTFS | (flags & (RUMP_MNT_RDONLY | RUMP_MNT_FORCE)),
	    from, "/");
	if (mp == NULL)
		return RUMP_ENOMEM;
	mp->mnt_blk = bd;
	if ((error = ops->vfs_mount(mp, bd, NULL, 0)) != 0) {
		if (mp->mnt_root != NULL)
			ops->vfs_unmount(mp, true);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	mp->mnt_flag &= ~RUMP_MNT_FORCE;
	error = mp->mnt_root->v_op->vop_lookup(mp->mnt_root, "dev", &ddev);
	if (error == RUMP_ENOENT)
		error = vn_create_node(mp->mnt_root, "dev", VDIR, 0755, CRED(l),
		    "", &ddev);
	if (error == 0 && ddev->v_type != VDIR)
		error = RUMP_ENOTDIR;
	if (error == 0)
		error = old->mnt_root->v_op->vop_lookup(old->mnt_root, "dev",
		    &kdev);
	if (error != 0) {
		if (ddev != NULL)
			vrele(ddev);
		ops->vfs_unmount(mp, true);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	/* The old root keeps rootvnode's and the mount's references: harmless. */
	old->mnt_root = kdev;	      /* the lookup's reference */
	old->mnt_vnodecovered = ddev; /* the lookup's reference */
	old->mnt_flag &= ~RUMP_MNT_ROOTFS;
	strcpy(old->mnt_on, "/dev");
	ddev->v_mountedhere = old;
	devmount = old;
	mp->mnt_next = old;
	rootmount = mp;
	rootvnode = mp->mnt_root;
	vref(rootvnode); /* rootvnode's own, never dropped */
	return 0;
}

/* The disk at path from (a VBLK node) for a VFS_NEEDDEV type. */
static int
mount_device(struct lwp *l, const char *from, struct blkdev **bdp)
{
	struct nameidata nd;
	int error = namei_kernel(l, from, LOOKUP_FOLLOW, &nd);

	if (error != 0)
		return error;
	if (nd.ni_vp->v_type != VBLK)
		error = RUMP_ENOTBLK;
	else if (vn_devattach(nd.ni_vp) != 0 || nd.ni_vp->v_blk == NULL)
		error = RUMP_ENXIO; /* a mknod(2) node of no disk */
	else
		*bdp = nd.ni_vp->v_blk;
	nd_done(&nd);
	for (struct mount *mp = rootmount; error == 0 && mp != NULL;
	     mp = mp->mnt_next)
		if (mp->mnt_blk == *bdp)
			error = RUMP_EBUSY; /* mounted already */
	return error;
}

int
vfs_domount(struct lwp *l, const char *fstype, const char *from, const char *on,
    int flags, const void *args, size_t argslen)
{
	const struct vfsops *ops = vfs_type(fstype);
	struct blkdev *bd = NULL;
	struct nameidata nd;
	struct mount *mp, **tail;
	struct vnode *vp;
	int error;

	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	if (flags & RUMP_MNT_UPDATE)
		return RUMP_EOPNOTSUPP; /* changing a mount's flags: not done */
	if (ops == NULL)
		return RUMP_ENODEV;
	if (ops->vfs_flags & VFS_NEEDDEV) {
		if (from == NULL)
			return RUMP_EINVAL;
		if ((error = mount_device(l, from, &bd)) != 0)
			return error;
	}
	if ((error = namei_kernel(l, on, LOOKUP_FOLLOW, &nd)) != 0)
		return error;
	vp = nd.ni_vp;
	/*
	 * As NetBSD, a file system may be mounted on the root of another
	 * (stacked: the lookup of on ended in the topmost one), "/" too.
	 */
	if (vp->v_type != VDIR || vp->v_mount == NULL) {
		nd_done(&nd);
		return vp->v_type != VDIR ? RUMP_ENOTDIR : RUMP_EBUSY;
	}
	/* MNT_FORCE at mount: a file system not cleanly unmounted too. */
	mp = mount_alloc(ops,
	    flags &
		(RUMP_MNT_RDONLY | RUMP_MNT_NOEXEC | RUMP_MNT_NOSUID |
		    RUMP_MNT_NODEV | RUMP_MNT_FORCE),
	    bd != NULL ? from : fstype, on);
	if (mp == NULL) {
		nd_done(&nd);
		return RUMP_ENOMEM;
	}
	mp->mnt_blk = bd;
	/* Set first: a mount that sleeps (disk I/O) keeps the disk taken. */
	mp->mnt_unmounting = true;
	for (tail = &rootmount; *tail != NULL; tail = &(*tail)->mnt_next)
		continue;
	*tail = mp;
	error = ops->vfs_mount(mp, bd, args, argslen);
	if (error == 0 && vp->v_mountedhere != NULL)
		error = RUMP_EBUSY; /* another mount got there meanwhile */
	if (error != 0) {
		if (mp->mnt_root != NULL)
			ops->vfs_unmount(mp, true);
		for (tail = &rootmount; *tail != mp; tail = &(*tail)->mnt_next)
			continue;
		*tail = mp->mnt_next;
		kmem_free(mp, sizeof(*mp));
		nd_done(&nd);
		return error;
	}
	mp->mnt_unmounting = false;
	mp->mnt_flag &= ~RUMP_MNT_FORCE;
	mp->mnt_vnodecovered = vp; /* nd's reference */
	vp->v_mountedhere = mp;
	return 0;
}

int
sys___mount50(struct lwp *l, const void *a, register_t *rv)
{
	const char *utype = ARG(a, 0, const char *);
	const char *upath = ARG(a, 1, const char *);
	int flags = ARG(a, 2, int);
	const void *udata = ARG(a, 3, const void *);
	size_t len = ARG(a, 4, size_t);
	char type[VFS_NAMELEN], *path = NULL, *from = NULL;
	const struct vfsops *ops;
	void *args = NULL;
	int error;

	(void)rv;
	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	if ((error = copyinstr(utype, type, sizeof(type), NULL)) != 0)
		return error;
	if ((ops = vfs_type(type)) == NULL)
		return RUMP_ENODEV;
	if ((path = kmem_zalloc(RUMP_PATH_MAX)) == NULL)
		return RUMP_ENOMEM;
	if ((error = copyinstr(upath, path, RUMP_PATH_MAX, NULL)) != 0)
		goto out;
	if (ops->vfs_flags & VFS_NEEDDEV) {
		/* NetBSD's struct ufs_args: { char *fspec; }. */
		const char *fspec;
		if (udata == NULL || len < sizeof(fspec)) {
			error = RUMP_EINVAL;
			goto out;
		}
		if ((error = copyin(udata, &fspec, sizeof(fspec))) != 0)
			goto out;
		if ((from = kmem_zalloc(RUMP_PATH_MAX)) == NULL) {
			error = RUMP_ENOMEM;
			goto out;
		}
		if ((error = copyinstr(fspec, from, RUMP_PATH_MAX, NULL)) != 0)
			goto out;
		len = 0;
	} else if (udata != NULL && len > 0) {
		if (len > MOUNT_ARGS_MAX) {
			error = RUMP_EINVAL;
			goto out;
		}
		if ((args = kmem_zalloc(len)) == NULL) {
			error = RUMP_ENOMEM;
			goto out;
		}
		if ((error = copyin(udata, args, len)) != 0)
			goto out;
	}
	error = vfs_domount(l, type, from, path, flags, args, args ? len : 0);
out:
	if (args != NULL)
		kmem_free(args, len);
	if (from != NULL)
		kmem_free(from, RUMP_PATH_MAX);
	kmem_free(path, RUMP_PATH_MAX);
	return error;
}

int
sys_unmount(struct lwp *l, const void *a, register_t *rv)
{
	int flags = ARG(a, 1, int), error;
	bool force = (flags & RUMP_MNT_FORCE) != 0;
	struct nameidata nd;
	struct mount *mp, **pp;
	struct vnode *covered;

	(void)rv;
	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), LOOKUP_FOLLOW,
	    &nd);
	if (error != 0)
		return error;
	mp = nd.ni_vp->v_mount;
	if (mp == NULL || nd.ni_vp != mp->mnt_root)
		error = RUMP_EINVAL; /* not a mount point */
	nd_done(&nd);
	if (error != 0)
		return error;
	if (mp == rootmount || mp == devmount || mp->mnt_unmounting ||
	    mp->mnt_busy > 0)
		return RUMP_EBUSY;
	/* A file system mounted inside keeps it, even forced. */
	for (struct mount *m = rootmount; m != NULL; m = m->mnt_next)
		if (m->mnt_vnodecovered != NULL &&
		    m->mnt_vnodecovered->v_mount == mp)
			return RUMP_EBUSY;
	/* Open files, working directories, lookups in progress. */
	if (!force && (mp->mnt_nrefd > 1 || mp->mnt_root->v_refs > 1))
		return RUMP_EBUSY;
	mp->mnt_unmounting = true;
	if ((error = mp->mnt_op->vfs_unmount(mp, force)) != 0) {
		mp->mnt_unmounting = false;
		return error;
	}
	covered = mp->mnt_vnodecovered;
	covered->v_mountedhere = NULL;
	for (pp = &rootmount; *pp != mp; pp = &(*pp)->mnt_next)
		continue;
	*pp = mp->mnt_next;
	kmem_free(mp, sizeof(*mp));
	vrele(covered);
	return 0;
}

/* ---- statvfs ---- */

_Static_assert(sizeof(struct rump_statvfs) == 2256,
    "NetBSD's statvfs90 is 2256 bytes");

/* Fills *st for mp. */
static int
statvfs_fill(struct mount *mp, struct rump_statvfs *st)
{
	struct kstatvfs sb;
	int error;

	memset(&sb, 0, sizeof(sb));
	if ((error = mp->mnt_op->vfs_statvfs(mp, &sb)) != 0)
		return error;
	memset(st, 0, sizeof(*st));
	st->f_flag = (uint64_t)(mp->mnt_flag &
			 (RUMP_MNT_RDONLY | RUMP_MNT_NOEXEC | RUMP_MNT_NOSUID |
			     RUMP_MNT_NODEV | RUMP_MNT_ROOTFS)) |
	    RUMP_MNT_LOCAL;
	st->f_bsize = st->f_frsize = sb.f_bsize;
	st->f_iosize = sb.f_iosize;
	st->f_blocks = sb.f_blocks;
	st->f_bfree = sb.f_bfree;
	st->f_bavail = sb.f_bavail;
	st->f_bresvd = sb.f_bresvd;
	st->f_files = sb.f_files;
	st->f_ffree = sb.f_ffree;
	st->f_favail = sb.f_favail;
	st->f_fresvd = sb.f_fresvd;
	st->f_fsidx[0] = (int32_t)mp->mnt_fsid;
	st->f_fsid = mp->mnt_fsid;
	st->f_namemax = sb.f_namemax;
	strncpy(st->f_fstypename, mp->mnt_op->vfs_name, VFS_NAMELEN - 1);
	memcpy(st->f_mntonname, mp->mnt_on, MNAMELEN); /* NUL-terminated */
	memcpy(st->f_mntfromname, mp->mnt_from, MNAMELEN);
	return 0;
}

static int
statvfs_out(struct vnode *vp, void *ubuf)
{
	struct rump_statvfs *st;
	int error;

	if (vp->v_mount == NULL)
		return RUMP_EIO; /* dead: forcibly unmounted */
	if ((st = kmem_zalloc(sizeof(*st))) == NULL)
		return RUMP_ENOMEM;
	if ((error = statvfs_fill(vp->v_mount, st)) == 0)
		error = copyout(st, ubuf, sizeof(*st));
	kmem_free(st, sizeof(*st));
	return error;
}

int
sys_statvfs1(struct lwp *l, const void *a, register_t *rv)
{
	struct nameidata nd;
	int error = namei(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    LOOKUP_FOLLOW, &nd);

	(void)rv;
	if (error != 0)
		return error;
	error = statvfs_out(nd.ni_vp, ARG(a, 1, void *));
	nd_done(&nd);
	return error;
}

int
sys_fstatvfs1(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	int error;

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &vnode_fileops)
		return RUMP_EINVAL;
	file_hold(fp); /* across the copyout, which may wait */
	error = statvfs_out(fp->data, ARG(a, 1, void *));
	file_release(fp);
	return error;
}

/*
 * getvfsstat(2): as many mounts as fit in bufsize bytes, in mount order;
 * with a NULL buffer, how many there are.
 */
int
sys_getvfsstat(struct lwp *l, const void *a, register_t *rv)
{
	char *ubuf = ARG(a, 0, char *);
	size_t max = ARG(a, 1, size_t) / sizeof(struct rump_statvfs), n = 0;
	struct rump_statvfs *st;
	int error = 0;

	(void)l;
	if (ubuf == NULL) {
		for (struct mount *mp = rootmount; mp != NULL; mp = mp->mnt_next)
			if (!mp->mnt_unmounting)
				n++;
		*rv = (register_t)n;
		return 0;
	}
	if ((st = kmem_zalloc(sizeof(*st))) == NULL)
		return RUMP_ENOMEM;
	/*
	 * The copyout may wait and the table change meanwhile: count the
	 * position, and find the next mount by it again each time.
	 */
	while (n < max && error == 0) {
		struct mount *mp = rootmount;
		size_t i = 0;
		for (; mp != NULL; mp = mp->mnt_next)
			if (!mp->mnt_unmounting && i++ == n)
				break;
		if (mp == NULL)
			break;
		if ((error = statvfs_fill(mp, st)) == 0)
			error = copyout(st,
			    (void *)((uintptr_t)ubuf + n * sizeof(*st)),
			    sizeof(*st));
		n++;
	}
	kmem_free(st, sizeof(*st));
	if (error != 0)
		return error;
	*rv = (register_t)n;
	return 0;
}
