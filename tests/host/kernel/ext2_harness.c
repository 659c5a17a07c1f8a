/*
 * The ext2 tests' surroundings: see ext2_harness.h. The file system runs
 * single-threaded here, so a wait channel is never waited on: a wait would
 * be a bug (nobody else could wake it), and aborts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "ext2_harness.h"

char console[8192];
static size_t console_len;

void
console_clear(void)
{
	console_len = 0;
	console[0] = '\0';
}

void
kern_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fputs(line, stdout);
	n = strlen(line);
	if (console_len + n < sizeof(console)) {
		memcpy(console + console_len, line, n + 1);
		console_len += n;
	}
}

void
kpanic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

void *
kmem_zalloc(size_t len)
{
	return calloc(1, len);
}

void *
kmem_data_alloc(size_t len)
{
	return calloc(1, len);
}

void
kmem_free(void *p, size_t len)
{
	(void)len;
	free(p);
}

uint64_t
kmem_limit(void)
{
	return 1ULL << 30;
}

uint64_t
kclock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
kclock_realtime(struct ktimespec *kts)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	kts->tv_sec = ts.tv_sec;
	kts->tv_nsec = ts.tv_nsec;
	return 0;
}

int
kcv_wait(struct kcv *c, uint64_t timeout_ns)
{
	(void)c;
	(void)timeout_ns;
	kpanic("kcv_wait in a single-threaded test\n");
}

void
kcv_broadcast(struct kcv *c)
{
	(void)c;
}

void
kcv_destroy(struct kcv *c)
{
	(void)c;
}

/* ---- disks over host files ---- */

struct blkdev *
disk_open(const char *path, bool ro)
{
	struct blkdev *bd = calloc(1, sizeof(*bd));
	struct stat st;

	if (bd == NULL)
		return NULL;
	bd->fd = open(path, ro ? O_RDONLY : O_RDWR);
	if (bd->fd < 0 || fstat(bd->fd, &st) != 0) {
		perror(path);
		free(bd);
		return NULL;
	}
	bd->size = (uint64_t)st.st_size / BLK_SECSIZE * BLK_SECSIZE;
	bd->ro = ro;
	bd->fail_writes_after = -1;
	snprintf(bd->name, sizeof(bd->name), "ld9");
	return bd;
}

void
disk_close(struct blkdev *bd)
{
	close(bd->fd);
	free(bd);
}

uint64_t
blkdev_size(const struct blkdev *bd)
{
	return bd->size;
}

bool
blkdev_readonly(const struct blkdev *bd)
{
	return bd->ro;
}

const char *
blkdev_name(const struct blkdev *bd)
{
	return bd->name;
}

static int
check_io(struct blkdev *bd, size_t len, uint64_t off)
{
	if (len % BLK_SECSIZE != 0 || off % BLK_SECSIZE != 0 ||
	    off > bd->size || len > bd->size - off)
		return RUMP_EINVAL;
	return 0;
}

int
blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off)
{
	int err = check_io(bd, len, off);

	if (err != 0)
		return err;
	if (bd->fail_read_off != 0 && bd->fail_read_off >= off &&
	    bd->fail_read_off < off + len)
		return RUMP_EIO;
	return pread(bd->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : RUMP_EIO;
}

int
blkdev_write(struct blkdev *bd, const void *buf, size_t len, uint64_t off)
{
	int err = check_io(bd, len, off);

	if (err != 0)
		return err;
	if (bd->ro)
		return RUMP_EROFS;
	if (bd->fail_writes_after >= 0 && bd->nwrites >= bd->fail_writes_after)
		return RUMP_EIO;
	bd->nwrites++;
	return pwrite(bd->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 :
								      RUMP_EIO;
}

int
blkdev_flush(struct blkdev *bd)
{
	(void)bd;
	return 0;
}

/* ---- e2fsprogs and scratch files ---- */

static char scratchdir[256];

static void
rm_scratch(void)
{
	/* EXT2_TEST_KEEP=1 keeps the images for a look afterwards. */
	if (scratchdir[0] != '\0' && getenv("EXT2_TEST_KEEP") == NULL)
		sh("rm -rf '%s'", scratchdir);
}

const char *
scratch(void)
{
	const char *tmp = getenv("TMPDIR");

	if (scratchdir[0] == '\0') {
		snprintf(scratchdir, sizeof(scratchdir), "%s/ext2test.XXXXXX",
		    tmp != NULL ? tmp : "/tmp");
		if (mkdtemp(scratchdir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(rm_scratch);
	}
	return scratchdir;
}

int
mkimage(const char *path, int bsize, const char *size, const char *srcdir)
{
	char d[600] = "";

	if (srcdir != NULL)
		snprintf(d, sizeof(d), "-d '%s'", srcdir);
	return sh("rm -f '%s' && PATH=$PATH:/sbin:/usr/sbin mke2fs -q -F "
		  "-t ext2 -b %d %s '%s' %s >/dev/null",
		   path, bsize, d, path, size) == 0 ?
	    0 :
	    -1;
}

int
fsck(const char *path)
{
	int st = sh("PATH=$PATH:/sbin:/usr/sbin e2fsck -fn '%s' > '%s.fsck' "
		    "2>&1",
	    path, path);

	if (st != 0)
		sh("cat '%s.fsck'", path);
	return st;
}

/* ---- paths ---- */

int
walk(struct e2fs *fs, const char *path, struct e2inode **ipp)
{
	struct e2inode *ip, *next;
	const char *p = path, *end;
	int err;

	err = ext2_iget(fs, E2_ROOTINO, &ip);
	if (err != 0)
		return err;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, '/');
		if (end == NULL)
			end = p + strlen(p);
		err = ext2_lookup(ip, p, (size_t)(end - p), &next);
		ext2_iput(ip);
		if (err != 0)
			return err;
		ip = next;
		p = end;
	}
	*ipp = ip;
	return 0;
}

int
walk_parent(struct e2fs *fs, const char *path, struct e2inode **dpp,
    const char **namep)
{
	static char dir[1024];
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*namep = path;
		return walk(fs, "/", dpp);
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	*namep = slash + 1;
	return walk(fs, dir, dpp);
}

/* ---- files ---- */

char img[512];

/* Pseudo-random bytes that depend on seed and position only. */
void
pattern(uint8_t *p, size_t len, uint64_t seed, uint64_t pos)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t x = (pos + i) / 8 * 0x9e3779b97f4a7c15ULL + seed;

		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ULL;
		x ^= x >> 32;
		p[i] = (uint8_t)(x >> (((pos + i) % 8) * 8));
	}
}

