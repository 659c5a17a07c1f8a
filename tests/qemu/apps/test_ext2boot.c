/*
 * ext2 disks mounted by the boot command line (mount=, root=;
 * kernel/vfs_bootmount.c, doc/cmdline.md): tests/qemu/run.py makes the
 * images with mke2fs -d, boots with them and checks them afterwards on the
 * host with e2fsck -fn and debugfs (tests/qemu/ext2disks.py, which knows
 * the contents written here: keep the two in step). The pattern of SEED
 * over n bytes is byte i = (i * 7 + SEED) & 0xff.
 */
#include <stdint.h>
#include <string.h>

#include "hyp/malloc.h"
#include "hyp/sched.h"
#include "plat/console.h"
#include "plat/fmt.h"
#include "plat/testcase.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define KIB	   1024
#define MIB	   (1024 * 1024)
#define CHUNK	   (64 * KIB)
#define NMANY	   300
#define BIG	   (3 * MIB)
#define SPARSE_OFF (5 * MIB)
#define SLOW_TARGET                                          \
	"long/long/long/long/long/long/long/long/long/long/" \
	"long/long/long/long/long/long/long/long/long/long/" \
	"long/long/long/long/long/long/long/long/long/long"

static uint8_t *buf, *ref;

static long
rerr(void)
{
	return *(long *)sched_tls(sched_current(), TLS_ERRNO);
}

/* What byte off of file kind holds (ext2disks.py's expected()). */
enum kind { K_PATTERN, K_TRUNC, K_SPARSE };

static uint8_t
byte_at(enum kind k, int seed, uint64_t off)
{
	switch (k) {
	case K_TRUNC:
		return off < 1234 ? (uint8_t)(off * 7 + 4) : 0;
	case K_SPARSE:
		return off < SPARSE_OFF ? 0 :
					  (uint8_t)((off - SPARSE_OFF) * 7 + 5);
	default:
		return (uint8_t)(off * 7 + (uint64_t)seed);
	}
}

static void
fill(enum kind k, int seed, uint64_t off, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = byte_at(k, seed, off + i);
}

/* Creates path with n bytes of the pattern of seed; 0 or -1. */
static int
put(const char *path, int seed, size_t n)
{
	int fd = rump_sys_open(path,
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);

	if (fd < 0) {
		kprintf("ext2boot: create %s: errno %ld\n", path, rerr());
		return -1;
	}
	for (size_t off = 0; off < n; off += CHUNK) {
		size_t len = n - off < CHUNK ? n - off : CHUNK;
		fill(K_PATTERN, seed, off, buf, len);
		if (rump_sys_write(fd, buf, len) != (ssize_t)len) {
			kprintf("ext2boot: write %s: errno %ld\n", path, rerr());
			rump_sys_close(fd);
			return -1;
		}
	}
	return rump_sys_close(fd);
}

/* Whether path holds exactly size bytes of kind (and seed). */
static int
same(const char *path, enum kind k, int seed, uint64_t size)
{
	struct rump_stat st;
	int fd = rump_sys_open(path, RUMP_O_RDONLY);
	int ok = fd >= 0 && rump_sys_fstat(fd, &st) == 0 &&
	    (uint64_t)st.st_size == size;

	for (uint64_t off = 0; ok && off < size; off += CHUNK) {
		size_t len = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		fill(k, seed, off, ref, len);
		ok = rump_sys_read(fd, buf, len) == (ssize_t)len &&
		    memcmp(buf, ref, len) == 0;
	}
	if (fd >= 0)
		rump_sys_close(fd);
	if (!ok)
		kprintf("ext2boot: %s: not what was written (errno %ld)\n",
		    path, rerr());
	return ok;
}

static int
same_text(const char *path, const char *text)
{
	size_t n = strlen(text);
	int fd = rump_sys_open(path, RUMP_O_RDONLY);
	int ok = fd >= 0 && rump_sys_read(fd, buf, n + 1) == (ssize_t)n &&
	    memcmp(buf, text, n) == 0;

	if (fd >= 0)
		rump_sys_close(fd);
	if (!ok)
		kprintf("ext2boot: %s: expected '%s' (errno %ld)\n", path, text,
		    rerr());
	return ok;
}

