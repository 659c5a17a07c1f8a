/*
 * The kernel's disks: a registry by name and synchronous sector I/O on top
 * of rumpuser_bio(), which is asynchronous (rumpuser(3), doc/rumpuser.md).
 * A transfer is cut into pieces of BLK_PIECE bytes; up to BLK_INFLIGHT of
 * them are handed to the hypercall layer at once, and the calling lwp
 * sleeps until the completions (biodone, called holding the CPU) have
 * counted them all back. The wait cannot be interrupted: the device writes
 * into the caller's memory until it answers.
 */
#include <string.h>

#include "blk.h"
#include "kern.h"

#define BLK_PIECE    (64 * 1024)
#define BLK_INFLIGHT 16
#define BLK_NAMELEN  16

struct blkdev {
	struct blkdev *next;
	char name[BLK_NAMELEN];
	int unit;	/* N of "ldN", or -1 */
	int fd;		/* rumpuser_open's */
	uint64_t begin; /* byte offset in the host file */
	uint64_t size;
	bool ro;
	int refs;      /* blkdev_hold */
	int busy;      /* transfers under way */
	struct kcv cv; /* a transfer's pieces came back */
};

/* One transfer; lives on the caller's stack until every piece is back. */
struct blkxfer {
	struct blkdev *bd;
	int pending; /* pieces handed out, not yet done */
	int error;
};

struct blkpiece {
	struct blkxfer *x;
	size_t len;
};

static struct blkdev *disks;

struct blkdev *
blkdev_lookup(const char *name)
{
	for (struct blkdev *bd = disks; bd != NULL; bd = bd->next)
		if (strcmp(bd->name, name) == 0)
			return bd;
	return NULL;
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

int
blkdev_unit(const struct blkdev *bd)
{
	return bd->unit;
}

void
blkdev_hold(struct blkdev *bd)
{
	bd->refs++;
}

void
blkdev_rele(struct blkdev *bd)
{
	KASSERT(bd->refs > 0);
	bd->refs--;
}

/*
 * rumpuser_bio's completion, holding the CPU (doc/rumpuser.md): a short
 * transfer is a device error too.
 */
static void
blk_biodone(void *arg, size_t done, int error)
{
	struct blkpiece *p = arg;
	struct blkxfer *x = p->x;

	if ((error != 0 || done != p->len) && x->error == 0)
		x->error = RUMP_EIO;
	if (--x->pending == 0)
		kcv_broadcast(&x->bd->cv);
}

static int
blk_check(struct blkdev *bd, size_t len, uint64_t off)
{
	if (len % BLK_SECSIZE != 0 || off % BLK_SECSIZE != 0)
		return RUMP_EINVAL;
	if (off > bd->size || len > bd->size - off)
		return RUMP_EINVAL;
	return 0;
}

static int
blk_io(struct blkdev *bd, void *buf, size_t len, uint64_t off, int op)
{
	struct blkpiece pieces[BLK_INFLIGHT];
	struct blkxfer x = { .bd = bd };
	uint8_t *p = buf;
	size_t n = 0;
	int error;

	if ((error = blk_check(bd, len, off)) != 0)
		return error;
	bd->busy++;
	while (n < len && x.error == 0) {
		int i;
		/* A round of pieces in flight together, then wait for all. */
		for (i = 0; i < BLK_INFLIGHT && n < len; i++) {
			size_t chunk = len - n < BLK_PIECE ? len - n : BLK_PIECE;
			pieces[i].x = &x;
			pieces[i].len = chunk;
			x.pending++;
			rumpuser_bio(bd->fd, op, p + n, chunk,
			    (int64_t)(bd->begin + off + n), blk_biodone,
			    &pieces[i]);
			n += chunk;
		}
		while (x.pending > 0)
			kcv_wait_nointr(&bd->cv);
	}
	bd->busy--;
	return x.error;
}

int
blkdev_read(struct blkdev *bd, void *buf, size_t len, uint64_t off)
{
	return blk_io(bd, buf, len, off, RUMPUSER_BIO_READ);
}

int
blkdev_write(struct blkdev *bd, const void *buf, size_t len, uint64_t off)
{
	int error;

	if ((error = blk_check(bd, len, off)) != 0)
		return error;
	if (bd->ro)
		return RUMP_EROFS;
	/* The hypercall's data pointer is not const; writes only read it. */
	return blk_io(bd, (void *)(uintptr_t)buf, len, off, RUMPUSER_BIO_WRITE);
}

int
blkdev_flush(struct blkdev *bd)
{
	int error;

	if (bd->ro)
		return 0;
	bd->busy++;
	/* A synchronous hypercall: it gives the CPU up while it waits. */
	error = rumpuser_syncfd(bd->fd,
	    RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_SYNC, 0, 0);
	bd->busy--;
	return error != 0 ? RUMP_EIO : 0;
}

/* "ld3" -> 3; -1 for any other name. */
static int
name_unit(const char *name)
{
	int u = 0;

	if (strncmp(name, "ld", 2) != 0 || name[2] == '\0' ||
	    (name[2] == '0' && name[3] != '\0'))
		return -1;
	for (const char *p = name + 2; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || u > 9999)
			return -1;
		u = u * 10 + (*p - '0');
	}
	return u;
}

