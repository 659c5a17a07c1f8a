/*
 * Owner and times of a symbolic link itself, for the root file system
 * unpacker (rootfs.c). chown(2) and utimes(2) follow the link, so this
 * enters the kernel directly: a lookup that does not follow the last
 * component, then the vnode's attributes. It runs before main(), as root,
 * on the tmpfs the unpacker just wrote; no permission check is needed.
 */
#include "../../kernel/kern.h"
#include "rootfs.h"

#ifndef AT_FDCWD
#define AT_FDCWD	-100		/* NetBSD's <fcntl.h> */
#endif

int
rootfs_link_attrs(const char *path, uint32_t uid, uint32_t gid, int64_t mtime)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	rump_schedule();
	error = namei(curlwp(), AT_FDCWD, path, 0, &nd);	/* no LOOKUP_FOLLOW */
	if (error == 0) {
		vp = nd.ni_vp;
		if (vp->v_type != VLNK) {
			error = RUMP_EINVAL;	/* only links come here */
		} else {
			vp->v_uid = (kuid_t)uid;
			vp->v_gid = (kgid_t)gid;
			vp->v_atime.tv_sec = vp->v_mtime.tv_sec = mtime;
			vp->v_atime.tv_nsec = vp->v_mtime.tv_nsec = 0;
			vnow(&vp->v_ctime);
		}
		nd_done(&nd);
	}
	rump_unschedule();
	return error;
}
