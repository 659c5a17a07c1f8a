/*
 * ext2, read-write (revision 1; 1 KiB to 4 KiB blocks; sparse_super,
 * filetype, large_file; dir_index directories used as plain ones). This is
 * the file system's own interface, under the VFS: a mounted file system
 * (struct e2fs) and its inodes (struct e2inode), each operation taking the
 * mount's lock for its whole length. Every value read from the disk is
 * checked before use: a damaged file system gives EIO and a console line,
 * never a crash or a loop. Errors are NetBSD's RUMP_E* numbers.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kern.h"
#include "ext2_fs.h"

struct blkdev;
struct buf;

/* ext2_mount flags */
#define E2_MNT_RDONLY 0x1
#define E2_MNT_FORCE  0x2 /* read-write even when not cleanly unmounted */

struct e2fs {
	struct blkdev *fs_dev;
	struct ext2_super fs_sb; /* in memory; written at sync */
	struct ext2_gd *fs_gd;	 /* fs_ngroups descriptors */
	uint32_t fs_ngroups;
	uint32_t fs_bsize;
	uint32_t fs_gdblocks; /* blocks of descriptors */
	uint32_t fs_isize;    /* bytes per on-disk inode */
	uint32_t fs_ipb;      /* inodes per block */
	uint32_t fs_nindir;   /* block numbers per block */
	uint32_t fs_first_ino;
	bool fs_ronly;
	bool fs_sbdirty; /* superblock or descriptors changed */
	bool fs_busy;	 /* the lock */
	bool fs_errored; /* damage seen: reported once */
	struct kcv fs_kcv;
	struct e2inode **fs_ihash; /* inodes in memory */
	uint32_t fs_nihash;
	uint32_t fs_ninodes;	     /* in memory */
	struct e2inode *fs_deferred; /* last ext2_iputs left to the lock holder */
	/* Unreferenced directories kept for their name caches, oldest first. */
#define E2_NKEEP 16
	struct e2inode *fs_keep[E2_NKEEP];
	int fs_nkeep;
};

/* An inode in memory. Fields are the on-disk ones, widened. */
struct e2inode {
	struct e2fs *i_fs;
	struct e2inode *i_hnext;
	struct e2inode *i_dnext; /* fs_deferred */
	uint32_t i_number;
	int i_refs;   /* holders (ext2_iget to ext2_iput) */
	bool i_dirty; /* to be written to the inode table */
	uint16_t i_mode;
	uint32_t i_uid, i_gid;
	uint16_t i_nlink;
	uint64_t i_size;
	uint32_t i_atime, i_mtime, i_ctime, i_dtime;
	uint32_t i_blocks; /* 512-byte units */
	uint32_t i_flags;
	uint32_t i_block[E2_NBLOCK];
	uint32_t i_file_acl;
	uint32_t i_generation;
	uint64_t i_lastblk;  /* allocation goal: the last block given */
	uint64_t i_nextread; /* the file block a sequential read wants next */
	struct e2dcache *i_dcache; /* a large directory's names (ext2_dcache.c) */
	uint64_t i_dfree;	   /* directory: the first block an add tries */
	void *i_vnode;		   /* the VFS's, if any */
};

/* What ext2_getattr reports and ext2_setattr changes. */
struct e2attr {
	uint32_t mode; /* type | 07777 */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t ino;
	uint64_t size;
	uint64_t bytes; /* disk space used */
	uint64_t rdev;	/* device numbers of VCHR/VBLK */
	struct ktimespec atime, mtime, ctime;
	uint32_t flags; /* NetBSD's UF_APPEND, UF_IMMUTABLE */
};
#define E2_SETATTR_MODE	 0x1
#define E2_SETATTR_UID	 0x2
#define E2_SETATTR_GID	 0x4
#define E2_SETATTR_ATIME 0x8
#define E2_SETATTR_MTIME 0x10
#define E2_SETATTR_FLAGS 0x20

struct e2statfs {
	uint32_t bsize;
	uint64_t blocks, bfree, bavail; /* bavail: less the reserved blocks */
	uint64_t files, ffree;
};

