/* Internet addresses for programs in the image: NetBSD's layouts. */
#ifndef RUMPIMG_NETINET_IN_H
#define RUMPIMG_NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
	in_addr_t s_addr; /* network byte order */
};

struct sockaddr_in {
	uint8_t sin_len;	/* sizeof(struct sockaddr_in) */
	sa_family_t sin_family; /* AF_INET */
	in_port_t sin_port;	/* network byte order */
	struct in_addr sin_addr;
	char sin_zero[8];
};

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

#define INADDR_ANY	 ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE	 ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK	 ((in_addr_t)0x7f000001) /* host order */

#define INET_ADDRSTRLEN 16

/* x86-64 is little-endian; network order is big-endian. */
#ifndef htons
#define htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define ntohs(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#define ntohl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#endif

#endif
