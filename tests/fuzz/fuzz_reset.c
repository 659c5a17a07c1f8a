/*
 * Between fuzz inputs: the kernel goes back to what it held after boot, so
 * that every input starts from the same state (what one input left would
 * change what the next one does, and pile up). What a client can change for
 * everyone is put back: file systems mounted above the root are unmounted
 * (forced, the most recent first, so one mounted inside another goes
 * first), files and directories made since boot are removed, the boot-time
 * entries get their mode and owner back, and the host name and the wall
 * clock are reset. What belongs to a process (descriptors and the locks,
 * kqueues and pipes behind them, working and root directory, credentials)
 * goes with the input's processes, which the targets end. The walk runs as
 * a local process of its own through the ordinary system calls, one
 * directory level at a time (chdir, never long paths).
 *
 * Most inputs change nothing on the file system, and the walk was a third
 * of the time an input took; so a directory whose change time and size are
 * what they were after the last reset is not listed again (adding or
 * removing an entry stamps its directory, kernel/tmpfs.c), nothing is
 * looked for on mount points once the mount table holds only "/", and an
 * entry's owner and mode are set back only when they differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpuser.h"

#define MAXKEEP	 64  /* boot-time entries kept */
#define MAXNAMES 256 /* entries handled per directory pass */
#define NAMELEN	 256

static char keep[MAXKEEP][NAMELEN];	 /* "dir/name" paths from boot */
static struct rump_stat keepst[MAXKEEP]; /* their attributes at boot */
static struct rump_stat keepnow[MAXKEEP]; /* the top ones' after the last reset */
static int nkeep;
static struct rump_stat rootnow; /* "/" after the last reset */
static bool mounted;		 /* file systems above "/" are left */
static int mounts_left_said;
static struct rump_stat rootst;
static const int mib_hostname[2] = { 1, 10 }; /* CTL_KERN, KERN_HOSTNAME */
static char hostname[256];
static size_t hostnamelen;

/* Reads the names in the current directory (not "." or ".."); their count. */
static int
list_names(char (*names)[NAMELEN], int max)
{
	char buf[4096];
	int fd, n = 0;
	ssize_t got;

	if ((fd = rump_sys_open(".", RUMP_O_RDONLY | RUMP_O_DIRECTORY)) < 0)
		return 0;
	while (n < max && (got = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < got && n < max;) {
			uint16_t reclen = (uint16_t)(buf[off + 8] & 0xff) |
			    (uint16_t)((buf[off + 9] & 0xff) << 8);
			uint16_t nl = (uint16_t)(buf[off + 10] & 0xff) |
			    (uint16_t)((buf[off + 11] & 0xff) << 8);
			const char *name = buf + off + 13;

			if (reclen == 0)
				break;
			if (nl < NAMELEN && !(nl == 1 && name[0] == '.') &&
			    !(nl == 2 && name[0] == '.' && name[1] == '.')) {
				memcpy(names[n], name, nl);
				names[n][nl] = '\0';
				n++;
			}
			off += reclen;
		}
	}
	rump_sys_close(fd);
	return n;
}

static bool
kept(const char *prefix, const char *name)
{
	char path[NAMELEN];

	snprintf(path, sizeof(path), "%s%s", prefix, name);
	for (int i = 0; i < nkeep; i++)
		if (strcmp(keep[i], path) == 0)
			return true;
	return false;
}

/*
 * Unmounts whatever is mounted on directory name (in the current
 * directory), however many file systems are stacked there: the ones
 * getvfsstat names by a path the reset cannot reach (one given relative
 * to the input's working directory) show up here as a directory on
 * another device than its parent's.
 */
static void
unmount_on(const char *name)
{
	struct rump_stat here, st;

	if (!mounted)
		return;
	for (int i = 0; i < 16; i++) {
		if (rump_sys_lstat(".", &here) != 0 ||
		    rump_sys_lstat(name, &st) != 0 || st.st_dev == here.st_dev ||
		    rump_sys_unmount(name, RUMP_MNT_FORCE) != 0)
			return;
	}
}

