/*
 * What the two AF_INET test programs share (test_net.c in-process,
 * net_client.c through librumpclient): a NetBSD sockaddr_in of a host
 * address and port, and a socket bound to a free loopback port. Both
 * call the kernel through the rump_sys_*() stubs, so the code is the same.
 */
#ifndef TESTS_HOST_NET_UTIL_H
#define TESTS_HOST_NET_UTIL_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

/* 127.0.0.1-style host_addr and port, in host byte order. */
static inline struct rump_sockaddr_in
sin_of(uint32_t host_addr, uint16_t port)
{
	struct rump_sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_len = sizeof(a);
	a.sin_family = RUMP_AF_INET;
	a.sin_port = htons(port);
	a.sin_addr = htonl(host_addr);
	return a;
}

/* A socket of type bound to 127.0.0.1 on a free port (in *portp); -1. */
static inline int
bound_socket(int type, uint16_t *portp)
{
	struct rump_sockaddr_in a = sin_of(INADDR_LOOPBACK, 0);
	unsigned len = sizeof(a);
	int s = rump_sys_socket(RUMP_AF_INET, type, 0);

	if (s == -1)
		return -1;
	if (rump_sys_bind(s, &a, sizeof(a)) == -1 ||
	    rump_sys_getsockname(s, &a, &len) == -1) {
		rump_sys_close(s);
		return -1;
	}
	*portp = ntohs(a.sin_port);
	return s;
}

#endif