/* ---- the interface (ext2_vfsops.c, ext2_vnops.c) ---- */

/*
 * Mounts the ext2 file system on bd. 0 with *fsp; EINVAL (not ext2, or a
 * damaged superblock or descriptors: a console line says which), EROFS
 * (read-write asked of a read-only disk, of unsupported ro_compat features,
 * or of a file system not cleanly unmounted without E2_MNT_FORCE), EIO,
 * ENOMEM. A read-write mount marks the file system not clean on disk.
 */
int ext2_mount(struct blkdev *bd, int flags, struct e2fs **fsp);
/*
 * Writes everything back, marks the file system clean and forgets it.
 * EBUSY while an inode other than the root's is held (nothing done then);
 * a write error is returned after all else is done (the mount is gone).
 */
int ext2_unmount(struct e2fs *fs);
/* Writes all changes to the disk and flushes its cache: 0 or errno. */
int ext2_sync(struct e2fs *fs);
void ext2_statfs(struct e2fs *fs, struct e2statfs *st);

/* Holds inode ino: 0 with *ipp, or EIO (bad number or inode), ENOMEM. */
int ext2_iget(struct e2fs *fs, uint32_t ino, struct e2inode **ipp);
/* Lets go; the last holder of an unlinked inode frees it and its blocks. */
void ext2_iput(struct e2inode *ip);

/* name (namelen bytes) in directory dp: 0 with *ipp held, ENOENT. */
int ext2_lookup(struct e2inode *dp, const char *name, size_t namelen,
    struct e2inode **ipp);
/*
 * A new inode named name in dp: mode has the type (E2_IFREG, E2_IFDIR,
 * E2_IFLNK, E2_IFIFO, E2_IFCHR, E2_IFBLK, E2_IFSOCK) and permissions;
 * rdev for devices. A directory gets "." and "..". 0 with *ipp held;
 * EEXIST, ENOSPC, EMLINK (dp has too many subdirectories), EROFS.
 */
int ext2_create(struct e2inode *dp, const char *name, size_t namelen,
    uint32_t mode, uint32_t uid, uint32_t gid, uint64_t rdev,
    struct e2inode **ipp);
/* A symbolic link to target (fast under 60 bytes, else in a block). */
int ext2_symlink(struct e2inode *dp, const char *name, size_t namelen,
    const char *target, size_t tlen, uint32_t mode, uint32_t uid, uint32_t gid,
    struct e2inode **ipp);
/* Another name for ip (not a directory): EEXIST, EMLINK, EPERM. */
int ext2_link(struct e2inode *dp, const char *name, size_t namelen,
    struct e2inode *ip);
/*
 * Removes name from dp: a non-directory (EISDIR... EPERM for one), or
 * with isdir an empty directory (ENOTEMPTY, ENOTDIR). "." and ".." are
 * EINVAL.
 */
int ext2_remove(struct e2inode *dp, const char *name, size_t namelen, bool isdir);
/*
 * Renames fname in fdp to tname in tdp, replacing what tname named (a
 * directory only by an empty one, a file only by a file). EINVAL when a
 * directory would move under itself, ENOTEMPTY, EISDIR, ENOTDIR.
 */
int ext2_rename(struct e2inode *fdp, const char *fname, size_t fnamelen,
    struct e2inode *tdp, const char *tname, size_t tnamelen);
/*
 * getdents' walk: calls fn for each entry from byte offset *offp (0 at the
 * start), with the offset after it, until fn returns non-zero (that entry
 * is not consumed) or the end. 0 or EIO.
 */
typedef int (*e2_dirfn)(void *arg, uint32_t ino, uint8_t type, const char *name,
    size_t namelen, uint64_t nextoff);
int ext2_readdir(struct e2inode *dp, uint64_t *offp, e2_dirfn fn, void *arg);

int ext2_read(struct e2inode *ip, void *buf, size_t len, uint64_t off,
    size_t *done);
