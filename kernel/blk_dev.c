/*
 * Disks as device nodes: the block device /dev/ldN (VBLK) and the raw one
 * /dev/rldN (VCHR), NetBSD's names and numbers (ld: block major 19, char
 * major 69, minor unit * 16 + 3, the whole-disk partition 'd' of amd64).
 * The host attaches disks with rump_pub_etfs_register(3); in the image the
 * kernel attaches the machine's disks at boot (blkdev_autoconf).
 *
 * Transfers follow NetBSD's disks: the raw node moves whole sectors only
 * (a misaligned offset or length is EINVAL), the block node any bytes (the
 * sectors around a partial one are read and written back whole). A
 * transfer starting at the end reads or writes nothing, one starting past
 * it is EINVAL, one running over it is cut at the end; writing a read-only
 * disk is EROFS.
 */
#include <stdio.h>
#include <string.h>

#include "blk.h"
#include "kern.h"

#define LD_BMAJOR   19
#define LD_CMAJOR   69
#define LD_MINOR(u) ((uint64_t)(u)*16 + 3)
/* NetBSD's minor numbers above 255 go to bits 20 and up (makedev). */
#define MKDEV(ma, mi)                        \
	((((uint64_t)(ma) << 8) & 0xfff00) | \
	    (((uint64_t)(mi) << 12) & 0xfff00000) | ((uint64_t)(mi)&0xff))

#define OPERATOR_GID 5 /* NetBSD's group of disk nodes */
#define MAXUNITS     64

/* A disk's nodes: what stat(2) reports for them. */
struct blknode {
	struct blkdev *bd;
	struct devsw bsw, csw;	   /* names and device numbers */
	struct vnode *bvp, *cvp;   /* either may be NULL */
	struct vnode *bdir, *cdir; /* their directories */
	char bname[NAME_MAX + 1], cname[NAME_MAX + 1];
	/*
	 * Writes through the block node one at a time: a partial sector is
	 * read, patched and written back, and a second writer of the same
	 * sector meanwhile would have its bytes undone.
	 */
	bool wlocked;
	struct kcv wcv;
};

static struct blknode *nodes[MAXUNITS];

/* ---- transfers on the nodes ---- */

/* Reads or writes the part [skip, skip+n) of the sector at sec. */
static int
partial(struct blkdev *bd, uint64_t sec, size_t skip, size_t n, void *buf,
    bool write)
{
	uint8_t *s = kmem_zalloc(BLK_SECSIZE);
	int error;

	if (s == NULL)
		return RUMP_ENOMEM;
	error = blkdev_read(bd, s, BLK_SECSIZE, sec);
	if (error == 0 && !write)
		memcpy(buf, s + skip, n);
	if (error == 0 && write) {
		memcpy(s + skip, buf, n);
		error = blkdev_write(bd, s, BLK_SECSIZE, sec);
	}
	kmem_free(s, BLK_SECSIZE);
	return error;
}

static int vn_rw(struct vnode *vp, void *buf, size_t len, int64_t off,
    bool write, size_t *done);

int
blkdev_vn_rw(struct vnode *vp, void *buf, size_t len, int64_t off, bool write,
    size_t *done)
{
	int unit = blkdev_unit(vp->v_blk), error;
	struct blknode *bn = unit >= 0 && unit < MAXUNITS ? nodes[unit] : NULL;

	if (!write || vp->v_type != VBLK || bn == NULL)
		return vn_rw(vp, buf, len, off, write, done);
	while (bn->wlocked)
		kcv_wait_nointr(&bn->wcv);
	bn->wlocked = true;
	error = vn_rw(vp, buf, len, off, write, done);
	bn->wlocked = false;
	kcv_broadcast(&bn->wcv);
	return error;
}

