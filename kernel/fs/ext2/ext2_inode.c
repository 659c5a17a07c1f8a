/*
 * ext2 inodes: reading and writing them in the inode tables, the block map
 * (12 direct blocks, then single, double and triple indirect blocks; a zero
 * is a hole), truncation, and freeing an inode at its last reference once
 * no name is left.
 */
#include <string.h>

#include "kern.h"
#include "fs/buf.h"
#include "ext2.h"

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

uint8_t
e2_ftype(uint16_t mode)
{
	switch (mode & E2_IFMT) {
	case E2_IFREG:
		return E2_FT_REG_FILE;
	case E2_IFDIR:
		return E2_FT_DIR;
	case E2_IFCHR:
		return E2_FT_CHRDEV;
	case E2_IFBLK:
		return E2_FT_BLKDEV;
	case E2_IFIFO:
		return E2_FT_FIFO;
	case E2_IFSOCK:
		return E2_FT_SOCK;
	case E2_IFLNK:
		return E2_FT_SYMLINK;
	}
	return E2_FT_UNKNOWN;
}

void
e2_ichange(struct e2inode *ip, bool mtime)
{
	uint32_t now = e2_now();

	ip->i_ctime = now;
	if (mtime)
		ip->i_mtime = now;
	ip->i_dirty = true;
}

uint64_t
e2_maxfilesize(struct e2fs *fs)
{
	uint64_t n = fs->fs_nindir, blocks, max;

	blocks = E2_NDADDR + n + n * n + n * n * n;
	max = blocks * fs->fs_bsize;
	/* i_blocks counts 512-byte units in 32 bits, indirect blocks too. */
	if (max > (1ULL << 41) - (1ULL << 32))
		max = (1ULL << 41) - (1ULL << 32);
	return max;
}

/* Where inode ino lives: its table block and byte offset there. */
static int
ilocate(struct e2fs *fs, uint32_t ino, uint32_t *blkp, uint32_t *offp)
{
	uint32_t g, idx;

	if (ino == 0 || ino > fs->fs_sb.s_inodes_count)
		return e2_corrupt(fs, "inode number %u out of range", ino);
	g = (ino - 1) / fs->fs_sb.s_inodes_per_group;
	idx = (ino - 1) % fs->fs_sb.s_inodes_per_group;
	*blkp = fs->fs_gd[g].bg_inode_table + idx / fs->fs_ipb;
	*offp = (idx % fs->fs_ipb) * fs->fs_isize;
	return 0;
}

static bool
itype_ok(uint16_t mode)
{
	return e2_ftype(mode) != E2_FT_UNKNOWN;
}

/* Takes ip off the list of kept directories (it is wanted again). */
static void
unkeep(struct e2fs *fs, struct e2inode *ip)
{
	for (int i = 0; i < fs->fs_nkeep; i++) {
		if (fs->fs_keep[i] == ip) {
			memmove(&fs->fs_keep[i], &fs->fs_keep[i + 1],
			    (size_t)(fs->fs_nkeep - i - 1) * sizeof(ip));
			fs->fs_nkeep--;
			return;
		}
	}
}

/* Frees the memory of an unreferenced inode. */
static void
forget(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;
	struct e2inode **pp;

	pp = &fs->fs_ihash[ip->i_number % fs->fs_nihash];
	while (*pp != ip)
		pp = &(*pp)->i_hnext;
	*pp = ip->i_hnext;
	fs->fs_ninodes--;
	e2_dc_free(ip);
	kmem_free(ip, sizeof(*ip));
}

