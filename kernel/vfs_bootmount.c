/*
 * Disks mounted by the boot command line (doc/cmdline.md, "Disks at
 * boot"): root=DEV[:OPTS] makes a disk "/", each mount=DEV:PATH[:OPTS]
 * mounts one on PATH (made when missing), in order, at rump_init() once
 * the disks are attached. The platform hands the words over as the
 * parameters RUMPIMG_ROOT and RUMPIMG_MOUNTS (the mount= words separated
 * by spaces, which a word cannot contain). A word that cannot be honoured
 * stops the kernel with a console line: an appliance must not start on a
 * tmpfs in place of its disk and lose what it writes at halt.
 *
 * Also the other end: vfs_shutdown, at halt and at the program's exit,
 * writes every disk file system back and marks it clean.
 */
#include <stdio.h>
#include <string.h>

#include "blk.h"
#include "bootmount.h"
#include "kern.h"

#define BOOT_MOUNTS_MAX 2048 /* the platform's command line */

_Static_assert(sizeof(((struct bootmount *)0)->path) == MNAMELEN,
    "a mount point fits struct mount's mnt_on");

/*
 * Parses a root= (root true: DEV[:OPTS]) or mount= (DEV:PATH[:OPTS])
 * value into bm. DEV is a /dev/ path; PATH an absolute path other than
 * "/"; OPTS words separated by ':' or ',': ro, rw, ext2fs (the only disk
 * file system, the default). Returns 0, or -1 with the reason in why.
 */
int
vfs_bootmount_parse(const char *word, bool root, struct bootmount *bm,
    char *why, size_t whylen)
{
	const char *p = word, *end;
	size_t len;

	memset(bm, 0, sizeof(*bm));
	strcpy(bm->type, "ext2fs");
	end = p + strcspn(p, ":");
	len = (size_t)(end - p);
	if (len <= 5 || strncmp(p, "/dev/", 5) != 0 ||
	    memchr(p + 5, '/', len - 5)) {
		snprintf(why, whylen, "expected a device such as /dev/ld0 first");
		return -1;
	}
	if (len >= sizeof(bm->dev)) {
		snprintf(why, whylen, "device name too long");
		return -1;
	}
	memcpy(bm->dev, p, len);
	p = end;
	if (!root) {
		if (*p != ':' || p[1] != '/') {
			snprintf(why, whylen, "expected DEVICE:/PATH");
			return -1;
		}
		p++;
		end = p + strcspn(p, ":");
		len = (size_t)(end - p);
		while (len > 1 && p[len - 1] == '/')
			len--; /* "/data/" is "/data" */
		if (len == 1) {
			snprintf(why, whylen, "the root is root=, not a mount=");
			return -1;
		}
		if (len >= sizeof(bm->path)) {
			snprintf(why, whylen, "path too long");
			return -1;
		}
		memcpy(bm->path, p, len);
		p = end;
	} else {
		strcpy(bm->path, "/");
	}
	while (*p != '\0') {
		p++; /* ':' or ',' */
		len = strcspn(p, ":,");
		if (len == 2 && strncmp(p, "ro", 2) == 0) {
			bm->ro = true;
		} else if (len == 2 && strncmp(p, "rw", 2) == 0) {
			bm->ro = false;
		} else if (len == 6 && strncmp(p, "ext2fs", 6) == 0) {
			/* the default */
		} else {
			snprintf(why, whylen,
			    "unknown option '%.*s' (ro, rw, ext2fs)", (int)len,
			    p);
			return -1;
		}
		p += len;
	}
	return 0;
}

/* The name of the errors a boot mount meets most, for the console. */
static const char *
errname(int error)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ RUMP_ENOENT, "ENOENT: no such file" },
		{ RUMP_EIO, "EIO: input/output error" },
		{ RUMP_ENXIO, "ENXIO: no such device" },
		{ RUMP_ENOMEM, "ENOMEM" },
		{ RUMP_ENOTBLK, "ENOTBLK: not a block device" },
		{ RUMP_EBUSY, "EBUSY: in use" },
		{ RUMP_EEXIST, "EEXIST" },
		{ RUMP_ENOTDIR, "ENOTDIR: not a directory" },
		{ RUMP_EINVAL, "EINVAL: invalid argument" },
		{ RUMP_EROFS, "EROFS: read-only" },
		{ RUMP_ENODEV, "ENODEV: no such file system type" },
		{ RUMP_EFTYPE, "EFTYPE: not a file system of this type" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == error)
			return names[i].name;
	return "see errno(2)";
}

/* Stops the kernel: the appliance must not run without its disk. */
static void __attribute__((noreturn))
refuse(const char *what, const char *word, const char *why, int error)
{
	if (error != 0)
		kern_printf("boot: %s=%s: %s: error %d (%s); stopping\n", what,
		    word, why, error, errname(error));
	else
		kern_printf("boot: %s=%s: %s; stopping\n", what, word, why);
	rumpuser_exit(1);
	for (;;)
		continue;
}