static int
put_text(const char *path, const char *text)
{
	int fd = rump_sys_open(path,
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	ssize_t n = (ssize_t)strlen(text);

	if (fd < 0)
		return -1;
	if (rump_sys_write(fd, text, (size_t)n) != n) {
		rump_sys_close(fd);
		return -1;
	}
	return rump_sys_close(fd);
}

static int
setup(void)
{
	if (buf == NULL) {
		buf = hyp_malloc(CHUNK, 64);
		ref = hyp_malloc(CHUNK, 64);
	}
	if (buf == NULL || ref == NULL)
		return -1;
	return rump_init();
}

/* Entries of directory path but "." and "..". */
static int
count_entries(const char *path)
{
	int fd = rump_sys_open(path, RUMP_O_RDONLY | RUMP_O_DIRECTORY), n = 0;
	int got;

	if (fd < 0)
		return -1;
	while ((got = rump_sys_getdents(fd, (char *)buf, CHUNK)) > 0) {
		for (int off = 0; off < got;) {
			/* NetBSD's struct dirent: fileno 8, reclen 2, namlen 2, type 1, name */
			uint16_t reclen, namlen;
			const char *name = (const char *)buf + off + 13;
			memcpy(&reclen, buf + off + 8, 2);
			memcpy(&namlen, buf + off + 10, 2);
			if (!(namlen == 1 && name[0] == '.') &&
			    !(namlen == 2 && name[0] == '.' && name[1] == '.'))
				n++;
			off += reclen;
		}
	}
	rump_sys_close(fd);
	return got < 0 ? -1 : n;
}

/* The mount at path is ext2fs from dev, flags as wanted. */
static int
is_ext2(const char *path, const char *dev, int ro)
{
	struct rump_statvfs *sv = hyp_malloc(sizeof(*sv), 64);
	int ok = sv != NULL && rump_sys_statvfs1(path, sv, RUMP_ST_WAIT) == 0 &&
	    strcmp(sv->f_fstypename, "ext2fs") == 0 &&
	    strcmp(sv->f_mntfromname, dev) == 0 &&
	    !!(sv->f_flag & RUMP_MNT_RDONLY) == !!ro;

	if (sv != NULL)
		hyp_free(sv, sizeof(*sv));
	return ok;
}

/* First boot (mount=/dev/ld0:/data): the whole scenario under /data/w. */
TESTCASE(ext2_scenario)
{
	struct rump_stat st, st2;
	char path[64], target[256];
	int fd;

	TCHECK(setup() == 0, "rump_init");
	TCHECK(is_ext2("/data", "/dev/ld0", 0), "/data is not ld0's ext2fs");
	TCHECK(same_text("/data/host/hello", "from the host\n"), "host file");
	TCHECK(rump_sys_mkdir("/data/w", 0755) == 0, "mkdir: %ld", rerr());
	/* create, write, read, rename */
	TCHECK(put("/data/w/a", 3, 10000) == 0, "put a");
	TCHECK(rump_sys_rename("/data/w/a", "/data/w/b") == 0, "rename");
	TCHECK(rump_sys_stat("/data/w/a", &st) == -1 && rerr() == RUMP_ENOENT,
	    "a still there");
	TCHECK(same("/data/w/b", K_PATTERN, 3, 10000), "b");
	/* hard and symbolic links, fast and slow */
	TCHECK(rump_sys_link("/data/w/b", "/data/w/b.link") == 0, "link");
	TCHECK(rump_sys_stat("/data/w/b", &st) == 0 && st.st_nlink == 2 &&
		rump_sys_stat("/data/w/b.link", &st2) == 0 &&
		st.st_ino == st2.st_ino,
	    "hard link");
	TCHECK(rump_sys_symlink("b", "/data/w/sym") == 0, "symlink");
	TCHECK(rump_sys_symlink(SLOW_TARGET, "/data/w/slowsym") == 0,
	    "slow symlink");
	TCHECK(rump_sys_readlink("/data/w/slowsym", target, sizeof(target)) ==
		(ssize_t)strlen(SLOW_TARGET),
	    "readlink");
	TCHECK(same("/data/w/sym", K_PATTERN, 3, 10000), "through sym");
	/* unlink, and unlink of an open file */
	TCHECK(put("/data/w/gone", 1, 5000) == 0, "put gone");
	TCHECK(rump_sys_unlink("/data/w/gone") == 0, "unlink");
	TCHECK(put("/data/w/open", 6, 20000) == 0, "put open");
	fd = rump_sys_open("/data/w/open", RUMP_O_RDONLY);
	TCHECK(fd >= 0 && rump_sys_unlink("/data/w/open") == 0, "unlink open");
	TCHECK(rump_sys_pread(fd, buf, 20000, 0) == 20000, "read unlinked");
	fill(K_PATTERN, 6, 0, ref, 20000);
	TCHECK(memcmp(buf, ref, 20000) == 0 && rump_sys_close(fd) == 0,
	    "unlinked file's bytes");
	/* truncate down, then up (zeros) */
	TCHECK(put("/data/w/trunc", 4, 50000) == 0, "put trunc");
	fd = rump_sys_open("/data/w/trunc", RUMP_O_RDWR);
	TCHECK(fd >= 0 && rump_sys_ftruncate(fd, 1234) == 0 &&
		rump_sys_ftruncate(fd, 70000) == 0 && rump_sys_fsync(fd) == 0 &&
		rump_sys_close(fd) == 0,
	    "truncate: %ld", rerr());
	TCHECK(same("/data/w/trunc", K_TRUNC, 0, 70000), "trunc");
	/* sparse: 4 KiB at 5 MiB */
	fd = rump_sys_open("/data/w/sparse", RUMP_O_WRONLY | RUMP_O_CREAT, 0600);
	fill(K_SPARSE, 0, SPARSE_OFF, buf, 4096);
	TCHECK(fd >= 0 && rump_sys_pwrite(fd, buf, 4096, SPARSE_OFF) == 4096 &&
		rump_sys_close(fd) == 0,
	    "sparse: %ld", rerr());
	TCHECK(rump_sys_stat("/data/w/sparse", &st) == 0 && st.st_blocks < 64,
	    "sparse file has %lld blocks", (long long)st.st_blocks);
	TCHECK(same("/data/w/sparse", K_SPARSE, 0, SPARSE_OFF + 4096), "sparse");
	/* a directory of a few hundred entries */
	TCHECK(rump_sys_mkdir("/data/w/many", 0755) == 0, "mkdir many");
	for (int i = 0; i < NMANY; i++) {
		fmt_snprintf(path, sizeof(path), "/data/w/many/f%03d", i);
		fmt_snprintf(target, sizeof(target), "f%03d\n", i);
		TCHECK(put_text(path, target) == 0, "%s: %ld", path, rerr());
	}
	TCHECK(count_entries("/data/w/many") == NMANY, "many has %d",
	    count_entries("/data/w/many"));
	TCHECK(same_text("/data/w/many/f123", "f123\n"), "f123");
	/* a few MiB */
	TCHECK(put("/data/w/big", 9, BIG) == 0, "put big");
	TCHECK(same("/data/w/big", K_PATTERN, 9, BIG), "big");
	/* a directory made and removed */
	TCHECK(rump_sys_mkdir("/data/w/tmpdir", 0700) == 0 &&
		rump_sys_rmdir("/data/w/tmpdir") == 0,
	    "rmdir");
	kprintf("ext2boot: scenario written on /data\n");
	return 0;
}

/* Second boot: what the first wrote, then a little more. */
TESTCASE(ext2_readback)
{
	struct rump_stat st, st2;
	char target[256];

	TCHECK(setup() == 0, "rump_init");
	TCHECK(is_ext2("/data", "/dev/ld0", 0), "/data is not ld0's ext2fs");
	TCHECK(same("/data/w/b", K_PATTERN, 3, 10000), "b");
	TCHECK(rump_sys_stat("/data/w/b", &st) == 0 && st.st_nlink == 2 &&
		rump_sys_stat("/data/w/b.link", &st2) == 0 &&
		st.st_ino == st2.st_ino,
	    "hard link");
	TCHECK(rump_sys_readlink("/data/w/slowsym", target, sizeof(target)) ==
		    (ssize_t)strlen(SLOW_TARGET) &&
		memcmp(target, SLOW_TARGET, strlen(SLOW_TARGET)) == 0,
	    "slowsym");
	TCHECK(same("/data/w/sym", K_PATTERN, 3, 10000), "through sym");
	TCHECK(rump_sys_stat("/data/w/gone", &st) == -1 &&
		rump_sys_stat("/data/w/open", &st) == -1 &&
		rump_sys_stat("/data/w/tmpdir", &st) == -1,
	    "removed names back");
	TCHECK(same("/data/w/trunc", K_TRUNC, 0, 70000), "trunc");
	TCHECK(same("/data/w/sparse", K_SPARSE, 0, SPARSE_OFF + 4096), "sparse");
	TCHECK(count_entries("/data/w/many") == NMANY, "many");
	TCHECK(same_text("/data/w/many/f299", "f299\n"), "f299");
	TCHECK(same("/data/w/big", K_PATTERN, 9, BIG), "big");
	kprintf("ext2boot: second boot read the first boot's files\n");
	TCHECK(put_text("/data/w/second", "second boot\n") == 0, "second");
	TCHECK(rump_sys_unlink("/data/w/many/f000") == 0, "unlink f000");
	return 0;
}

/* The end of a boot: reboot(2) writes the disks back and halts. */
TESTCASE(ext2_halt)
{
	TCHECK(rump_init() == 0, "rump_init");
	kprintf("ext2boot: halting\n");
	rump_sys_reboot(0, NULL);
	TCHECK(0, "reboot returned: %ld", rerr());
	return 1;
}

/* mount=/dev/ld0:/ro1 on a read-only disk, mount=/dev/ld1:/ro2:ro. */
TESTCASE(ext2_readonly)
{
	static const char *const dirs[] = { "/ro1", "/ro2" };
	struct rump_stat st;
	char p[64];

	TCHECK(setup() == 0, "rump_init");
	TCHECK(is_ext2("/ro1", "/dev/ld0", 1) && is_ext2("/ro2", "/dev/ld1", 1),
	    "not two read-only ext2 mounts");
	for (int i = 0; i < 2; i++) {
		fmt_snprintf(p, sizeof(p), "%s/host/hello", dirs[i]);
		TCHECK(same_text(p, "from the host\n"), "%s", p);
		TCHECK(rump_sys_open(p, RUMP_O_WRONLY) == -1 &&
			rerr() == RUMP_EROFS,
		    "open for writing: %ld", rerr());
		TCHECK(rump_sys_unlink(p) == -1 && rerr() == RUMP_EROFS,
		    "unlink: %ld", rerr());
		TCHECK(rump_sys_chmod(p, 0600) == -1 && rerr() == RUMP_EROFS,
		    "chmod: %ld", rerr());
		fmt_snprintf(p, sizeof(p), "%s/new", dirs[i]);
		TCHECK(rump_sys_open(p, RUMP_O_WRONLY | RUMP_O_CREAT, 0644) == -1 &&
			rerr() == RUMP_EROFS,
		    "create: %ld", rerr());
		TCHECK(rump_sys_mkdir(p, 0755) == -1 && rerr() == RUMP_EROFS,
		    "mkdir: %ld", rerr());
		TCHECK(rump_sys_stat(p, &st) == -1 && rerr() == RUMP_ENOENT,
		    "created anyway");
	}
	kprintf("ext2boot: writes on both read-only mounts are EROFS\n");
	return 0;
}

/* A small disk filled up: ENOSPC, and the kernel goes on serving. */
TESTCASE(ext2_full)
{
	struct rump_stat st;
	int64_t written = 0;
	ssize_t n = 0;
	int fd;

	TCHECK(setup() == 0, "rump_init");
	fd = rump_sys_open("/data/fill", RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	TCHECK(fd >= 0, "create: %ld", rerr());
	for (;;) {
		fill(K_PATTERN, 11, (uint64_t)written, buf, CHUNK);
		if ((n = rump_sys_write(fd, buf, CHUNK)) <= 0)
			break;
		written += n;
		TCHECK(written < 64 * MIB, "the disk never fills");
	}
	TCHECK(n == -1 && rerr() == RUMP_ENOSPC, "write: %zd, errno %ld", n,
	    rerr());
	TCHECK(rump_sys_fsync(fd) == 0 && rump_sys_close(fd) == 0, "fsync");
	kprintf("ext2boot: ENOSPC after %lld bytes\n", (long long)written);
	TCHECK(same("/data/fill", K_PATTERN, 11, (uint64_t)written),
	    "the bytes before ENOSPC");
	TCHECK(put_text("/data/small", "x") == -1 && rerr() == RUMP_ENOSPC,
	    "a small file on a full disk: %ld", rerr());
	/* Room again: half the file goes. */
	fd = rump_sys_open("/data/fill", RUMP_O_RDWR);
	TCHECK(fd >= 0 && rump_sys_ftruncate(fd, written / 2) == 0 &&
		rump_sys_close(fd) == 0,
	    "truncate: %ld", rerr());
	TCHECK(put_text("/data/small", "after ENOSPC\n") == 0, "small: %ld",
	    rerr());
	TCHECK(rump_sys_stat("/data/fill", &st) == 0 && st.st_size == written / 2,
	    "size");
	TCHECK(same_text("/data/host/hello", "from the host\n"), "host file");
	kprintf("ext2boot: still serving after ENOSPC\n");
	return 0;
}

/* Reads everything under dir; counts failures, never stops. */
static void
walk(const char *dir, int depth, int *files, int *errors)
{
	char path[256];
	int fd, got;

	fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	if (fd < 0) {
		kprintf("ext2boot: open %s: errno %ld\n", dir, rerr());
		(*errors)++;
		return;
	}
	/* One getdents worth is enough for these small trees. */
	uint8_t *d = hyp_malloc(8192, 64);
	if (d == NULL) {
		rump_sys_close(fd);
		(*errors)++;
		return;
	}
	got = rump_sys_getdents(fd, (char *)d, 8192);
	if (got < 0) {
		kprintf("ext2boot: getdents %s: errno %ld\n", dir, rerr());
		(*errors)++;
	}
	rump_sys_close(fd);
	for (int off = 0; got > 0 && off < got;) {
		uint16_t reclen, namlen;
		uint8_t type = d[off + 12];
		memcpy(&reclen, d + off + 8, 2);
		memcpy(&namlen, d + off + 10, 2);
		const char *name = (const char *)d + off + 13;
		off += reclen;
		if ((namlen == 1 && name[0] == '.') ||
		    (namlen == 2 && name[0] == '.' && name[1] == '.'))
			continue;
		fmt_snprintf(path, sizeof(path), "%s/%.*s", dir, (int)namlen,
		    name);
		if (type == 4 && depth < 4) { /* DT_DIR */
			walk(path, depth + 1, files, errors);
			continue;
		}
		(*files)++;
		int f = rump_sys_open(path, RUMP_O_RDONLY);
		ssize_t n = f >= 0 ? rump_sys_read(f, buf, CHUNK) : -1;
		if (n < 0) {
			kprintf("ext2boot: %s: errno %ld\n", path, rerr());
			(*errors)++;
		}
		if (f >= 0)
			rump_sys_close(f);
	}
	hyp_free(d, 8192);
}

/* Damaged disks mounted anyway: every call returns, some with EIO. */
TESTCASE(ext2_damaged)
{
	int files = 0, errors = 0;

	TCHECK(setup() == 0, "rump_init");
	walk("/data", 0, &files, &errors);
	walk("/data2", 0, &files, &errors);
	kprintf("ext2boot: damaged disks: %d files read, %d calls failed\n",
	    files, errors);
	TCHECK(errors > 0, "no call failed on the damaged disks");
	return 0;
}

/* Whatever the boot left: a test that only boots the kernel. */
TESTCASE(ext2_boot_only)
{
	TCHECK(setup() == 0, "rump_init");
	kprintf("ext2boot: the kernel is up\n");
	return 0;
}

/* root=/dev/ld0: the disk is "/", the kernel's devices in /dev. */
TESTCASE(ext2_root)
{
	struct rump_statvfs *sv = hyp_malloc(sizeof(*sv), 64);
	struct rump_stat st, st2;
	int fd;

	TCHECK(sv != NULL && setup() == 0, "rump_init");
	TCHECK(is_ext2("/", "/dev/ld0", 0), "/ is not ld0's ext2fs");
	TCHECK(same_text("/host/hello", "from the host\n"), "host file");
	TCHECK(put_text("/from-root-boot", "written on the root disk\n") == 0,
	    "write on /: %ld", rerr());
	fd = rump_sys_open("/dev/null", RUMP_O_WRONLY);
	TCHECK(fd >= 0 && rump_sys_write(fd, "x", 1) == 1 &&
		rump_sys_close(fd) == 0,
	    "/dev/null: %ld", rerr());
	TCHECK(rump_sys_stat("/dev/ld0", &st) == 0 &&
		(st.st_mode & RUMP_S_IFMT) == RUMP_S_IFBLK,
	    "/dev/ld0");
	TCHECK(rump_sys_statvfs1("/dev", sv, RUMP_ST_WAIT) == 0 &&
		strcmp(sv->f_fstypename, "tmpfs") == 0 &&
		strcmp(sv->f_mntonname, "/dev") == 0,
	    "/dev is the kernel's tmpfs");
	TCHECK(rump_sys_unmount("/dev", 0) == -1 && rerr() == RUMP_EBUSY,
	    "unmount /dev: %ld", rerr());
	TCHECK(rump_sys_unmount("/", 0) == -1 && rerr() == RUMP_EBUSY,
	    "unmount /: %ld", rerr());
	TCHECK(rump_sys_stat("/dev/..", &st) == 0 &&
		rump_sys_stat("/", &st2) == 0 && st.st_ino == st2.st_ino &&
		st.st_ino == 2,
	    "/dev/.. is not the disk's root");
	kprintf("ext2boot: the root disk serves /, /dev is the kernel's\n");
	return 0;
}
