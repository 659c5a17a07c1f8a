/*
 * Unpacks a ustar archive into the kernel's file system through its system
 * calls. The archive is checked from end to end first, so a bad archive
 * is reported by name and offset and nothing of it is used. Layout of a
 * header block (POSIX ustar, see NetBSD's tar(5)): name 0/100, mode
 * 100/8, uid 108/8, gid 116/8, size 124/12, mtime 136/12, chksum 148/8,
 * typeflag 156, linkname 157/100, magic 257/6, prefix 345/155.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rootfs.h"

#define BLK	512
#define PATHMAX 1024

struct entry {
	char path[PATHMAX]; /* without leading "/" or "./" */
	char link[PATHMAX];
	char type;
	uint64_t mode, uid, gid, mtime, size;
	const unsigned char *data;
};

static int fail(char *why, size_t whylen, const char *name, size_t off,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail(char *why, size_t whylen, const char *name, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, whylen, "%s: offset %zu: ", name, off);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < whylen)
		vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* An octal field: digits, then NUL or spaces. Returns 0 or -1. */
static int
octal(const unsigned char *f, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

static int
zero_block(const unsigned char *b)
{
	for (int i = 0; i < BLK; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* Strips "/" and "./" in front; refuses ".." components. */
static int
clean_path(const char *in, char *out, size_t outlen)
{
	const char *p = in;
	size_t n;

	for (;;) {
		if (*p == '/')
			p++;
		else if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			p += p[1] == '/' ? 2 : 1;
		else
			break;
	}
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	for (const char *c = out; *c != '\0';) {
		const char *e = strchr(c, '/');
		size_t l = e != NULL ? (size_t)(e - c) : strlen(c);

		if (l == 2 && c[0] == '.' && c[1] == '.')
			return -1;
		c += l + (e != NULL);
	}
	return 0;
}

/* Copies a field of at most len bytes, which may lack its NUL. */
static void
field(char *dst, const unsigned char *f, size_t len)
{
	size_t n = 0;

	while (n < len && f[n] != '\0')
		n++;
	memcpy(dst, f, n);
	dst[n] = '\0';
}

/* A pax extended header: picks its "path" record. 0, or -1 if malformed. */
static int
pax_path(const unsigned char *d, uint64_t size, char *path, size_t pathlen)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t reclen = 0, i = off;

		while (i < size && d[i] >= '0' && d[i] <= '9' && reclen < size)
			reclen = reclen * 10 + (uint64_t)(d[i++] - '0');
		if (i >= size || d[i] != ' ' || reclen == 0 ||
		    reclen > size - off || d[off + reclen - 1] != '\n')
			return -1;
		i++;
		if (reclen - (i - off) > 5 && memcmp(d + i, "path=", 5) == 0) {
			size_t vlen = (size_t)(off + reclen - 1 - (i + 5));

			if (vlen >= pathlen)
				return -1;
			memcpy(path, d + i + 5, vlen);
			path[vlen] = '\0';
		}
		off += reclen;
	}
	return 0;
}

/*
 * Walks the archive, calling fn for each entry once all of it is known
 * good. With fn NULL, only checks. Returns the entry count or -1.
 */
static int
walk(const unsigned char *a, size_t len, const char *name, char *why,
    size_t whylen, int (*fn)(const struct entry *, char *, size_t))
{
	static struct entry e;
	char longname[PATHMAX] = "", longlink[PATHMAX] = "";
	size_t off = 0;
	int count = 0;

	if (len % BLK != 0)
		return fail(why, whylen, name, len - len % BLK,
		    "archive length "
		    "%zu is not a multiple of %d (truncated?)",
		    len, BLK);
	for (;;) {
		const unsigned char *h = a + off;
		uint64_t sum, want = 0, blocks;
		char raw[PATHMAX];

		if (off == len)
			return fail(why, whylen, name, off,
			    "no end-of-archive "
			    "block (truncated?)");
		if (zero_block(h)) {
			if (count == 0)
				return fail(why, whylen, name, off,
				    "empty "
				    "archive");
			break;
		}
		if (memcmp(h + 257, "ustar", 5) != 0)
			return fail(why, whylen, name, off,
			    "not a ustar header "
			    "(no 'ustar' magic)");
		if (octal(h + 148, 8, &sum) != 0)
			return fail(why, whylen, name, off,
			    "unreadable checksum");
		for (int i = 0; i < BLK; i++)
			want += (i >= 148 && i < 156) ? ' ' : h[i];
		if (sum != want)
			return fail(why, whylen, name, off,
			    "header checksum %llu, "
			    "computed %llu",
			    (unsigned long long)sum, (unsigned long long)want);
		memset(&e, 0, sizeof(e));
		e.type = h[156] == '\0' ? '0' : (char)h[156];
		if (octal(h + 124, 12, &e.size) != 0 ||
		    octal(h + 100, 8, &e.mode) != 0 ||
		    octal(h + 108, 8, &e.uid) != 0 ||
		    octal(h + 116, 8, &e.gid) != 0 ||
		    octal(h + 136, 12, &e.mtime) != 0)
			return fail(why, whylen, name, off,
			    "unreadable number "
			    "in the header of '%.100s'",
			    (const char *)h);
		blocks = (e.size + BLK - 1) / BLK;
		if (blocks > (len - off) / BLK - 1)
			return fail(why, whylen, name, off,
			    "'%.100s' has %llu "
			    "bytes but the archive ends first",
			    (const char *)h, (unsigned long long)e.size);
		e.data = h + BLK;
		if (e.type == 'L' || e.type == 'K') { /* GNU long name/link */
			char *dst = e.type == 'L' ? longname : longlink;

			if (e.size == 0 || e.size >= PATHMAX)
				return fail(why, whylen, name, off,
				    "long name "
				    "of %llu bytes",
				    (unsigned long long)e.size);
			field(dst, e.data, (size_t)e.size);
			off += BLK * (1 + blocks);
			continue;
		}
		if (e.type == 'x' || e.type == 'g') { /* pax headers */
			if (pax_path(e.data, e.size,
				e.type == 'x' ? longname : raw, sizeof(raw)) != 0)
				return fail(why, whylen, name, off,
				    "malformed "
				    "pax header");
			off += BLK * (1 + blocks);
			continue;
		}
		if (longname[0] != '\0') {
			memcpy(raw, longname, sizeof(raw));
		} else {
			char pre[160], nm[104];

			field(pre, h + 345, 155);
			field(nm, h, 100);
			snprintf(raw, sizeof(raw), "%s%s%s", pre,
			    pre[0] != '\0' ? "/" : "", nm);
		}
		if (longlink[0] != '\0')
			memcpy(e.link, longlink, sizeof(e.link));
		else
			field(e.link, h + 157, 100);
		longname[0] = longlink[0] = '\0';
		if (clean_path(raw, e.path, sizeof(e.path)) != 0)
			return fail(why, whylen, name, off,
			    "'%s': a path with "
			    "'..' or too long",
			    raw);
		switch (e.type) {
		case '0':
		case '7':
		case '5':
			break;
		case '2':
			if (e.link[0] == '\0')
				return fail(why, whylen, name, off,
				    "symbolic "
				    "link '%s' has no target",
				    raw);
			break;
		case '1': {
			char t[PATHMAX];

			if (clean_path(e.link, t, sizeof(t)) != 0 || t[0] == '\0')
				return fail(why, whylen, name, off,
				    "hard link "
				    "'%s' to '%s' leaves the archive",
				    raw, e.link);
			memcpy(e.link, t, sizeof(t));
			break;
		}
		default:
			return fail(why, whylen, name, off,
			    "'%s': entry type "
			    "'%c' is not supported (files, directories and "
			    "links only)",
			    raw, e.type);
		}
		if (e.path[0] == '\0' && e.type != '5')
			return fail(why, whylen, name, off,
			    "an entry other than "
			    "a directory names the root");
		if (fn != NULL && e.path[0] != '\0' &&
		    fn(&e, raw, sizeof(raw)) != 0)
			return fail(why, whylen, name, off, "%s", raw);
		count++;
		off += BLK * (1 + (e.type == '0' || e.type == '7' ? blocks : 0));
		if (e.type != '0' && e.type != '7' && blocks != 0)
			off += BLK * blocks; /* data of a link: skipped */
	}
	return count;
}

int
rootfs_check(const void *ar, size_t len, const char *name, char *why,
    size_t whylen)
{
	return walk(ar, len, name, why, whylen, NULL) < 0 ? -1 : 0;
}

/* rump_sys_*() leave NetBSD's error number in errno. */
static int
sysfail(char *why, size_t whylen, const char *what, const char *path)
{
	snprintf(why, whylen, "%s '%s' failed (NetBSD errno %d)", what, path,
	    errno);
	return -1;
}

/* Creates the missing directories above path (mode 0755). */
static int
parents(char *path, char *why, size_t whylen)
{
	for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (rump_sys_mkdir(path, 0755) != 0 && errno != RUMP_EEXIST) {
			sysfail(why, whylen, "mkdir", path);
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int
owner_mode_time(const char *p, const struct entry *e, char *why, size_t whylen)
{
	struct rump_timeval tv[2];

	/* chown first: it clears set-id bits that chmod then sets. */
	if (rump_sys_chown(p, (uid_t)e->uid, (gid_t)e->gid) != 0)
		return sysfail(why, whylen, "chown", p);
	if (rump_sys_chmod(p, (mode_t)(e->mode & 07777)) != 0)
		return sysfail(why, whylen, "chmod", p);
	if (e->type == '5')
		return 0; /* after its contents: set_dir_time() */
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = tv[1].tv_sec = (int64_t)e->mtime;
	if (rump_sys_utimes(p, tv) != 0)
		return sysfail(why, whylen, "utimes", p);
	return 0;
}

/* The owner and times of the symbolic link p itself, not its target's. */
static int
link_owner_time(const char *p, const struct entry *e, char *why, size_t whylen)
{
	struct rump_timeval tv[2];

	if (rump_sys_lchown(p, (uid_t)e->uid, (gid_t)e->gid) != 0)
		return sysfail(why, whylen, "lchown", p);
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = tv[1].tv_sec = (int64_t)e->mtime;
	if (rump_sys_lutimes(p, tv) != 0)
		return sysfail(why, whylen, "lutimes", p);
	return 0;
}

static int
extract(const struct entry *e, char *why, size_t whylen)
{
	static char p[PATHMAX + 2], t[PATHMAX + 2];
	const unsigned char *d = e->data;
	uint64_t left = e->size;
	int fd;

	snprintf(p, sizeof(p), "/%s", e->path);
	if (parents(p, why, whylen) != 0)
		return -1;
	switch (e->type) {
	case '5':
		if (rump_sys_mkdir(p, 0700) != 0 && errno != RUMP_EEXIST)
			return sysfail(why, whylen, "mkdir", p);
		return owner_mode_time(p, e, why, whylen);
	case '2':
		if (rump_sys_symlink(e->link, p) != 0) {
			if (errno != RUMP_EEXIST || rump_sys_unlink(p) != 0 ||
			    rump_sys_symlink(e->link, p) != 0)
				return sysfail(why, whylen, "symlink", p);
		}
		return link_owner_time(p, e, why, whylen);
	case '1':
		snprintf(t, sizeof(t), "/%s", e->link);
		(void)rump_sys_unlink(p);
		if (rump_sys_link(t, p) != 0)
			return sysfail(why, whylen, "link", p);
		return 0;
	default:
		fd = rump_sys_open(p,
		    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0600);
		if (fd < 0)
			return sysfail(why, whylen, "open", p);
		while (left > 0) {
			size_t chunk = left > 65536 ? 65536 : (size_t)left;
			ssize_t n = rump_sys_write(fd, d, chunk);

			if (n <= 0) {
				sysfail(why, whylen, "write", p);
				rump_sys_close(fd);
				return -1;
			}
			d += n;
			left -= (uint64_t)n;
		}
		if (rump_sys_close(fd) != 0)
			return sysfail(why, whylen, "close", p);
		return owner_mode_time(p, e, why, whylen);
	}
}

static int
set_dir_time(const struct entry *e, char *why, size_t whylen)
{
	static char p[PATHMAX + 2];
	struct rump_timeval tv[2];

	if (e->type != '5')
		return 0;
	snprintf(p, sizeof(p), "/%s", e->path);
	memset(tv, 0, sizeof(tv));
	tv[0].tv_sec = tv[1].tv_sec = (int64_t)e->mtime;
	if (rump_sys_utimes(p, tv) != 0)
		return sysfail(why, whylen, "utimes", p);
	return 0;
}

int
rootfs_unpack(const void *ar, size_t len, const char *name, char *why,
    size_t whylen)
{
	int n;

	if (walk(ar, len, name, why, whylen, NULL) < 0)
		return -1;
	if ((n = walk(ar, len, name, why, whylen, extract)) < 0)
		return -1;
	/* Writing into a directory changed its time: set them last. */
	if (walk(ar, len, name, why, whylen, set_dir_time) < 0)
		return -1;
	return n;
}
