/*
 * rump_server: the rump kernel as a host server over rump_sp.
 *
 *	rump_server [-sv] [-c ncpu] [-d drivespec] [-k keyfile] [-L limit=value]
 *	    [-l library] [-m module] [-r ramsize] [-u uid:gid] URL
 *
 * NetBSD's option letters (rump_server(1)): -s stays in the foreground, -c
 * sets the number of virtual CPUs (RUMP_NCPU), -r the memory limit
 * (RUMP_MEMLIMIT, with k, m or g suffixes), -v a verbose boot. NetBSD's
 * kernel is made of libraries loaded with -l and modules with -m; this one
 * has its components built in, so -l and -m check that the named component
 * is there and refuse any other by name. -d attaches a host file as a disk
 * (rump_pub_etfs_register(3)): key=/dev/ld0 makes /dev/ld0 and /dev/rld0;
 * NetBSD's disklabel= and type=reg are refused by name. Without -s it detaches and returns
 * only once the socket listens (exit 0) or the start failed (exit 1), so a
 * script may connect right after. SIGTERM and SIGINT halt it cleanly, as
 * a client's reboot does; it exits 0 when halted.
 *
 * -L is this server's own: what one client connection may hold
 * (sp/sp_limits.h, README): maxprefork, maxlwp, maxorphan, orphansecs,
 * hstimeout.
 * -k, not NetBSD's: every client must prove it holds the key in keyfile
 * (hex digits, 16 to 64 bytes) before anything else (doc/rump_sp-auth.md).
 * -u, not NetBSD's either: clients' processes run as uid:gid, not root.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_auth.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rump_server [-sv] [-c ncpu] [-d drivespec] "
	    "[-k keyfile]\n                   [-L limit=value] [-l library] "
	    "[-m module]\n                   [-r ramsize[k|m|g]] [-u uid:gid] "
	    "URL\n"
	    "  URL: unix://PATH or tcp://ADDR:PORT\n"
	    "  limits: maxprefork, maxlwp, maxorphan, orphansecs, "
	    "hstimeout\n");
	exit(1);
}

/* "64m" and the like as a byte count; 0 for nonsense. */
static unsigned long long
memsize(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || v == 0)
		return 0;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	return *end == '\0' ? v : 0;
}

/*
 * The components this kernel has, under NetBSD's library names. Those of
 * TCP/IP are there when an AF_INET socket can be made (the host build may
 * have no IP stack); the others are always built in.
 */
static const struct component {
	const char *name;
	bool needs_inet;
} components[] = {
	{ "rump", false },
	{ "rumpuser", false },
	{ "rumpkern", false },
	{ "rumpvfs", false },
	{ "rumpfs_tmpfs", false },
	{ "rumpdev", false },
	{ "rumpnet", false },
	{ "rumpnet_local", false },
	{ "rumpnet_net", true },
	{ "rumpnet_netinet", true },
};

/* NetBSD's module names (-m) for what is built in here. */
static const struct {
	const char *module, *component;
} modules[] = {
	{ "tmpfs", "rumpfs_tmpfs" },
};

static const struct component *
component_find(const char *name)
{
	for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++)
		if (strcmp(components[i].name, name) == 0)
			return &components[i];
	return NULL;
}

static void
components_list(void)
{
	fprintf(stderr, "  this kernel has:");
	for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++)
		fprintf(stderr, " %s", components[i].name);
	fprintf(stderr, "\n");
}

/*
 * The component an -l library or -m module names ("rumpvfs", "-lrumpvfs"
 * as t_sp.sh writes it, "librumpvfs.so.0", a path; a module "tmpfs" or
 * ".../tmpfs.kmod"), or NULL after a message when this kernel has none.
 */
static const char *
component_name(int opt, const char *arg)
{
	const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
	char name[64], *dot;

	if (opt == 'l' && strncmp(base, "lib", 3) == 0)
		base += 3;
	snprintf(name, sizeof(name), "%s", base);
	if ((dot = strchr(name, '.')) != NULL)
		*dot = '\0';
	if (opt == 'm') {
		for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
			if (strcmp(modules[i].module, name) == 0)
				return modules[i].component;
	} else if (component_find(name) != NULL)
		return component_find(name)->name;
	fprintf(stderr,
	    "rump_server: -%c %s: no such component in this "
	    "kernel\n",
	    opt, arg);
	components_list();
	return NULL;
}

