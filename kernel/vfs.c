/*
 * The generic vnode layer: vnodes and their references, permission
 * checks, the VOP_* calls with the checks every file system shares
 * (kernel/vnode.h, doc/vfs.md), and the character devices of /dev.
 * Path lookup is vfs_lookup.c, the mount table vfs_mount.c. Everything
 * runs holding the CPU.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"

struct vnode *rootvnode;

void
vnow(struct ktimespec *ts)
{
	int64_t s;
	long ns;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &s, &ns);
	ts->tv_sec = s;
	ts->tv_nsec = ns;
}

/* ---- vnodes and references ---- */

static void
vn_list(struct vnode *vp, struct mount *mp)
{
	vp->v_mount = mp;
	vp->v_mntnext = mp->mnt_vnodes;
	if (mp->mnt_vnodes != NULL)
		mp->mnt_vnodes->v_mntprevp = &vp->v_mntnext;
	vp->v_mntprevp = &mp->mnt_vnodes;
	mp->mnt_vnodes = vp;
}

static void
vn_unlist(struct vnode *vp)
{
	if (vp->v_mntprevp == NULL)
		return;
	*vp->v_mntprevp = vp->v_mntnext;
	if (vp->v_mntnext != NULL)
		vp->v_mntnext->v_mntprevp = vp->v_mntprevp;
	vp->v_mntprevp = NULL;
	vp->v_mntnext = NULL;
}

struct vnode *
vn_alloc(struct mount *mp, enum vtype type, const struct vnodeops *ops, void *data)
{
	struct vnode *vp = kmem_obj_alloc(sizeof(*vp));

	if (vp == NULL)
		return NULL;
	vp->v_type = type;
	vp->v_op = ops;
	vp->v_data = data;
	vp->v_refs = 1;
	vn_list(vp, mp);
	mp->mnt_nrefd++;
	return vp;
}

void
vref(struct vnode *vp)
{
	if (vp->v_refs++ == 0 && vp->v_mount != NULL)
		vp->v_mount->mnt_nrefd++;
}

/* Reclaims vp (it has no reference) and frees it. */
static void
vn_destroy(struct vnode *vp)
{
	if (vp->v_data != NULL)
		vp->v_op->vop_reclaim(vp);
	vn_unlist(vp);
	kmem_free(vp, sizeof(*vp));
}

void
vrele(struct vnode *vp)
{
	KASSERT(vp->v_refs > 0);
	if (--vp->v_refs > 0)
		return;
	if (vp->v_mount != NULL)
		vp->v_mount->mnt_nrefd--;
	/* inactive may sleep: a lookup may have found vp again meanwhile. */
	if (vp->v_op->vop_inactive(vp) && vp->v_refs == 0)
		vn_destroy(vp);
}

/* ---- dead vnodes: what a forced unmount leaves to their holders ---- */

static int
dead_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	(void)dvp;
	(void)name;
	(void)vpp;
	return RUMP_ENOENT;
}

static int
dead_create(struct vnode *dvp, const char *name, const struct vattr *va,
    const char *target, struct vnode **vpp)
{
	(void)dvp;
	(void)name;
	(void)va;
	(void)target;
	(void)vpp;
	return RUMP_ENOENT;
}

static int
dead_names(struct vnode *dvp, const char *name, struct vnode *vp)
{
	(void)dvp;
	(void)name;
	(void)vp;
	return RUMP_ENOENT;
}

static int
dead_rename(struct vnode *fdvp, const char *fname, struct vnode *fvp,
    struct vnode *tdvp, const char *tname, struct vnode *tvp)
{
	(void)fdvp;
	(void)fname;
	(void)fvp;
	(void)tdvp;
	(void)tname;
	(void)tvp;
	return RUMP_ENOENT;
}

static int
dead_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done)
{
	(void)vp;
	(void)buf;
	(void)len;
	(void)off;
	(void)done;
	return RUMP_EIO;
}

static int
dead_write(struct vnode *vp, const void *buf, size_t len, int64_t off,
    size_t *done)
{
	(void)vp;
	(void)buf;
	(void)len;
	(void)off;
	(void)done;
	return RUMP_EIO;
}

static int
dead_truncate(struct vnode *vp, int64_t len)
{
	(void)vp;
	(void)len;
	return RUMP_EIO;
}

static int
dead_setattr(struct vnode *vp, const struct vattr *va)
{
	(void)vp;
	(void)va;
	return RUMP_EIO;
}

static int
dead_readdir(struct vnode *vp, int64_t *offp, vn_filldir_t fill, void *arg)
{
	(void)vp;
	(void)offp;
	(void)fill;
	(void)arg;
	return RUMP_EIO;
}

static int
dead_readlink(struct vnode *vp, char *buf, size_t len, size_t *done)
{
	(void)vp;
	(void)buf;
	(void)len;
	(void)done;
	return RUMP_EIO;
}

static int
dead_fsync(struct vnode *vp)
{
	(void)vp;
	return RUMP_EIO;
}

static bool
dead_inactive(struct vnode *vp)
{
	(void)vp;
	return true;
}

