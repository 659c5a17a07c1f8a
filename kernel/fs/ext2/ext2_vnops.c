/*
 * ext2's operations on inodes and names (ext2.h), each under the mount's
 * lock: lookup, create, links, remove, rename, read, write, truncate,
 * attributes.
 */
#include <string.h>

#include "kern.h"
#include "blk.h"
#include "fs/buf.h"
#include "ext2.h"

static bool
isdir(const struct e2inode *ip)
{
	return (ip->i_mode & E2_IFMT) == E2_IFDIR;
}

static bool
isdot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.');
}

static int
checkname(const char *name, size_t len)
{
	if (len == 0)
		return RUMP_ENOENT;
	if (len > E2_MAXNAMLEN)
		return RUMP_ENAMETOOLONG;
	if (memchr(name, '/', len) != NULL || memchr(name, '\0', len) != NULL)
		return RUMP_EINVAL;
	return 0;
}

/* The inode that name in directory dp names (fs locked); ENOENT if none. */
static int
name_iget(struct e2inode *dp, const char *name, size_t namelen, uint32_t *inop,
    struct e2inode **ipp)
{
	int err = e2_dirlookup(dp, name, namelen, inop);

	if (err == 0 && *inop == 0)
		err = RUMP_ENOENT;
	if (err == 0)
		err = e2_iget(dp->i_fs, *inop, ipp);
	return err;
}

int
ext2_iget(struct e2fs *fs, uint32_t ino, struct e2inode **ipp)
{
	int err = e2_lock(fs);

	if (err != 0)
		return err;
	err = e2_iget(fs, ino, ipp);
	e2_unlock(fs);
	return err;
}

void
ext2_iput(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;

	if (ip->i_refs > 1) {
		ip->i_refs--; /* memory only: no lock needed */
		return;
	}
	/*
	 * The last reference writes or frees the inode, under the lock. A
	 * process being drained cannot sleep for it (kcv_wait says EINTR at
	 * once): then the lock's holder does it as it lets go (e2_unlock).
	 */
	if (e2_lock(fs) != 0) {
		ip->i_dnext = fs->fs_deferred;
		fs->fs_deferred = ip;
		return;
	}
	e2_iput(ip);
	e2_unlock(fs);
}

int
ext2_lookup(struct e2inode *dp, const char *name, size_t namelen,
    struct e2inode **ipp)
{
	struct e2fs *fs = dp->i_fs;
	uint32_t ino;
	int err;

	if (!isdir(dp))
		return RUMP_ENOTDIR;
	if (namelen > E2_MAXNAMLEN)
		return RUMP_ENAMETOOLONG;
	err = e2_lock(fs);
	if (err != 0)
		return err;
	err = name_iget(dp, name, namelen, &ino, ipp);
	e2_unlock(fs);
	return err;
}

/* A fresh inode ino in memory and in its (zeroed) table slot. */
static int
inew(struct e2fs *fs, uint32_t ino, uint32_t mode, uint32_t uid, uint32_t gid,
    struct e2inode **ipp)
{
	struct e2inode *ip;
	struct buf *bp;
	uint32_t g, idx, blk, off, now = e2_now();
	int err;

	g = (ino - 1) / fs->fs_sb.s_inodes_per_group;
	idx = (ino - 1) % fs->fs_sb.s_inodes_per_group;
	blk = fs->fs_gd[g].bg_inode_table + idx / fs->fs_ipb;
	off = (idx % fs->fs_ipb) * fs->fs_isize;
	ip = kmem_zalloc(sizeof(*ip));
	if (ip == NULL)
		return RUMP_ENOMEM;
	err = e2_bread(fs, blk, &bp);
	if (err != 0) {
		kmem_free(ip, sizeof(*ip));
		return err;
	}
	/* The whole slot: no stale extra fields or in-inode attributes. */
	memset(bp->b_data + off, 0, fs->fs_isize);
	bdirty(bp);
	brelse(bp);
	ip->i_fs = fs;
	ip->i_number = ino;
	ip->i_refs = 1;
	ip->i_mode = (uint16_t)mode;
	ip->i_uid = uid;
	ip->i_gid = gid;
	ip->i_nlink = 1;
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
	ip->i_generation = (uint32_t)kclock_ns() ^ ino;
	ip->i_dirty = true;
	ip->i_hnext = fs->fs_ihash[ino % fs->fs_nihash];
	fs->fs_ihash[ino % fs->fs_nihash] = ip;
	fs->fs_ninodes++;
	*ipp = ip;
	return 0;
}

