/*
 * The VFS interface: vnodes, their operations, and mounted file systems.
 * kern.h includes this file (it uses kern.h's kuid_t, kgid_t and struct
 * kauth_cred); a file system includes kern.h. doc/vfs.md describes the
 * layer as a whole.
 *
 * A vnode is one file as the rest of the kernel sees it: generic fields
 * (type, references, mount, operations, the file system's own node in
 * v_data) and the attributes stat(2) reports. The attributes live in the
 * vnode itself: the file system fills them when it makes the vnode and
 * keeps them current (on write, truncate, setattr, link, remove); generic
 * code reads them and never writes them. So there is no getattr
 * operation; setattr exists so that the file system stores the change.
 *
 * The generic layer (vfs.c, the vfs_*.c system call files, vfs_mount.c)
 * does everything that is the same for every file system before it calls
 * an operation: permission checks (vaccess), EROFS on read-only mounts,
 * EXDEV across mounts, EEXIST/ENOENT from a lookup first, "." and ".."
 * refused as names to create or remove, a directory not moved under
 * itself, the target of rmdir and of a rename over a directory checked
 * empty. An operation may assume those checks passed, and re-checks only
 * what its own on-disk state could contradict (returning EIO for
 * corruption).
 *
 * Every operation is called holding the CPU (kern.h); an operation may
 * sleep (disk I/O), and other threads then run, so it must not keep a
 * pointer into state that another thread could free across a sleep.
 * Names are NUL-terminated, 1..NAME_MAX bytes, never "." or "..",
 * except that lookup gets "..".
 */
#ifndef VNODE_H
#define VNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rump/rumpdefs.h"

enum vtype { VNON, VREG, VDIR, VLNK, VCHR, VFIFO, VBLK };

struct ktimespec {
	int64_t tv_sec;
	long tv_nsec;
};

struct vnode;
struct mount;
struct blkdev; /* kernel/blk.h */
struct devsw;  /* kern.h: a character device */

/*
 * Attributes to create a node with (va_type, va_mode, va_uid, va_gid,
 * va_rdev for VCHR/VBLK) or to change with setattr (the fields va_mask
 * names). va_mode is the permission bits (07777) only.
 */
struct vattr {
	unsigned va_mask;
	enum vtype va_type;
	uint32_t va_mode;
	kuid_t va_uid;
	kgid_t va_gid;
	uint64_t va_rdev;
	struct ktimespec va_atime, va_mtime;
	uint32_t va_flags; /* NetBSD's file flags (chflags(2)) */
};
#define VA_MODE	 0x01
#define VA_UID	 0x02
#define VA_GID	 0x04
#define VA_ATIME 0x08
#define VA_MTIME 0x10
#define VA_FLAGS 0x20 /* the file system stores what it can */

/*
 * readdir hands each entry to a fill function: its name (namelen bytes,
 * not NUL-terminated), inode number, type, and the offset at which the
 * listing resumes after it. fill returns 0 to go on, or non-zero when it
 * has no room (the entry was NOT taken: readdir stops and leaves *offp at
 * this entry). fill never sleeps.
 */
typedef int (*vn_filldir_t)(void *arg, const char *name, size_t namelen,
    uint64_t ino, enum vtype type, int64_t nextoff);

/*
 * The operations of a file system's vnodes. Each returns 0 or an errno
 * (RUMP_E*); an operation a vnode type cannot do returns what NetBSD does
 * (EISDIR, ENOTDIR, EINVAL). Results in *vpp are referenced (vref) for
 * the caller.
 */
