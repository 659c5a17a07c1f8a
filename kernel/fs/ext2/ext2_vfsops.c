/*
 * ext2 mounts: the superblock and group descriptors checked and loaded,
 * the clean flag, sync, unmount, the mount's lock and damage reports.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kern.h"
#include "blk.h"
#include "fs/buf.h"
#include "ext2.h"

#define IHASH_SIZE 512

int
e2_lock(struct e2fs *fs)
{
	int err;

	while (fs->fs_busy) {
		err = kcv_wait(&fs->fs_kcv, 0);
		if (err != 0)
			return err;
	}
	fs->fs_busy = true;
	return 0;
}

int
e2_lock_rw(struct e2fs *fs)
{
	int err = e2_lock(fs);

	if (err == 0 && fs->fs_ronly) {
		e2_unlock(fs);
		err = RUMP_EROFS;
	}
	return err;
}

void
e2_unlock(struct e2fs *fs)
{
	struct e2inode *ip;

	KASSERT(fs->fs_busy);
	while ((ip = fs->fs_deferred) != NULL) {
		fs->fs_deferred = ip->i_dnext;
		e2_iput(ip);
	}
	fs->fs_busy = false;
	kcv_broadcast(&fs->fs_kcv);
}

int
e2_corrupt(struct e2fs *fs, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!fs->fs_errored) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		kern_printf("ext2 %s: damaged file system: %s (run e2fsck)\n",
		    blkdev_name(fs->fs_dev), msg);
	}
	fs->fs_errored = true;
	return RUMP_EIO;
}

bool
e2_blk_ok(struct e2fs *fs, uint32_t blk)
{
	return blk > fs->fs_sb.s_first_data_block + fs->fs_gdblocks &&
	    blk < fs->fs_sb.s_blocks_count;
}

int
e2_bread(struct e2fs *fs, uint32_t blk, struct buf **bpp)
{
	if (blk >= fs->fs_sb.s_blocks_count)
		return e2_corrupt(fs, "block %u outside the file system", blk);
	return bread(fs->fs_dev, blk, fs->fs_bsize, bpp);
}

int
e2_bget(struct e2fs *fs, uint32_t blk, struct buf **bpp)
{
	if (blk >= fs->fs_sb.s_blocks_count)
		return e2_corrupt(fs, "block %u outside the file system", blk);
	return bget(fs->fs_dev, blk, fs->fs_bsize, bpp);
}

uint32_t
e2_now(void)
{
	struct ktimespec ts;

	if (kclock_realtime(&ts) != 0 || ts.tv_sec < 0)
		return 0;
	return (uint32_t)ts.tv_sec;
}

/*
 * Writes the superblock and the group descriptors into their buffers
 * (the primary copies: e2fsck takes the backups as they are).
 */
int
e2_write_super(struct e2fs *fs)
{
	struct buf *bp;
	uint32_t per = fs->fs_bsize / sizeof(struct ext2_gd), i, n;
	int err;

	if (fs->fs_ronly)
		return 0;
	fs->fs_sb.s_wtime = e2_now();
	err = e2_bread(fs, E2_SBOFF / fs->fs_bsize, &bp);
	if (err != 0)
		return err;
	memcpy(bp->b_data + E2_SBOFF % fs->fs_bsize, &fs->fs_sb, E2_SBSIZE);
	bdirty(bp);
	brelse(bp);
	for (i = 0; i < fs->fs_gdblocks; i++) {
		err = e2_bread(fs, fs->fs_sb.s_first_data_block + 1 + i, &bp);
		if (err != 0)
			return err;
		n = fs->fs_ngroups - i * per;
		if (n > per)
			n = per;
		memcpy(bp->b_data, &fs->fs_gd[i * per],
		    n * sizeof(struct ext2_gd));
		bdirty(bp);
		brelse(bp);
	}
	fs->fs_sbdirty = false;
	return 0;
}

static int
refuse(struct blkdev *bd, int err, const char *why)
{
	kern_printf("ext2 %s: not mounted: %s\n", blkdev_name(bd), why);
	return err;
}

