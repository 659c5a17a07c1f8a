/*
 * The file system: one tmpfs at the root, path lookup, permission checks
 * and the character devices of /dev. Everything runs holding the CPU.
 *
 * A vnode lives while it has a name (v_nlink) or a reference (v_refs: open
 * files, working directories, lookups in progress).
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"

struct vnode *rootvnode;
static uint64_t nextino = 2;

#define MAXSYMLINKS	32
#define AT_FDCWD	-100

void
vnow(struct ktimespec *ts)
{
	int64_t s;
	long ns;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &s, &ns);
	ts->tv_sec = s;
	ts->tv_nsec = ns;
}

/* Frees the blocks of vp from block number first on. */
static void
free_blocks(struct vnode *vp, uint64_t first)
{
	uint64_t b = first;
	void *blk;

	while (radix_next(&vp->v_blocks, &b, &blk)) {
		radix_del(&vp->v_blocks, b);
		kmem_free(blk, TMPFS_BSIZE);
		vp->v_nblocks--;
		b++;
	}
}

static void
vfree(struct vnode *vp)
{
	free_blocks(vp, 0);
	KASSERT(vp->v_dcookies.root == NULL);	/* only empty directories go */
	if (vp->v_dhash != NULL)
		kmem_free(vp->v_dhash, vp->v_dhsize * sizeof(*vp->v_dhash));
	if (vp->v_target != NULL)
		kmem_free(vp->v_target, strlen(vp->v_target) + 1);
	kmem_free(vp, sizeof(*vp));
}

void
vref(struct vnode *vp)
{
	vp->v_refs++;
}

void
vrele(struct vnode *vp)
{
	KASSERT(vp->v_refs > 0);
	if (--vp->v_refs == 0 && vp->v_nlink == 0)
		vfree(vp);
}

int
vaccess(struct vnode *vp, struct kauth_cred *cred, int acc)
{
	uint32_t bits;

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

/* ---- directories: names hashed, entries ordered by cookie ---- */

#define DHASH_MIN	8

/* FNV-1a over the name. */
static size_t
name_hash(const char *name)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ULL;
	return (size_t)h;
}