/* A symbolic link's target: in i_block[] when short, else in a block. */
static int
set_target(struct e2inode *ip, const char *target, size_t tlen)
{
	struct e2fs *fs = ip->i_fs;
	struct buf *bp;
	uint32_t blk;
	int err;

	if (tlen <= E2_FAST_SYMLINK_MAX) {
		memcpy(ip->i_block, target, tlen);
	} else {
		err = e2_bmap(ip, 0, true, true, &blk);
		if (err != 0)
			return err;
		err = e2_bget(fs, blk, &bp);
		if (err != 0)
			return err;
		memset(bp->b_data, 0, fs->fs_bsize);
		memcpy(bp->b_data, target, tlen);
		bdirty(bp);
		brelse(bp);
	}
	ip->i_size = tlen;
	ip->i_dirty = true;
	return 0;
}

static int
make(struct e2inode *dp, const char *name, size_t namelen, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t rdev, const char *target, size_t tlen,
    struct e2inode **ipp)
{
	struct e2fs *fs = dp->i_fs;
	bool dir = (mode & E2_IFMT) == E2_IFDIR;
	struct e2inode *ip;
	uint32_t ino;
	int err;

	if (e2_ftype((uint16_t)mode) == E2_FT_UNKNOWN)
		return RUMP_EINVAL;
	if (!isdir(dp))
		return RUMP_ENOTDIR;
	err = checkname(name, namelen);
	if (err != 0)
		return err;
	if (target != NULL && (tlen == 0 || tlen >= fs->fs_bsize))
		return tlen == 0 ? RUMP_ENOENT : RUMP_ENAMETOOLONG;
	err = e2_lock_rw(fs);
	if (err != 0)
		return err;
	if (dp->i_nlink == 0) {
		err = RUMP_ENOENT; /* a removed directory */
		goto out;
	}
	err = e2_dirlookup(dp, name, namelen, &ino);
	if (err != RUMP_ENOENT) {
		if (err == 0)
			err = RUMP_EEXIST;
		goto out;
	}
	if (dir && dp->i_nlink >= E2_LINK_MAX) {
		err = RUMP_EMLINK;
		goto out;
	}
	err = e2_ialloc(fs, dp->i_number, dir, &ino);
	if (err != 0)
		goto out;
	err = inew(fs, ino, mode, uid, gid, &ip);
	if (err != 0) {
		(void)e2_ifree(fs, ino, dir);
		goto out;
	}
	if (dir) {
		err = e2_dirinit(ip, dp->i_number);
		ip->i_nlink = 2;
	} else if (target != NULL) {
		err = set_target(ip, target, tlen);
	} else if ((mode & E2_IFMT) == E2_IFCHR || (mode & E2_IFMT) == E2_IFBLK) {
		/* Linux's two encodings; NetBSD's dev_t is the newer one. */
		if (rdev < 0x10000)
			ip->i_block[0] = (uint32_t)rdev;
		else
			ip->i_block[1] = (uint32_t)rdev;
	}
	if (err == 0)
		err = e2_diradd(dp, name, namelen, ino, e2_ftype((uint16_t)mode));
	if (err != 0) {
		ip->i_nlink = 0;
		e2_iput(ip); /* frees it and what it got */
		goto out;
	}
	if (dir) {
		dp->i_nlink++;
		dp->i_dirty = true;
	}
	(void)e2_iupdate(ip);
	*ipp = ip;
out:
	e2_unlock(fs);
	return err;
}

int
ext2_create(struct e2inode *dp, const char *name, size_t namelen, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t rdev, struct e2inode **ipp)
{
	if ((mode & E2_IFMT) == E2_IFLNK)
		return RUMP_EINVAL;
	return make(dp, name, namelen, mode, uid, gid, rdev, NULL, 0, ipp);
}

int
ext2_symlink(struct e2inode *dp, const char *name, size_t namelen,
    const char *target, size_t tlen, uint32_t mode, uint32_t uid, uint32_t gid,
    struct e2inode **ipp)
{
	return make(dp, name, namelen, E2_IFLNK | (mode & 07777), uid, gid, 0,
	    target, tlen, ipp);
}