/* After rump_init: 0, or EPROTONOSUPPORT after naming what is missing. */
static int
components_present(const char **names, int n)
{
	int fd;

	for (int i = 0; i < n; i++) {
		if (!component_find(names[i])->needs_inet)
			continue;
		fd = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
		if (fd == -1) {
			fprintf(stderr,
			    "rump_server: %s: this build has no "
			    "TCP/IP (socket(AF_INET) fails)\n",
			    names[i]);
			return RUMP_EPROTONOSUPPORT;
		}
		rump_sys_close(fd);
	}
	return 0;
}

/* A -d drivespec (rump_server(1)), attached after rump_init(). */
struct drive {
	char key[256];
	char hostpath[1024];
	unsigned long long size; /* 0: the host file's ("host") */
	unsigned long long offset;
	enum rump_etfs_type type;
	bool ro;
};
static struct drive drives[16];
static int ndrives;

/*
 * Parses a -d drivespec as rump_server(1) defines it: comma-separated
 * key=, hostpath=, and size= (a number with a suffix, or "host") or
 * disklabel= (a partition letter), an optional offset= and type=blk|chr|reg;
 * "ro" (this server's) attaches the disk read-only. disklabel= and
 * type=reg are NetBSD's but not this kernel's: refused by name. 0, or -1
 * after a message naming the fault.
 */
static int
drivespec_parse(const char *spec, struct drive *d)
{
	char copy[1024], *tok, *save = NULL, *eq;
	bool key = false, path = false, size = false, label = false;
	const char *unsupported = NULL;

	memset(d, 0, sizeof(*d));
	d->type = RUMP_ETFS_BLK;
	if (snprintf(copy, sizeof(copy), "%s", spec) >= (int)sizeof(copy)) {
		fprintf(stderr, "rump_server: -d: drivespec too long\n");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ro") == 0) {
			d->ro = true;
			continue;
		}
		if ((eq = strchr(tok, '=')) == NULL || eq[1] == '\0') {
			fprintf(stderr,
			    "rump_server: -d: \"%s\" is not "
			    "name=value\n",
			    tok);
			return -1;
		}
		*eq++ = '\0';
		if (strcmp(tok, "key") == 0 && eq[0] == '/' &&
		    strlen(eq) < sizeof(d->key)) {
			key = true;
			strcpy(d->key, eq);
		} else if (strcmp(tok, "hostpath") == 0 &&
		    strlen(eq) < sizeof(d->hostpath)) {
			path = true;
			strcpy(d->hostpath, eq);
		} else if (strcmp(tok, "size") == 0 &&
		    (strcmp(eq, "host") == 0 || memsize(eq) != 0)) {
			size = true;
			d->size = strcmp(eq, "host") == 0 ? 0 : memsize(eq);
		} else if (strcmp(tok, "offset") == 0 &&
		    (strcmp(eq, "0") == 0 || memsize(eq) != 0))
			d->offset = memsize(eq);
		else if (strcmp(tok, "disklabel") == 0 && eq[1] == '\0' &&
		    eq[0] >= 'a' && eq[0] <= 'p') {
			label = true;
			unsupported = "disklabel=";
		} else if (strcmp(tok, "type") == 0 &&
		    (strcmp(eq, "blk") == 0 || strcmp(eq, "chr") == 0 ||
			strcmp(eq, "reg") == 0)) {
			d->type = eq[0] == 'b' ? RUMP_ETFS_BLK :
			    eq[0] == 'c'       ? RUMP_ETFS_CHR :
						 RUMP_ETFS_REG;
			if (d->type == RUMP_ETFS_REG)
				unsupported = "type=reg";
		} else {
			fprintf(stderr, "rump_server: -d: bad %s=%s\n", tok, eq);
			return -1;
		}
	}
	if (!key || !path || size == label) {
		fprintf(stderr,
		    "rump_server: -d %s: needs key=/path, "
		    "hostpath= and one of size= or disklabel=\n",
		    spec);
		return -1;
	}
	if (unsupported != NULL) {
		fprintf(stderr,
		    "rump_server: -d %s: %s is not supported by "
		    "this kernel (block and raw disks of a whole file or a "
		    "range of it only)\n",
		    spec, unsupported);
		return -1;
	}
	return 0;
}