int
e2_iget(struct e2fs *fs, uint32_t ino, struct e2inode **ipp)
{
	const struct ext2_dinode *di;
	struct e2inode *ip;
	struct buf *bp;
	uint32_t h = ino % fs->fs_nihash, blk, off;
	int err;

	for (ip = fs->fs_ihash[h]; ip != NULL; ip = ip->i_hnext) {
		if (ip->i_number == ino) {
			if (ip->i_refs++ == 0)
				unkeep(fs, ip);
			*ipp = ip;
			return 0;
		}
	}
	err = ilocate(fs, ino, &blk, &off);
	if (err != 0)
		return err;
	err = e2_bread(fs, blk, &bp);
	if (err != 0)
		return err;
	/* Another thread may have read it while the CPU was away. */
	for (ip = fs->fs_ihash[h]; ip != NULL; ip = ip->i_hnext) {
		if (ip->i_number == ino) {
			brelse(bp);
			if (ip->i_refs++ == 0)
				unkeep(fs, ip);
			*ipp = ip;
			return 0;
		}
	}
	di = (const struct ext2_dinode *)(bp->b_data + off);
	if (di->i_links_count == 0 || !itype_ok(di->i_mode) ||
	    (di->i_flags & (E2_EXTENTS_FL | E2_INLINE_DATA_FL))) {
		brelse(bp);
		return e2_corrupt(fs,
		    "inode %u is free, of no known type or "
		    "uses unsupported features",
		    ino);
	}
	ip = kmem_zalloc(sizeof(*ip));
	if (ip == NULL) {
		brelse(bp);
		return RUMP_ENOMEM;
	}
	ip->i_fs = fs;
	ip->i_number = ino;
	ip->i_refs = 1;
	ip->i_mode = di->i_mode;
	ip->i_uid = di->i_uid | (uint32_t)di->i_uid_high << 16;
	ip->i_gid = di->i_gid | (uint32_t)di->i_gid_high << 16;
	ip->i_nlink = di->i_links_count;
	ip->i_size = di->i_size;
	if ((di->i_mode & E2_IFMT) == E2_IFREG)
		ip->i_size |= (uint64_t)di->i_size_high << 32;
	ip->i_atime = di->i_atime;
	ip->i_mtime = di->i_mtime;
	ip->i_ctime = di->i_ctime;
	ip->i_dtime = di->i_dtime;
	ip->i_blocks = di->i_blocks;
	ip->i_flags = di->i_flags;
	memcpy(ip->i_block, di->i_block, sizeof(ip->i_block));
	ip->i_file_acl = di->i_file_acl;
	ip->i_generation = di->i_generation;
	brelse(bp);
	if (ip->i_size > e2_maxfilesize(fs) ||
	    (ip->i_file_acl != 0 && !e2_blk_ok(fs, ip->i_file_acl))) {
		kmem_free(ip, sizeof(*ip));
		return e2_corrupt(fs, "inode %u: bad size or attribute block",
		    ino);
	}
	ip->i_hnext = fs->fs_ihash[h];
	fs->fs_ihash[h] = ip;
	fs->fs_ninodes++;
	*ipp = ip;
	return 0;
}

/* Writes ip's fields into its inode table block (the cache's copy). */
int
e2_iupdate(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;
	struct ext2_dinode *di;
	struct buf *bp;
	uint32_t blk, off;
	int err;

	if (!ip->i_dirty || fs->fs_ronly)
		return 0;
	err = ilocate(fs, ip->i_number, &blk, &off);
	if (err == 0)
		err = e2_bread(fs, blk, &bp);
	if (err != 0)
		return err;
	di = (struct ext2_dinode *)(bp->b_data + off);
	di->i_mode = ip->i_mode;
	di->i_uid = (uint16_t)ip->i_uid;
	di->i_uid_high = (uint16_t)(ip->i_uid >> 16);
	di->i_gid = (uint16_t)ip->i_gid;
	di->i_gid_high = (uint16_t)(ip->i_gid >> 16);
	di->i_links_count = ip->i_nlink;
	di->i_size = (uint32_t)ip->i_size;
	if ((ip->i_mode & E2_IFMT) == E2_IFREG)
		di->i_size_high = (uint32_t)(ip->i_size >> 32);
	di->i_atime = ip->i_atime;
	di->i_mtime = ip->i_mtime;
	di->i_ctime = ip->i_ctime;
	di->i_dtime = ip->i_dtime;
	di->i_blocks = ip->i_blocks;
	di->i_flags = ip->i_flags;
	memcpy(di->i_block, ip->i_block, sizeof(ip->i_block));
	di->i_file_acl = ip->i_file_acl;
	di->i_generation = ip->i_generation;
	bdirty(bp);
	brelse(bp);
	ip->i_dirty = false;
	return 0;
}

