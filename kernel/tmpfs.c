/*
 * tmpfs: a file system in kernel memory, behind the VFS interface
 * (kernel/vnode.h, doc/vfs.md). The root file system is one; mount(2)
 * makes more (MOUNT_TMPFS).
 *
 * A tmpfs vnode is its node: it lives while it has a name (v_nlink) or a
 * reference, so inactive reclaims exactly the unnamed ones, and unmount
 * reclaims the rest. Regular files keep 4 KiB blocks in a radix tree by
 * block number (missing blocks are holes and read as zeros, so a file
 * costs the blocks it holds whatever its size); directories hash their
 * names and order them by cookie. Nothing here sleeps.
 */
#include <string.h>

#include "kern.h"

#define TMPFS_BSIZE 4096
/* The largest file size: offsets past it get EFBIG. */
#define TMPFS_MAXSIZE	 (INT64_MAX - TMPFS_BSIZE + 1)
#define DHASH_MIN	 8
#define DIR_FIRST_COOKIE 2 /* 0 and 1 are "." and ".." */

/*
 * A name in a directory. The cookie orders readdir and is its offset: it
 * grows with each entry a directory gets and is never reused there, so a
 * listing resumed at an offset neither repeats nor skips an entry that
 * stayed.
 */
struct tmpfs_dirent {
	struct tmpfs_dirent *hnext; /* the name's hash chain */
	uint64_t cookie;
	struct vnode *vp;
	char name[];
};

struct tmpfs_node {
	struct radix tn_blocks;		/* VREG: block number -> data */
	size_t tn_nblocks;		/* VREG: blocks held */
	struct tmpfs_dirent **tn_dhash; /* VDIR: names, tn_dhsize chains */
	size_t tn_dhsize;
	struct radix tn_dcookies; /* VDIR: cookie -> entry */
	uint64_t tn_dnext;	  /* VDIR: the next entry's cookie */
	struct vnode *tn_parent;  /* VDIR: for ".."; NULL at the root */
	char *tn_target;	  /* VLNK, v_size bytes and a NUL */
};

struct tmpfs_mount {
	uint64_t tm_nextino;
	/* tmpfs_args' limits (0: none but the kernel's memory) and use. */
	uint64_t tm_nodes_max, tm_nodes;
	uint64_t tm_blocks_max, tm_blocks;
};

#define TN(vp) ((struct tmpfs_node *)(vp)->v_data)

static const struct vnodeops tmpfs_vnodeops;

/* Frees the blocks of vp from block number first on. */
static void
free_blocks(struct vnode *vp, uint64_t first)
{
	struct tmpfs_mount *tm = vp->v_mount->mnt_data;
	struct tmpfs_node *tn = TN(vp);
	uint64_t b = first;
	void *blk;

	while (radix_next(&tn->tn_blocks, &b, &blk)) {
		radix_del(&tn->tn_blocks, b);
		kmem_free(blk, TMPFS_BSIZE);
		tn->tn_nblocks--;
		tm->tm_blocks--;
		b++;
	}
	vp->v_bytes = (uint64_t)tn->tn_nblocks * TMPFS_BSIZE;
}

static void
tmpfs_reclaim(struct vnode *vp)
{
	struct tmpfs_node *tn = TN(vp);
	uint64_t c = 0;
	void *p;

	free_blocks(vp, 0);
	/* Only at unmount does a directory still hold names. */
	while (radix_next(&tn->tn_dcookies, &c, &p)) {
		struct tmpfs_dirent *d = p;
		radix_del(&tn->tn_dcookies, c);
		kmem_free(d, sizeof(*d) + strlen(d->name) + 1);
		c++;
	}
	if (tn->tn_dhash != NULL)
		kmem_free(tn->tn_dhash, tn->tn_dhsize * sizeof(*tn->tn_dhash));
	if (tn->tn_target != NULL)
		kmem_free(tn->tn_target, (size_t)vp->v_size + 1);
	kmem_free(tn, sizeof(*tn));
	vp->v_data = NULL;
	((struct tmpfs_mount *)vp->v_mount->mnt_data)->tm_nodes--;
}

static bool
tmpfs_inactive(struct vnode *vp)
{
	return vp->v_nlink == 0;
}