static void
dead_reclaim(struct vnode *vp)
{
	(void)vp;
}

static const struct vnodeops dead_vnodeops = {
	.vop_lookup = dead_lookup,
	.vop_create = dead_create,
	.vop_link = dead_names,
	.vop_remove = dead_names,
	.vop_rename = dead_rename,
	.vop_read = dead_read,
	.vop_write = dead_write,
	.vop_truncate = dead_truncate,
	.vop_setattr = dead_setattr,
	.vop_readdir = dead_readdir,
	.vop_readlink = dead_readlink,
	.vop_fsync = dead_fsync,
	.vop_inactive = dead_inactive,
	.vop_reclaim = dead_reclaim,
};

int
vflush(struct mount *mp, bool force)
{
	struct vnode *vp, *next;

	if (!force)
		for (vp = mp->mnt_vnodes; vp != NULL; vp = vp->v_mntnext)
			if (vp->v_refs > (vp == mp->mnt_root ? 1 : 0))
				return RUMP_EBUSY;
	for (vp = mp->mnt_vnodes; vp != NULL; vp = next) {
		next = vp->v_mntnext;
		if (vp == mp->mnt_root)
			vp->v_refs--; /* the mount's own */
		if (vp->v_refs == 0) {
			vn_destroy(vp);
			continue;
		}
		/* In use: the file system lets go, the holders keep a corpse. */
		vp->v_op->vop_reclaim(vp);
		vp->v_op = &dead_vnodeops;
		vp->v_data = NULL;
		vn_unlist(vp);
		vp->v_mount = NULL;
	}
	mp->mnt_root = NULL;
	mp->mnt_nrefd = 0;
	return 0;
}

int
vaccess(struct vnode *vp, struct kauth_cred *cred, int acc)
{
	uint32_t bits;

	/* Not even root writes an immutable file (chflags(2)). */
	if ((acc & VWRITE) && (vp->v_flags & IMMUTABLE))
		return RUMP_EPERM;
	if (cred->euid == 0) {
		/* Root may do anything but execute what nobody may. */
		if ((acc & VEXEC) && vp->v_type != VDIR && !(vp->v_mode & 0111))
			return RUMP_EACCES;
		return 0;
	}
	if (cred->euid == vp->v_uid)
		bits = (vp->v_mode >> 6) & 7;
	else {
		bool member = cred->egid == vp->v_gid;
		for (int i = 0; !member && i < cred->ngroups; i++)
			member = cred->groups[i] == vp->v_gid;
		bits = member ? (vp->v_mode >> 3) & 7 : vp->v_mode & 7;
	}
	return (bits & (uint32_t)acc) == (uint32_t)acc ? 0 : RUMP_EACCES;
}

int
vn_rdonly(struct vnode *vp)
{
	if (vp->v_mount == NULL)
		return RUMP_EIO; /* dead: its file system is gone */
	return (vp->v_mount->mnt_flag & RUMP_MNT_RDONLY) ? RUMP_EROFS : 0;
}

/* ---- the operations with the generic checks ---- */

int
vn_create_node(struct vnode *dvp, const char *name, enum vtype type,
    uint32_t mode, struct kauth_cred *cred, const char *target,
    struct vnode **vpp)
{
	/* New files take the directory's group, as on BSD. */
	struct vattr va = {
		.va_type = type,
		.va_mode = mode & 07777,
		.va_uid = cred->euid,
		.va_gid = dvp->v_gid,
	};
	int error;

	if ((error = vn_rdonly(dvp)) != 0)
		return error;
	error = dvp->v_op->vop_create(dvp, name, &va, target, vpp);
	if (error == 0) /* a new entry; a directory's ".." links */
		kq_vnode_note(dvp,
		    RUMP_NOTE_WRITE | (type == VDIR ? RUMP_NOTE_LINK : 0));
	return error;
}

struct vnode *
vn_create(struct vnode *dvp, const char *name, enum vtype type, uint32_t mode,
    struct kauth_cred *cred, int *errp)
{
	struct vnode *vp;

	*errp = vn_create_node(dvp, name, type, mode, cred, "", &vp);
	if (*errp != 0)
		return NULL;
	vrele(vp); /* named, so it stays */
	return vp;
}

int
vn_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done)
{
	if (vp->v_type == VDIR)
		return RUMP_EISDIR;
	if (vp->v_blk != NULL)
		return blkdev_vn_rw(vp, buf, len, off, false, done);
	if (off < 0)
		return RUMP_EINVAL;
	return vp->v_op->vop_read(vp, buf, len, off, done);
}

int
vn_write(struct vnode *vp, const void *buf, size_t len, int64_t off, size_t *done)
{
	int64_t size;
	int error;

	if (vp->v_blk != NULL)
		return blkdev_vn_rw(vp, (void *)(uintptr_t)buf, len, off, true,
		    done);
	if (off < 0)
		return RUMP_EINVAL;
	if ((error = vn_rdonly(vp)) != 0)
		return error;
	/* An append-only file grows only at its end (chflags(2)). */
	if ((vp->v_flags & APPEND) && off != vp->v_size)
		return RUMP_EPERM;
	size = vp->v_size;
	*done = 0;
	error = vp->v_op->vop_write(vp, buf, len, off, done);
	if (*done > 0)
		kq_vnode_note(vp,
		    RUMP_NOTE_WRITE | (vp->v_size > size ? RUMP_NOTE_EXTEND : 0));
	return error;
}