int
e2_iflush_all(struct e2fs *fs)
{
	struct e2inode *ip;
	uint32_t h;
	int err = 0, e;

	for (h = 0; h < fs->fs_nihash; h++) {
		for (ip = fs->fs_ihash[h]; ip != NULL; ip = ip->i_hnext) {
			e = e2_iupdate(ip);
			if (err == 0)
				err = e;
		}
	}
	return err;
}

/* Drops one reference to the extended attribute block of ip. */
static int
free_xattr(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;
	struct buf *bp;
	uint32_t refs;
	int err;

	if (ip->i_file_acl == 0)
		return 0;
	err = e2_bread(fs, ip->i_file_acl, &bp);
	if (err != 0)
		return err;
	if (get32(bp->b_data) != E2_XATTR_MAGIC) {
		brelse(bp);
		return e2_corrupt(fs, "inode %u: bad attribute block",
		    ip->i_number);
	}
	refs = get32(bp->b_data + E2_XATTR_REFCOUNT_OFF);
	if (refs > 1) {
		put32(bp->b_data + E2_XATTR_REFCOUNT_OFF, refs - 1);
		bdirty(bp);
		brelse(bp);
	} else {
		brelse(bp);
		err = e2_bfree(fs, ip->i_file_acl);
		if (err != 0)
			return err;
	}
	ip->i_blocks -= fs->fs_bsize / 512 <= ip->i_blocks ? fs->fs_bsize / 512 :
							     ip->i_blocks;
	ip->i_file_acl = 0;
	ip->i_dirty = true;
	return 0;
}

static bool
has_blocks(const struct e2inode *ip)
{
	/* A fast symlink keeps its target in i_block[]. */
	if ((ip->i_mode & E2_IFMT) == E2_IFLNK)
		return ip->i_blocks -
		    (ip->i_file_acl != 0 ? ip->i_fs->fs_bsize / 512 : 0) !=
		    0;
	return (ip->i_mode & E2_IFMT) == E2_IFREG ||
	    (ip->i_mode & E2_IFMT) == E2_IFDIR;
}

void
e2_iput(struct e2inode *ip)
{
	struct e2fs *fs = ip->i_fs;
	bool isdir;

	KASSERT(ip->i_refs > 0);
	if (--ip->i_refs > 0)
		return;
	if (ip->i_nlink == 0 && !fs->fs_ronly) {
		/* The last reference to an unlinked inode: free it all. */
		isdir = (ip->i_mode & E2_IFMT) == E2_IFDIR;
		if (has_blocks(ip))
			(void)e2_itrunc(ip, 0);
		else
			memset(ip->i_block, 0, sizeof(ip->i_block));
		(void)free_xattr(ip);
		ip->i_size = 0;
		ip->i_dtime = e2_now();
		ip->i_dirty = true;
		/* Errors were reported to the console; e2fsck finishes. */
		if (e2_iupdate(ip) == 0)
			(void)e2_ifree(fs, ip->i_number, isdir);
	} else {
		(void)e2_iupdate(ip);
		/* A large directory stays, for its names, while few do. */
		if (ip->i_dcache != NULL && ip->i_refs == 0) {
			if (fs->fs_nkeep == E2_NKEEP) {
				struct e2inode *old = fs->fs_keep[0];

				unkeep(fs, old);
				forget(old);
			}
			fs->fs_keep[fs->fs_nkeep++] = ip;
			return;
		}
	}
	if (ip->i_refs == 0)
		forget(ip);
}