/* A new node, referenced, with no name yet. */
static struct vnode *
tmpfs_newnode(struct mount *mp, const struct vattr *va)
{
	struct tmpfs_mount *tm = mp->mnt_data;
	struct tmpfs_node *tn;
	struct vnode *vp;

	if (tm->tm_nodes_max != 0 && tm->tm_nodes >= tm->tm_nodes_max)
		return NULL; /* ENOSPC, as for no memory */
	if ((tn = kmem_obj_alloc(sizeof(*tn))) == NULL)
		return NULL;
	if ((vp = vn_alloc(mp, va->va_type, &tmpfs_vnodeops, tn)) == NULL) {
		kmem_free(tn, sizeof(*tn));
		return NULL;
	}
	vp->v_mode = va->va_mode & 07777;
	vp->v_uid = va->va_uid;
	vp->v_gid = va->va_gid;
	vp->v_rdev = va->va_rdev;
	vp->v_ino = tm->tm_nextino++;
	tm->tm_nodes++;
	vnow(&vp->v_btime);
	vp->v_atime = vp->v_mtime = vp->v_ctime = vp->v_btime;
	if (va->va_type == VDIR)
		vp->v_nlink = 1; /* "." */
	return vp;
}

/* ---- directories: names hashed, entries ordered by cookie ---- */

/* FNV-1a over the name. */
static size_t
name_hash(const char *name)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ULL;
	return (size_t)h;
}