int
ext2_link(struct e2inode *dp, const char *name, size_t namelen, struct e2inode *ip)
{
	struct e2fs *fs = dp->i_fs;
	uint32_t ino;
	int err;

	if (!isdir(dp))
		return RUMP_ENOTDIR;
	if (isdir(ip))
		return RUMP_EPERM;
	if (ip->i_fs != fs)
		return RUMP_EXDEV;
	err = checkname(name, namelen);
	if (err != 0)
		return err;
	err = e2_lock_rw(fs);
	if (err != 0)
		return err;
	if (dp->i_nlink == 0 || ip->i_nlink == 0)
		err = RUMP_ENOENT;
	else if (ip->i_nlink >= E2_LINK_MAX)
		err = RUMP_EMLINK;
	else {
		err = e2_dirlookup(dp, name, namelen, &ino);
		if (err == 0)
			err = RUMP_EEXIST;
		else if (err == RUMP_ENOENT)
			err = e2_diradd(dp, name, namelen, ip->i_number,
			    e2_ftype(ip->i_mode));
	}
	if (err == 0) {
		ip->i_nlink++;
		e2_ichange(ip, false);
	}
	e2_unlock(fs);
	return err;
}

int
ext2_remove(struct e2inode *dp, const char *name, size_t namelen, bool rmdir)
{
	struct e2fs *fs = dp->i_fs;
	struct e2inode *ip;
	uint32_t ino;
	bool empty;
	int err;

	if (!isdir(dp))
		return RUMP_ENOTDIR;
	if (isdot(name, namelen))
		return RUMP_EINVAL;
	err = e2_lock_rw(fs);
	if (err != 0)
		return err;
	err = name_iget(dp, name, namelen, &ino, &ip);
	if (err != 0)
		goto out;
	if (rmdir && !isdir(ip))
		err = RUMP_ENOTDIR;
	else if (!rmdir && isdir(ip))
		err = RUMP_EPERM;
	else if (rmdir) {
		err = e2_dirempty(ip, &empty);
		if (err == 0 && !empty)
			err = RUMP_ENOTEMPTY;
	}
	if (err == 0)
		err = e2_dirremove(dp, name, namelen);
	if (err == 0) {
		if (rmdir) {
			ip->i_nlink = 0; /* its name and its "." */
			if (dp->i_nlink > 1)
				dp->i_nlink--;
		} else if (ip->i_nlink > 0) {
			ip->i_nlink--;
		}
		e2_ichange(ip, false);
	}
	e2_iput(ip);
out:
	e2_unlock(fs);
	return err;
}

/* Whether directory ip is dp or above it (a rename would make a loop). */
static int
is_ancestor(struct e2inode *ip, struct e2inode *dp, bool *yes)
{
	struct e2fs *fs = ip->i_fs;
	uint32_t ino = dp->i_number, parent, steps;
	struct e2inode *cur;
	int err;

	*yes = false;
	for (steps = 0; steps < fs->fs_sb.s_inodes_count; steps++) {
		if (ino == ip->i_number) {
			*yes = true;
			return 0;
		}
		if (ino == E2_ROOTINO)
			return 0;
		err = e2_iget(fs, ino, &cur);
		if (err != 0)
			return err;
		err = isdir(cur) ?
		    e2_dirlookup(cur, "..", 2, &parent) :
		    e2_corrupt(fs, "inode %u is a parent but no directory", ino);
		e2_iput(cur);
		if (err != 0)
			return err == RUMP_ENOENT ? e2_corrupt(fs,
							"directory %u "
							"has no \"..\"",
							ino) :
						    err;
		ino = parent;
	}
	return e2_corrupt(fs, "a loop of \"..\" entries");
}

static int
rename_locked(struct e2inode *fdp, const char *fname, size_t fnamelen,
    struct e2inode *tdp, const char *tname, size_t tnamelen,
    struct e2inode *fip, struct e2inode *tip)
{
	bool dir = isdir(fip), moving = fdp != tdp, loop, empty;
	int err;