int
mkfile(struct e2fs *fs, const char *path, uint32_t mode, struct e2inode **ipp)
{
	struct e2inode *dp;
	const char *name;
	int err;

	err = walk_parent(fs, path, &dp, &name);
	if (err != 0)
		return err;
	err = ext2_create(dp, name, strlen(name), mode, 1000, 100, 0, ipp);
	ext2_iput(dp);
	return err;
}

/* Writes len pattern bytes (seed) at off of a new or existing file. */
int
put(struct e2fs *fs, const char *path, uint64_t off, size_t len, uint64_t seed)
{
	struct e2inode *ip;
	size_t done, chunk = 1 << 20, n;
	uint8_t *buf = malloc(chunk);
	int err;

	err = walk(fs, path, &ip);
	if (err == RUMP_ENOENT)
		err = mkfile(fs, path, E2_IFREG | 0644, &ip);
	if (err != 0) {
		free(buf);
		return err;
	}
	for (size_t at = 0; at < len && err == 0; at += n) {
		n = len - at < chunk ? len - at : chunk;
		pattern(buf, n, seed, off + at);
		err = ext2_write(ip, buf, n, off + at, &done);
		if (err == 0 && done != n)
			err = RUMP_EIO;
	}
	ext2_iput(ip);
	free(buf);
	return err;
}

/* Whether path's bytes [off, off+len) are the pattern (or zeros: seed 0). */
bool
same(struct e2fs *fs, const char *path, uint64_t off, size_t len, uint64_t seed)
{
	size_t chunk = 1 << 20, n, done;
	uint8_t *buf = malloc(chunk), *want = malloc(chunk);
	struct e2inode *ip = NULL;
	bool found = walk(fs, path, &ip) == 0, ok = found;

	for (size_t at = 0; ok && at < len; at += n) {
		n = len - at < chunk ? len - at : chunk;
		if (seed == 0)
			memset(want, 0, n);
		else
			pattern(want, n, seed, off + at);
		ok = ext2_read(ip, buf, n, off + at, &done) == 0 && done == n &&
		    memcmp(buf, want, n) == 0;
	}
	if (found)
		ext2_iput(ip);
	free(buf);
	free(want);
	return ok;
}

/* Whether debugfs dumps path from the image as the pattern (file size len). */
bool
dump_same(const char *path, size_t len, uint64_t seed)
{
	char out[600];
	uint8_t *got, *want;
	struct stat st;
	bool ok;
	int fd;

	snprintf(out, sizeof(out), "%s/dump", scratch());
	if (sh("debugfs -R 'dump -p \"%s\" %s' '%s' >/dev/null 2>&1", path, out,
		img) != 0)
		return false;
	fd = open(out, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0 || (size_t)st.st_size != len) {
		printf("  dump of %s: size %lld, expected %zu\n", path,
		    fd < 0 ? -1LL : (long long)st.st_size, len);
		if (fd >= 0)
			close(fd);
		return false;
	}
	got = malloc(len + 1);
	want = malloc(len + 1);
	ok = read(fd, got, len) == (ssize_t)len;
	pattern(want, len, seed, 0);
	ok = ok && memcmp(got, want, len) == 0;
	close(fd);
	free(got);
	free(want);
	return ok;
}

struct blkdev *
open_mount(int flags, struct e2fs **fsp, int *errp)
{
	struct blkdev *bd = disk_open(img, (flags & E2_MNT_RDONLY) != 0);

	*errp = bd == NULL ? RUMP_EIO : ext2_mount(bd, flags, fsp);
	if (*errp != 0 && bd != NULL) {
		disk_close(bd);
		bd = NULL;
	}
	return bd;
}

size_t
envnum(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? (size_t)strtoull(v, NULL, 10) : dflt;
}