/* Checks the superblock read from bd; fills fs's geometry. */
static int
check_super(struct e2fs *fs, int flags)
{
	struct ext2_super *sb = &fs->fs_sb;
	struct blkdev *bd = fs->fs_dev;
	uint64_t groups;

	if (sb->s_magic != E2_MAGIC)
		return refuse(bd, RUMP_EINVAL, "no ext2 superblock (bad magic)");
	if (sb->s_rev_level > 1)
		return refuse(bd, RUMP_EINVAL, "unknown revision");
	if (sb->s_log_block_size > 2)
		return refuse(bd, RUMP_EINVAL, "block size not 1, 2 or 4 KiB");
	fs->fs_bsize = 1024u << sb->s_log_block_size;
	if (sb->s_log_frag_size != sb->s_log_block_size)
		return refuse(bd, RUMP_EINVAL, "fragments are not blocks");
	if (sb->s_first_data_block != (fs->fs_bsize == 1024 ? 1u : 0u))
		return refuse(bd, RUMP_EINVAL, "bad first data block");
	if (sb->s_blocks_count <= sb->s_first_data_block + 2 ||
	    (uint64_t)sb->s_blocks_count * fs->fs_bsize > blkdev_size(bd))
		return refuse(bd, RUMP_EINVAL,
		    "block count larger than the disk");
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group % 8 != 0 ||
	    sb->s_blocks_per_group > 8 * fs->fs_bsize ||
	    sb->s_inodes_per_group == 0 || sb->s_inodes_per_group % 8 != 0 ||
	    sb->s_inodes_per_group > 8 * fs->fs_bsize)
		return refuse(bd, RUMP_EINVAL, "bad blocks or inodes per group");
	if (sb->s_rev_level == 0) {
		fs->fs_isize = E2_GOOD_OLD_INODE_SIZE;
		fs->fs_first_ino = E2_GOOD_OLD_FIRST_INO;
	} else {
		fs->fs_isize = sb->s_inode_size;
		fs->fs_first_ino = sb->s_first_ino;
	}
	if (fs->fs_isize < E2_GOOD_OLD_INODE_SIZE || fs->fs_isize > fs->fs_bsize ||
	    (fs->fs_isize & (fs->fs_isize - 1)) != 0)
		return refuse(bd, RUMP_EINVAL, "bad inode size");
	groups = (sb->s_blocks_count - sb->s_first_data_block +
		     sb->s_blocks_per_group - 1) /
	    sb->s_blocks_per_group;
	if ((uint64_t)sb->s_inodes_per_group * groups != sb->s_inodes_count)
		return refuse(bd, RUMP_EINVAL,
		    "inode count does not match groups");
	if (fs->fs_first_ino <= E2_ROOTINO ||
	    fs->fs_first_ino >= sb->s_inodes_count)
		return refuse(bd, RUMP_EINVAL, "bad first inode");
	fs->fs_ngroups = (uint32_t)groups;
	fs->fs_ipb = fs->fs_bsize / fs->fs_isize;
	fs->fs_nindir = fs->fs_bsize / 4;
	fs->fs_gdblocks = (uint32_t)((groups * sizeof(struct ext2_gd) +
					 fs->fs_bsize - 1) /
	    fs->fs_bsize);
	if (sb->s_rev_level == 0)
		return 0;
	if (sb->s_feature_incompat & ~E2_INCOMPAT_SUPP)
		return refuse(bd, RUMP_EINVAL,
		    "unsupported incompatible features");
	if (!(flags & E2_MNT_RDONLY) &&
	    (sb->s_feature_ro_compat & ~E2_RO_COMPAT_SUPP))
		return refuse(bd, RUMP_EROFS,
		    "features only supported read-only (mount it read-only)");
	return 0;
}