static int
vn_rw(struct vnode *vp, void *buf, size_t len, int64_t off, bool write,
    size_t *done)
{
	struct blkdev *bd = vp->v_blk;
	uint64_t size = blkdev_size(bd), o;
	uint8_t *p = buf;
	size_t n = 0, head, mid;
	int error = 0;

	*done = 0;
	if (off < 0)
		return RUMP_EINVAL;
	o = (uint64_t)off;
	if (vp->v_type == VCHR && (o % BLK_SECSIZE != 0 || len % BLK_SECSIZE != 0))
		return RUMP_EINVAL;
	if (write && blkdev_readonly(bd))
		return RUMP_EROFS;
	if (o > size)
		return RUMP_EINVAL;
	if (len > size - o)
		len = (size_t)(size - o);
	if (len == 0)
		return 0;
	/* A partial first sector, whole sectors, a partial last sector. */
	head = (size_t)(o % BLK_SECSIZE);
	if (head != 0) {
		size_t k = BLK_SECSIZE - head < len ? BLK_SECSIZE - head : len;
		if ((error = partial(bd, o - head, head, k, p, write)) != 0)
			return error;
		n = k;
	}
	mid = (len - n) - (len - n) % BLK_SECSIZE;
	if (mid > 0) {
		error = write ? blkdev_write(bd, p + n, mid, o + n) :
				blkdev_read(bd, p + n, mid, o + n);
		if (error != 0)
			goto out;
		n += mid;
	}
	if (n < len) {
		if ((error = partial(bd, o + n, 0, len - n, p + n, write)) != 0)
			goto out;
		n = len;
	}
out:
	*done = n;
	return n > 0 ? 0 : error;
}

int
blkdev_ioctl(struct file *fp, unsigned long com, void *data)
{
	struct vnode *vp = fp->data;
	uint64_t size;
	uint32_t secsize = BLK_SECSIZE;

	if (fp->ops != &vnode_fileops || vp->v_blk == NULL)
		return RUMP_ENOTTY;
	switch (com) {
	case RUMP_DIOCGMEDIASIZE:
		size = blkdev_size(vp->v_blk);
		return copyout(&size, data, sizeof(size));
	case RUMP_DIOCGSECTORSIZE:
		return copyout(&secsize, data, sizeof(secsize));
	case RUMP_DIOCCACHESYNC:
		if (!(fp->flag & FWRITE))
			return RUMP_EBADF;
		return blkdev_flush(vp->v_blk);
	default:
		return RUMP_ENOTTY;
	}
}

/* ---- nodes ---- */

/*
 * The entry name of directory dvp, unreferenced (the nodes live in /dev's
 * tmpfs, which keeps every named vnode), or NULL.
 */
static struct vnode *
entry(struct vnode *dvp, const char *name)
{
	struct vnode *vp;

	if (dvp->v_op->vop_lookup(dvp, name, &vp) != 0)
		return NULL;
	vrele(vp);
	return vp;
}

/* The directory of path (which must exist) and its last name. */
static int
split_path(const char *path, struct vnode **dvpp, char *name)
{
	struct vnode *dvp = rootvnode;
	const char *p = path, *end;
	char comp[NAME_MAX + 1];
	struct vnode *vp;
	size_t len;

	if (path == NULL || path[0] != '/')
		return RUMP_EINVAL;
	for (;;) {
		while (*p == '/')
			p++;
		for (end = p; *end != '\0' && *end != '/'; end++)
			continue;
		len = (size_t)(end - p);
		if (len == 0 || len > NAME_MAX)
			return len == 0 ? RUMP_EINVAL : RUMP_ENAMETOOLONG;
		memcpy(comp, p, len);
		comp[len] = '\0';
		for (p = end; *p == '/'; p++)
			continue;
		if (*p == '\0')
			break;
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
			return RUMP_EINVAL;
		if ((vp = entry(dvp, comp)) == NULL)
			return RUMP_ENOENT;
		if (vp->v_type != VDIR)
			return RUMP_ENOTDIR;
		dvp = vp;
	}
	if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
		return RUMP_EINVAL;
	memcpy(name, comp, len + 1);
	*dvpp = dvp;
	return 0;
}

static struct vnode *
make_node(struct vnode *dvp, const char *name, enum vtype type,
    struct blknode *bn, const struct devsw *sw, int *errp)
{
	struct vnode *vp;

	if (entry(dvp, name) != NULL) {
		*errp = RUMP_EEXIST;
		return NULL;
	}
	vp = vn_create(dvp, name, type, 0640, proc0.p_cred, errp);
	if (vp == NULL)
		return NULL;
	vp->v_gid = OPERATOR_GID; /* /dev's tmpfs: set in place */
	vp->v_blk = bn->bd;
	vp->v_dev = sw;
	vp->v_rdev = sw->rdev;
	return vp;
}