	if (tip != NULL) {
		if (dir && !isdir(tip))
			return RUMP_ENOTDIR;
		if (!dir && isdir(tip))
			return RUMP_EISDIR;
		if (isdir(tip)) {
			err = e2_dirempty(tip, &empty);
			if (err != 0)
				return err;
			if (!empty)
				return RUMP_ENOTEMPTY;
		}
	}
	if (dir && moving) {
		err = is_ancestor(fip, tdp, &loop);
		if (err != 0)
			return err;
		if (loop)
			return RUMP_EINVAL;
		if (tip == NULL && tdp->i_nlink >= E2_LINK_MAX)
			return RUMP_EMLINK;
	}
	if (tdp->i_nlink == 0)
		return RUMP_ENOENT;
	/* The new name first: a crash in between leaves two, not none. */
	if (tip != NULL) {
		err = e2_dirsetino(tdp, tname, tnamelen, fip->i_number,
		    e2_ftype(fip->i_mode));
		if (err != 0)
			return err;
		if (isdir(tip)) {
			tip->i_nlink = 0;
			if (tdp->i_nlink > 1)
				tdp->i_nlink--;
		} else if (tip->i_nlink > 0) {
			tip->i_nlink--;
		}
		e2_ichange(tip, false);
	} else {
		err = e2_diradd(tdp, tname, tnamelen, fip->i_number,
		    e2_ftype(fip->i_mode));
		if (err != 0)
			return err;
	}
	if (dir && moving) {
		tdp->i_nlink++;
		tdp->i_dirty = true;
	}
	err = e2_dirremove(fdp, fname, fnamelen);
	if (err != 0)
		return err;
	if (dir && moving) {
		if (fdp->i_nlink > 1)
			fdp->i_nlink--;
		fdp->i_dirty = true;
		err = e2_dirsetino(fip, "..", 2, tdp->i_number, E2_FT_DIR);
	}
	e2_ichange(fip, false);
	return err;
}

int
ext2_rename(struct e2inode *fdp, const char *fname, size_t fnamelen,
    struct e2inode *tdp, const char *tname, size_t tnamelen)
{
	struct e2fs *fs = fdp->i_fs;
	struct e2inode *fip = NULL, *tip = NULL;
	uint32_t fino, tino;
	int err;

	if (!isdir(fdp) || !isdir(tdp))
		return RUMP_ENOTDIR;
	if (tdp->i_fs != fs)
		return RUMP_EXDEV;
	if (isdot(fname, fnamelen) || isdot(tname, tnamelen))
		return RUMP_EINVAL;
	err = checkname(tname, tnamelen);
	if (err != 0)
		return err;
	err = e2_lock_rw(fs);
	if (err != 0)
		return err;
	err = name_iget(fdp, fname, fnamelen, &fino, &fip);
	if (err != 0)
		goto out;
	err = e2_dirlookup(tdp, tname, tnamelen, &tino);
	if (err == 0 && tino != 0)
		err = e2_iget(fs, tino, &tip);
	else if (err == RUMP_ENOENT)
		err = 0;
	if (err != 0)
		goto out;
	/* Two names of one file: nothing to do (rename(2)). */
	if (tip != fip)
		err = rename_locked(fdp, fname, fnamelen, tdp, tname, tnamelen,
		    fip, tip);
out:
	if (tip != NULL)
		e2_iput(tip);
	if (fip != NULL)
		e2_iput(fip);
	e2_unlock(fs);
	return err;
}

/*
 * Before reading file block lbn (at disk block blk, not cached): reads the
 * blocks of the same request (want of them) that follow it on the disk in
 * one go, more when the file is read sequentially.
 */
static void
read_ahead(struct e2inode *ip, uint64_t lbn, uint32_t blk, uint64_t want)
{
	struct e2fs *fs = ip->i_fs;
	uint64_t last = (ip->i_size + fs->fs_bsize - 1) / fs->fs_bsize, n;
	uint32_t next;

	if (lbn == ip->i_nextread && want < 32)
		want = 32;
	if (want > 64)
		want = 64;
	if (want > last - lbn)
		want = last - lbn;
	for (n = 1; n < want; n++) {
		if (e2_bmap(ip, lbn + n, false, false, &next) != 0 ||
		    next != blk + n)
			break;
	}
	if (n > 1)
		bread_ahead(fs->fs_dev, blk, fs->fs_bsize, (size_t)n);
}

