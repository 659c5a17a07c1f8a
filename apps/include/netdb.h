/*
 * Address and service translation for programs in the image (netdb.c):
 * numeric only. The image has no resolver and no /etc/services, so a host
 * that is not a dotted quad gets EAI_NONAME, a service that is not a
 * decimal port EAI_SERVICE, and getnameinfo always answers numerically
 * (EAI_NONAME with NI_NAMEREQD). IPv4 only: AF_INET6 gets EAI_FAMILY.
 * The numbers are NetBSD's (netdb.h in NetBSD's getaddrinfo(3)).
 */
#ifndef RUMPIMG_NETDB_H
#define RUMPIMG_NETDB_H

#include <sys/socket.h>
#include <netinet/in.h>

struct addrinfo {
	int ai_flags;	      /* AI_* */
	int ai_family;	      /* AF_INET */
	int ai_socktype;      /* SOCK_STREAM, SOCK_DGRAM */
	int ai_protocol;      /* IPPROTO_TCP, IPPROTO_UDP */
	socklen_t ai_addrlen; /* sizeof(struct sockaddr_in) */
	char *ai_canonname;   /* with AI_CANONNAME: the numeric host */
	struct sockaddr *ai_addr;
	struct addrinfo *ai_next;
};

#define AI_PASSIVE     0x00000001 /* no host: INADDR_ANY, not loopback */
#define AI_CANONNAME   0x00000002
#define AI_NUMERICHOST 0x00000004 /* always the case here */
#define AI_NUMERICSERV 0x00000008 /* always the case here */
#define AI_ADDRCONFIG  0x00000400 /* accepted; IPv4 is all there is */

#define NI_NOFQDN	0x00000001
#define NI_NUMERICHOST	0x00000002 /* always the case here */
#define NI_NAMEREQD	0x00000004 /* fails: no names without a resolver */
#define NI_NUMERICSERV	0x00000008 /* always the case here */
#define NI_DGRAM	0x00000010
#define NI_NUMERICSCOPE 0x00000020

#define NI_MAXHOST 1025
#define NI_MAXSERV 32

#define EAI_ADDRFAMILY 1
#define EAI_AGAIN      2
#define EAI_BADFLAGS   3
#define EAI_FAIL       4
#define EAI_FAMILY     5
#define EAI_MEMORY     6
#define EAI_NODATA     7
#define EAI_NONAME     8
#define EAI_SERVICE    9
#define EAI_SOCKTYPE   10
#define EAI_SYSTEM     11
#define EAI_BADHINTS   12
#define EAI_PROTOCOL   13
#define EAI_OVERFLOW   14

int getaddrinfo(const char *host, const char *serv,
    const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *ai);
const char *gai_strerror(int error);
int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags);

#endif