/* A new zeroed block for ip (near its last one), counted in i_blocks. */
static int
alloc_block(struct e2inode *ip, bool zero, uint32_t *blkp)
{
	struct e2fs *fs = ip->i_fs;
	struct buf *bp;
	uint32_t goal;
	int err;

	goal = (uint32_t)ip->i_lastblk + 1;
	if (ip->i_lastblk == 0) {
		uint32_t g = (ip->i_number - 1) / fs->fs_sb.s_inodes_per_group;
		goal = fs->fs_sb.s_first_data_block +
		    g * fs->fs_sb.s_blocks_per_group;
	}
	err = e2_balloc(fs, goal, blkp);
	if (err != 0)
		return err;
	if (zero) {
		err = e2_bget(fs, *blkp, &bp);
		if (err != 0) {
			(void)e2_bfree(fs, *blkp);
			return err;
		}
		memset(bp->b_data, 0, fs->fs_bsize);
		bdirty(bp);
		brelse(bp);
	}
	ip->i_lastblk = *blkp;
	ip->i_blocks += fs->fs_bsize / 512;
	ip->i_dirty = true;
	return 0;
}

int
e2_bmap(struct e2inode *ip, uint64_t lbn, bool alloc, bool nozero, uint32_t *blkp)
{
	struct e2fs *fs = ip->i_fs;
	uint64_t n = fs->fs_nindir, span = 1;
	uint32_t idx[3], blk, nb;
	struct buf *bp;
	int depth, slot, i, err;

	if (lbn < E2_NDADDR) {
		blk = ip->i_block[lbn];
		if (blk != 0 && !e2_blk_ok(fs, blk))
			return e2_corrupt(fs,
			    "inode %u: block %u outside the "
			    "data area",
			    ip->i_number, blk);
		if (blk == 0 && alloc) {
			err = alloc_block(ip, !nozero, &blk);
			if (err != 0)
				return err;
			ip->i_block[lbn] = blk;
		}
		*blkp = blk;
		return 0;
	}
	lbn -= E2_NDADDR;
	for (depth = 1; depth <= 3; depth++) {
		span *= n;
		if (lbn < span)
			break;
		lbn -= span;
	}
	if (depth > 3)
		return RUMP_EFBIG;
	slot = E2_IND + depth - 1;
	for (i = depth - 1; i >= 0; i--) {
		idx[i] = (uint32_t)(lbn % n);
		lbn /= n;
	}
	/* Walk down: idx[0] indexes the top indirect block. */
	blk = ip->i_block[slot];
	if (blk == 0) {
		if (!alloc) {
			*blkp = 0;
			return 0;
		}
		err = alloc_block(ip, true, &blk);
		if (err != 0)
			return err;
		ip->i_block[slot] = blk;
	}
	for (i = 0; i < depth; i++) {
		if (!e2_blk_ok(fs, blk))
			return e2_corrupt(fs,
			    "inode %u: block %u outside the "
			    "data area",
			    ip->i_number, blk);
		err = e2_bread(fs, blk, &bp);
		if (err != 0)
			return err;
		nb = get32(bp->b_data + 4 * idx[i]);
		if (nb != 0 && !e2_blk_ok(fs, nb)) {
			brelse(bp);
			return e2_corrupt(fs,
			    "inode %u: block %u outside the "
			    "data area",
			    ip->i_number, nb);
		}
		if (nb == 0) {
			if (!alloc) {
				brelse(bp);
				*blkp = 0;
				return 0;
			}
			err = alloc_block(ip, i < depth - 1 || !nozero, &nb);
			if (err != 0) {
				brelse(bp);
				return err;
			}
			put32(bp->b_data + 4 * idx[i], nb);
			bdirty(bp);
		}
		brelse(bp);
		blk = nb;
	}
	*blkp = blk;
	return 0;
}