struct kdirent *
dir_find(struct vnode *dvp, const char *name)
{
	if (dvp->v_dhash == NULL)
		return NULL;
	for (struct kdirent *d = dvp->v_dhash[name_hash(name) & (dvp->v_dhsize - 1)];
	    d != NULL; d = d->hnext)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

struct kdirent *
dir_next(struct vnode *dvp, uint64_t off)
{
	void *d;

	if (off < DIR_FIRST_COOKIE)
		off = DIR_FIRST_COOKIE;
	return radix_next(&dvp->v_dcookies, &off, &d) ? d : NULL;
}

/*
 * Doubles the hash table when it holds more names than chains. Without
 * memory for a larger one the old one stays: slower, still right.
 */
static void
dhash_grow(struct vnode *dvp)
{
	size_t n = dvp->v_dhsize == 0 ? DHASH_MIN : dvp->v_dhsize * 2;
	struct kdirent **nt;

	if (dvp->v_dhsize != 0 && (size_t)dvp->v_size <= dvp->v_dhsize)
		return;
	if ((nt = kmem_obj_alloc(n * sizeof(*nt))) == NULL)
		return;
	for (size_t i = 0; i < dvp->v_dhsize; i++) {
		struct kdirent *d, *next;
		for (d = dvp->v_dhash[i]; d != NULL; d = next) {
			next = d->hnext;
			d->hnext = nt[name_hash(d->name) & (n - 1)];
			nt[name_hash(d->name) & (n - 1)] = d;
		}
	}
	if (dvp->v_dhash != NULL)
		kmem_free(dvp->v_dhash, dvp->v_dhsize * sizeof(*nt));
	dvp->v_dhash = nt;
	dvp->v_dhsize = n;
}

int
dir_add(struct vnode *dvp, const char *name, struct vnode *vp)
{
	size_t len = strlen(name), h;
	struct kdirent *d;

	dhash_grow(dvp);
	if (dvp->v_dhash == NULL)
		return RUMP_ENOSPC;
	if ((d = kmem_obj_alloc(sizeof(*d) + len + 1)) == NULL)
		return RUMP_ENOSPC;
	memcpy(d->name, name, len + 1);
	d->vp = vp;
	if (dvp->v_dnext < DIR_FIRST_COOKIE)
		dvp->v_dnext = DIR_FIRST_COOKIE;
	d->cookie = dvp->v_dnext;
	if (radix_set(&dvp->v_dcookies, d->cookie, d) != 0) {
		kmem_free(d, sizeof(*d) + len + 1);
		return RUMP_ENOSPC;
	}
	dvp->v_dnext++;
	h = name_hash(name) & (dvp->v_dhsize - 1);
	d->hnext = dvp->v_dhash[h];
	dvp->v_dhash[h] = d;
	vp->v_nlink++;
	if (vp->v_type == VDIR) {
		vp->v_parent = dvp;
		vp->v_dent = d;
		dvp->v_nlink++;		/* the child's ".." */
	}
	dvp->v_size += 1;
	vnow(&dvp->v_mtime);
	dvp->v_ctime = dvp->v_mtime;
	return 0;
}

void
dir_remove(struct vnode *dvp, const char *name)
{
	struct kdirent **pp, *d;
	struct vnode *vp;

	KASSERT(dvp->v_dhash != NULL);
	pp = &dvp->v_dhash[name_hash(name) & (dvp->v_dhsize - 1)];
	while (*pp != NULL && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->hnext;
	KASSERT(*pp != NULL);
	d = *pp;
	*pp = d->hnext;
	radix_del(&dvp->v_dcookies, d->cookie);
	vp = d->vp;
	kmem_free(d, sizeof(*d) + strlen(d->name) + 1);
	dvp->v_size -= 1;
	if (dvp->v_size == 0) {
		/* An empty directory gives its table back. */
		kmem_free(dvp->v_dhash, dvp->v_dhsize * sizeof(*dvp->v_dhash));
		dvp->v_dhash = NULL;
		dvp->v_dhsize = 0;
	}
	vnow(&dvp->v_mtime);
	dvp->v_ctime = dvp->v_mtime;
	if (vp->v_type == VDIR) {
		dvp->v_nlink--;
		vp->v_nlink = 0;	/* its "." goes with it */
		vp->v_dent = NULL;
	} else {
		vp->v_nlink--;
	}
	vnow(&vp->v_ctime);
	if (vp->v_nlink == 0 && vp->v_refs == 0)
		vfree(vp);
}

static struct vnode *
vn_alloc(enum vtype type, uint32_t mode, kuid_t uid, kgid_t gid)
{
	struct vnode *vp = kmem_obj_alloc(sizeof(*vp));

	if (vp == NULL)
		return NULL;
	vp->v_type = type;
	vp->v_mode = mode & 07777;
	vp->v_uid = uid;
	vp->v_gid = gid;
	vp->v_ino = nextino++;
	vnow(&vp->v_btime);
	vp->v_atime = vp->v_mtime = vp->v_ctime = vp->v_btime;
	if (type == VDIR)
		vp->v_nlink = 1;	/* "." */
	return vp;
}

struct vnode *
vn_create(struct vnode *dvp, const char *name, enum vtype type, uint32_t mode,
    struct kauth_cred *cred, int *errp)
{
	/* New files take the directory's group, as on BSD. */
	struct vnode *vp = vn_alloc(type, mode, cred->euid, dvp->v_gid);

	if (vp == NULL) {
		*errp = RUMP_ENOSPC;
		return NULL;
	}
	*errp = dir_add(dvp, name, vp);
	if (*errp != 0) {
		vfree(vp);
		return NULL;
	}
	return vp;
}

/*
 * ---- regular file data: 4 KiB blocks in a radix tree by block number;
 * missing blocks are holes and read as zeros, so a file costs the blocks it
 * holds whatever its size. ----
 */

int
vn_read(struct vnode *vp, void *buf, size_t len, int64_t off, size_t *done)
{
	uint8_t *out = buf;
	size_t n = 0;

	if (vp->v_type == VDIR)
		return RUMP_EISDIR;
	if (vp->v_blk != NULL)
		return blkdev_vn_rw(vp, buf, len, off, false, done);
	if (off < 0)
		return RUMP_EINVAL;
	while (n < len && off + (int64_t)n < vp->v_size) {
		int64_t pos = off + (int64_t)n;
		uint64_t b = (uint64_t)pos / TMPFS_BSIZE;
		size_t in = (size_t)(pos % TMPFS_BSIZE), chunk = TMPFS_BSIZE - in;
		uint8_t *blk;
		if (chunk > len - n)
			chunk = len - n;
		if ((int64_t)chunk > vp->v_size - pos)
			chunk = (size_t)(vp->v_size - pos);
		if ((blk = radix_get(&vp->v_blocks, b)) != NULL)
			memcpy(out + n, blk + in, chunk);
		else
			memset(out + n, 0, chunk);
		n += chunk;
	}
	vnow(&vp->v_atime);
	*done = n;
	return 0;
}

int
vn_write(struct vnode *vp, const void *buf, size_t len, int64_t off, size_t *done)
{
	const uint8_t *in = buf;
	size_t n = 0;
	int error = 0;

	if (vp->v_blk != NULL)
		return blkdev_vn_rw(vp, (void *)(uintptr_t)buf, len, off, true, done);
	if (off < 0)
		return RUMP_EINVAL;
	if (len == 0) {
		*done = 0;
		return 0;
	}
	if (off >= TMPFS_MAXSIZE)
		return RUMP_EFBIG;
	if (len > (uint64_t)(TMPFS_MAXSIZE - off))
		len = (size_t)(TMPFS_MAXSIZE - off);	/* a short write */
	while (n < len) {
		int64_t pos = off + (int64_t)n;
		uint64_t b = (uint64_t)pos / TMPFS_BSIZE;
		size_t o = (size_t)(pos % TMPFS_BSIZE), chunk = TMPFS_BSIZE - o;
		uint8_t *blk = radix_get(&vp->v_blocks, b);
		if (chunk > len - n)
			chunk = len - n;
		if (blk == NULL) {
			/* Out of memory: a short write, or ENOSPC for none. */
			if ((blk = kmem_data_alloc(TMPFS_BSIZE)) == NULL) {
				error = RUMP_ENOSPC;
				break;
			}
			if (radix_set(&vp->v_blocks, b, blk) != 0) {
				kmem_free(blk, TMPFS_BSIZE);
				error = RUMP_ENOSPC;
				break;
			}
			vp->v_nblocks++;
		}
		memcpy(blk + o, in + n, chunk);
		n += chunk;
	}
	if (n == 0)
		return error;
	if (off + (int64_t)n > vp->v_size)
		vp->v_size = off + (int64_t)n;
	vnow(&vp->v_mtime);
	vp->v_ctime = vp->v_mtime;
	*done = n;
	return 0;
}

int
vn_truncate(struct vnode *vp, int64_t len)
{
	uint64_t keep;
	uint8_t *last;

	if (vp->v_type == VDIR)
		return RUMP_EISDIR;
	if (vp->v_type != VREG)
		return RUMP_EINVAL;
	if (len < 0)
		return RUMP_EINVAL;
	if (len > TMPFS_MAXSIZE)
		return RUMP_EFBIG;
	keep = ((uint64_t)len + TMPFS_BSIZE - 1) / TMPFS_BSIZE;
	free_blocks(vp, keep);
	/* The tail of the last kept block must read as zeros if it grows again. */
	if (len % TMPFS_BSIZE != 0 &&
	    (last = radix_get(&vp->v_blocks, keep - 1)) != NULL)
		memset(last + len % TMPFS_BSIZE, 0,
		    TMPFS_BSIZE - (size_t)(len % TMPFS_BSIZE));
	vp->v_size = len;
	vnow(&vp->v_mtime);
	vp->v_ctime = vp->v_mtime;
	return 0;
}

/* ---- lookup ---- */

static int
copyinstr_path(const char *upath, char *buf, size_t size)
{
	int error = copyinstr(upath, buf, size, NULL);

	return error == 0 && buf[0] == '\0' ? RUMP_ENOENT : error;
}

static struct vnode *
start_dir(struct lwp *l, int dirfd, const char *path, int *errp)
{
	struct file *fp;

	if (path[0] == '/')
		return rootvnode;
	if (dirfd == AT_FDCWD)
		return l->l_proc->p_cwd;
	fp = fd_get(l->l_proc->p_fd, dirfd);
	if (fp == NULL) {
		*errp = RUMP_EBADF;
		return NULL;
	}
	if (fp->ops != &vnode_fileops || ((struct vnode *)fp->data)->v_type != VDIR) {
		*errp = RUMP_ENOTDIR;
		return NULL;
	}
	return fp->data;
}

int
namei(struct lwp *l, int dirfd, const char *upath, int flags,
    struct nameidata *nd)
{
	char *path = kmem_zalloc(RUMP_PATH_MAX), *p;
	struct vnode *dvp;
	int error = 0, links = 0;

	memset(nd, 0, sizeof(*nd));
	if (path == NULL)
		return RUMP_ENOMEM;
	error = copyinstr_path(upath, path, RUMP_PATH_MAX);
	if (error != 0)
		goto out;
	dvp = start_dir(l, dirfd, path, &error);
	if (dvp == NULL)
		goto out;
	vref(dvp);
	p = path;
	for (;;) {
		char name[NAME_MAX + 1];
		size_t len = 0;
		struct kdirent *d;
		struct vnode *vp;
		bool last;

		while (*p == '/')
			p++;
		if (*p == '\0') {		/* "/" or a trailing slash */
			nd->ni_vp = dvp;
			if (flags & LOOKUP_PARENT) {
				/* Creating or removing "/" itself. */
				vrele(dvp);
				nd->ni_vp = NULL;
				error = RUMP_EBUSY;
			}
			break;
		}
		while (p[len] != '\0' && p[len] != '/')
			len++;
		if (len > NAME_MAX) {
			vrele(dvp);
			error = RUMP_ENAMETOOLONG;
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		last = true;
		for (const char *q = p; *q != '\0'; q++)
			if (*q != '/')
				last = false;
		if (dvp->v_type != VDIR) {
			vrele(dvp);
			error = RUMP_ENOTDIR;
			break;
		}
		if ((error = vaccess(dvp, l->l_proc->p_cred, VEXEC)) != 0) {
			vrele(dvp);
			break;
		}
		if (strcmp(name, ".") == 0)
			vp = dvp;
		else if (strcmp(name, "..") == 0)
			vp = dvp->v_parent != NULL ? dvp->v_parent : dvp;
		else
			vp = (d = dir_find(dvp, name)) != NULL ? d->vp : NULL;

		if (last && (flags & LOOKUP_PARENT)) {
			if (vp != NULL && vp->v_type == VLNK && (flags & LOOKUP_FOLLOW))
				goto follow;
			nd->ni_dvp = dvp;
			nd->ni_vp = vp;
			if (vp != NULL)
				vref(vp);
			memcpy(nd->ni_name, name, len + 1);
			break;
		}
		if (vp == NULL) {
			vrele(dvp);
			error = RUMP_ENOENT;
			break;
		}
		if (vp->v_type == VLNK && (!last || (flags & LOOKUP_FOLLOW))) {
			char *np;
			size_t tl, rl;
follow:
			if (++links > MAXSYMLINKS) {
				vrele(dvp);
				error = RUMP_ELOOP;
				break;
			}
			/* Splice the target in front of the rest of the path. */
			tl = strlen(vp->v_target);
			rl = strlen(p);
			if (tl + rl + 2 > RUMP_PATH_MAX) {
				vrele(dvp);
				error = RUMP_ENAMETOOLONG;
				break;
			}
			np = kmem_zalloc(RUMP_PATH_MAX);
			if (np == NULL) {
				vrele(dvp);
				error = RUMP_ENOMEM;
				break;
			}
			memcpy(np, vp->v_target, tl);
			np[tl] = '/';
			memcpy(np + tl + 1, p, rl + 1);
			if (rl == 0)
				np[tl] = '\0';
			kmem_free(path, RUMP_PATH_MAX);
			path = p = np;
			if (*p == '/') {
				vrele(dvp);
				dvp = rootvnode;
				vref(dvp);
			}
			continue;
		}
		vref(vp);
		vrele(dvp);
		dvp = vp;
		if (last) {
			nd->ni_vp = vp;
			break;
		}
	}
out:
	kmem_free(path, RUMP_PATH_MAX);
	return error;
}

void
nd_done(struct nameidata *nd)
{
	if (nd->ni_vp != NULL)
		vrele(nd->ni_vp);
	if (nd->ni_dvp != NULL)
		vrele(nd->ni_dvp);
	nd->ni_vp = nd->ni_dvp = NULL;
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

void
vfs_init(void)
{
	struct vnode *dev, *tmp, *vp;
	int error;

	rootvnode = vn_alloc(VDIR, 0755, 0, 0);
	if (rootvnode == NULL)
		kpanic("out of memory for the root directory");
	rootvnode->v_nlink = 2;		/* "." and its own ".." */
	rootvnode->v_refs = 1;		/* never freed */
	dev = vn_create(rootvnode, "dev", VDIR, 0755, proc0.p_cred, &error);
	tmp = vn_create(rootvnode, "tmp", VDIR, 01777, proc0.p_cred, &error);
	if (dev == NULL || tmp == NULL)
		kpanic("out of memory for /dev and /tmp");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		vp = vn_create(dev, devices[i].name, VCHR, 0666, proc0.p_cred, &error);
		if (vp == NULL)
			kpanic("out of memory for /dev/%s", devices[i].name);
		if (strcmp(devices[i].name, "console") == 0)
			vp->v_mode = 0600;
		vp->v_dev = &devices[i];
	}
}