static bool
node_idle(struct vnode *vp)
{
	/* Open, a lookup in progress, or another name for it: still in use. */
	return vp == NULL || (vp->v_refs == 0 && vp->v_nlink == 1);
}

static void
drop_node(struct vnode *dvp, const char *name, struct vnode *vp)
{
	if (vp == NULL)
		return;
	if (entry(dvp, name) == vp) {
		vref(vp); /* a removal's node is referenced */
		dvp->v_op->vop_remove(dvp, name, vp);
		vrele(vp);
	}
}

/*
 * Attaches hostpath as a disk with nodes at key: a block node, and the raw
 * node "r" + the last name beside it (blk), or only a raw node (!blk).
 */
static int
register_disk(const char *key, const char *hostpath, bool blk, bool ro,
    uint64_t begin, uint64_t size)
{
	char name[NAME_MAX + 1], dname[16];
	struct vnode *dvp;
	struct blknode *bn;
	int error, unit = -1;

	if ((error = split_path(key, &dvp, name)) != 0)
		return error;
	if (blk && strlen(name) >= NAME_MAX)
		return RUMP_ENAMETOOLONG;
	/* A key named ldN (rldN for a raw one) chooses the unit. */
	if (strncmp(name, blk ? "ld" : "rld", blk ? 2 : 3) == 0) {
		unit = 0;
		for (const char *p = name + (blk ? 2 : 3); *p != '\0'; p++) {
			if (*p < '0' || *p > '9' || unit >= MAXUNITS) {
				unit = -1;
				break;
			}
			unit = unit * 10 + (*p - '0');
		}
		if (name[blk ? 2 : 3] == '\0' || unit >= MAXUNITS)
			unit = -1;
	}
	if (unit >= 0 && nodes[unit] != NULL)
		return RUMP_EEXIST;
	for (int u = 0; unit < 0 && u < MAXUNITS; u++)
		if (nodes[u] == NULL)
			unit = u;
	if (unit < 0)
		return RUMP_ENOSPC;
	if ((bn = kmem_obj_alloc(sizeof(*bn))) == NULL)
		return RUMP_ENOMEM;
	snprintf(dname, sizeof(dname), "ld%d", unit);
	error = blkdev_attach_range(dname, hostpath, ro, begin, size, &bn->bd);
	if (error != 0) {
		kmem_free(bn, sizeof(*bn));
		return error;
	}
	bn->bsw.name = bn->bname;
	bn->bsw.rdev = MKDEV(LD_BMAJOR, LD_MINOR(unit));
	bn->csw.name = bn->cname;
	bn->csw.rdev = MKDEV(LD_CMAJOR, LD_MINOR(unit));
	if (blk) {
		strcpy(bn->bname, name);
		bn->cname[0] = 'r';
		strcpy(bn->cname + 1, name);
		bn->bdir = bn->cdir = dvp;
		bn->bvp = make_node(dvp, bn->bname, VBLK, bn, &bn->bsw, &error);
		if (bn->bvp != NULL)
			bn->cvp = make_node(dvp, bn->cname, VCHR, bn, &bn->csw,
			    &error);
	} else {
		strcpy(bn->cname, name);
		bn->cdir = dvp;
		bn->cvp = make_node(dvp, bn->cname, VCHR, bn, &bn->csw, &error);
	}
	if (error != 0) {
		drop_node(bn->bdir, bn->bname, bn->bvp);
		blkdev_detach(bn->bd);
		kmem_free(bn, sizeof(*bn));
		return error;
	}
	nodes[unit] = bn;
	return 0;
}

/*
 * Other nodes of bn's disk, made by mknod(2) and attached at their open
 * (blkdev_lookup_rdev): true when one is in use; else, with clear, they
 * forget the disk (their next open looks again: ENXIO once it is gone).
 */