/* Checks the group descriptors and totals the free counts. */
static int
check_groups(struct e2fs *fs)
{
	struct ext2_super *sb = &fs->fs_sb;
	uint64_t fb = 0, fi = 0;
	uint32_t g, start, last, itblocks;

	itblocks = (sb->s_inodes_per_group + fs->fs_ipb - 1) / fs->fs_ipb;
	for (g = 0; g < fs->fs_ngroups; g++) {
		struct ext2_gd *gd = &fs->fs_gd[g];

		start = sb->s_first_data_block + g * sb->s_blocks_per_group;
		last = start + sb->s_blocks_per_group - 1;
		if (last >= sb->s_blocks_count)
			last = sb->s_blocks_count - 1;
		if (gd->bg_block_bitmap <= sb->s_first_data_block ||
		    gd->bg_block_bitmap >= sb->s_blocks_count ||
		    gd->bg_inode_bitmap <= sb->s_first_data_block ||
		    gd->bg_inode_bitmap >= sb->s_blocks_count ||
		    gd->bg_inode_table <= sb->s_first_data_block ||
		    (uint64_t)gd->bg_inode_table + itblocks > sb->s_blocks_count ||
		    gd->bg_free_blocks_count > last - start + 1 ||
		    gd->bg_free_inodes_count > sb->s_inodes_per_group ||
		    gd->bg_used_dirs_count > sb->s_inodes_per_group)
			return refuse(fs->fs_dev, RUMP_EINVAL,
			    "bad group descriptor");
		fb += gd->bg_free_blocks_count;
		fi += gd->bg_free_inodes_count;
	}
	/* The groups' counts are the true ones (as Linux keeps them). */
	sb->s_free_blocks_count = (uint32_t)fb;
	sb->s_free_inodes_count = (uint32_t)fi;
	return 0;
}

/* The root inode must be a directory, or nothing can be reached. */
static int
check_root(struct e2fs *fs)
{
	struct e2inode *ip;
	bool ok;
	int err;

	err = e2_iget(fs, E2_ROOTINO, &ip);
	if (err != 0)
		return refuse(fs->fs_dev, err, "cannot read the root directory");
	ok = (ip->i_mode & E2_IFMT) == E2_IFDIR;
	fs->fs_ronly = true; /* the put writes nothing */
	e2_iput(ip);
	if (!ok)
		return refuse(fs->fs_dev,
		    e2_corrupt(fs,
			"the root inode is no "
			"directory"),
		    "its root directory is damaged");
	return 0;
}

int
ext2_mount(struct blkdev *bd, int flags, struct e2fs **fsp)
{
	struct e2fs *fs;
	struct buf *bp;
	uint32_t per, i, n;
	bool ronly;
	int err;

	if (!(flags & E2_MNT_RDONLY) && blkdev_readonly(bd))
		return refuse(bd, RUMP_EROFS,
		    "read-write asked of a read-only disk");
	if (blkdev_size(bd) < E2_SBOFF + E2_SBSIZE)
		return refuse(bd, RUMP_EINVAL, "disk too small");
	fs = kmem_zalloc(sizeof(*fs));
	if (fs == NULL)
		return RUMP_ENOMEM;
	fs->fs_dev = bd;
	fs->fs_ronly = (flags & E2_MNT_RDONLY) != 0;
	err = blkdev_read(bd, &fs->fs_sb, E2_SBSIZE, E2_SBOFF);
	if (err != 0) {
		kmem_free(fs, sizeof(*fs));
		return refuse(bd, err, "cannot read the superblock");
	}
	err = check_super(fs, flags);
	if (err != 0)
		goto fail;
	fs->fs_gd = kmem_zalloc((size_t)fs->fs_gdblocks * fs->fs_bsize);
	fs->fs_nihash = IHASH_SIZE;
	fs->fs_ihash = kmem_zalloc(IHASH_SIZE * sizeof(*fs->fs_ihash));
	if (fs->fs_gd == NULL || fs->fs_ihash == NULL) {
		err = RUMP_ENOMEM;
		goto fail;
	}
	per = fs->fs_bsize / sizeof(struct ext2_gd);
	for (i = 0; i < fs->fs_gdblocks; i++) {
		err = e2_bread(fs, fs->fs_sb.s_first_data_block + 1 + i, &bp);
		if (err != 0) {
			refuse(bd, err, "cannot read the group descriptors");
			goto fail;
		}
		n = fs->fs_ngroups - i * per;
		memcpy(&fs->fs_gd[i * per], bp->b_data,
		    (n > per ? per : n) * sizeof(struct ext2_gd));
		brelse(bp);
	}
	err = check_groups(fs);
	if (err != 0)
		goto fail;
	if (!(fs->fs_sb.s_state & E2_VALID_FS) ||
	    (fs->fs_sb.s_state & E2_ERROR_FS)) {
		if (!fs->fs_ronly && !(flags & E2_MNT_FORCE)) {
			err = refuse(bd, RUMP_EROFS,
			    "not cleanly unmounted: run "
			    "e2fsck, or mount read-only or forced");
			goto fail;
		}
		kern_printf("ext2 %s: warning: mounting a file system that was "
			    "not cleanly unmounted\n",
		    blkdev_name(bd));
	}
	ronly = fs->fs_ronly;
	err = check_root(fs);
	fs->fs_ronly = ronly;
	if (err != 0)
		goto fail;
	if (!fs->fs_ronly) {
		fs->fs_sb.s_state &= ~E2_VALID_FS;
		fs->fs_sb.s_mnt_count++;
		fs->fs_sb.s_mtime = e2_now();
		err = e2_write_super(fs);
		if (err == 0)
			err = bflush(bd);
		if (err != 0) {
			refuse(bd, err, "cannot write the superblock");
			goto fail;
		}
	}
	*fsp = fs;
	return 0;
fail:
	(void)binval(bd);
	if (fs->fs_gd != NULL)
		kmem_free(fs->fs_gd, (size_t)fs->fs_gdblocks * fs->fs_bsize);
	if (fs->fs_ihash != NULL)
		kmem_free(fs->fs_ihash, IHASH_SIZE * sizeof(*fs->fs_ihash));
	kmem_free(fs, sizeof(*fs));
	return err;
}

