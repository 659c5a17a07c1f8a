/*
 * Descriptor tables and open files. A table is shared (reference counted)
 * between processes forked with RUMP_RFFD_SHARE; files are shared between
 * descriptors and tables and close on their last reference.
 */
#include <string.h>

#include "kern.h"

static int nfiles; /* open files, for kern.nfiles */

struct file *
file_alloc(const struct fileops *ops, int flag, void *data)
{
	struct file *fp = kmem_zalloc(sizeof(*fp));

	if (fp == NULL)
		return NULL;
	nfiles++;
	fp->refs = 1;
	fp->ops = ops;
	fp->flag = flag;
	fp->data = data;
	return fp;
}

void
file_hold(struct file *fp)
{
	fp->refs++;
}

void
file_release(struct file *fp)
{
	KASSERT(fp->refs > 0);
	if (--fp->refs > 0)
		return;
	lock_file_closed(fp);
	if (fp->ops->fo_close != NULL)
		fp->ops->fo_close(fp);
	kmem_free(fp, sizeof(*fp));
	nfiles--;
}

int
file_count(void)
{
	return nfiles;
}

struct filedesc *
fd_new(void)
{
	struct filedesc *fdp = kmem_zalloc(sizeof(*fdp));

	if (fdp != NULL)
		fdp->refs = 1;
	return fdp;
}

struct filedesc *
fd_copy(const struct filedesc *src)
{
	struct filedesc *fdp = fd_new();

	if (fdp == NULL)
		return NULL;
	for (int i = 0; i < NOFILE; i++) {
		if (src->files[i] != NULL) {
			fdp->files[i] = src->files[i];
			fdp->cloexec[i] = src->cloexec[i];
			file_hold(fdp->files[i]);
		}
	}
	return fdp;
}

void
fd_share(struct filedesc *fdp)
{
	fdp->refs++;
}

void
fd_release(struct filedesc *fdp)
{
	KASSERT(fdp->refs > 0);
	if (--fdp->refs > 0)
		return;
	for (int i = 0; i < NOFILE; i++)
		if (fdp->files[i] != NULL)
			file_release(fdp->files[i]);
	kq_fdp_freed(fdp);
	kmem_free(fdp, sizeof(*fdp));
}

int
fd_alloc(struct filedesc *fdp, int min, struct file *fp, int *fdout)
{
	int lim = proc_nofile();

	for (int i = min; i < lim; i++) {
		if (fdp->files[i] == NULL) {
			fdp->files[i] = fp;
			fdp->cloexec[i] = 0;
			*fdout = i;
			return 0;
		}
	}
	return RUMP_EMFILE;
}

struct file *
fd_get(struct filedesc *fdp, int fd)
{
	if (fd < 0 || fd >= NOFILE)
		return NULL;
	return fdp->files[fd];
}

int
fd_close(struct filedesc *fdp, int fd)
{
	struct file *fp = fd_get(fdp, fd);

	if (fp == NULL)
		return RUMP_EBADF;
	fdp->files[fd] = NULL;
	fdp->cloexec[fd] = 0;
	/* Calls blocked on it (they hold it) learn that it went. */
	if (fp->refs > 1 && fp->ops->fo_restart != NULL)
		fp->ops->fo_restart(fp, fdp);
	lock_fd_closed(curproc(), fp);
	kq_fd_closed(fdp, fd);
	file_release(fp);
	return 0;
}

int
fd_dup2(struct filedesc *fdp, int from, int to)
{
	struct file *fp = fd_get(fdp, from);

	if (fp == NULL || to < 0 || to >= proc_nofile())
		return RUMP_EBADF;
	if (from == to)
		return 0;
	file_hold(fp);
	if (fdp->files[to] != NULL) {
		lock_fd_closed(curproc(), fdp->files[to]);
		kq_fd_closed(fdp, to);
		file_release(fdp->files[to]);
	}
	fdp->files[to] = fp;
	fdp->cloexec[to] = 0; /* dup2 clears close-on-exec */
	return 0;
}

/* The console: writes go to rumpuser_putchar; there is no input yet. */
static int
cons_read(struct file *fp, void *buf, size_t len, size_t *done)
{
	(void)fp;
	(void)buf;
	(void)len;
	*done = 0; /* end of file */
	return 0;
}

static int
cons_write(struct file *fp, const void *buf, size_t len, size_t *done)
{
	const char *p = buf;

	(void)fp;
	for (size_t i = 0; i < len; i++)
		rumpuser_putchar(p[i]);
	*done = len;
	return 0;
}

const struct fileops console_fileops = {
	.fo_read = cons_read,
	.fo_write = cons_write,
};
