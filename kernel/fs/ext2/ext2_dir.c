/*
 * ext2 directories as linear lists of records in whole blocks. A record
 * (struct ext2_dirent) holds a name and, in rec_len, the room up to the
 * next one; a name is added in a record's spare room or a new block, and
 * removed by joining its record to the one before (or clearing the inode
 * of a block's first). Directories indexed by hashes (dir_index) read the
 * same way, as their index blocks look like empty records; one this code
 * changes loses its index flag, so the index is not trusted any more
 * (e2fsck -fD may rebuild it).
 */
#include <string.h>

#include "kern.h"
#include "fs/buf.h"
#include "ext2.h"

/* Checks every record of a directory block; 0 or EIO. */
static int
check_block(struct e2inode *dp, struct buf *bp, uint64_t lbn)
{
	struct e2fs *fs = dp->i_fs;
	const struct ext2_dirent *de;
	uint32_t off = 0;

	while (off < fs->fs_bsize) {
		de = (const struct ext2_dirent *)(bp->b_data + off);
		if (de->rec_len < E2_DIRENT_HDR || de->rec_len % 4 != 0 ||
		    de->rec_len > fs->fs_bsize - off ||
		    (de->inode != 0 &&
			(de->name_len == 0 ||
			    E2_DIRENT_LEN(de->name_len) > de->rec_len ||
			    de->inode > fs->fs_sb.s_inodes_count)))
			return e2_corrupt(fs,
			    "directory %u block %llu: bad "
			    "entry at %u",
			    dp->i_number, (unsigned long long)lbn, off);
		off += de->rec_len;
	}
	return 0;
}

/* Reads directory block lbn, checked. */
static int
dir_bread(struct e2inode *dp, uint64_t lbn, struct buf **bpp)
{
	struct e2fs *fs = dp->i_fs;
	uint32_t blk;
	int err;

	err = e2_bmap(dp, lbn, false, false, &blk);
	if (err != 0)
		return err;
	if (blk == 0)
		return e2_corrupt(fs, "directory %u has a hole", dp->i_number);
	err = e2_bread(fs, blk, bpp);
	if (err != 0)
		return err;
	err = check_block(dp, *bpp, lbn);
	if (err != 0)
		brelse(*bpp);
	return err;
}

static int
dir_nblocks(struct e2inode *dp, uint64_t *nbp)
{
	struct e2fs *fs = dp->i_fs;

	if (dp->i_size % fs->fs_bsize != 0 || dp->i_size == 0)
		return e2_corrupt(fs, "directory %u has size %llu",
		    dp->i_number, (unsigned long long)dp->i_size);
	*nbp = dp->i_size / fs->fs_bsize;
	return 0;
}

/* Where a name is: its block (held) and offset, and the record before it. */
struct dirpos {
	struct buf *bp;
	uint64_t lbn;
	uint32_t off;
	int64_t prev; /* -1: first in its block */
};

/* Whether block bp (lbn) holds name; *pos then says where. */
static bool
scan_block(struct e2inode *dp, struct buf *bp, uint64_t lbn, const char *name,
    size_t namelen, struct dirpos *pos)
{
	const struct ext2_dirent *de;
	uint32_t off;
	int64_t prev;

	for (off = 0, prev = -1; off < dp->i_fs->fs_bsize;
	     prev = off, off += de->rec_len) {
		de = (const struct ext2_dirent *)(bp->b_data + off);
		if (de->inode != 0 && de->name_len == namelen &&
		    memcmp(de->name, name, namelen) == 0) {
			pos->bp = bp;
			pos->lbn = lbn;
			pos->off = off;
			pos->prev = prev;
			return true;
		}
	}
	return false;
}

/* Fills the name cache of a large directory; it is dropped on an error. */
static void
build_cache(struct e2inode *dp, uint64_t nb)
{
	struct e2fs *fs = dp->i_fs;
	const struct ext2_dirent *de;
	struct buf *bp;
	uint64_t lbn;
	uint32_t off;

	if (!e2_dc_start(dp))
		return;
	for (lbn = 0; lbn < nb && dp->i_dcache != NULL; lbn++) {
		if (dir_bread(dp, lbn, &bp) != 0) {
			e2_dc_free(dp);
			return;
		}
		for (off = 0; off < fs->fs_bsize && dp->i_dcache != NULL;
		     off += de->rec_len) {
			de = (const struct ext2_dirent *)(bp->b_data + off);
			if (de->inode != 0)
				e2_dc_add(dp, de->name, de->name_len,
				    (uint32_t)lbn);
		}
		brelse(bp);
	}
}