/* Makes the directory path and its missing parents, mode 0755. */
static int
mkdirs(struct lwp *l, const char *path)
{
	char buf[MNAMELEN];
	struct nameidata nd;
	struct vnode *vp;
	int error;

	strcpy(buf, path);
	for (char *p = buf + 1;; p++) {
		char c = *p;
		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		error = namei_kernel(l, buf, LOOKUP_FOLLOW, &nd);
		if (error == 0) {
			error = nd.ni_vp->v_type == VDIR ? 0 : RUMP_ENOTDIR;
			nd_done(&nd);
		} else if (error == RUMP_ENOENT) {
			error = namei_kernel(l, buf, LOOKUP_PARENT, &nd);
			if (error == 0 && nd.ni_vp != NULL)
				error = RUMP_EEXIST; /* cannot be: at boot */
			if (error == 0 &&
			    (error = vn_create_node(nd.ni_dvp, nd.ni_name, VDIR,
				 0755, curproc()->p_cred, "", &vp)) == 0)
				vrele(vp);
			nd_done(&nd);
		}
		if (error != 0)
			return error;
		*p = c;
		if (c == '\0')
			return 0;
	}
}

/*
 * A disk the machine gives read-only (run-qemu --disk FILE,ro) is mounted
 * read-only without asking for :ro, with a console line.
 */
static void
ro_disk(struct lwp *l, struct bootmount *bm)
{
	struct nameidata nd;

	if (bm->ro || namei_kernel(l, bm->dev, LOOKUP_FOLLOW, &nd) != 0)
		return; /* the mount reports a missing disk */
	if (nd.ni_vp->v_type == VBLK && nd.ni_vp->v_blk != NULL &&
	    blkdev_readonly(nd.ni_vp->v_blk)) {
		kern_printf("boot: %s is a read-only disk: mounted read-only\n",
		    bm->dev);
		bm->ro = true;
	}
	nd_done(&nd);
}

/* proc0's and init's working directories follow "/" to the disk. */
static void
follow_root(struct vnode *oldroot)
{
	struct proc *ps[] = { &proc0, initproc };

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		if (ps[i] != NULL && ps[i]->p_cwd == oldroot) {
			vref(rootvnode);
			ps[i]->p_cwd = rootvnode;
			vrele(oldroot);
		}
}

static void
boot_root(struct lwp *l, const char *word)
{
	struct bootmount bm;
	struct vnode *oldroot = rootvnode;
	char why[96];
	int error;

	if (vfs_bootmount_parse(word, true, &bm, why, sizeof(why)) != 0)
		refuse("root", word, why, 0);
	ro_disk(l, &bm);
	error = vfs_mountroot_disk(l, bm.type, bm.dev,
	    RUMP_MNT_FORCE | (bm.ro ? RUMP_MNT_RDONLY : 0));
	if (error != 0)
		refuse("root", word, "cannot mount it as /", error);
	follow_root(oldroot);
	kern_printf("boot: %s mounted on / (%s%s); the kernel's devices on "
		    "/dev\n",
	    bm.dev, bm.type, bm.ro ? ", read-only" : "");
}

static void
boot_mount(struct lwp *l, const char *word)
{
	struct bootmount bm;
	char why[96];
	int error;

	if (vfs_bootmount_parse(word, false, &bm, why, sizeof(why)) != 0)
		refuse("mount", word, why, 0);
	ro_disk(l, &bm);
	if ((error = mkdirs(l, bm.path)) != 0)
		refuse("mount", word, "cannot make the mount point", error);
	/* MNT_FORCE: a disk not cleanly unmounted mounts with a warning. */
	error = vfs_domount(l, bm.type, bm.dev, bm.path,
	    RUMP_MNT_FORCE | (bm.ro ? RUMP_MNT_RDONLY : 0), NULL, 0);
	if (error != 0)
		refuse("mount", word, "cannot mount it", error);
	kern_printf("boot: %s mounted on %s (%s%s)\n", bm.dev, bm.path, bm.type,
	    bm.ro ? ", read-only" : "");
}

void
vfs_bootmounts(void)
{
	char *buf = kmem_zalloc(BOOT_MOUNTS_MAX), *p, *end;
	struct lwp *l;

	if (buf == NULL)
		kpanic("out of memory for the boot's mount words");
	rump_schedule();
	l = curlwp();
	if (rumpuser_getparam("RUMPIMG_ROOT", buf, BOOT_MOUNTS_MAX) == 0 &&
	    buf[0] != '\0')
		boot_root(l, buf);
	if (rumpuser_getparam("RUMPIMG_MOUNTS", buf, BOOT_MOUNTS_MAX) == 0) {
		for (p = buf; *p != '\0'; p = end) {
			while (*p == ' ')
				p++;
			end = p + strcspn(p, " ");
			if (*end != '\0')
				*end++ = '\0';
			if (*p != '\0')
				boot_mount(l, p);
		}
	}
	rump_unschedule();
	kmem_free(buf, BOOT_MOUNTS_MAX);
}

void
vfs_shutdown(void)
{
	struct mount *mps[64];
	size_t n = 0;

	/* The innermost first: a disk mounted on another's directory. */
	for (struct mount *mp = rootmount; mp != NULL && n < 64; mp = mp->mnt_next)
		if (mp->mnt_blk != NULL && !mp->mnt_unmounting)
			mps[n++] = mp;
	while (n > 0) {
		struct mount *mp = mps[--n];
		int error;

		mp->mnt_unmounting = true; /* for good: no new user */
		if ((error = mp->mnt_op->vfs_unmount(mp, true)) != 0)
			kern_printf("halt: %s on %s: not written back: error "
				    "%d\n",
			    mp->mnt_from, mp->mnt_on, error);
	}
}

void
rump_pub_vfs_shutdown(void)
{
	rump_schedule();
	vfs_shutdown();
	rump_unschedule();
}
