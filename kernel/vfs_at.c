/*
 * The *at(2) family and the calls that name a symbolic link itself (lchmod,
 * lchown, lutimes) or work on a descriptor (futimes, futimens), with
 * NetBSD's numbers and argument slots (kernel/syscalls.master). Each path
 * is looked up from a directory descriptor, AT_FDCWD meaning the working
 * directory; an absolute path ignores it. As in NetBSD, flag bits a call
 * does not know are ignored.
 */
#include "kern.h"
#include "vfs_int.h"

/* LOOKUP_FOLLOW unless flag has AT_SYMLINK_NOFOLLOW. */
static int
follow_of(int flag)
{
	return (flag & RUMP_AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
}

/* ---- the old path calls, now the *at forms from the working directory ---- */

int
sys_link(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_linkat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    RUMP_AT_FDCWD, ARG(a, 1, const char *), 0);
}

int
sys_symlink(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_symlinkat(l, ARG(a, 0, const char *), RUMP_AT_FDCWD,
	    ARG(a, 1, const char *));
}

int
sys_readlink(struct lwp *l, const void *a, register_t *rv)
{
	return do_readlinkat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, char *), ARG(a, 2, size_t), rv);
}

int
sys_rename(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_renameat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    RUMP_AT_FDCWD, ARG(a, 1, const char *));
}

int
sys_access(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_accessat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, int), 0);
}

/* ---- the *at calls ---- */

/* linkat(fd1, name1, fd2, name2, flags): AT_SYMLINK_FOLLOW links the target. */
int
sys_linkat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_linkat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, int), ARG(a, 3, const char *),
	    (ARG(a, 4, int) & RUMP_AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0);
}

/* symlinkat(path1, fd, path2): path2 from fd points at path1. */
int
sys_symlinkat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_symlinkat(l, ARG(a, 0, const char *), ARG(a, 1, int),
	    ARG(a, 2, const char *));
}

int
sys_readlinkat(struct lwp *l, const void *a, register_t *rv)
{
	return do_readlinkat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, char *), ARG(a, 3, size_t), rv);
}

int
sys_renameat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_renameat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, int), ARG(a, 3, const char *));
}

/* faccessat(fd, path, amode, flag): AT_EACCESS, AT_SYMLINK_NOFOLLOW. */
int
sys_faccessat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_accessat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, int), ARG(a, 3, int));
}

/* fstatat(fd, path, buf, flag) */
int
sys_fstatat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return path_stat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, void *), follow_of(ARG(a, 3, int)));
}

static int
chmod_at(struct lwp *l, int dirfd, const char *upath, uint32_t mode, int follow)
{
	struct nameidata nd;
	int error = namei(l, dirfd, upath, follow, &nd);

	if (error != 0)
		return error;
	error = set_mode(l, nd.ni_vp, mode);
	nd_done(&nd);
	return error;
}

/* fchmodat(fd, path, mode, flag) */
int
sys_fchmodat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return chmod_at(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, uint32_t), follow_of(ARG(a, 3, int)));
}

/* lchmod(path, mode): a final symbolic link's own mode. */
int
sys_lchmod(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return chmod_at(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, uint32_t), 0);
}

static int
chown_at(struct lwp *l, int dirfd, const char *upath, kuid_t uid, kgid_t gid,
    int follow)
{
	struct nameidata nd;
	int error = namei(l, dirfd, upath, follow, &nd);

	if (error != 0)
		return error;
	error = set_owner(l, nd.ni_vp, uid, gid);
	nd_done(&nd);
	return error;
}

/* fchownat(fd, path, owner, group, flag) */
int
sys_fchownat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return chown_at(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, kuid_t), ARG(a, 3, kgid_t), follow_of(ARG(a, 4, int)));
}

/* lchown(path, uid, gid): a final symbolic link's own owner. */
int
sys_lchown(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return chown_at(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, kuid_t), ARG(a, 2, kgid_t), 0);
}

/* ---- times ---- */

/*
 * Sets vp's access and modification times as utimensat(2): ts NULL means
 * both now; a tv_nsec of UTIME_NOW means now, UTIME_OMIT leaves that time.
 * Setting both to now needs the owner or write permission (EACCES), any
 * other time the owner or root (EPERM); omitting both checks nothing and
 * changes nothing. A tv_nsec outside [0, 1e9) is EINVAL, a read-only file
 * system EROFS. The times go through the file system's setattr (which
 * also moves a birth time it keeps back before an earlier modification
 * time), so they reach the disk on ext2.
 */