struct vnodeops {
	/*
	 * The entry name in directory dvp, or ".." (dvp's parent; dvp
	 * itself at the root of the file system: the generic layer crosses
	 * mount points itself). ENOENT when absent.
	 */
	int (*vop_lookup)(struct vnode *dvp, const char *name,
	    struct vnode **vpp);
	/*
	 * A new node of va->va_type (VREG, VDIR, VLNK, VCHR, VBLK, VFIFO)
	 * named name in dvp, which has no such name. target is the link
	 * text for VLNK (NULL otherwise). Sets the times to now; a VDIR gets
	 * "." and "..". ENOSPC when out of space.
	 */
	int (*vop_create)(struct vnode *dvp, const char *name,
	    const struct vattr *va, const char *target, struct vnode **vpp);
	/* Another name for vp (not a VDIR, on this mount) in dvp. EMLINK. */
	int (*vop_link)(struct vnode *dvp, const char *name, struct vnode *vp);
	/*
	 * Removes name, which is vp, from dvp; a VDIR vp is empty. The node
	 * itself goes when it has neither names nor references (inactive).
	 */
	int (*vop_remove)(struct vnode *dvp, const char *name, struct vnode *vp);
	/*
	 * Moves fname (fvp) in fdvp to tname in tdvp, replacing tvp when
	 * it is not NULL (same type class as fvp, an empty VDIR if a VDIR).
	 * All on one mount; fvp is not an ancestor of tdvp; fvp != tvp.
	 * A moved directory's ".." follows it.
	 */
	int (*vop_rename)(struct vnode *fdvp, const char *fname,
	    struct vnode *fvp, struct vnode *tdvp, const char *tname,
	    struct vnode *tvp);
	/*
	 * Up to len bytes at byte offset off (>= 0) of a VREG: *done is
	 * what moved (0 at or past the end). Holes read as zeros. Updates
	 * the access time.
	 */
	int (*vop_read)(struct vnode *vp, void *buf, size_t len, int64_t off,
	    size_t *done);
	/*
	 * Writes len bytes at off (>= 0), growing the file: a short write
	 * (*done < len, return 0) when space or the largest size runs out
	 * after some bytes, ENOSPC or EFBIG when none was written. Updates
	 * mtime and ctime.
	 */
	int (*vop_write)(struct vnode *vp, const void *buf, size_t len,
	    int64_t off, size_t *done);
	/* Sets a VREG's size to len (>= 0); what grows reads as zeros. */
	int (*vop_truncate)(struct vnode *vp, int64_t len);
	/* Stores the fields va->va_mask names, and sets ctime to now. */
	int (*vop_setattr)(struct vnode *vp, const struct vattr *va);
	/*
	 * Lists a VDIR from the offset cookie *offp ("." and ".." included,
	 * first, at offset 0): calls fill for each entry until fill refuses
	 * one or the directory ends, and leaves *offp where the next call
	 * resumes. Cookies are the file system's; an entry present through
	 * the whole listing is neither skipped nor repeated.
	 */
	int (*vop_readdir)(struct vnode *vp, int64_t *offp, vn_filldir_t fill,
	    void *arg);
	/* The text of a VLNK: up to len bytes (no NUL) into buf, *done. */
	int (*vop_readlink)(struct vnode *vp, char *buf, size_t len,
	    size_t *done);
	/* vp's data and attributes to stable storage (and the device's). */
	int (*vop_fsync)(struct vnode *vp);
	/*
	 * The last reference went (v_refs is 0). Frees the node's storage
	 * if it has no names left (v_nlink 0). Returns true when the vnode
	 * is to be reclaimed now (reclaim, then the generic layer frees the
	 * vnode); false keeps it cached, findable by the file system again.
	 */
	bool (*vop_inactive)(struct vnode *vp);
	/*
	 * Forgets vp: frees v_data and drops vp from the file system's
	 * tables. Called after inactive said so, and at unmount for every
	 * vnode still cached (and for a referenced one on a forced
	 * unmount: the vnode then stays, dead, until its last vrele).
	 */
	void (*vop_reclaim)(struct vnode *vp);
};

struct vnode {
	enum vtype v_type;
	int v_refs;	       /* files, cwds, lookups in progress */
	struct mount *v_mount; /* the file system it is on */
	const struct vnodeops *v_op;
	void *v_data;		 /* the file system's node */
	struct vnode *v_mntnext; /* the mount's list of vnodes */
	struct vnode **v_mntprevp;
	struct mount *v_mountedhere; /* VDIR: a file system mounted on it */
	/* Attributes, kept current by the file system (above). */
	uint32_t v_mode; /* 07777 */
	kuid_t v_uid;
	kgid_t v_gid;
	uint32_t v_nlink;
	uint64_t v_ino;
	int64_t v_size;	  /* VLNK: the text's length */
	uint64_t v_bytes; /* storage held, bytes (st_blocks * 512) */
	uint64_t v_rdev;  /* VCHR, VBLK */
	uint32_t v_flags; /* NetBSD's st_flags (vfs_flags.c) */
	struct ktimespec v_atime, v_mtime, v_ctime, v_btime;
	/* Devices: read and written by the generic layer, not the fs. */
	const struct devsw *v_dev; /* VCHR of the kernel's own devices */
	struct blkdev *v_blk;	   /* VBLK and its raw VCHR (kernel/blk.h) */
};

/*
 * NetBSD's file flags (<sys/stat.h>, chflags(2); RUMP_UF_* and RUMP_SF_*
 * of rumpdefs.h) in v_flags: UF_* the owner may set, SF_* only root
 * (securelevel is 0 here). The generic layer enforces them: an immutable
 * file is not written, renamed, removed, linked or changed (EPERM); an
 * append-only one is written only at its end and not truncated, renamed or
 * removed; an append-only directory loses no names.
 */
#define IMMUTABLE (RUMP_UF_IMMUTABLE | RUMP_SF_IMMUTABLE)
#define APPEND	  (RUMP_UF_APPEND | RUMP_SF_APPEND)

