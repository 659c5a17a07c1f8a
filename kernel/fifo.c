/*
 * FIFOs: mkfifo(2) and mkfifoat(2) make a VFIFO vnode (on any file
 * system, through vn_create_node); opening it attaches to the FIFO's pipe
 * (pipe.c), made at the first open and gone with its last end, so data
 * does not outlive the opens.
 *
 * Opening as fifo(4) and open(2) say: read-only waits for a writer unless
 * O_NONBLOCK; write-only waits for a reader, or with O_NONBLOCK fails with
 * ENXIO when there is none; read-write never waits. A wait ends with EINTR
 * when the process is drained.
 */
#include "kern.h"
#include "vfs_int.h"

struct fifo {
	struct fifo *next;
	struct vnode *vp; /* referenced while the FIFO is open */
	struct pipe *pipe;
	unsigned ropens, wopens; /* opens so far, for waiting opens */
};

static struct fifo *fifos;
static struct kcv fifo_kcv; /* opens wait here for the other end */

/* The pipe's last end closed: the FIFO forgets it. */
static void
fifo_gone(void *arg)
{
	struct fifo *f = arg, **pp = &fifos;

	while (*pp != f)
		pp = &(*pp)->next;
	*pp = f->next;
	vrele(f->vp);
	kmem_free(f, sizeof(*f));
}

struct file *
fifo_open(struct vnode *vp, int fflag, int *errp)
{
	struct fifo *f;
	struct file *fp;
	unsigned seen;
	int readers, writers;

	for (f = fifos; f != NULL && f->vp != vp; f = f->next)
		continue;
	if (f == NULL) {
		if ((f = kmem_zalloc(sizeof(*f))) == NULL) {
			*errp = RUMP_ENFILE;
			return NULL;
		}
		if ((f->pipe = pipe_alloc(fifo_gone, f)) == NULL) {
			kmem_free(f, sizeof(*f));
			*errp = RUMP_ENFILE;
			return NULL;
		}
		vref(vp);
		f->vp = vp;
		f->next = fifos;
		fifos = f;
	}
	pipe_ends(f->pipe, &readers, &writers);
	if ((fflag & (FREAD | FWRITE)) == FWRITE && readers == 0 &&
	    (fflag & FNONBLOCK)) {
		*errp = RUMP_ENXIO;
		if (readers == 0 && writers == 0)
			pipe_free(f->pipe); /* made for this open */
		return NULL;
	}
	if ((fp = pipe_file(f->pipe, fflag)) == NULL) {
		*errp = RUMP_ENFILE;
		if (readers == 0 && writers == 0)
			pipe_free(f->pipe);
		return NULL;
	}
	if (fflag & FREAD)
		f->ropens++;
	if (fflag & FWRITE)
		f->wopens++;
	kcv_broadcast(&fifo_kcv);
	if ((fflag & (FREAD | FWRITE)) == (FREAD | FWRITE) || (fflag & FNONBLOCK))
		return fp;
	/* Wait for an open of the other end (one that came and went counts). */
	seen = (fflag & FREAD) ? f->wopens : f->ropens;
	for (;;) {
		pipe_ends(f->pipe, &readers, &writers);
		if (((fflag & FREAD) ? writers : readers) > 0 ||
		    ((fflag & FREAD) ? f->wopens : f->ropens) != seen)
			return fp;
		if (kcv_wait(&fifo_kcv, 0) == RUMP_EINTR) {
			file_release(fp);
			*errp = RUMP_EINTR;
			return NULL;
		}
	}
}

int
do_mkfifoat(struct lwp *l, int dirfd, const char *upath, uint32_t mode)
{
	struct nameidata nd;
	struct vnode *vp;
	int error = create_lookup(l, dirfd, upath, &nd);

	if (error != 0)
		return error;
	/* vn_create_node: a referenced vnode, safe on any file system. */
	error = vn_create_node(nd.ni_dvp, nd.ni_name, VFIFO,
	    mode & ~l->l_proc->p_umask & 07777, l->l_proc->p_cred, NULL, &vp);
	if (error == 0)
		vrele(vp);
	nd_done(&nd);
	return error;
}

/* mkfifo(path, mode) */
int
sys_mkfifo(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mkfifoat(l, RUMP_AT_FDCWD, ARG(a, 0, const char *),
	    ARG(a, 1, uint32_t));
}

/* mkfifoat(fd, path, mode) */
int
sys_mkfifoat(struct lwp *l, const void *a, register_t *rv)
{
	(void)rv;
	return do_mkfifoat(l, ARG(a, 0, int), ARG(a, 1, const char *),
	    ARG(a, 2, uint32_t));
}
