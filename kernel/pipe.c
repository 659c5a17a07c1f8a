/*
 * Pipes: a 16 KiB ring between a read file and a write file. Readers block
 * while it is empty and a writer exists (EOF otherwise); writers block while
 * it is full and a reader exists (EPIPE otherwise, with SIGPIPE posted to
 * the process: raised in a remote client, dropped for local processes).
 * A FIFO (fifo.c) is a pipe whose ends are opened one by one, a read-write
 * open holding both.
 */
#include <string.h>

#include "kern.h"

#define PIPE_SIZE 16384

struct kcv poll_kcv; /* poll(2) sleeps here; pipes wake it */

struct pipe {
	uint8_t buf[PIPE_SIZE];
	size_t head, count;
	int readers, writers;
	struct kcv cv;
	void (*gone)(void *); /* FIFOs: told when the last end goes */
	void *gone_arg;
};

static struct pipe *
pipe_of(struct file *fp)
{
	return fp->data;
}

static int
pipe_read(struct file *fp, void *ubuf, size_t len, size_t *done)
{
	struct pipe *p = pipe_of(fp);
	uint8_t *out = ubuf;
	size_t n = 0;

	while (p->count == 0) {
		if (p->writers == 0 || len == 0) {
			*done = 0;
			return 0; /* end of file */
		}
		if (fp->flag & FNONBLOCK)
			return RUMP_EAGAIN;
		if (kcv_wait(&p->cv, 0) == RUMP_EINTR)
			return RUMP_EINTR;
	}
	while (n < len && p->count > 0) {
		size_t chunk = PIPE_SIZE - p->head;
		if (chunk > p->count)
			chunk = p->count;
		if (chunk > len - n)
			chunk = len - n;
		memcpy(out + n, p->buf + p->head, chunk);
		p->head = (p->head + chunk) % PIPE_SIZE;
		p->count -= chunk;
		n += chunk;
	}
	kcv_broadcast(&p->cv); /* room for writers */
	kcv_broadcast(&poll_kcv);
	*done = n;
	return 0;
}

static int
pipe_write(struct file *fp, const void *ubuf, size_t len, size_t *done)
{
	struct pipe *p = pipe_of(fp);
	const uint8_t *in = ubuf;
	size_t n = 0;

	while (n < len) {
		if (p->readers == 0) {
			*done = n;
			if (n > 0)
				return 0;
			ksignal(curproc(), RUMP_SIGPIPE);
			return RUMP_EPIPE;
		}
		if (p->count == PIPE_SIZE) {
			if (fp->flag & FNONBLOCK) {
				*done = n;
				return n > 0 ? 0 : RUMP_EAGAIN;
			}
			if (kcv_wait(&p->cv, 0) == RUMP_EINTR) {
				*done = n;
				return n > 0 ? 0 : RUMP_EINTR;
			}
			continue;
		}
		size_t tail = (p->head + p->count) % PIPE_SIZE;
		size_t chunk = PIPE_SIZE - p->count;
		if (chunk > PIPE_SIZE - tail)
			chunk = PIPE_SIZE - tail;
		if (chunk > len - n)
			chunk = len - n;
		memcpy(p->buf + tail, in + n, chunk);
		p->count += chunk;
		n += chunk;
		kcv_broadcast(&p->cv); /* data for readers */
		kcv_broadcast(&poll_kcv);
	}
	*done = n;
	return 0;
}

static void
pipe_close(struct file *fp)
{
	struct pipe *p = pipe_of(fp);

	if (fp->flag & FREAD)
		p->readers--;
	if (fp->flag & FWRITE)
		p->writers--;
	kcv_broadcast(&p->cv);
	kcv_broadcast(&poll_kcv);
	if (p->readers == 0 && p->writers == 0)
		pipe_free(p);
}

static int
pipe_poll(struct file *fp, int events)
{
	struct pipe *p = pipe_of(fp);
	int rev = 0;

	if (fp->flag & FREAD) {
		if (p->count > 0)
			rev |= events & (RUMP_POLLIN | RUMP_POLLRDNORM);
		if (p->writers == 0)
			rev |= 0x10; /* POLLHUP */
	}
	if (fp->flag & FWRITE) {
		if (p->readers == 0)
			rev |= 0x8; /* POLLERR */
		else if (p->count < PIPE_SIZE)
			rev |= events & 0x4; /* POLLOUT */
	}
	return rev;
}

static int
pipe_nread(struct file *fp, int *n)
{
	*n = (int)pipe_of(fp)->count;
	return 0;
}

struct pipe *
pipe_alloc(void (*gone)(void *), void *arg)
{
	/* An object a caller can pile up: it leaves the kernel's reserve alone. */
	struct pipe *p = kmem_obj_alloc(sizeof(*p));

	if (p != NULL) {
		p->gone = gone;
		p->gone_arg = arg;
	}
	return p;
}

void
pipe_free(struct pipe *p)
{
	KASSERT(p->readers == 0 && p->writers == 0);
	if (p->gone != NULL)
		p->gone(p->gone_arg);
	kcv_destroy(&p->cv);
	kmem_free(p, sizeof(*p));
}

struct file *
pipe_file(struct pipe *p, int fflag)
{
	struct file *fp = file_alloc(&pipe_fileops, fflag, p);

	if (fp == NULL)
		return NULL;
	if (fflag & FREAD)
		p->readers++;
	if (fflag & FWRITE)
		p->writers++;
	kcv_broadcast(&p->cv);
	kcv_broadcast(&poll_kcv);
	return fp;
}

void
pipe_ends(struct pipe *p, int *readers, int *writers)
{
	*readers = p->readers;
	*writers = p->writers;
}

const struct fileops pipe_fileops = {
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_close = pipe_close,
	.fo_poll = pipe_poll,
	.fo_nread = pipe_nread,
};

/* A pipe: fds[0] reads, fds[1] writes. fflags: FNONBLOCK. */
int
pipe_files(int fflags, struct file **rfp, struct file **wfp)
{
	struct pipe *p = pipe_alloc(NULL, NULL);
	struct file *rf, *wf;

	if (p == NULL)
		return RUMP_ENFILE;
	rf = file_alloc(&pipe_fileops, FREAD | fflags, p);
	wf = file_alloc(&pipe_fileops, FWRITE | fflags, p);
	if (rf == NULL || wf == NULL) {
		if (rf != NULL)
			kmem_free(rf, sizeof(*rf));
		if (wf != NULL)
			kmem_free(wf, sizeof(*wf));
		kmem_free(p, sizeof(*p));
		return RUMP_ENFILE;
	}
	p->readers = p->writers = 1;
	*rfp = rf;
	*wfp = wf;
	return 0;
}

int
pipe_create(struct filedesc *fdp, int fflags, int cloexec, int fds[2])
{
	struct file *rf, *wf;
	int error;

	if ((error = pipe_files(fflags, &rf, &wf)) != 0)
		return error;
	if ((error = fd_alloc(fdp, 0, rf, &fds[0])) != 0) {
		file_release(rf);
		file_release(wf);
		return error;
	}
	if ((error = fd_alloc(fdp, 0, wf, &fds[1])) != 0) {
		fd_close(fdp, fds[0]);
		file_release(wf);
		return error;
	}
	fdp->cloexec[fds[0]] = fdp->cloexec[fds[1]] = (uint8_t)cloexec;
	return 0;
}