int
vn_truncate(struct vnode *vp, int64_t len)
{
	int64_t size;
	int error;

	if (vp->v_type == VDIR)
		return RUMP_EISDIR;
	if (vp->v_type != VREG)
		return RUMP_EINVAL;
	if (len < 0)
		return RUMP_EINVAL;
	if ((error = vn_rdonly(vp)) != 0)
		return error;
	if (vp->v_flags & (IMMUTABLE | APPEND))
		return RUMP_EPERM;
	size = vp->v_size;
	if ((error = vp->v_op->vop_truncate(vp, len)) == 0)
		kq_vnode_note(vp,
		    RUMP_NOTE_ATTRIB | (len != size ? RUMP_NOTE_WRITE : 0) |
			(len > size ? RUMP_NOTE_EXTEND : 0));
	return error;
}

int
vn_setattr(struct vnode *vp, const struct vattr *va)
{
	int error;

	if ((error = vn_rdonly(vp)) != 0)
		return error;
	/* Only the flags change on an immutable or append-only file. */
	if ((va->va_mask & ~VA_FLAGS) && (vp->v_flags & (IMMUTABLE | APPEND)))
		return RUMP_EPERM;
	if ((error = vp->v_op->vop_setattr(vp, va)) == 0)
		kq_vnode_note(vp, RUMP_NOTE_ATTRIB);
	return error;
}

int
vn_fsync(struct vnode *vp)
{
	if ((vp->v_type == VCHR && vp->v_dev != NULL) || vp->v_mount == NULL)
		return 0; /* the kernel's devices; dead: nothing left */
	return vp->v_op->vop_fsync(vp);
}

/* readdir's fill for vn_dirempty: any name but "." and ".." stops it. */
static int
fill_notempty(void *arg, const char *name, size_t namelen, uint64_t ino,
    enum vtype type, int64_t nextoff)
{
	bool *found = arg;

	(void)ino;
	(void)type;
	(void)nextoff;
	if ((namelen == 1 && name[0] == '.') ||
	    (namelen == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	*found = true;
	return 1;
}

int
vn_dirempty(struct vnode *vp)
{
	int64_t off = 0;
	bool found = false;
	int error = vp->v_op->vop_readdir(vp, &off, fill_notempty, &found);

	if (error != 0)
		return error;
	return found ? RUMP_ENOTEMPTY : 0;
}

/* ---- devices ---- */

static int
null_read(void *buf, size_t len, size_t *done)
{
	(void)buf;
	(void)len;
	*done = 0;
	return 0;
}

static int
sink_write(const void *buf, size_t len, size_t *done)
{
	(void)buf;
	*done = len;
	return 0;
}

static int
zero_read(void *buf, size_t len, size_t *done)
{
	memset(buf, 0, len);
	*done = len;
	return 0;
}

static int
random_read(void *buf, size_t len, size_t *done)
{
	return rumpuser_getrandom(buf, len, 0, done);
}

static int
console_write(const void *buf, size_t len, size_t *done)
{
	const char *p = buf;

	for (size_t i = 0; i < len; i++)
		rumpuser_putchar(p[i]);
	*done = len;
	return 0;
}

/* NetBSD amd64 major/minor numbers: mem 2 (null 2, zero 12), cons 0, rnd 46. */
static const struct devsw devices[] = {
	{ "null", (2ULL << 8) | 2, null_read, sink_write },
	{ "zero", (2ULL << 8) | 12, zero_read, sink_write },
	{ "console", 0, null_read, console_write },
	{ "random", (46ULL << 8) | 0, random_read, sink_write },
	{ "urandom", (46ULL << 8) | 1, random_read, sink_write },
};

const struct devsw *
devsw_lookup(uint64_t rdev)
{
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i].rdev == rdev)
			return &devices[i];
	return NULL;
}

void
vfs_init(void)
{
	struct vnode *dev, *tmp, *vp;
	int error;

	if ((error = vfs_mountroot()) != 0)
		kpanic("cannot make the root file system: error %d", error);
	dev = vn_create(rootvnode, "dev", VDIR, 0755, proc0.p_cred, &error);
	tmp = vn_create(rootvnode, "tmp", VDIR, 01777, proc0.p_cred, &error);
	if (dev == NULL || tmp == NULL)
		kpanic("out of memory for /dev and /tmp");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		vp = vn_create(dev, devices[i].name, VCHR, 0666, proc0.p_cred,
		    &error);
		if (vp == NULL)
			kpanic("out of memory for /dev/%s", devices[i].name);
		if (strcmp(devices[i].name, "console") == 0)
			vp->v_mode = 0600;
		vp->v_dev = &devices[i];
		vp->v_rdev = devices[i].rdev;
	}
}