int
blkdev_attach_range(const char *name, const char *hyppath, bool ro,
    uint64_t begin, uint64_t size, struct blkdev **bdp)
{
	struct blkdev *bd;
	uint64_t fsize;
	int error, type, fd;

	if (name == NULL || hyppath == NULL || name[0] == '\0' ||
	    strlen(name) >= BLK_NAMELEN)
		return RUMP_EINVAL;
	if (blkdev_lookup(name) != NULL)
		return RUMP_EEXIST;
	if ((error = rumpuser_getfileinfo(hyppath, &fsize, &type)) != 0)
		return error;
	if (type == RUMPUSER_FT_DIR)
		return RUMP_EISDIR;
	if (begin > fsize)
		return RUMP_EINVAL;
	if (size == UINT64_MAX)
		size = fsize - begin;
	if (size > fsize - begin)
		return RUMP_EINVAL;
	size -= size % BLK_SECSIZE;
	if (size == 0)
		return RUMP_EINVAL;
	error = RUMP_EROFS;
	if (!ro)
		error = rumpuser_open(hyppath,
		    RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_BIO, &fd);
	if (error == RUMP_EROFS || error == RUMP_EACCES || error == RUMP_EPERM) {
		ro = true;
		error = rumpuser_open(hyppath,
		    RUMPUSER_OPEN_RDONLY | RUMPUSER_OPEN_BIO, &fd);
	}
	if (error != 0)
		return error;
	if ((bd = kmem_obj_alloc(sizeof(*bd))) == NULL) {
		rumpuser_close(fd);
		return RUMP_ENOMEM;
	}
	strcpy(bd->name, name);
	bd->unit = name_unit(name);
	bd->fd = fd;
	bd->begin = begin;
	bd->size = size;
	bd->ro = ro;
	bd->next = disks;
	disks = bd;
	if (bdp != NULL)
		*bdp = bd;
	return 0;
}

int
blkdev_attach(const char *name, const char *hyppath, bool ro, struct blkdev **bdp)
{
	return blkdev_attach_range(name, hyppath, ro, 0, UINT64_MAX, bdp);
}

int
blkdev_detach(struct blkdev *bd)
{
	struct blkdev **pp;

	if (bd->refs > 0 || bd->busy > 0)
		return RUMP_EBUSY;
	for (pp = &disks; *pp != bd; pp = &(*pp)->next)
		KASSERT(*pp != NULL);
	*pp = bd->next;
	rumpuser_close(bd->fd);
	kcv_destroy(&bd->cv);
	kmem_free(bd, sizeof(*bd));
	return 0;
}
