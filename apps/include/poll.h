/*
 * poll(2) for programs in the image: NetBSD's layout and flag values, which
 * apps/libc/posix.c hands to the kernel unchanged.
 */
#ifndef RUMPIMG_POLL_H
#define RUMPIMG_POLL_H

struct pollfd {
	int fd;
	short events;
	short revents;
};

typedef unsigned int nfds_t;

#define POLLIN	   0x0001
#define POLLPRI	   0x0002
#define POLLOUT	   0x0004
#define POLLRDNORM 0x0040
#define POLLWRNORM POLLOUT
#define POLLRDBAND 0x0080
#define POLLWRBAND 0x0100
#define POLLERR	   0x0008
#define POLLHUP	   0x0010
#define POLLNVAL   0x0020

#define INFTIM (-1)

int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif
