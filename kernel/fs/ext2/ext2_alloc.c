/*
 * ext2 block and inode allocation: one bitmap block of each per group; the
 * group's free counts and the superblock's totals change with every bit.
 */
#include <string.h>

#include "kern.h"
#include "fs/buf.h"
#include "ext2.h"

/* The first clear bit of map in [from, nbits), or -1. */
static int64_t
find_clear(const uint8_t *map, uint32_t from, uint32_t nbits)
{
	uint32_t i = from;

	while (i < nbits) {
		if ((i & 7) == 0 && map[i >> 3] == 0xff) {
			i += 8;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
		i++;
	}
	return -1;
}

static uint32_t
group_nblocks(struct e2fs *fs, uint32_t g)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint32_t start = sb->s_first_data_block + g * sb->s_blocks_per_group;

	if (sb->s_blocks_count - start < sb->s_blocks_per_group)
		return sb->s_blocks_count - start;
	return sb->s_blocks_per_group;
}

/* Takes a block of group g at or after bit from; ENOSPC when full. */
static int
alloc_in_group(struct e2fs *fs, uint32_t g, uint32_t from, uint32_t *blkp)
{
	struct ext2_gd *gd = &fs->fs_gd[g];
	struct buf *bp;
	int64_t bit;
	int err;

	if (gd->bg_free_blocks_count == 0)
		return RUMP_ENOSPC;
	err = e2_bread(fs, gd->bg_block_bitmap, &bp);
	if (err != 0)
		return err;
	bit = find_clear(bp->b_data, from, group_nblocks(fs, g));
	if (bit < 0 && from > 0)
		bit = find_clear(bp->b_data, 0, from);
	if (bit < 0) {
		brelse(bp);
		return e2_corrupt(fs,
		    "group %u: free block count %u but a "
		    "full bitmap",
		    g, gd->bg_free_blocks_count);
	}
	*blkp = fs->fs_sb.s_first_data_block +
	    g * fs->fs_sb.s_blocks_per_group + (uint32_t)bit;
	if (!e2_blk_ok(fs, *blkp)) {
		brelse(bp);
		return e2_corrupt(fs,
		    "group %u: bitmap frees metadata block %u", g, *blkp);
	}
	bp->b_data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	bdirty(bp);
	brelse(bp);
	gd->bg_free_blocks_count--;
	fs->fs_sb.s_free_blocks_count--;
	fs->fs_sbdirty = true;
	return 0;
}

int
e2_balloc(struct e2fs *fs, uint32_t goal, uint32_t *blkp)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint32_t g0 = 0, from = 0, i, g;
	int err;

	if (sb->s_free_blocks_count == 0)
		return RUMP_ENOSPC;
	if (goal >= sb->s_first_data_block && goal < sb->s_blocks_count) {
		g0 = (goal - sb->s_first_data_block) / sb->s_blocks_per_group;
		from = (goal - sb->s_first_data_block) % sb->s_blocks_per_group;
	}
	for (i = 0; i < fs->fs_ngroups; i++) {
		g = (g0 + i) % fs->fs_ngroups;
		err = alloc_in_group(fs, g, i == 0 ? from : 0, blkp);
		if (err != RUMP_ENOSPC)
			return err;
	}
	return RUMP_ENOSPC;
}

