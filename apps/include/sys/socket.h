/*
 * BSD sockets for programs in the image, with NetBSD's numbers and
 * layouts (sockaddr with sa_len first), which the rump kernel takes as
 * they are: apps/libc/socket.c passes the calls through unchanged.
 * AF_INET stream and datagram sockets, and socketpair(AF_LOCAL); README,
 * "Network".
 */
#ifndef RUMPIMG_SYS_SOCKET_H
#define RUMPIMG_SYS_SOCKET_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef uint32_t socklen_t;
typedef uint8_t sa_family_t;

struct sockaddr {
	uint8_t sa_len;
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_storage {
	uint8_t ss_len;
	sa_family_t ss_family;
	char __ss_pad1[6];
	int64_t __ss_align;
	char __ss_pad2[112];
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	int msg_iovlen;
	void *msg_control;
	socklen_t msg_controllen;
	int msg_flags;
};

#define AF_UNSPEC 0
#define AF_LOCAL  1
#define AF_UNIX	  AF_LOCAL
#define AF_INET	  2
#define AF_INET6  24
#define PF_UNSPEC AF_UNSPEC
#define PF_LOCAL  AF_LOCAL
#define PF_UNIX	  AF_UNIX
#define PF_INET	  AF_INET
#define PF_INET6  AF_INET6

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_CLOEXEC   0x10000000
#define SOCK_NONBLOCK  0x20000000
#define SOCK_NOSIGPIPE 0x40000000

#define SOL_SOCKET    0xffff
#define SO_DEBUG      0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_REUSEADDR  0x0004
#define SO_KEEPALIVE  0x0008
#define SO_DONTROUTE  0x0010
#define SO_BROADCAST  0x0020
#define SO_LINGER     0x0080
#define SO_OOBINLINE  0x0100
#define SO_REUSEPORT  0x0200
#define SO_NOSIGPIPE  0x0800
#define SO_SNDBUF     0x1001
#define SO_RCVBUF     0x1002
#define SO_SNDLOWAT   0x1003
#define SO_RCVLOWAT   0x1004
#define SO_ERROR      0x1007
#define SO_TYPE	      0x1008
#define SO_SNDTIMEO   0x100b
#define SO_RCVTIMEO   0x100c

#define SOMAXCONN 128

#define MSG_OOB	      0x0001
#define MSG_PEEK      0x0002
#define MSG_DONTROUTE 0x0004
#define MSG_EOR	      0x0008
#define MSG_TRUNC     0x0010
#define MSG_CTRUNC    0x0020
#define MSG_WAITALL   0x0040
#define MSG_DONTWAIT  0x0080
#define MSG_NOSIGNAL  0x0400

#define SHUT_RD	  0
#define SHUT_WR	  1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int bind(int s, const struct sockaddr *addr, socklen_t len);
int listen(int s, int backlog);
int accept(int s, struct sockaddr *addr, socklen_t *len);
int accept4(int s, struct sockaddr *addr, socklen_t *len, int flags);
int connect(int s, const struct sockaddr *addr, socklen_t len);
ssize_t send(int s, const void *buf, size_t len, int flags);
ssize_t recv(int s, void *buf, size_t len, int flags);
ssize_t sendto(int s, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen);
ssize_t recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen);
ssize_t sendmsg(int s, const struct msghdr *msg, int flags);
ssize_t recvmsg(int s, struct msghdr *msg, int flags);
int getsockname(int s, struct sockaddr *addr, socklen_t *len);
int getpeername(int s, struct sockaddr *addr, socklen_t *len);
int setsockopt(int s, int level, int name, const void *val, socklen_t len);
int getsockopt(int s, int level, int name, void *val, socklen_t *len);
int shutdown(int s, int how);

#endif