/* Writes inodes, descriptors and superblock; then the disk's cache. */
static int
sync_locked(struct e2fs *fs)
{
	int err, e;

	if (fs->fs_ronly)
		return 0;
	err = e2_iflush_all(fs);
	e = e2_write_super(fs);
	if (err == 0)
		err = e;
	e = bflush(fs->fs_dev);
	return err != 0 ? err : e;
}

int
ext2_sync(struct e2fs *fs)
{
	int err = e2_lock(fs);

	if (err != 0)
		return err;
	err = sync_locked(fs);
	e2_unlock(fs);
	return err;
}

int
ext2_unmount(struct e2fs *fs)
{
	struct e2inode *ip;
	uint32_t h;
	int err, e;

	err = e2_lock(fs);
	if (err != 0)
		return err;
	for (h = 0; h < fs->fs_nihash; h++)
		for (ip = fs->fs_ihash[h]; ip != NULL; ip = ip->i_hnext)
			if (ip->i_refs != 0) {
				e2_unlock(fs);
				return RUMP_EBUSY;
			}
	err = sync_locked(fs);
	if (!fs->fs_ronly) {
		/* Clean only when nothing went wrong: else e2fsck runs. */
		if (err == 0 && !fs->fs_errored)
			fs->fs_sb.s_state |= E2_VALID_FS;
		else
			fs->fs_sb.s_state |= E2_ERROR_FS;
		e = e2_write_super(fs);
		if (e == 0)
			e = bflush(fs->fs_dev);
		if (err == 0)
			err = e;
	}
	for (h = 0; h < fs->fs_nihash; h++) {
		while ((ip = fs->fs_ihash[h]) != NULL) {
			fs->fs_ihash[h] = ip->i_hnext;
			e2_dc_free(ip);
			kmem_free(ip, sizeof(*ip));
		}
	}
	(void)binval(fs->fs_dev);
	kcv_destroy(&fs->fs_kcv);
	kmem_free(fs->fs_gd, (size_t)fs->fs_gdblocks * fs->fs_bsize);
	kmem_free(fs->fs_ihash, IHASH_SIZE * sizeof(*fs->fs_ihash));
	kmem_free(fs, sizeof(*fs));
	return err;
}

void
ext2_statfs(struct e2fs *fs, struct e2statfs *st)
{
	const struct ext2_super *sb = &fs->fs_sb;
	uint64_t overhead;

	st->bsize = fs->fs_bsize;
	/* Blocks for data: the disk less the groups' fixed metadata. */
	overhead = sb->s_first_data_block;
	st->blocks = sb->s_blocks_count - overhead;
	st->bfree = sb->s_free_blocks_count;
	st->bavail = sb->s_free_blocks_count > sb->s_r_blocks_count ?
	    sb->s_free_blocks_count - sb->s_r_blocks_count :
	    0;
	st->files = sb->s_inodes_count;
	st->ffree = sb->s_free_inodes_count;
}
