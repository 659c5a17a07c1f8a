/*
 * What the file system call files share (vfs_open.c, vfs_stat.c,
 * vfs_names.c, vfs_dirs.c, vfs_at.c, vfs_pvio.c, fifo.c): the helpers
 * behind the path, descriptor and *at forms of each call, so that each
 * form is one implementation with a directory descriptor (RUMP_AT_FDCWD
 * for the old calls). NetBSD's constants come from rump/rumpdefs.h.
 */
#ifndef KERNEL_VFS_INT_H
#define KERNEL_VFS_INT_H

#include "kern.h"

/* NetBSD's struct stat of vp to user address ub. 0 or EFAULT. */
int stat_out(struct vnode *vp, void *ub);
/* stat(2) of upath from dirfd; follow is LOOKUP_FOLLOW or 0. */
int path_stat(struct lwp *l, int dirfd, const char *upath, void *ub, int follow);
/*
 * The parent of a name to create, from dirfd: EEXIST if the name exists,
 * EACCES without write and search permission on the parent.
 */
int create_lookup(struct lwp *l, int dirfd, const char *upath,
    struct nameidata *nd);
/*
 * The file of fd when it is a vnode's, held (file_release it): 0, EBADF,
 * or EINVAL for pipes and sockets. Held, since a call that sleeps (ext2's
 * mount lock) would otherwise find the vnode freed by a close from
 * another of the process's calls.
 */
int fd_vnode_hold(struct lwp *l, int fd, struct file **fpp);

/* chmod(2) and chown(2) of a vnode: EPERM unless allowed (chmod(2), chown(2)). */
int set_mode(struct lwp *l, struct vnode *vp, uint32_t mode);
int set_owner(struct lwp *l, struct vnode *vp, kuid_t uid, kgid_t gid);

/*
 * The *at forms (link(2), symlink(2), readlink(2), rename(2), access(2));
 * the old calls pass AT_FDCWD. do_linkat's follow is LOOKUP_FOLLOW or 0
 * (linkat's AT_SYMLINK_FOLLOW), do_accessat's flag AT_EACCESS and
 * AT_SYMLINK_NOFOLLOW.
 */
int do_linkat(struct lwp *l, int fd1, const char *path, int fd2,
    const char *link, int follow);
int do_symlinkat(struct lwp *l, const char *upath, int dirfd, const char *link);
int do_readlinkat(struct lwp *l, int dirfd, const char *upath, char *ubuf,
    size_t n, register_t *rv);
int do_renameat(struct lwp *l, int fromfd, const char *upfrom, int tofd,
    const char *upto);
int do_accessat(struct lwp *l, int dirfd, const char *upath, int mode, int flag);
/* mkfifoat(2) (fifo.c), for mknod(2) of a FIFO too. */
int do_mkfifoat(struct lwp *l, int dirfd, const char *upath, uint32_t mode);

/* One positioned transfer on a vnode for uio_move (pread(2), preadv(2)). */
struct posio {
	struct vnode *vp;
	int64_t off;
	bool write;
};
int xfer_positioned(void *arg, void *kbuf, size_t n, size_t *done);

#endif
