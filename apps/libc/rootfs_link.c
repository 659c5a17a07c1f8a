/*
 * Owner and times of a symbolic link itself, for the root file system
 * unpacker (rootfs.c). chown(2) and utimes(2) follow the link, so this
 * enters the kernel directly: a lookup that does not follow the last
 * component, then the file system's setattr (vn_setattr, so the change
 * reaches whatever file system holds the link). It runs before main(), as
 * root, on the tree the unpacker just wrote; no permission check is needed.
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
	struct vattr va = {
		.va_mask = VA_UID | VA_GID | VA_ATIME | VA_MTIME,
		.va_uid = (kuid_t)uid,
		.va_gid = (kgid_t)gid,
		.va_atime = { .tv_sec = mtime },
		.va_mtime = { .tv_sec = mtime },
	};
	int error;

	rump_schedule();
	error = namei(curlwp(), AT_FDCWD, path, 0, &nd);	/* no LOOKUP_FOLLOW */
	if (error == 0) {
		if (nd.ni_vp->v_type != VLNK)
			error = RUMP_EINVAL;	/* only links come here */
		else
			error = vn_setattr(nd.ni_vp, &va);
		nd_done(&nd);
	}
	rump_unschedule();
	return error;
}
