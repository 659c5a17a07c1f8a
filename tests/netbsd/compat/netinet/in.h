/*
 * The C library's netinet/in.h, but struct sockaddr_in with NetBSD's
 * layout (sin_len, an 8-bit sin_family): the tests hand it to the rump
 * kernel's bind() and connect() as it is.
 */
#ifndef NBCOMPAT_NETINET_IN_H
#define NBCOMPAT_NETINET_IN_H
#include <stdint.h>
#define sockaddr_in linux_sockaddr_in
#include_next <netinet/in.h>
#undef sockaddr_in
struct sockaddr_in {
	uint8_t sin_len;
	uint8_t sin_family;
	in_port_t sin_port;
	struct in_addr sin_addr;
	char sin_zero[8];
};
#endif
