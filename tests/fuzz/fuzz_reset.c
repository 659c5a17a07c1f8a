/*
 * Between fuzz inputs: the kernel's file system (and its host name and wall
 * clock, the other settings a client can change for everyone) goes back to
 * what it held after boot, so that every input starts from the same state (files that
 * one input made would change what the next one does, and pile up). The
 * walk runs as a local process of its own through the ordinary system
 * calls, one directory level at a time (chdir, never long paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpuser.h"

#define MAXKEEP		64	/* boot-time entries kept */
#define MAXNAMES	256	/* entries handled per directory pass */
#define NAMELEN		256

static char keep[MAXKEEP][NAMELEN];	/* "dir/name" paths from boot */
static int nkeep;
static struct rump_stat rootst;
static const int mib_hostname[2] = { 1, 10 };	/* CTL_KERN, KERN_HOSTNAME */
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
		rump_sys_rmdir(name);
	} else {
		rump_sys_unlink(name);
	}
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
	int n, m;

	rump_sys_chdir("/");
	n = list_names(top, MAXNAMES);
	for (int i = 0; i < n; i++) {
		if (record) {
			if (nkeep < MAXKEEP)
				snprintf(keep[nkeep++], NAMELEN, "%s", top[i]);
		} else if (!kept("", top[i])) {
			remove_tree(top[i], 0);
			continue;
		}
		if (rump_sys_lstat(top[i], &st) != 0 ||
		    (st.st_mode & RUMP_S_IFMT) != RUMP_S_IFDIR ||
		    rump_sys_chdir(top[i]) != 0)
			continue;
		snprintf(prefix, sizeof(prefix), "%s/", top[i]);
		m = list_names(sub, MAXNAMES);
		for (int j = 0; j < m; j++) {
			if (record) {
				if (nkeep < MAXKEEP)
					snprintf(keep[nkeep++], NAMELEN, "%s%s",
					    prefix, sub[j]);
			} else if (!kept(prefix, sub[j])) {
				remove_tree(sub[j], 0);
			}
		}
		rump_sys_chdir("/");
	}
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
	    0) != 0 || hostnamelen == 0) {
		fprintf(stderr, "fuzz: cannot read the host name\n");
		abort();
	}
	walk(true);
	rump_pub_lwproc_releaselwp();
}

void
fuzz_reset(void)
{
	struct rump_timeval tv = { 0, 0, 0 };
	int64_t sec;
	long nsec;

	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0) {
		fprintf(stderr, "fuzz: cannot make the reset process\n");
		abort();
	}
	walk(false);
	rump_sys_chmod("/", rootst.st_mode & 07777);
	rump_sys_chown("/", rootst.st_uid, rootst.st_gid);
	/* The length without the NUL, as sysctl(3) takes a new string. */
	rump_sys___sysctl(mib_hostname, 2, NULL, NULL, hostname,
	    hostnamelen - 1);
	/* The wall clock: the host's again (to the microsecond). */
	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec) == 0) {
		tv.tv_sec = sec;
		tv.tv_usec = (int32_t)(nsec / 1000);
		rump_sys_settimeofday(&tv, NULL);
	}
	rump_pub_lwproc_releaselwp();
}
