/*
 * BSD sockets for programs in the image. apps/include/sys/socket.h and
 * <netinet/in.h> give programs NetBSD's numbers and layouts, so each call
 * goes to the rump kernel's unchanged; only errno is translated.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "rump/rump_syscalls.h"

int libc_fail(void);
void libc_kernel_up(void);

#define PASS(type, call)                                \
	do {                                            \
		type r_;                                \
		libc_kernel_up();                       \
		r_ = (call);                            \
		return r_ < 0 ? (type)libc_fail() : r_; \
	} while (0)

int
socket(int domain, int type, int protocol)
{
	PASS(int, rump_sys_socket(domain, type, protocol));
}

int
socketpair(int domain, int type, int protocol, int sv[2])
{
	PASS(int, rump_sys_socketpair(domain, type, protocol, sv));
}

int
bind(int s, const struct sockaddr *addr, socklen_t len)
{
	PASS(int, rump_sys_bind(s, addr, len));
}

int
listen(int s, int backlog)
{
	PASS(int, rump_sys_listen(s, backlog));
}

int
accept(int s, struct sockaddr *addr, socklen_t *len)
{
	PASS(int, rump_sys_accept(s, addr, len));
}

int
accept4(int s, struct sockaddr *addr, socklen_t *len, int flags)
{
	PASS(int, rump_sys_paccept(s, addr, len, NULL, flags));
}

int
connect(int s, const struct sockaddr *addr, socklen_t len)
{
	PASS(int, rump_sys_connect(s, addr, len));
}

ssize_t
sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
    socklen_t tolen)
{
	PASS(ssize_t, rump_sys_sendto(s, buf, len, flags, to, tolen));
}

ssize_t
recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	PASS(ssize_t, rump_sys_recvfrom(s, buf, len, flags, from, fromlen));
}

ssize_t
send(int s, const void *buf, size_t len, int flags)
{
	return sendto(s, buf, len, flags, NULL, 0);
}

ssize_t
recv(int s, void *buf, size_t len, int flags)
{
	return recvfrom(s, buf, len, flags, NULL, NULL);
}

ssize_t
sendmsg(int s, const struct msghdr *msg, int flags)
{
	PASS(ssize_t, rump_sys_sendmsg(s, msg, flags));
}

ssize_t
recvmsg(int s, struct msghdr *msg, int flags)
{
	PASS(ssize_t, rump_sys_recvmsg(s, msg, flags));
}

int
getsockname(int s, struct sockaddr *addr, socklen_t *len)
{
	PASS(int, rump_sys_getsockname(s, addr, len));
}

int
getpeername(int s, struct sockaddr *addr, socklen_t *len)
{
	PASS(int, rump_sys_getpeername(s, addr, len));
}

int
setsockopt(int s, int level, int name, const void *val, socklen_t len)
{
	PASS(int, rump_sys_setsockopt(s, level, name, val, len));
}

int
getsockopt(int s, int level, int name, void *val, socklen_t *len)
{
	PASS(int, rump_sys_getsockopt(s, level, name, val, len));
}

int
shutdown(int s, int how)
{
	PASS(int, rump_sys_shutdown(s, how));
}

ssize_t
readv(int fd, const struct iovec *iov, int n)
{
	PASS(ssize_t, rump_sys_readv(fd, iov, n)); /* same iovec layout */
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	PASS(ssize_t, rump_sys_writev(fd, iov, n));
}

/* ---- address text ---- */

/* Strict dotted quad: four decimal parts 0-255, nothing else. */
static int
parse4(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return 0;
	}
	if (*s != '\0')
		return 0;
	*out = htonl(a);
	return 1;
}

int
inet_pton(int af, const char *src, void *dst)
{
	uint32_t a;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT; /* no IPv6 in this kernel */
		return -1;
	}
	if (!parse4(src, &a))
		return 0;
	memcpy(dst, &a, 4);
	return 1;
}

const char *
inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const uint8_t *b = src;
	char t[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(t, sizeof(t), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, t, (size_t)n + 1);
	return dst;
}

int
inet_aton(const char *cp, struct in_addr *addr)
{
	return inet_pton(AF_INET, cp, addr) == 1;
}

in_addr_t
inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *
inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &in, buf, sizeof(buf));
}