static struct tmpfs_dirent *
dir_find(struct vnode *dvp, const char *name)
{
	struct tmpfs_node *tn = TN(dvp);

	if (tn->tn_dhash == NULL)
		return NULL;
	for (struct tmpfs_dirent *d =
		 tn->tn_dhash[name_hash(name) & (tn->tn_dhsize - 1)];
	     d != NULL; d = d->hnext)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* The entry with the smallest cookie >= off, or NULL at the end. */
static struct tmpfs_dirent *
dir_next(struct vnode *dvp, uint64_t off)
{
	void *d;

	if (off < DIR_FIRST_COOKIE)
		off = DIR_FIRST_COOKIE;
	return radix_next(&TN(dvp)->tn_dcookies, &off, &d) ? d : NULL;
}

/*
 * Doubles the hash table when it holds more names than chains. Without
 * memory for a larger one the old one stays: slower, still right.
 */
static void
dhash_grow(struct vnode *dvp)
{
	struct tmpfs_node *tn = TN(dvp);
	size_t n = tn->tn_dhsize == 0 ? DHASH_MIN : tn->tn_dhsize * 2;
	struct tmpfs_dirent **nt;

	if (tn->tn_dhsize != 0 && (size_t)dvp->v_size <= tn->tn_dhsize)
		return;
	if ((nt = kmem_obj_alloc(n * sizeof(*nt))) == NULL)
		return;
	for (size_t i = 0; i < tn->tn_dhsize; i++) {
		struct tmpfs_dirent *d, *next;
		for (d = tn->tn_dhash[i]; d != NULL; d = next) {
			next = d->hnext;
			d->hnext = nt[name_hash(d->name) & (n - 1)];
			nt[name_hash(d->name) & (n - 1)] = d;
		}
	}
	if (tn->tn_dhash != NULL)
		kmem_free(tn->tn_dhash, tn->tn_dhsize * sizeof(*nt));
	tn->tn_dhash = nt;
	tn->tn_dhsize = n;
}

/*
 * Link counts: a node has one link per name; a directory also one for
 * its "." and one for each subdirectory's "..". vp just got a name in
 * dvp.
 */
static void
name_gained(struct vnode *dvp, struct vnode *vp)
{
	vp->v_nlink++;
	if (vp->v_type == VDIR) {
		TN(vp)->tn_parent = dvp;
		dvp->v_nlink++; /* the child's ".." */
	}
	vnow(&dvp->v_mtime);
	dvp->v_ctime = dvp->v_mtime;
}

/*
 * vp lost its name in dvp. A directory removed loses its "." too; one
 * that moved (rename: its new name is already counted) keeps it, and
 * its subdirectories' links.
 */
static void
name_lost(struct vnode *dvp, struct vnode *vp, bool moved)
{
	if (vp->v_type == VDIR) {
		dvp->v_nlink--;
		if (moved) {
			vp->v_nlink--;
		} else {
			vp->v_nlink = 0;
			TN(vp)->tn_parent = NULL;
		}
	} else {
		vp->v_nlink--;
	}
	vnow(&dvp->v_mtime);
	dvp->v_ctime = dvp->v_mtime;
	vnow(&vp->v_ctime);
}

/*
 * Enters name -> vp in dvp (st_size of a directory: its entries). A
 * removed directory, still open or someone's cwd, takes no names (ENOENT,
 * as on ext2): a subdirectory would count it a link again, so that it
 * stayed for ever, and its ".." would be a loop.
 */
static int
dir_add(struct vnode *dvp, const char *name, struct vnode *vp)
{
	struct tmpfs_node *tn = TN(dvp);
	size_t len = strlen(name), h;
	struct tmpfs_dirent *d;

	if (dvp->v_nlink == 0)
		return RUMP_ENOENT;
	dhash_grow(dvp);
	if (tn->tn_dhash == NULL)
		return RUMP_ENOSPC;
	if ((d = kmem_obj_alloc(sizeof(*d) + len + 1)) == NULL)
		return RUMP_ENOSPC;
	memcpy(d->name, name, len + 1);
	d->vp = vp;
	if (tn->tn_dnext < DIR_FIRST_COOKIE)
		tn->tn_dnext = DIR_FIRST_COOKIE;
	d->cookie = tn->tn_dnext;
	if (radix_set(&tn->tn_dcookies, d->cookie, d) != 0) {
		kmem_free(d, sizeof(*d) + len + 1);
		return RUMP_ENOSPC;
	}
	tn->tn_dnext++;
	h = name_hash(name) & (tn->tn_dhsize - 1);
	d->hnext = tn->tn_dhash[h];
	tn->tn_dhash[h] = d;
	dvp->v_size += 1;
	name_gained(dvp, vp);
	return 0;
}

/*
 * Removes name from dvp; a node left without names goes at its last
 * vrele (inactive). moved: see name_lost.
 */
static void
dir_remove(struct vnode *dvp, const char *name, bool moved)
{
	struct tmpfs_node *tn = TN(dvp);
	struct tmpfs_dirent **pp, *d;
	struct vnode *vp;

	KASSERT(tn->tn_dhash != NULL);
	pp = &tn->tn_dhash[name_hash(name) & (tn->tn_dhsize - 1)];
	while (*pp != NULL && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->hnext;
	KASSERT(*pp != NULL);
	d = *pp;
	*pp = d->hnext;
	radix_del(&tn->tn_dcookies, d->cookie);
	vp = d->vp;
	kmem_free(d, sizeof(*d) + strlen(d->name) + 1);
	dvp->v_size -= 1;
	if (dvp->v_size == 0) {
		/* An empty directory gives its table back. */
		kmem_free(tn->tn_dhash, tn->tn_dhsize * sizeof(*tn->tn_dhash));
		tn->tn_dhash = NULL;
		tn->tn_dhsize = 0;
	}
	name_lost(dvp, vp, moved);
}

/* ---- vnode operations ---- */

static int
tmpfs_lookup(struct vnode *dvp, const char *name, struct vnode **vpp)
{
	struct tmpfs_dirent *d;
	struct vnode *vp;

	if (strcmp(name, "..") == 0)
		vp = TN(dvp)->tn_parent != NULL ? TN(dvp)->tn_parent : dvp;
	else if ((d = dir_find(dvp, name)) != NULL)
		vp = d->vp;
	else
		return RUMP_ENOENT;
	vref(vp);
	*vpp = vp;
	return 0;
}

static int
tmpfs_create(struct vnode *dvp, const char *name, const struct vattr *va,
    const char *target, struct vnode **vpp)
{
	struct vnode *vp = tmpfs_newnode(dvp->v_mount, va);
	int error;

	if (vp == NULL)
		return RUMP_ENOSPC;
	if (va->va_type == VLNK) {
		size_t len = strlen(target);
		if ((TN(vp)->tn_target = kmem_zalloc(len + 1)) == NULL) {
			vrele(vp);
			return RUMP_ENOSPC;
		}
		memcpy(TN(vp)->tn_target, target, len + 1);
		vp->v_size = (int64_t)len;
	}
	if ((error = dir_add(dvp, name, vp)) != 0) {
		vp->v_nlink = 0;
		vrele(vp); /* unnamed: inactive reclaims it */
		return error;
	}
	*vpp = vp;
	return 0;
}

static int
tmpfs_link(struct vnode *dvp, const char *name, struct vnode *vp)
{
	return dir_add(dvp, name, vp);
}

static int
tmpfs_remove(struct vnode *dvp, const char *name, struct vnode *vp)
{
	(void)vp;
	dir_remove(dvp, name, false);
	return 0;
}

static int
tmpfs_rename(struct vnode *fdvp, const char *fname, struct vnode *fvp,
    struct vnode *tdvp, const char *tname, struct vnode *tvp)
{
	struct tmpfs_dirent *d;
	int error;

	/*
	 * The caller looked fname up, then may have slept (copying a
	 * client's second path in) while another call removed or replaced
	 * it: then there is nothing to rename. Nothing here sleeps.
	 */
	if ((d = dir_find(fdvp, fname)) == NULL || d->vp != fvp)
		return RUMP_ENOENT;
	/*
	 * The new name first, so that a failure (no memory for an entry)
	 * leaves both names as they were. A name that exists changes node
	 * in place, which needs no memory.
	 */
	if (tvp != NULL) {
		d = dir_find(tdvp, tname);
		KASSERT(d != NULL && d->vp == tvp);
		d->vp = fvp;
		name_lost(tdvp, tvp, false);
		name_gained(tdvp, fvp);
	} else if ((error = dir_add(tdvp, tname, fvp)) != 0) {
		return error;
	}
	dir_remove(fdvp, fname, true);
	return 0;
}

static int
tmpfs_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done)
{
	uint8_t *out = buf;
	size_t n = 0;

	while (n < len && off + (int64_t)n < vp->v_size) {
		int64_t pos = off + (int64_t)n;
		uint64_t b = (uint64_t)pos / TMPFS_BSIZE;
		size_t in = (size_t)(pos % TMPFS_BSIZE), chunk = TMPFS_BSIZE - in;
		uint8_t *blk;
		if (chunk > len - n)
			chunk = len - n;
		if ((int64_t)chunk > vp->v_size - pos)
			chunk = (size_t)(vp->v_size - pos);
		if ((blk = radix_get(&TN(vp)->tn_blocks, b)) != NULL)
			memcpy(out + n, blk + in, chunk);
		else
			memset(out + n, 0, chunk);
		n += chunk;
	}
	vnow(&vp->v_atime);
	*done = n;
	return 0;
}

static int
tmpfs_write(struct vnode *vp, const void *buf, size_t len, int64_t off,
    size_t *done)
{
	struct tmpfs_node *tn = TN(vp);
	struct tmpfs_mount *tm = vp->v_mount->mnt_data;
	const uint8_t *in = buf;
	size_t n = 0;
	int error = 0;

	if (len == 0) {
		*done = 0;
		return 0;
	}
	if (off >= TMPFS_MAXSIZE)
		return RUMP_EFBIG;
	if (len > (uint64_t)(TMPFS_MAXSIZE - off))
		len = (size_t)(TMPFS_MAXSIZE - off); /* a short write */
	while (n < len) {
		int64_t pos = off + (int64_t)n;
		uint64_t b = (uint64_t)pos / TMPFS_BSIZE;
		size_t o = (size_t)(pos % TMPFS_BSIZE), chunk = TMPFS_BSIZE - o;
		uint8_t *blk = radix_get(&tn->tn_blocks, b);
		if (chunk > len - n)
			chunk = len - n;
		if (blk == NULL) {
			/*
			 * Out of memory or past ta_size_max: a short
			 * write, or ENOSPC for none.
			 */
			if ((tm->tm_blocks_max != 0 &&
				tm->tm_blocks >= tm->tm_blocks_max) ||
			    (blk = kmem_data_alloc(TMPFS_BSIZE)) == NULL) {
				error = RUMP_ENOSPC;
				break;
			}
			if (radix_set(&tn->tn_blocks, b, blk) != 0) {
				kmem_free(blk, TMPFS_BSIZE);
				error = RUMP_ENOSPC;
				break;
			}
			tn->tn_nblocks++;
			tm->tm_blocks++;
		}
		memcpy(blk + o, in + n, chunk);
		n += chunk;
	}
	vp->v_bytes = (uint64_t)tn->tn_nblocks * TMPFS_BSIZE;
	if (n == 0)
		return error;
	if (off + (int64_t)n > vp->v_size)
		vp->v_size = off + (int64_t)n;
	vnow(&vp->v_mtime);
	vp->v_ctime = vp->v_mtime;
	*done = n;
	return 0;
}

static int
tmpfs_truncate(struct vnode *vp, int64_t len)
{
	uint64_t keep;
	uint8_t *last;

	if (len > TMPFS_MAXSIZE)
		return RUMP_EFBIG;
	keep = ((uint64_t)len + TMPFS_BSIZE - 1) / TMPFS_BSIZE;
	free_blocks(vp, keep);
	/* The tail of the last kept block must read as zeros if it grows again. */
	if (len % TMPFS_BSIZE != 0 &&
	    (last = radix_get(&TN(vp)->tn_blocks, keep - 1)) != NULL)
		memset(last + len % TMPFS_BSIZE, 0,
		    TMPFS_BSIZE - (size_t)(len % TMPFS_BSIZE));
	vp->v_size = len;
	vnow(&vp->v_mtime);
	vp->v_ctime = vp->v_mtime;
	return 0;
}

static int
tmpfs_setattr(struct vnode *vp, const struct vattr *va)
{
	if (va->va_mask & VA_MODE)
		vp->v_mode = va->va_mode & 07777;
	if (va->va_mask & VA_UID)
		vp->v_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		vp->v_gid = va->va_gid;
	if (va->va_mask & VA_ATIME)
		vp->v_atime = va->va_atime;
	if (va->va_mask & VA_FLAGS)
		vp->v_flags = va->va_flags; /* all of them, as NetBSD's tmpfs */
	if (va->va_mask & VA_MTIME) {
		vp->v_mtime = va->va_mtime;
		/* A file is not modified before it was born (utimensat(2)). */
		if (vp->v_mtime.tv_sec < vp->v_btime.tv_sec ||
		    (vp->v_mtime.tv_sec == vp->v_btime.tv_sec &&
			vp->v_mtime.tv_nsec < vp->v_btime.tv_nsec))
			vp->v_btime = vp->v_mtime;
	}
	vnow(&vp->v_ctime);
	return 0;
}

static int
tmpfs_readdir(struct vnode *dvp, int64_t *offp, vn_filldir_t fill, void *arg)
{
	int64_t off = *offp < 0 ? 0 : *offp;
	struct vnode *pvp = TN(dvp)->tn_parent != NULL ? TN(dvp)->tn_parent : dvp;
	struct tmpfs_dirent *d;

	if (off == 0) {
		if (fill(arg, ".", 1, dvp->v_ino, VDIR, 1) != 0)
			goto out;
		off = 1;
	}
	if (off == 1) {
		if (fill(arg, "..", 2, pvp->v_ino, VDIR, 2) != 0)
			goto out;
		off = 2;
	}
	/* Each entry at its cookie; the listing resumes after it. */
	while ((d = dir_next(dvp, (uint64_t)off)) != NULL) {
		if (fill(arg, d->name, strlen(d->name), d->vp->v_ino,
			d->vp->v_type, (int64_t)d->cookie + 1) != 0) {
			off = (int64_t)d->cookie;
			goto out;
		}
		off = (int64_t)d->cookie + 1;
	}
out:
	*offp = off;
	return 0;
}

static int
tmpfs_readlink(struct vnode *vp, char *buf, size_t len, size_t *done)
{
	size_t n = (size_t)vp->v_size;

	if (n > len)
		n = len;
	memcpy(buf, TN(vp)->tn_target, n);
	*done = n;
	return 0;
}

static int
tmpfs_fsync(struct vnode *vp)
{
	(void)vp;
	return 0; /* memory is all the storage there is */
}

static const struct vnodeops tmpfs_vnodeops = {
	.vop_lookup = tmpfs_lookup,
	.vop_create = tmpfs_create,
	.vop_link = tmpfs_link,
	.vop_remove = tmpfs_remove,
	.vop_rename = tmpfs_rename,
	.vop_read = tmpfs_read,
	.vop_write = tmpfs_write,
	.vop_truncate = tmpfs_truncate,
	.vop_setattr = tmpfs_setattr,
	.vop_readdir = tmpfs_readdir,
	.vop_readlink = tmpfs_readlink,
	.vop_fsync = tmpfs_fsync,
	.vop_inactive = tmpfs_inactive,
	.vop_reclaim = tmpfs_reclaim,
};

/* ---- the file system ---- */

/*
 * NetBSD's struct tmpfs_args (<fs/tmpfs/tmpfs_args.h>), version 1. The
 * limits, when not 0, are enforced as tmpfs(5) says: ta_nodes_max files
 * (the root among them), ta_size_max bytes of file data (rounded up to
 * whole blocks); past them, ENOSPC. The kernel's memory limit bounds
 * every tmpfs besides.
 */
struct nb_tmpfs_args {
	int32_t ta_version;
	uint32_t pad;
	uint64_t ta_nodes_max;
	int64_t ta_size_max;
	uint32_t ta_root_uid;
	uint32_t ta_root_gid;
	uint32_t ta_root_mode;
	uint32_t pad2;
};
_Static_assert(sizeof(struct nb_tmpfs_args) == 40, "NetBSD tmpfs_args");
#define TMPFS_ARGS_VERSION 1

static int
tmpfs_mount(struct mount *mp, struct blkdev *bd, const void *args, size_t argslen)
{
	struct vattr va = { .va_type = VDIR, .va_mode = 0755 };
	struct tmpfs_mount *tm;
	struct vnode *root;

	uint64_t nodes_max = 0, blocks_max = 0;

	(void)bd;
	if (args != NULL) {
		const struct nb_tmpfs_args *ta = args;
		if (argslen < sizeof(*ta) ||
		    ta->ta_version != TMPFS_ARGS_VERSION || ta->ta_size_max < 0)
			return RUMP_EINVAL;
		va.va_mode = ta->ta_root_mode & 07777;
		va.va_uid = ta->ta_root_uid;
		va.va_gid = ta->ta_root_gid;
		nodes_max = ta->ta_nodes_max;
		blocks_max = ((uint64_t)ta->ta_size_max + TMPFS_BSIZE - 1) /
		    TMPFS_BSIZE;
	}
	if ((tm = kmem_obj_alloc(sizeof(*tm))) == NULL)
		return RUMP_ENOMEM;
	memset(tm, 0, sizeof(*tm));
	tm->tm_nextino = 2;
	tm->tm_nodes_max = nodes_max;
	tm->tm_blocks_max = blocks_max;
	mp->mnt_data = tm;
	if ((root = tmpfs_newnode(mp, &va)) == NULL) {
		mp->mnt_data = NULL;
		kmem_free(tm, sizeof(*tm));
		return RUMP_ENOMEM;
	}
	root->v_nlink = 2;   /* "." and its own ".." */
	mp->mnt_root = root; /* the new node's reference */
	return 0;
}

static int
tmpfs_unmount(struct mount *mp, bool force)
{
	int error = vflush(mp, force);

	if (error != 0)
		return error;
	kmem_free(mp->mnt_data, sizeof(struct tmpfs_mount));
	mp->mnt_data = NULL;
	return 0;
}

static int
tmpfs_statvfs(struct mount *mp, struct kstatvfs *sb)
{
	uint64_t limit = kmem_limit(), used = kmem_inuse();
	uint64_t avail = limit > used ? limit - used : 0;
	struct tmpfs_mount *tm = mp->mnt_data;

	/* Free space is the kernel's free memory, shared by every tmpfs. */
	sb->f_bsize = TMPFS_BSIZE;
	sb->f_iosize = TMPFS_BSIZE;
	sb->f_blocks = limit / TMPFS_BSIZE;
	sb->f_bfree = sb->f_bavail = avail / TMPFS_BSIZE;
	sb->f_files = tm->tm_nextino + avail / sizeof(struct vnode);
	sb->f_ffree = sb->f_favail = avail / sizeof(struct vnode);
	/* A mount's own limits, when it has them and they come first. */
	if (tm->tm_blocks_max != 0) {
		uint64_t left = tm->tm_blocks_max - tm->tm_blocks;
		sb->f_blocks = tm->tm_blocks_max;
		if (left < sb->f_bfree)
			sb->f_bfree = sb->f_bavail = left;
	}
	if (tm->tm_nodes_max != 0) {
		uint64_t left = tm->tm_nodes_max - tm->tm_nodes;
		sb->f_files = tm->tm_nodes_max;
		if (left < sb->f_ffree)
			sb->f_ffree = sb->f_favail = left;
	}
	sb->f_namemax = NAME_MAX;
	return 0;
}

static int
tmpfs_sync(struct mount *mp)
{
	(void)mp;
	return 0;
}

const struct vfsops tmpfs_vfsops = {
	.vfs_name = "tmpfs",
	.vfs_mount = tmpfs_mount,
	.vfs_unmount = tmpfs_unmount,
	.vfs_statvfs = tmpfs_statvfs,
	.vfs_sync = tmpfs_sync,
};