static int
find(struct e2inode *dp, const char *name, size_t namelen, struct dirpos *pos)
{
	struct buf *bp;
	uint64_t nb = 0, lbn;
	uint32_t clbn;
	int err, r;

	err = dir_nblocks(dp, &nb);
	if (err != 0)
		return err;
	if (dp->i_dcache == NULL && nb >= DC_MIN_BLOCKS)
		build_cache(dp, nb);
	r = e2_dc_lookup(dp, name, namelen, &clbn);
	if (r == 0)
		return RUMP_ENOENT;
	if (r == 1) {
		if (clbn < nb) {
			err = dir_bread(dp, clbn, &bp);
			if (err != 0)
				return err;
			if (scan_block(dp, bp, clbn, name, namelen, pos))
				return 0;
			brelse(bp);
		}
		e2_dc_free(dp); /* wrong: the disk decides */
	}
	for (lbn = 0; lbn < nb; lbn++) {
		err = dir_bread(dp, lbn, &bp);
		if (err != 0)
			return err;
		if (scan_block(dp, bp, lbn, name, namelen, pos))
			return 0;
		brelse(bp);
	}
	return RUMP_ENOENT;
}

/* The directory changes as a list: an index would be stale now. */
static void
dir_changed(struct e2inode *dp)
{
	dp->i_flags &= ~E2_INDEX_FL;
	e2_ichange(dp, true);
}

int
e2_dirlookup(struct e2inode *dp, const char *name, size_t namelen, uint32_t *inop)
{
	struct dirpos pos;
	int err;

	err = find(dp, name, namelen, &pos);
	if (err != 0)
		return err;
	*inop = ((const struct ext2_dirent *)(pos.bp->b_data + pos.off))->inode;
	brelse(pos.bp);
	return 0;
}

static uint8_t
ftype_byte(struct e2fs *fs, uint8_t type)
{
	return (fs->fs_sb.s_feature_incompat & E2_FEATURE_INCOMPAT_FILETYPE) ?
	    type :
	    0;
}

static void
fill(struct ext2_dirent *de, uint32_t ino, uint16_t reclen, const char *name,
    size_t namelen, uint8_t type)
{
	de->inode = ino;
	de->rec_len = reclen;
	de->name_len = (uint8_t)namelen;
	de->file_type = type;
	memcpy(de->name, name, namelen);
	/* The padding is zeroed as e2fsck's own writes leave it. */
	memset(de->name + namelen, 0,
	    E2_DIRENT_LEN(namelen) - E2_DIRENT_HDR - namelen);
}

int
e2_diradd(struct e2inode *dp, const char *name, size_t namelen, uint32_t ino,
    uint8_t type)
{
	struct e2fs *fs = dp->i_fs;
	uint32_t need = E2_DIRENT_LEN(namelen), off, used, blk;
	struct ext2_dirent *de, *nde;
	uint64_t nb = 0, lbn;
	struct buf *bp;
	int err;

	type = ftype_byte(fs, type);
	err = dir_nblocks(dp, &nb);
	if (err != 0)
		return err;
	/* Blocks before the hint were full (for names this long, roughly). */
	for (lbn = dp->i_dfree < nb ? dp->i_dfree : 0; lbn < nb; lbn++) {
		err = dir_bread(dp, lbn, &bp);
		if (err != 0)
			return err;
		for (off = 0; off < fs->fs_bsize; off += de->rec_len) {
			de = (struct ext2_dirent *)(bp->b_data + off);
			used = de->inode != 0 ? E2_DIRENT_LEN(de->name_len) : 0;
			if (de->rec_len - used < need)
				continue;
			if (de->inode == 0) {
				fill(de, ino, de->rec_len, name, namelen, type);
			} else {
				nde = (struct ext2_dirent *)(bp->b_data + off +
				    used);
				fill(nde, ino, (uint16_t)(de->rec_len - used),
				    name, namelen, type);
				de->rec_len = (uint16_t)used;
			}
			bdirty(bp);
			brelse(bp);
			dp->i_dfree = lbn;
			e2_dc_add(dp, name, namelen, (uint32_t)lbn);
			dir_changed(dp);
			return 0;
		}
		brelse(bp);
	}
	/* No room: a new block at the end. */
	if (dp->i_size + fs->fs_bsize > 0xffffffffULL)
		return RUMP_ENOSPC;
	err = e2_bmap(dp, nb, true, true, &blk);
	if (err != 0)
		return err;
	err = e2_bget(fs, blk, &bp);
	if (err != 0) {
		(void)e2_itrunc(dp, dp->i_size);
		return err;
	}
	memset(bp->b_data, 0, fs->fs_bsize);
	fill((struct ext2_dirent *)bp->b_data, ino, (uint16_t)fs->fs_bsize,
	    name, namelen, type);
	bdirty(bp);
	brelse(bp);
	dp->i_size += fs->fs_bsize;
	dp->i_dfree = nb;
	e2_dc_add(dp, name, namelen, (uint32_t)nb);
	dir_changed(dp);
	return 0;
}