/* How many file systems are mounted, "/" included. */
static int
nmounts(void)
{
	int n = rump_sys_getvfsstat(NULL, 0, 0);

	return n < 0 ? 0 : n;
}

/*
 * Unmounts (forced) every file system above the root by the path the
 * mount table gives, the most recent first: a file system mounted inside
 * another was mounted after it.
 */
static void
unmount_all(void)
{
	static struct rump_statvfs sv[16];
	int n, progress = 1;

	rump_sys_chdir("/");
	while (progress && nmounts() > 1) {
		progress = 0;
		n = rump_sys_getvfsstat(sv, sizeof(sv), 0);
		for (int i = n - 1; i >= 0; i--) {
			if ((sv[i].f_flag & RUMP_MNT_ROOTFS) != 0)
				continue;
			sv[i].f_mntonname[sizeof(sv[i].f_mntonname) - 1] = '\0';
			if (rump_sys_unmount(sv[i].f_mntonname,
				RUMP_MNT_FORCE) == 0)
				progress = 1;
		}
	}
}

/* Removes name (in the current directory) and everything under it. */
static void
remove_tree(const char *name, int depth)
{
	static char names[32][MAXNAMES][NAMELEN];
	struct rump_stat st;
	int n;

	if (rump_sys_lstat(name, &st) != 0)
		return;
	if ((st.st_mode & RUMP_S_IFMT) == RUMP_S_IFDIR && depth < 32) {
		rump_sys_chmod(name, 0755);
		if (rump_sys_chdir(name) == 0) {
			do {
				n = list_names(names[depth], MAXNAMES);
				for (int i = 0; i < n; i++)
					remove_tree(names[depth][i], depth + 1);
			} while (n == MAXNAMES);
			rump_sys_chdir("..");
		}
		unmount_on(name);
		rump_sys_rmdir(name);
	} else {
		rump_sys_unlink(name);
	}
}

/* Whether directory path has no entry added or removed since was. */
static bool
unchanged(const char *path, const struct rump_stat *was)
{
	struct rump_stat st;

	return rump_sys_lstat(path, &st) == 0 &&
	    (st.st_mode & RUMP_S_IFMT) == RUMP_S_IFDIR &&
	    st.st_ino == was->st_ino && st.st_size == was->st_size &&
	    st.st_nlink == was->st_nlink &&
	    st.st_ctim.tv_sec == was->st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == was->st_ctim.tv_nsec &&
	    st.st_mtim.tv_sec == was->st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == was->st_mtim.tv_nsec;
}

/* The boot-time names directly in "/" (the walk's list when it is clean). */
static int
kept_top(char (*names)[NAMELEN])
{
	int n = 0;

	for (int i = 0; i < nkeep; i++)
		if (strchr(keep[i], '/') == NULL)
			snprintf(names[n++], NAMELEN, "%s", keep[i]);
	return n;
}

/* The index of boot-time path in keep[], or -1. */
static int
keep_index(const char *path)
{
	for (int i = 0; i < nkeep; i++)
		if (strcmp(keep[i], path) == 0)
			return i;
	return -1;
}

/*
 * Walks the boot-time tree (two levels: "/" and the directories in it)
 * either recording it or removing what is new.
 */