/*
 * Frees what the block at *slot holds for file blocks >= nb: the block
 * covers file blocks from base, depth levels above the data (0: a data
 * block), each of its entries spanning span file blocks. The block itself
 * goes (and *slot becomes 0) when it holds nothing below nb. *changed
 * tells the caller to mark the slot's buffer dirty.
 */
static int
trunc_tree(struct e2inode *ip, uint8_t *slot, int depth, uint64_t base,
    uint64_t span, uint64_t nb, bool *changed)
{
	struct e2fs *fs = ip->i_fs;
	uint32_t blk = get32(slot), i;
	struct buf *bp;
	bool dirty = false;
	int err = 0;

	if (blk == 0)
		return 0;
	if (!e2_blk_ok(fs, blk))
		return e2_corrupt(fs, "inode %u: block %u outside the data area",
		    ip->i_number, blk);
	if (depth > 0) {
		err = e2_bread(fs, blk, &bp);
		if (err != 0)
			return err;
		for (i = 0; i < fs->fs_nindir && err == 0; i++) {
			uint64_t cbase = base + i * span;

			if (cbase + span <= nb)
				continue;
			err = trunc_tree(ip, bp->b_data + 4 * i, depth - 1,
			    cbase, span / fs->fs_nindir, nb, &dirty);
		}
		if (dirty)
			bdirty(bp);
		brelse(bp);
		if (err != 0)
			return err;
	}
	if (base >= nb) {
		err = e2_bfree(fs, blk);
		if (err != 0)
			return err;
		put32(slot, 0);
		*changed = true;
		ip->i_blocks -= fs->fs_bsize / 512 <= ip->i_blocks ?
		    fs->fs_bsize / 512 :
		    ip->i_blocks;
		ip->i_dirty = true;
	}
	return 0;
}

int
e2_itrunc(struct e2inode *ip, uint64_t size)
{
	struct e2fs *fs = ip->i_fs;
	uint64_t n = fs->fs_nindir, nb, base;
	uint32_t blk, i;
	struct buf *bp;
	bool changed = false;
	int err;

	if (size > e2_maxfilesize(fs))
		return RUMP_EFBIG;
	nb = (size + fs->fs_bsize - 1) / fs->fs_bsize;
	if (size < ip->i_size && size % fs->fs_bsize != 0) {
		/* Zero the kept block's tail: a later extension reads zeros. */
		err = e2_bmap(ip, size / fs->fs_bsize, false, false, &blk);
		if (err != 0)
			return err;
		if (blk != 0) {
			err = e2_bread(fs, blk, &bp);
			if (err != 0)
				return err;
			memset(bp->b_data + size % fs->fs_bsize, 0,
			    fs->fs_bsize - size % fs->fs_bsize);
			bdirty(bp);
			brelse(bp);
		}
	}
	if (size < ip->i_size || size == 0) {
		for (i = 0; i < E2_NDADDR; i++) {
			if (i < nb || ip->i_block[i] == 0)
				continue;
			err = trunc_tree(ip, (uint8_t *)&ip->i_block[i], 0, i,
			    1, nb, &changed);
			if (err != 0)
				return err;
		}
		base = E2_NDADDR;
		err = trunc_tree(ip, (uint8_t *)&ip->i_block[E2_IND], 1, base,
		    1, nb, &changed);
		base += n;
		if (err == 0)
			err = trunc_tree(ip, (uint8_t *)&ip->i_block[E2_DIND],
			    2, base, n, nb, &changed);
		base += n * n;
		if (err == 0)
			err = trunc_tree(ip, (uint8_t *)&ip->i_block[E2_TIND],
			    3, base, n * n, nb, &changed);
		if (err != 0)
			return err;
	}
	ip->i_size = size;
	ip->i_lastblk = 0;
	if (size > 0x7fffffffULL &&
	    !(fs->fs_sb.s_feature_ro_compat & E2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		fs->fs_sb.s_feature_ro_compat |= E2_FEATURE_RO_COMPAT_LARGE_FILE;
		fs->fs_sbdirty = true;
	}
	e2_ichange(ip, true);
	return 0;
}