int
ext2_read(struct e2inode *ip, void *buf, size_t len, uint64_t off, size_t *done)
{
	struct e2fs *fs = ip->i_fs;
	uint32_t bs = fs->fs_bsize, blk, boff, n;
	struct buf *bp;
	int err;

	*done = 0;
	if (isdir(ip))
		return RUMP_EISDIR;
	err = e2_lock(fs);
	if (err != 0)
		return err;
	if (off >= ip->i_size)
		len = 0;
	else if (len > ip->i_size - off)
		len = (size_t)(ip->i_size - off);
	while (*done < len) {
		boff = (uint32_t)(off % bs);
		n = bs - boff;
		if (n > len - *done)
			n = (uint32_t)(len - *done);
		err = e2_bmap(ip, off / bs, false, false, &blk);
		if (err != 0)
			break;
		if (blk == 0) {
			memset((uint8_t *)buf + *done, 0, n);
		} else {
			if (!bincore(fs->fs_dev, blk))
				read_ahead(ip, off / bs, blk,
				    (len - *done + boff + bs - 1) / bs);
			err = e2_bread(fs, blk, &bp);
			if (err != 0)
				break;
			memcpy((uint8_t *)buf + *done, bp->b_data + boff, n);
			brelse(bp);
		}
		*done += n;
		off += n;
	}
	ip->i_nextread = (off + bs - 1) / bs;
	e2_unlock(fs);
	return *done > 0 ? 0 : err;
}

int
ext2_write(struct e2inode *ip, const void *buf, size_t len, uint64_t off,
    size_t *done)
{
	struct e2fs *fs = ip->i_fs;
	uint32_t bs = fs->fs_bsize, blk, boff, n;
	uint64_t max = e2_maxfilesize(fs);
	struct buf *bp;
	bool whole;
	int err;

	*done = 0;
	if (isdir(ip))
		return RUMP_EISDIR;
	if (off >= max && len > 0)
		return RUMP_EFBIG;
	if (len > max - off)
		len = (size_t)(max - off);
	err = e2_lock_rw(fs);
	if (err != 0)
		return err;
	while (*done < len) {
		boff = (uint32_t)(off % bs);
		n = bs - boff;
		if (n > len - *done)
			n = (uint32_t)(len - *done);
		/* A block written whole, or past the end, needs no read. */
		whole = n == bs || (boff == 0 && off + n >= ip->i_size);
		err = e2_bmap(ip, off / bs, true, whole, &blk);
		if (err != 0)
			break;
		err = whole ? e2_bget(fs, blk, &bp) : e2_bread(fs, blk, &bp);
		if (err != 0)
			break;
		if (whole && n < bs)
			memset(bp->b_data + n, 0, bs - n);
		memcpy(bp->b_data + boff, (const uint8_t *)buf + *done, n);
		bdirty(bp);
		brelse(bp);
		*done += n;
		off += n;
		if (off > ip->i_size) {
			ip->i_size = off;
			if (off > 0x7fffffffULL &&
			    !(fs->fs_sb.s_feature_ro_compat &
				E2_FEATURE_RO_COMPAT_LARGE_FILE)) {
				fs->fs_sb.s_feature_ro_compat |=
				    E2_FEATURE_RO_COMPAT_LARGE_FILE;
				fs->fs_sbdirty = true;
			}
		}
	}
	if (err != 0) {
		/* Blocks got for the failed part go back (none are past EOF). */
		(void)e2_itrunc(ip, ip->i_size);
	}
	if (*done > 0)
		e2_ichange(ip, true);
	e2_unlock(fs);
	return *done > 0 ? 0 : err;
}

int
ext2_truncate(struct e2inode *ip, uint64_t size)
{
	struct e2fs *fs = ip->i_fs;
	int err;

	if (isdir(ip))
		return RUMP_EISDIR;
	if ((ip->i_mode & E2_IFMT) != E2_IFREG)
		return RUMP_EINVAL;
	err = e2_lock(fs);
	if (err != 0)
		return err;
	err = fs->fs_ronly ? RUMP_EROFS : e2_itrunc(ip, size);
	e2_unlock(fs);
	return err;
}