/* Information about a mounted file system (statvfs(2)), in its units. */
struct kstatvfs {
	uint32_t f_bsize;  /* block size: f_blocks' unit */
	uint32_t f_iosize; /* the best transfer size */
	uint64_t f_blocks, f_bfree, f_bavail, f_bresvd;
	uint64_t f_files, f_ffree, f_favail, f_fresvd;
	uint32_t f_namemax;
};

/*
 * A file system type. mount makes a file system on mp: from bd (a disk,
 * when the type has VFS_NEEDDEV; NULL otherwise) with args, the type's
 * mount(2) argument (a kernel copy of argslen bytes, NULL when none was
 * given; the generic layer consumed ufs_args itself for VFS_NEEDDEV
 * types). It sets mp->mnt_root (referenced) and mp->mnt_data; the
 * generic layer has set mnt_flag (MNT_RDONLY) before. EINVAL for a
 * device that holds no such file system.
 *
 * unmount is called when nothing but the mount holds mp's root (or with
 * force): it writes everything back, reclaims every vnode (vflush) and
 * frees mnt_data; on an error (EIO) without force the mount stays.
 * statvfs fills sb; sync writes back everything dirty (sync(2)).
 */
struct vfsops {
	const char *vfs_name; /* NetBSD's MOUNT_* name */
	int vfs_flags;
	int (*vfs_mount)(struct mount *mp, struct blkdev *bd, const void *args,
	    size_t argslen);
	int (*vfs_unmount)(struct mount *mp, bool force);
	int (*vfs_statvfs)(struct mount *mp, struct kstatvfs *sb);
	int (*vfs_sync)(struct mount *mp);
};
#define VFS_NEEDDEV 0x1 /* mounts a block device (ufs_args) */

#define MNAMELEN 1024 /* NetBSD's _VFS_MNAMELEN */

struct mount {
	struct mount *mnt_next; /* the mount table, in mount order */
	const struct vfsops *mnt_op;
	struct vnode *mnt_root;		/* referenced by the mount */
	struct vnode *mnt_vnodecovered; /* referenced; NULL for "/" */
	struct vnode *mnt_vnodes;	/* every vnode of it, via v_mntnext */
	int mnt_flag;			/* MNT_RDONLY, ... (NetBSD's values) */
	int mnt_nrefd;			/* its vnodes with v_refs > 0 */
	bool mnt_unmounting;	 /* unmount under way: EBUSY for another */
	int mnt_busy;		 /* sync(2)s in it: unmount waits (EBUSY) */
	uint32_t mnt_fsid;	 /* st_dev of its files */
	void *mnt_data;		 /* the file system's */
	struct blkdev *mnt_blk;	 /* the disk, for VFS_NEEDDEV types */
	char mnt_from[MNAMELEN]; /* "tmpfs", "/dev/ld0" */
	char mnt_on[MNAMELEN];	 /* "/", "/data" */
};

/* The file system at "/", first of the mount table (mnt_next). */
extern struct mount *rootmount;

/*
 * A new vnode of type on mp with ops and data, one reference, on mp's
 * vnode list; attributes zero. NULL when out of memory.
 */
struct vnode *vn_alloc(struct mount *mp, enum vtype type,
    const struct vnodeops *ops, void *data);
/*
 * Reclaims every vnode of mp that has no reference (all of them with
 * force: the referenced ones are left dead, failing every operation with
 * EIO or EBADF, until their last vrele). EBUSY when one is referenced
 * without force (mp's root excepted). For a file system's unmount.
 */
int vflush(struct mount *mp, bool force);

/* Mounts the root tmpfs and sets rootmount, rootvnode (vfs_init). */
int vfs_mountroot(void);
/*
 * Makes the disk at from (a VBLK node) "/" at boot (root=): the kernel's
 * tmpfs moves to its /dev (vfs_mount.c). 0 or an errno.
 */
int vfs_mountroot_disk(struct lwp *l, const char *fstype, const char *from,
    int flags);
/*
 * The boot command line's root= and mount= words (RUMPIMG_ROOT,
 * RUMPIMG_MOUNTS; vfs_bootmount.c, doc/cmdline.md), at rump_init(); a
 * failure stops the kernel. vfs_shutdown syncs and unmounts every disk
 * file system, marking it clean (halt and the program's exit).
 */
void vfs_bootmounts(void);

void vfs_shutdown(void);
/* The kernel's file system types (vfs_mount.c). */
const struct vfsops *vfs_type(const char *name);
extern const struct vfsops tmpfs_vfsops, ext2fs_vfsops;

/*
 * Mounts a file system of type fstype from the device at path from (a
 * VBLK; NULL for types without VFS_NEEDDEV) on the directory path on,
 * with flags (MNT_RDONLY) and the type's args. For mount(2) and the boot
 * command line; the caller's credentials must be root's.
 */
int vfs_domount(struct lwp *l, const char *fstype, const char *from,
    const char *on, int flags, const void *args, size_t argslen);

#endif