static bool
aliases_busy(struct blknode *bn, bool clear)
{
	for (struct mount *mp = rootmount; mp != NULL; mp = mp->mnt_next)
		for (struct vnode *vp = mp->mnt_vnodes; vp != NULL;
		     vp = vp->v_mntnext) {
			if (vp->v_blk != bn->bd || vp == bn->bvp || vp == bn->cvp)
				continue;
			if (vp->v_refs > 0)
				return true;
			if (clear) {
				vp->v_blk = NULL;
				vp->v_dev = NULL;
			}
		}
	return false;
}

int
blkdev_lookup_rdev(enum vtype type, uint64_t rdev, struct blkdev **bdp,
    const struct devsw **swp)
{
	for (int u = 0; u < MAXUNITS; u++) {
		struct blknode *bn = nodes[u];
		const struct devsw *sw;

		if (bn == NULL)
			continue;
		sw = type == VBLK ? &bn->bsw : &bn->csw;
		if (sw->rdev == rdev) {
			*bdp = bn->bd;
			*swp = sw;
			return 0;
		}
	}
	return RUMP_ENXIO;
}

/* The disk whose block or raw node is at key, or -1. */
static int
find_key(const char *key)
{
	char name[NAME_MAX + 1];
	struct vnode *dvp, *vp;

	if (split_path(key, &dvp, name) != 0 || (vp = entry(dvp, name)) == NULL)
		return -1;
	for (int u = 0; u < MAXUNITS; u++)
		if (nodes[u] != NULL &&
		    (nodes[u]->bvp == vp || nodes[u]->cvp == vp))
			return u;
	return -1;
}

static int
remove_disk(const char *key)
{
	struct blknode *bn;
	int u = find_key(key), error;

	if (u < 0)
		return RUMP_ENOENT;
	bn = nodes[u];
	if (!node_idle(bn->bvp) || !node_idle(bn->cvp) || aliases_busy(bn, false))
		return RUMP_EBUSY;
	if ((error = blkdev_detach(bn->bd)) != 0)
		return error;
	(void)aliases_busy(bn, true);
	drop_node(bn->bdir, bn->bname, bn->bvp);
	drop_node(bn->cdir, bn->cname, bn->cvp);
	nodes[u] = NULL;
	kcv_destroy(&bn->wcv);
	kmem_free(bn, sizeof(*bn));
	return 0;
}

void
blkdev_autoconf(void)
{
	char hyp[64], key[32];
	int error;

	for (int i = 0; i < MAXUNITS; i++) {
		if (rumpuser_ext_disk_name(i, hyp, sizeof(hyp)) != 0)
			break;
		snprintf(key, sizeof(key), "/dev/ld%d", i);
		error = register_disk(key, hyp, true, false, 0, UINT64_MAX);
		if (error != 0) {
			kern_printf("ld%d: disk %s not attached: error %d\n", i,
			    hyp, error);
			continue;
		}
		kern_printf("ld%d at %s: %llu bytes%s\n", i, hyp,
		    (unsigned long long)blkdev_size(nodes[i]->bd),
		    blkdev_readonly(nodes[i]->bd) ? ", read-only" : "");
	}
}

/* ---- rump_etfs(3) ---- */

static int
etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype,
    bool ro, uint64_t begin, uint64_t size)
{
	int error;

	if (key == NULL || hostpath == NULL)
		return RUMP_EINVAL;
	if (ftype != RUMP_ETFS_BLK && ftype != RUMP_ETFS_CHR)
		return RUMP_EOPNOTSUPP;
	rump_schedule();
	error = register_disk(key, hostpath, ftype == RUMP_ETFS_BLK, ro, begin,
	    size);
	rump_unschedule();
	return error;
}

int
rump_pub_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype)
{
	return etfs_register(key, hostpath, ftype, false, 0,
	    RUMP_ETFS_SIZE_ENDOFF);
}

int
rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size)
{
	return etfs_register(key, hostpath, ftype, false, begin, size);
}

int
rump_pub_etfs_register_rdonly(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size)
{
	return etfs_register(key, hostpath, ftype, true, begin, size);
}

int
rump_pub_etfs_remove(const char *key)
{
	int error;

	if (key == NULL)
		return RUMP_EINVAL;
	rump_schedule();
	error = remove_disk(key);
	rump_unschedule();
	return error;
}
