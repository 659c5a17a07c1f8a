/*
 * ext2's on-disk layout (revision 1), as e2fsprogs' <ext2fs/ext2_fs.h>
 * and NetBSD's ext2fs(5) describe it. All fields are little-endian, which
 * is the byte order of every machine this kernel runs on.
 */
#ifndef FS_EXT2_FS_H
#define FS_EXT2_FS_H

#include <stdint.h>

#define E2_SBOFF	       1024 /* the superblock's byte offset */
#define E2_SBSIZE	       1024
#define E2_MAGIC	       0xef53
#define E2_ROOTINO	       2
#define E2_GOOD_OLD_FIRST_INO  11
#define E2_GOOD_OLD_INODE_SIZE 128
#define E2_NDADDR	       12 /* direct block pointers */
#define E2_IND		       12 /* i_block[] slots of the indirect trees */
#define E2_DIND		       13
#define E2_TIND		       14
#define E2_NBLOCK	       15
#define E2_MAXNAMLEN	       255
#define E2_LINK_MAX	       32000
#define E2_FAST_SYMLINK_MAX    59 /* longer targets take a block */

/* s_state */
#define E2_VALID_FS 0x0001 /* cleanly unmounted */
#define E2_ERROR_FS 0x0002

/* Features this code knows. */
#define E2_FEATURE_COMPAT_EXT_ATTR	  0x0008
#define E2_FEATURE_COMPAT_RESIZE_INODE	  0x0010
#define E2_FEATURE_COMPAT_DIR_INDEX	  0x0020
#define E2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define E2_FEATURE_RO_COMPAT_LARGE_FILE	  0x0002
#define E2_FEATURE_INCOMPAT_FILETYPE	  0x0002
/* Read-only mounts are fine with unknown ro_compat features, not incompat. */
#define E2_RO_COMPAT_SUPP \
	(E2_FEATURE_RO_COMPAT_SPARSE_SUPER | E2_FEATURE_RO_COMPAT_LARGE_FILE)
#define E2_INCOMPAT_SUPP E2_FEATURE_INCOMPAT_FILETYPE

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint8_t s_rest[E2_SBSIZE - 200];
};
_Static_assert(sizeof(struct ext2_super) == E2_SBSIZE, "superblock size");

struct ext2_gd {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_gd) == 32, "group descriptor size");

struct ext2_dinode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, indirect blocks too */
	uint32_t i_flags;
	uint32_t i_version;
	uint32_t i_block[E2_NBLOCK];
	uint32_t i_generation;
	uint32_t i_file_acl; /* the extended attribute block */
	uint32_t i_size_high;
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
};
_Static_assert(sizeof(struct ext2_dinode) == 128, "inode size");

/* i_flags */
#define E2_IMMUTABLE_FL	  0x00000010 /* chflags(2): UF_IMMUTABLE */
#define E2_APPEND_FL	  0x00000020 /* chflags(2): UF_APPEND */
#define E2_INDEX_FL	  0x00001000 /* hashed-indexed directory */
#define E2_EXTENTS_FL	  0x00080000
#define E2_INLINE_DATA_FL 0x10000000

/* i_mode's file types */
#define E2_IFMT	  0170000
#define E2_IFSOCK 0140000
#define E2_IFLNK  0120000
#define E2_IFREG  0100000
#define E2_IFBLK  0060000
#define E2_IFDIR  0040000
#define E2_IFCHR  0020000
#define E2_IFIFO  0010000

/* A directory entry: 8 bytes, then the name, the record 4-byte aligned. */
struct ext2_dirent {
	uint32_t inode; /* 0: an unused record */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
#define E2_DIRENT_HDR	       8
#define E2_DIRENT_LEN(namelen) ((E2_DIRENT_HDR + (namelen) + 3) & ~3u)

/* file_type (filetype feature) */
#define E2_FT_UNKNOWN  0
#define E2_FT_REG_FILE 1
#define E2_FT_DIR      2
#define E2_FT_CHRDEV   3
#define E2_FT_BLKDEV   4
#define E2_FT_FIFO     5
#define E2_FT_SOCK     6
#define E2_FT_SYMLINK  7

/* The header of an extended attribute block (its reference count). */
#define E2_XATTR_MAGIC	      0xea020000
#define E2_XATTR_REFCOUNT_OFF 4

#endif
