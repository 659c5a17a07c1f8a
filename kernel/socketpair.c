/*
 * socketpair(AF_LOCAL, SOCK_STREAM): two connected ends made of two pipes,
 * one each way, in every build (the host's kernel has no other sockets).
 * No named AF_LOCAL sockets: binding to a path would need socket nodes in
 * tmpfs, which the kernel does not have.
 */
#include "kern.h"

/* One end: it reads from one pipe and writes into the other. */
struct lsock {
	struct file *rf; /* NULL once shut for reading */
	struct file *wf; /* NULL once shut for writing */
};

static struct lsock *
ls_of(struct file *fp)
{
	return fp->data;
}

/* The end's nonblocking flag goes to the pipe file doing the work. */
static struct file *
inner(struct file *fp, struct file *pf)
{
	pf->flag = (pf->flag & ~FNONBLOCK) | (fp->flag & FNONBLOCK);
	return pf;
}

static int
ls_read(struct file *fp, void *buf, size_t len, size_t *done)
{
	struct lsock *ls = ls_of(fp);

	*done = 0;
	if (ls->rf == NULL)
		return 0; /* shut: end of file */
	return ls->rf->ops->fo_read(inner(fp, ls->rf), buf, len, done);
}

static int
ls_write(struct file *fp, const void *buf, size_t len, size_t *done)
{
	struct lsock *ls = ls_of(fp);

	*done = 0;
	if (ls->wf == NULL) {
		ksignal(curproc(), RUMP_SIGPIPE);
		return RUMP_EPIPE;
	}
	return ls->wf->ops->fo_write(inner(fp, ls->wf), buf, len, done);
}

static void
ls_close(struct file *fp)
{
	struct lsock *ls = ls_of(fp);

	if (ls->rf != NULL)
		file_release(ls->rf);
	if (ls->wf != NULL)
		file_release(ls->wf);
	kmem_free(ls, sizeof(*ls));
}

static int
ls_poll(struct file *fp, int events)
{
	struct lsock *ls = ls_of(fp);
	int rev = 0;

	if (ls->rf == NULL)
		rev |= events & (RUMP_POLLIN | RUMP_POLLRDNORM);
	else
		rev |= ls->rf->ops->fo_poll(ls->rf,
		    events & (RUMP_POLLIN | RUMP_POLLRDNORM));
	if (ls->wf != NULL)
		rev |= ls->wf->ops->fo_poll(ls->wf, events & RUMP_POLLOUT);
	return rev;
}

static int
ls_nread(struct file *fp, int *n)
{
	struct lsock *ls = ls_of(fp);

	*n = 0;
	return ls->rf != NULL ? ls->rf->ops->fo_nread(ls->rf, n) : 0;
}

const struct fileops lsock_fileops = {
	.fo_read = ls_read,
	.fo_write = ls_write,
	.fo_close = ls_close,
	.fo_poll = ls_poll,
	.fo_nread = ls_nread,
};

int
lsock_shutdown(struct file *fp, int how)
{
	struct lsock *ls = ls_of(fp);

	if (how < RUMP_SHUT_RD || how > RUMP_SHUT_RDWR)
		return RUMP_EINVAL;
	/* Dropping a pipe end is what the peer sees: EOF, or EPIPE. */
	if (how != 1 && ls->rf != NULL) {
		file_release(ls->rf);
		ls->rf = NULL;
	}
	if (how != RUMP_SHUT_RD && ls->wf != NULL) {
		file_release(ls->wf);
		ls->wf = NULL;
	}
	kcv_broadcast(&poll_kcv);
	return 0;
}

static struct file *
ls_new(struct file *rf, struct file *wf, int flag)
{
	struct lsock *ls = kmem_zalloc(sizeof(*ls));
	struct file *fp;

	if (ls == NULL)
		return NULL;
	if ((fp = file_alloc(&lsock_fileops, FREAD | FWRITE | flag, ls)) == NULL) {
		kmem_free(ls, sizeof(*ls));
		return NULL;
	}
	ls->rf = rf;
	ls->wf = wf;
	return fp;
}

int
sys_socketpair(struct lwp *l, const void *a, register_t *rv)
{
	int domain = ARG(a, 0, int), type = ARG(a, 1, int);
	int proto = ARG(a, 2, int), fds[2] = { -1, -1 }, error, flag;
	struct file *r1, *w1, *r2, *w2, *fa = NULL, *fb = NULL;
	struct filedesc *fdp = l->l_proc->p_fd;

	(void)rv;
	flag = type & RUMP_SOCK_NONBLOCK ? FNONBLOCK : 0;
	if (domain != RUMP_AF_LOCAL)
		return RUMP_EOPNOTSUPP; /* as NetBSD for inet */
	if ((type &
		~(RUMP_SOCK_CLOEXEC | RUMP_SOCK_NONBLOCK | RUMP_SOCK_NOSIGPIPE)) !=
	    RUMP_SOCK_STREAM)
		return RUMP_EPROTONOSUPPORT;
	if (proto != 0)
		return RUMP_EPROTONOSUPPORT;
	if ((error = pipe_files(0, &r1, &w1)) != 0)
		return error;
	if ((error = pipe_files(0, &r2, &w2)) != 0) {
		file_release(r1);
		file_release(w1);
		return error;
	}
	/* a reads what b writes (pipe 2) and writes what b reads (pipe 1). */
	fa = ls_new(r2, w1, flag);
	fb = ls_new(r1, w2, flag);
	if (fa == NULL || fb == NULL) {
		if (fa != NULL)
			file_release(fa);
		else {
			file_release(r2);
			file_release(w1);
		}
		if (fb != NULL)
			file_release(fb);
		else {
			file_release(r1);
			file_release(w2);
		}
		return RUMP_ENOMEM;
	}
	if ((error = fd_alloc(fdp, 0, fa, &fds[0])) != 0) {
		file_release(fa);
		file_release(fb);
		return error;
	}
	if ((error = fd_alloc(fdp, 0, fb, &fds[1])) != 0) {
		fd_close(fdp, fds[0]);
		file_release(fb);
		return error;
	}
	if (type & RUMP_SOCK_CLOEXEC)
		fdp->cloexec[fds[0]] = fdp->cloexec[fds[1]] = 1;
	return copyout(fds, ARG(a, 3, int *), sizeof(fds)) == 0 ?
	    0 :
	    (fd_close(fdp, fds[0]), fd_close(fdp, fds[1]), RUMP_EFAULT);
}

/* shutdown(2) where the kernel has no network: socketpair ends only. */
int
sys_shutdown_local(struct lwp *l, const void *a, register_t *rv)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	if (fp->ops != &lsock_fileops)
		return RUMP_ENOTSOCK;
	return lsock_shutdown(fp, ARG(a, 1, int));
}