int
e2_dirremove(struct e2inode *dp, const char *name, size_t namelen)
{
	struct ext2_dirent *de, *pde;
	struct dirpos pos;
	int err;

	err = find(dp, name, namelen, &pos);
	if (err != 0)
		return err;
	de = (struct ext2_dirent *)(pos.bp->b_data + pos.off);
	if (pos.prev < 0) {
		de->inode = 0;
	} else {
		pde = (struct ext2_dirent *)(pos.bp->b_data + pos.prev);
		pde->rec_len = (uint16_t)(pde->rec_len + de->rec_len);
	}
	bdirty(pos.bp);
	brelse(pos.bp);
	if (pos.lbn < dp->i_dfree)
		dp->i_dfree = pos.lbn;
	e2_dc_remove(dp, name, namelen);
	dir_changed(dp);
	return 0;
}

int
e2_dirsetino(struct e2inode *dp, const char *name, size_t namelen, uint32_t ino,
    uint8_t type)
{
	struct ext2_dirent *de;
	struct dirpos pos;
	int err;

	err = find(dp, name, namelen, &pos);
	if (err != 0)
		return err;
	de = (struct ext2_dirent *)(pos.bp->b_data + pos.off);
	de->inode = ino;
	de->file_type = ftype_byte(dp->i_fs, type);
	bdirty(pos.bp);
	brelse(pos.bp);
	dir_changed(dp);
	return 0;
}

int
e2_dirempty(struct e2inode *dp, bool *emptyp)
{
	struct e2fs *fs = dp->i_fs;
	const struct ext2_dirent *de;
	struct buf *bp;
	uint64_t nb = 0, lbn;
	uint32_t off;
	int err;

	err = dir_nblocks(dp, &nb);
	if (err != 0)
		return err;
	for (lbn = 0; lbn < nb; lbn++) {
		err = dir_bread(dp, lbn, &bp);
		if (err != 0)
			return err;
		for (off = 0; off < fs->fs_bsize; off += de->rec_len) {
			de = (const struct ext2_dirent *)(bp->b_data + off);
			if (de->inode == 0)
				continue;
			if ((de->name_len == 1 && de->name[0] == '.') ||
			    (de->name_len == 2 && de->name[0] == '.' &&
				de->name[1] == '.'))
				continue;
			brelse(bp);
			*emptyp = false;
			return 0;
		}
		brelse(bp);
	}
	*emptyp = true;
	return 0;
}

int
e2_dirinit(struct e2inode *dp, uint32_t parent)
{
	struct e2fs *fs = dp->i_fs;
	struct ext2_dirent *de;
	struct buf *bp;
	uint32_t blk;
	int err;

	err = e2_bmap(dp, 0, true, true, &blk);
	if (err != 0)
		return err;
	err = e2_bget(fs, blk, &bp);
	if (err != 0)
		return err;
	memset(bp->b_data, 0, fs->fs_bsize);
	de = (struct ext2_dirent *)bp->b_data;
	fill(de, dp->i_number, E2_DIRENT_LEN(1), ".", 1,
	    ftype_byte(fs, E2_FT_DIR));
	de = (struct ext2_dirent *)(bp->b_data + E2_DIRENT_LEN(1));
	fill(de, parent, (uint16_t)(fs->fs_bsize - E2_DIRENT_LEN(1)), "..", 2,
	    ftype_byte(fs, E2_FT_DIR));
	bdirty(bp);
	brelse(bp);
	dp->i_size = fs->fs_bsize;
	dp->i_dirty = true;
	return 0;
}

int
ext2_readdir(struct e2inode *dp, uint64_t *offp, e2_dirfn fn, void *arg)
{
	struct e2fs *fs = dp->i_fs;
	const struct ext2_dirent *de;
	uint64_t nb = 0, lbn;
	struct buf *bp;
	uint32_t off;
	int err;

	err = e2_lock(fs);
	if (err != 0)
		return err;
	err = dir_nblocks(dp, &nb);
	for (lbn = *offp / fs->fs_bsize; err == 0 && lbn < nb; lbn++) {
		err = dir_bread(dp, lbn, &bp);
		if (err != 0)
			break;
		for (off = 0; off < fs->fs_bsize; off += de->rec_len) {
			uint64_t pos = lbn * fs->fs_bsize + off;

			de = (const struct ext2_dirent *)(bp->b_data + off);
			/* A resumed walk starts at the first record from *offp. */
			if (pos < *offp || de->inode == 0)
				continue;
			if (fn(arg, de->inode, de->file_type, de->name,
				de->name_len, pos + de->rec_len) != 0) {
				brelse(bp);
				*offp = pos;
				e2_unlock(fs);
				return 0;
			}
		}
		brelse(bp);
		*offp = (lbn + 1) * fs->fs_bsize;
	}
	e2_unlock(fs);
	return err;
}