/*
 * Attaches a drive. As rump_server(1) says, a size= larger than the host
 * file (or a file that is not there) makes the file that long first; it is
 * never shortened. 0, or -1 after a message.
 */
static int
drive_attach(const struct drive *d)
{
	unsigned long long size = d->size != 0 ? d->size : RUMP_ETFS_SIZE_ENDOFF;
	struct stat st;
	int fd, error;

	if (d->size != 0 && !d->ro) {
		if ((fd = open(d->hostpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) ==
			-1 ||
		    fstat(fd, &st) == -1 ||
		    (S_ISREG(st.st_mode) &&
			(unsigned long long)st.st_size < d->offset + d->size &&
			ftruncate(fd, (off_t)(d->offset + d->size)) == -1)) {
			fprintf(stderr, "rump_server: -d %s: %s\n", d->hostpath,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		close(fd);
	}
	error = d->ro ? rump_pub_etfs_register_rdonly(d->key, d->hostpath,
			    d->type, d->offset, size) :
			rump_pub_etfs_register_withsize(d->key, d->hostpath,
			    d->type, d->offset, size);
	if (error != 0) {
		fprintf(stderr,
		    "rump_server: -d key=%s,hostpath=%s: error %d "
		    "(%s)\n",
		    d->key, d->hostpath, error,
		    error == 2	    ? "no such file or directory" :
			error == 17 ? "key in use" :
			error == 22 ? "size or offset outside the file, or a bad "
				      "key" :
				      "see errno(2) of NetBSD");
		return -1;
	}
	return 0;
}

static int
drives_attach(void)
{
	for (int i = 0; i < ndrives; i++)
		if (drive_attach(&drives[i]) != 0)
			return 1;
	return 0;
}

/*
 * -L name=value: the server reads RUMP_SP_<NAME> (sp/limits.c checks the
 * range). 0, or -1 after a message.
 */
static int
limit_set(const char *arg)
{
	static const char *const names[] = { "maxprefork", "maxlwp",
		"maxorphan", "orphansecs", "hstimeout" };
	const char *eq = strchr(arg, '=');
	char var[32];
	size_t n = eq != NULL ? (size_t)(eq - arg) : 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (eq == NULL || strlen(names[i]) != n ||
		    strncmp(names[i], arg, n) != 0)
			continue;
		if (eq[1] == '\0' ||
		    strspn(eq + 1, "0123456789") != strlen(eq + 1)) {
			fprintf(stderr, "rump_server: -L %s: not a number\n",
			    arg);
			return -1;
		}
		snprintf(var, sizeof(var), "RUMP_SP_");
		for (size_t k = 0; k < n; k++)
			var[8 + k] = (char)(arg[k] - 'a' + 'A');
		var[8 + n] = '\0';
		setenv(var, eq + 1, 1);
		return 0;
	}
	fprintf(stderr,
	    "rump_server: -L %s: want maxprefork, maxlwp, "
	    "maxorphan, orphansecs or hstimeout=NUMBER\n",
	    arg);
	return -1;
}

/*
 * -k: the key in path (hex digits, blanks around them ignored) into key.
 * 0, or -1 after a message. A key others may read is worth a warning.
 */
static int
keyfile_read(const char *path, uint8_t key[SP_AUTH_MAXKEY], size_t *keylen)
{
	char buf[4096];
	const char *why;
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || (n = read(fd, buf, sizeof(buf))) < 0) {
		fprintf(stderr, "rump_server: -k %s: %s\n", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	why = sp_auth_parsekey(buf, (size_t)n, key, keylen);
	secure_zero(buf, sizeof(buf));
	if (why != NULL) {
		fprintf(stderr, "rump_server: -k %s: not a key: %s\n", path, why);
		return -1;
	}
	if (st.st_mode & 077)
		fprintf(stderr,
		    "rump_server: warning: -k %s: others may read "
		    "the key (mode %03o)\n",
		    path, st.st_mode & 0777);
	return 0;
}

int
main(int argc, char **argv)
{
	char buf[32];
	sigset_t sigs;
	int ch, sig, error, foreground = 0, ncomp = 0;
	const char *comps[64];
	uint8_t key[SP_AUTH_MAXKEY];
	size_t keylen = 0;
	long long uid = -1, gid = -1;
	char *end;

	while ((ch = getopt(argc, argv, "c:d:k:L:l:m:r:su:v")) != -1) {
		switch (ch) {
		case 'u':
			errno = 0;
			uid = strtoll(optarg, &end, 10);
			if (errno == 0 && end != optarg && *end == ':' &&
			    end[1] >= '0' && end[1] <= '9')
				gid = strtoll(end + 1, &end, 10);
			if (errno != 0 || *end != '\0' || uid < 0 || gid < 0 ||
			    uid > 0x7fffffff || gid > 0x7fffffff) {
				fprintf(stderr,
				    "rump_server: -u wants uid:gid "
				    "(numbers), not \"%s\"\n",
				    optarg);
				return 1;
			}
			break;
		case 'k':
			if (keyfile_read(optarg, key, &keylen) != 0)
				return 1;
			break;
		case 'L':
			if (limit_set(optarg) != 0)
				return 1;
			break;
		case 'd':
			if (ndrives == (int)(sizeof(drives) / sizeof(drives[0]))) {
				fprintf(stderr, "rump_server: too many -d\n");
				return 1;
			}
			if (drivespec_parse(optarg, &drives[ndrives++]) != 0)
				return 1;
			break;
		case 'l':
		case 'm':
			if (ncomp == (int)(sizeof(comps) / sizeof(comps[0]))) {
				fprintf(stderr, "rump_server: too many -%c\n",
				    ch);
				return 1;
			}
			comps[ncomp++] = component_name(ch, optarg);
			if (comps[ncomp - 1] == NULL)
				return 1;
			break;
		case 'c':
			if (atoi(optarg) < 1) {
				fprintf(stderr,
				    "rump_server: -c wants a "
				    "number of CPUs >= 1, not \"%s\"\n",
				    optarg);
				return 1;
			}
			setenv("RUMP_NCPU", optarg, 1);
			break;
		case 'r':
			if (memsize(optarg) == 0) {
				fprintf(stderr,
				    "rump_server: -r wants a size "
				    "such as 64m, not \"%s\"\n",
				    optarg);
				return 1;
			}
			snprintf(buf, sizeof(buf), "%llu", memsize(optarg));
			setenv("RUMP_MEMLIMIT", buf, 1);
			break;
		case 's':
			foreground = 1;
			break;
		case 'v':
			setenv("RUMP_VERBOSE", "1", 1);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();

	if (!foreground && (error = rumpuser_daemonize_begin()) != 0) {
		fprintf(stderr, "rump_server: cannot detach (error %d)\n", error);
		return 1;
	}
	/* The kernel's threads inherit this: only main takes the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((error = rump_init()) != 0)
		fprintf(stderr, "rump_server: rump_init failed (error %d)\n",
		    error);
	else if ((error = components_present(comps, ncomp)) != 0)
		;
	else if ((error = drives_attach()) != 0)
		;
	else if (keylen > 0 && (error = rump_init_server_key(key, keylen)) != 0)
		fprintf(stderr, "rump_server: the key: error %d\n", error);
	else if (uid >= 0 && (error = rump_init_server_cred(uid, gid)) != 0)
		fprintf(stderr, "rump_server: -u: error %d\n", error);
	else if ((error = rump_init_server(argv[optind])) != 0)
		fprintf(stderr, "rump_server: cannot serve %s: error %d (%s)\n",
		    argv[optind], error,
		    error == 48	    ? "address in use" :
			error == 22 ? "invalid URL or -L limit" :
			error == 63 ? "path too long" :
			error == 34 ? "port out of range" :
			error == 45 ? "not supported" :
				      "see errno(2) of NetBSD");
	secure_zero(key, sizeof(key)); /* the server has its copy */
	/*
	 * The waiting parent exits with the value done is given; this
	 * program's failure status is 1 (rump_server(1)), not the errno.
	 */
	if (!foreground)
		rumpuser_daemonize_done(error != 0 ? 1 : 0);
	if (error != 0)
		return 1;

	while (sigwait(&sigs, &sig) != 0)
		continue;
	rump_sys_reboot(0, NULL); /* exits */
	return 0;
}