int
e2_bfree(struct e2fs *fs, uint32_t blk)
{
	const struct ext2_super *sb = &fs->fs_sb;
	struct ext2_gd *gd;
	struct buf *bp;
	uint32_t g, bit;
	int err;

	if (!e2_blk_ok(fs, blk))
		return e2_corrupt(fs, "freeing block %u outside the data area",
		    blk);
	g = (blk - sb->s_first_data_block) / sb->s_blocks_per_group;
	bit = (blk - sb->s_first_data_block) % sb->s_blocks_per_group;
	gd = &fs->fs_gd[g];
	err = e2_bread(fs, gd->bg_block_bitmap, &bp);
	if (err != 0)
		return err;
	if (!(bp->b_data[bit >> 3] & (1u << (bit & 7)))) {
		brelse(bp);
		return e2_corrupt(fs, "freeing free block %u", blk);
	}
	bp->b_data[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
	bdirty(bp);
	brelse(bp);
	gd->bg_free_blocks_count++;
	fs->fs_sb.s_free_blocks_count++;
	fs->fs_sbdirty = true;
	bforget(fs->fs_dev, blk);
	return 0;
}

/* The group for a new inode: a directory's spread out, a file near its own. */
static uint32_t
pick_group(struct e2fs *fs, uint32_t dirino, bool isdir)
{
	uint32_t ng = fs->fs_ngroups, g, best, parent, avg;

	parent = (dirino - 1) / fs->fs_sb.s_inodes_per_group;
	if (parent >= ng)
		parent = 0;
	if (!isdir)
		return parent;
	avg = fs->fs_sb.s_free_inodes_count / ng;
	best = parent;
	for (g = 0; g < ng; g++) {
		const struct ext2_gd *gd = &fs->fs_gd[(parent + g) % ng];
		const struct ext2_gd *bgd = &fs->fs_gd[best];

		if (gd->bg_free_inodes_count < avg ||
		    gd->bg_free_inodes_count == 0)
			continue;
		if (bgd->bg_free_inodes_count < avg ||
		    gd->bg_used_dirs_count < bgd->bg_used_dirs_count)
			best = (parent + g) % ng;
	}
	return best;
}

int
e2_ialloc(struct e2fs *fs, uint32_t dirino, bool isdir, uint32_t *inop)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint32_t g0, i, g, from;
	struct ext2_gd *gd;
	struct buf *bp;
	int64_t bit;
	int err;

	if (sb->s_free_inodes_count == 0)
		return RUMP_ENOSPC;
	g0 = pick_group(fs, dirino, isdir);
	for (i = 0; i < fs->fs_ngroups; i++) {
		g = (g0 + i) % fs->fs_ngroups;
		gd = &fs->fs_gd[g];
		if (gd->bg_free_inodes_count == 0)
			continue;
		err = e2_bread(fs, gd->bg_inode_bitmap, &bp);
		if (err != 0)
			return err;
		/* Inodes below s_first_ino are reserved. */
		from = g == 0 ? fs->fs_first_ino - 1 : 0;
		if (from >= sb->s_inodes_per_group)
			bit = -1;
		else
			bit = find_clear(bp->b_data, from,
			    sb->s_inodes_per_group);
		if (bit < 0) {
			brelse(bp);
			return e2_corrupt(fs,
			    "group %u: free inode count %u but "
			    "a full bitmap",
			    g, gd->bg_free_inodes_count);
		}
		bp->b_data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		bdirty(bp);
		brelse(bp);
		gd->bg_free_inodes_count--;
		if (isdir)
			gd->bg_used_dirs_count++;
		fs->fs_sb.s_free_inodes_count--;
		fs->fs_sbdirty = true;
		*inop = g * sb->s_inodes_per_group + (uint32_t)bit + 1;
		return 0;
	}
	return RUMP_ENOSPC;
}

int
e2_ifree(struct e2fs *fs, uint32_t ino, bool isdir)
{
	const struct ext2_super *sb = &fs->fs_sb;
	struct ext2_gd *gd;
	struct buf *bp;
	uint32_t g, bit;
	int err;

	if (ino < fs->fs_first_ino || ino > sb->s_inodes_count)
		return e2_corrupt(fs, "freeing reserved or bad inode %u", ino);
	g = (ino - 1) / sb->s_inodes_per_group;
	bit = (ino - 1) % sb->s_inodes_per_group;
	gd = &fs->fs_gd[g];
	err = e2_bread(fs, gd->bg_inode_bitmap, &bp);
	if (err != 0)
		return err;
	if (!(bp->b_data[bit >> 3] & (1u << (bit & 7)))) {
		brelse(bp);
		return e2_corrupt(fs, "freeing free inode %u", ino);
	}
	bp->b_data[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
	bdirty(bp);
	brelse(bp);
	gd->bg_free_inodes_count++;
	if (isdir && gd->bg_used_dirs_count > 0)
		gd->bg_used_dirs_count--;
	fs->fs_sb.s_free_inodes_count++;
	fs->fs_sbdirty = true;
	return 0;
}