int
ext2_readlink(struct e2inode *ip, char *buf, size_t len, size_t *done)
{
	struct e2fs *fs = ip->i_fs;
	uint32_t blk, eablocks;
	struct buf *bp;
	int err;

	if ((ip->i_mode & E2_IFMT) != E2_IFLNK)
		return RUMP_EINVAL;
	err = e2_lock(fs);
	if (err != 0)
		return err;
	*done = ip->i_size < len ? (size_t)ip->i_size : len;
	eablocks = ip->i_file_acl != 0 ? fs->fs_bsize / 512 : 0;
	if (ip->i_size >= fs->fs_bsize) {
		err = e2_corrupt(fs, "symlink %u of %llu bytes", ip->i_number,
		    (unsigned long long)ip->i_size);
	} else if (ip->i_blocks == eablocks) {
		if (ip->i_size > E2_FAST_SYMLINK_MAX)
			err = e2_corrupt(fs, "fast symlink %u of %llu bytes",
			    ip->i_number, (unsigned long long)ip->i_size);
		else
			memcpy(buf, ip->i_block, *done);
	} else {
		err = e2_bmap(ip, 0, false, false, &blk);
		if (err == 0 && blk == 0)
			err = e2_corrupt(fs, "symlink %u has no block",
			    ip->i_number);
		if (err == 0)
			err = e2_bread(fs, blk, &bp);
		if (err == 0) {
			memcpy(buf, bp->b_data, *done);
			brelse(bp);
		}
	}
	if (err != 0)
		*done = 0;
	e2_unlock(fs);
	return err;
}

void
ext2_getattr(struct e2inode *ip, struct e2attr *va)
{
	uint16_t type = ip->i_mode & E2_IFMT;

	memset(va, 0, sizeof(*va));
	va->mode = ip->i_mode;
	va->uid = ip->i_uid;
	va->gid = ip->i_gid;
	va->nlink = ip->i_nlink;
	va->ino = ip->i_number;
	va->size = ip->i_size;
	va->bytes = (uint64_t)ip->i_blocks * 512;
	if (type == E2_IFCHR || type == E2_IFBLK)
		va->rdev = ip->i_block[0] != 0 ? ip->i_block[0] : ip->i_block[1];
	va->atime.tv_sec = ip->i_atime;
	va->mtime.tv_sec = ip->i_mtime;
	va->ctime.tv_sec = ip->i_ctime;
	/*
	 * NetBSD's ext2fs (without EXT2FS_SYSTEM_FLAGS) keeps two of the file
	 * flags, as the user's: i_flags' append and immutable bits.
	 */
	if (ip->i_flags & E2_APPEND_FL)
		va->flags |= RUMP_UF_APPEND;
	if (ip->i_flags & E2_IMMUTABLE_FL)
		va->flags |= RUMP_UF_IMMUTABLE;
}

int
ext2_setattr(struct e2inode *ip, int which, const struct e2attr *va)
{
	struct e2fs *fs = ip->i_fs;
	int err = e2_lock_rw(fs);

	if (err != 0)
		return err;
	if (which & E2_SETATTR_MODE)
		ip->i_mode = (uint16_t)((ip->i_mode & E2_IFMT) |
		    (va->mode & 07777));
	if (which & E2_SETATTR_UID)
		ip->i_uid = va->uid;
	if (which & E2_SETATTR_GID)
		ip->i_gid = va->gid;
	if (which & E2_SETATTR_ATIME)
		ip->i_atime = (uint32_t)va->atime.tv_sec;
	if (which & E2_SETATTR_MTIME)
		ip->i_mtime = (uint32_t)va->mtime.tv_sec;
	if (which & E2_SETATTR_FLAGS) {
		/* UF_APPEND and UF_IMMUTABLE only (ext2_getattr); others drop. */
		ip->i_flags &= ~(uint32_t)(E2_APPEND_FL | E2_IMMUTABLE_FL);
		if (va->flags & RUMP_UF_APPEND)
			ip->i_flags |= E2_APPEND_FL;
		if (va->flags & RUMP_UF_IMMUTABLE)
			ip->i_flags |= E2_IMMUTABLE_FL;
	}
	e2_ichange(ip, false);
	e2_unlock(fs);
	return 0;
}

int
ext2_fsync(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;
	int err = e2_lock(fs), e;

	if (err != 0)
		return err;
	if (!fs->fs_ronly) {
		/*
		 * Every dirty inode, not only ip's: the directories that
		 * name ip changed size or blocks when its entry went in,
		 * and an inode knows none of its parents. Then the
		 * bitmaps, descriptors and counts allocation changed, and
		 * bflush writes every dirty block (data, entries, inode
		 * tables) and flushes the device's write cache.
		 */
		err = e2_iflush_all(fs);
		if (fs->fs_sbdirty) {
			e = e2_write_super(fs);
			if (err == 0)
				err = e;
		}
		e = bflush(fs->fs_dev);
		if (err == 0)
			err = e;
	}
	e2_unlock(fs);
	return err;
}