/* Writes, extending the file: EFBIG past the largest size, ENOSPC. */
int ext2_write(struct e2inode *ip, const void *buf, size_t len, uint64_t off,
    size_t *done);
/* Sets the size: blocks past it are freed, a longer file gets a hole. */
int ext2_truncate(struct e2inode *ip, uint64_t size);
int ext2_readlink(struct e2inode *ip, char *buf, size_t len, size_t *done);
void ext2_getattr(struct e2inode *ip, struct e2attr *va);
int ext2_setattr(struct e2inode *ip, int which, const struct e2attr *va);
/*
 * Makes ip durable: its data, its inode and what naming it depends on
 * (directories, bitmaps, descriptors), then a device flush. Writes every
 * dirty block and inode of the file system (simplest; not per file).
 */
int ext2_fsync(struct e2inode *ip);

/* ---- inside ext2 ---- */

int e2_lock(struct e2fs *fs);
/*
 * e2_lock for a change: 0 with fs locked, or an errno without the lock
 * (EROFS on a read-only mount, or e2_lock's error).
 */
int e2_lock_rw(struct e2fs *fs);
void e2_unlock(struct e2fs *fs);
/* Reports damage once per mount; returns EIO for the caller to pass on. */
int e2_corrupt(struct e2fs *fs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool e2_blk_ok(struct e2fs *fs, uint32_t blk); /* a data block number */
int e2_bread(struct e2fs *fs, uint32_t blk, struct buf **bpp);
int e2_bget(struct e2fs *fs, uint32_t blk, struct buf **bpp);
uint32_t e2_now(void);

/* ext2_alloc.c */
int e2_balloc(struct e2fs *fs, uint32_t goal, uint32_t *blkp);
int e2_bfree(struct e2fs *fs, uint32_t blk);
int e2_ialloc(struct e2fs *fs, uint32_t dirino, bool isdir, uint32_t *inop);
int e2_ifree(struct e2fs *fs, uint32_t ino, bool isdir);
int e2_write_super(struct e2fs *fs);

/* ext2_inode.c */
int e2_iget(struct e2fs *fs, uint32_t ino, struct e2inode **ipp);
void e2_iput(struct e2inode *ip);
int e2_iupdate(struct e2inode *ip);
int e2_iflush_all(struct e2fs *fs);
/*
 * The disk block of file block lbn: 0 with *blkp (0: a hole), or with
 * alloc one allocated (zeroed unless nozero). EIO, ENOSPC, EFBIG.
 */
int e2_bmap(struct e2inode *ip, uint64_t lbn, bool alloc, bool nozero,
    uint32_t *blkp);
int e2_itrunc(struct e2inode *ip, uint64_t size);
uint64_t e2_maxfilesize(struct e2fs *fs);
uint8_t e2_ftype(uint16_t mode);
void e2_ichange(struct e2inode *ip, bool mtime);

/* ext2_dir.c */
int e2_dirlookup(struct e2inode *dp, const char *name, size_t namelen,
    uint32_t *inop);
int e2_diradd(struct e2inode *dp, const char *name, size_t namelen,
    uint32_t ino, uint8_t type);
int e2_dirremove(struct e2inode *dp, const char *name, size_t namelen);
int e2_dirsetino(struct e2inode *dp, const char *name, size_t namelen,
    uint32_t ino, uint8_t type);
int e2_dirempty(struct e2inode *dp, bool *emptyp);
int e2_dirinit(struct e2inode *dp, uint32_t parent);

/* ext2_dcache.c */
#define DC_MIN_BLOCKS 8
struct e2dcache;
bool e2_dc_start(struct e2inode *dp);
/* 1 with *lbnp, 0 (not in the directory), -1 (no cache). */
int e2_dc_lookup(struct e2inode *dp, const char *name, size_t len,
    uint32_t *lbnp);
void e2_dc_add(struct e2inode *dp, const char *name, size_t len, uint32_t lbn);
void e2_dc_remove(struct e2inode *dp, const char *name, size_t len);
void e2_dc_free(struct e2inode *dp);

#endif
