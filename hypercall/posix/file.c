/*
 * rumpuser(3) host files and block I/O on POSIX hosts. Block I/O runs
 * synchronously in the caller, the kernel's CPU given up meanwhile, and
 * then reports completion holding it again, before rumpuser_bio returns
 * (doc/rumpuser.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "posix.h"

int
rumpuser_open(const char *name, int mode, int *fdp)
{
	int flags, fd;

	switch (mode & RUMPUSER_OPEN_ACCMODE) {
	case RUMPUSER_OPEN_RDONLY:
		flags = O_RDONLY;
		break;
	case RUMPUSER_OPEN_WRONLY:
		flags = O_WRONLY;
		break;
	case RUMPUSER_OPEN_RDWR:
		flags = O_RDWR;
		break;
	default:
		return 22;
	}
	if (mode & RUMPUSER_OPEN_CREATE)
		flags |= O_CREAT;
	if (mode & RUMPUSER_OPEN_EXCL)
		flags |= O_EXCL;
	fd = open(name, flags | O_CLOEXEC, 0644);
	if (fd == -1)
		return posix_errno(errno);
	*fdp = fd;
	return 0;
}

int
rumpuser_close(int fd)
{
	return close(fd) == -1 ? posix_errno(errno) : 0;
}

int
rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
	struct stat st;

	if (stat(name, &st) == -1)
		return posix_errno(errno);
	*size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode)) {
		/* A device's size is where its end is, not st_size. */
		int fd = open(name, O_RDONLY | O_CLOEXEC);
		off_t end;
		if (fd == -1)
			return posix_errno(errno);
		end = lseek(fd, 0, SEEK_END);
		close(fd);
		if (end == -1)
			return posix_errno(errno);
		*size = (uint64_t)end;
	}
	if (S_ISDIR(st.st_mode))
		*type = RUMPUSER_FT_DIR;
	else if (S_ISREG(st.st_mode))
		*type = RUMPUSER_FT_REG;
	else if (S_ISBLK(st.st_mode))
		*type = RUMPUSER_FT_BLK;
	else if (S_ISCHR(st.st_mode))
		*type = RUMPUSER_FT_CHR;
	else
		*type = RUMPUSER_FT_OTHER;
	return 0;
}

int
rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen, int64_t off,
    size_t *retv)
{
	ssize_t n;
	int nlocks;

	posix_unsched(&nlocks, NULL);
	if (off == RUMPUSER_IOV_NOSEEK)
		n = readv(fd, (struct iovec *)iov, (int)iovlen);
	else
		n = preadv(fd, (struct iovec *)iov, (int)iovlen, (off_t)off);
	posix_sched(nlocks, NULL);
	if (n == -1)
		return posix_errno(errno);
	*retv = (size_t)n;
	return 0;
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen,
    int64_t off, size_t *retv)
{
	ssize_t n;
	int nlocks;

	posix_unsched(&nlocks, NULL);
	if (off == RUMPUSER_IOV_NOSEEK)
		n = writev(fd, (const struct iovec *)iov, (int)iovlen);
	else
		n = pwritev(fd, (const struct iovec *)iov, (int)iovlen,
		    (off_t)off);
	posix_sched(nlocks, NULL);
	if (n == -1)
		return posix_errno(errno);
	*retv = (size_t)n;
	return 0;
}

int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	int error = 0, nlocks;

	(void)start; /* the whole file: Linux has no ranged fsync here */
	(void)len;
	if (!(flags &
		(RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_SYNC |
		    RUMPUSER_SYNCFD_BARRIER)))
		return 0;	      /* reads need no flushing */
	posix_unsched(&nlocks, NULL); /* a disk flush takes milliseconds */
	if (fsync(fd) == -1)
		error = posix_errno(errno);
	posix_sched(nlocks, NULL);
	return error;
}

/*
 * The whole transfer or an error: pread/pwrite may move less than asked
 * (a signal, a device's limits), so it goes on from there; reading past
 * the end of the file stops short, which the completion reports.
 */
void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn biodone, void *donearg)
{
	uint8_t *p = data;
	size_t done = 0;
	ssize_t n;
	int error = 0, nlocks;

	posix_unsched(&nlocks, NULL);
	while (done < dlen) {
		if (op & RUMPUSER_BIO_READ)
			n = pread(fd, p + done, dlen - done,
			    (off_t)off + (off_t)done);
		else
			n = pwrite(fd, p + done, dlen - done,
			    (off_t)off + (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			error = posix_errno(errno);
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (error == 0 && (op & RUMPUSER_BIO_SYNC) &&
	    !(op & RUMPUSER_BIO_READ) && fdatasync(fd) == -1)
		error = posix_errno(errno);
	posix_sched(nlocks, NULL);
	biodone(donearg, done, error);
}