static void
walk(bool record)
{
	static char top[MAXNAMES][NAMELEN], sub[MAXNAMES][NAMELEN];
	char prefix[NAMELEN];
	struct rump_stat st;
	int n, m, k;

	rump_sys_chdir("/");
	if (!record && !mounted && unchanged("/", &rootnow))
		n = kept_top(top);
	else
		n = list_names(top, MAXNAMES);
	for (int i = 0; i < n; i++) {
		if (record) {
			if (nkeep < MAXKEEP &&
			    rump_sys_lstat(top[i], &keepst[nkeep]) == 0)
				snprintf(keep[nkeep++], NAMELEN, "%s", top[i]);
		} else if (!kept("", top[i])) {
			remove_tree(top[i], 0);
			continue;
		}
		if (!record)
			unmount_on(top[i]);
		k = keep_index(top[i]);
		if (!record && !mounted && k >= 0 &&
		    unchanged(top[i], &keepnow[k]))
			continue;
		if (rump_sys_lstat(top[i], &st) != 0 ||
		    (st.st_mode & RUMP_S_IFMT) != RUMP_S_IFDIR ||
		    rump_sys_chdir(top[i]) != 0)
			continue;
		snprintf(prefix, sizeof(prefix), "%s/", top[i]);
		m = list_names(sub, MAXNAMES);
		for (int j = 0; j < m; j++) {
			if (record) {
				if (nkeep < MAXKEEP &&
				    rump_sys_lstat(sub[j], &keepst[nkeep]) == 0)
					snprintf(keep[nkeep++], NAMELEN, "%s%s",
					    prefix, sub[j]);
			} else if (!kept(prefix, sub[j])) {
				remove_tree(sub[j], 0);
			} else {
				unmount_on(sub[j]);
			}
		}
		rump_sys_chdir("/");
	}
}

/* What "/" and the boot-time entries are now, for the next reset. */
static void
remember(void)
{
	rump_sys_lstat("/", &rootnow);
	for (int i = 0; i < nkeep; i++) {
		char path[NAMELEN + 1];

		memset(&keepnow[i], 0, sizeof(keepnow[i]));
		if (strchr(keep[i], '/') != NULL)
			continue; /* only the walk's directories matter */
		snprintf(path, sizeof(path), "/%s", keep[i]);
		rump_sys_lstat(path, &keepnow[i]);
	}
}

/* Gives path its boot-time owner and mode back, if they changed. */
static void
restore(const char *path, const struct rump_stat *boot)
{
	struct rump_stat st;

	if (rump_sys_lstat(path, &st) == 0 && st.st_uid == boot->st_uid &&
	    st.st_gid == boot->st_gid && st.st_mode == boot->st_mode)
		return;
	rump_sys_lchown(path, boot->st_uid, boot->st_gid);
	rump_sys_lchmod(path, boot->st_mode & 07777);
}

void
fuzz_reset_init(void)
{
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0) {
		fprintf(stderr, "fuzz: cannot make the reset process\n");
		abort();
	}
	rump_sys_lstat("/", &rootst);
	hostnamelen = sizeof(hostname);
	if (rump_sys___sysctl(mib_hostname, 2, hostname, &hostnamelen, NULL,
		0) != 0 ||
	    hostnamelen == 0) {
		fprintf(stderr, "fuzz: cannot read the host name\n");
		abort();
	}
	walk(true);
	remember();
	rump_pub_lwproc_releaselwp();
}

void
fuzz_reset(void)
{
	struct rump_timeval tv = { 0, 0, 0 };
	char path[NAMELEN + 1];
	int64_t sec;
	long nsec;

	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0) {
		fprintf(stderr, "fuzz: cannot make the reset process\n");
		abort();
	}
	unmount_all();
	mounted = nmounts() > 1;
	walk(false);
	if (nmounts() > 1 && !mounts_left_said) {
		/* Out of the reset's reach (say, on a removed directory). */
		fprintf(stderr,
		    "fuzz: %d file systems left mounted after the "
		    "reset\n",
		    nmounts() - 1);
		mounts_left_said = 1;
	}
	rump_sys_chdir("/");
	for (int i = 0; i < nkeep; i++) {
		snprintf(path, sizeof(path), "/%s", keep[i]);
		restore(path, &keepst[i]);
	}
	restore("/", &rootst);
	/* The length without the NUL, as sysctl(3) takes a new string. */
	rump_sys___sysctl(mib_hostname, 2, NULL, NULL, hostname, hostnamelen - 1);
	/* The wall clock: the host's again (to the microsecond). */
	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec) == 0) {
		tv.tv_sec = sec;
		tv.tv_usec = (int32_t)(nsec / 1000);
		rump_sys_settimeofday(&tv, NULL);
	}
	remember();
	rump_pub_lwproc_releaselwp();
}