static int
set_times(struct lwp *l, struct vnode *vp, const struct ktimespec *uts)
{
	struct ktimespec ts[2], now;
	struct vattr va = { .va_mask = 0 };
	bool bothnow;
	int error = 0;

	vnow(&now);
	if (uts == NULL) {
		ts[0].tv_nsec = ts[1].tv_nsec = RUMP_UTIME_NOW;
	} else {
		ts[0] = uts[0];
		ts[1] = uts[1];
	}
	for (int i = 0; i < 2; i++) {
		if (ts[i].tv_nsec == RUMP_UTIME_NOW)
			continue;
		if (ts[i].tv_nsec == RUMP_UTIME_OMIT)
			continue;
		if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
			return RUMP_EINVAL;
	}
	if (ts[0].tv_nsec == RUMP_UTIME_OMIT && ts[1].tv_nsec == RUMP_UTIME_OMIT)
		return 0;
	if ((error = vn_rdonly(vp)) != 0)
		return error;
	bothnow = ts[0].tv_nsec == RUMP_UTIME_NOW &&
	    ts[1].tv_nsec == RUMP_UTIME_NOW;
	if (CRED(l)->euid != 0 && CRED(l)->euid != vp->v_uid)
		error = bothnow ? vaccess(vp, CRED(l), VWRITE) : RUMP_EPERM;
	if (error != 0)
		return error;
	for (int i = 0; i < 2; i++)
		if (ts[i].tv_nsec == RUMP_UTIME_NOW)
			ts[i] = now;
	if (ts[0].tv_nsec != RUMP_UTIME_OMIT) {
		va.va_mask |= VA_ATIME;
		va.va_atime = ts[0];
	}
	if (ts[1].tv_nsec != RUMP_UTIME_OMIT) {
		va.va_mask |= VA_MTIME;
		va.va_mtime = ts[1];
	}
	return vn_setattr(vp, &va);
}

/* Copies in a user timespec pair, or none for NULL. */
static int
times_in(const void *uts, struct ktimespec ts[2], const struct ktimespec **tsp)
{
	int error;

	*tsp = NULL;
	if (uts == NULL)
		return 0;
	if ((error = copyin(uts, ts, 2 * sizeof(ts[0]))) != 0)
		return error;
	*tsp = ts;
	return 0;
}

/*
 * Copies in a user timeval pair as timespecs (utimes(2)): a tv_usec of
 * UTIME_NOW or UTIME_OMIT keeps its meaning, another outside [0, 1e6) is
 * EINVAL.
 */
static int
timevals_in(const void *utv, struct ktimespec ts[2], const struct ktimespec **tsp)
{
	struct rump_timeval tv[2];
	int error;

	*tsp = NULL;
	if (utv == NULL)
		return 0;
	if ((error = copyin(utv, tv, sizeof(tv))) != 0)
		return error;
	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		if (tv[i].tv_usec == RUMP_UTIME_NOW ||
		    tv[i].tv_usec == RUMP_UTIME_OMIT)
			ts[i].tv_nsec = tv[i].tv_usec;
		else if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return RUMP_EINVAL;
		else
			ts[i].tv_nsec = (long)tv[i].tv_usec * 1000;
	}
	*tsp = ts;
	return 0;
}

static int
times_at(struct lwp *l, int dirfd, const char *upath, int follow,
    const struct ktimespec *ts)
{
	struct nameidata nd;
	int error = namei(l, dirfd, upath, follow, &nd);

	if (error != 0)
		return error;
	error = set_times(l, nd.ni_vp, ts);
	nd_done(&nd);
	return error;
}

/* utimensat(fd, path, times, flag) */
int
sys_utimensat(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec buf[2];
	const struct ktimespec *ts;
	int error;

	(void)rv;
	if ((error = times_in(ARG(a, 2, const void *), buf, &ts)) != 0)
		return error;
	return times_at(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    follow_of(ARG(a, 3, int)), ts);
}

/*
 * futimens(2) and futimes(2): the file is held across the copy of the
 * times, which may wait for a remote client while another thread closes fd.
 */
static int
times_fd(struct lwp *l, int fd, const void *utimes, bool timeval)
{
	struct ktimespec buf[2];
	const struct ktimespec *ts;
	struct file *fp;
	int error;

	if ((error = fd_vnode_hold(l, fd, &fp)) != 0)
		return error;
	error = timeval ? timevals_in(utimes, buf, &ts) :
			  times_in(utimes, buf, &ts);
	if (error == 0)
		error = set_times(l, fp->data, ts);
	file_release(fp);
	return error;
}

/* futimens(fd, times) */
int
sys_futimens(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return times_fd(l, ARG(a, 0, int), ARG(a, 1, const void *), false);
}

/* __futimes50(fd, tptr) */
int
sys___futimes50(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return times_fd(l, ARG(a, 0, int), ARG(a, 1, const void *), true);
}

/* __lutimes50(path, tptr): a final symbolic link's own times. */
int
sys___lutimes50(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec buf[2];
	const struct ktimespec *ts;
	int error;

	(void)rv;
	if ((error = timevals_in(ARG(a, 1, const void *), buf, &ts)) != 0)
		return error;
	return times_at(l, RUMP_AT_FDCWD, ARG(a, 0, const char *), 0, ts);
}
