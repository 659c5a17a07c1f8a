/*
 * Numeric getaddrinfo and getnameinfo for programs in the image. There is
 * no resolver and no services database: hosts are dotted quads (or absent),
 * services decimal ports (or absent); anything else is refused with
 * EAI_NONAME or EAI_SERVICE, never guessed. apps/include/netdb.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netdb.h>

#define AI_KNOWN                                                       \
	(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV | \
	    AI_ADDRCONFIG)
#define NI_KNOWN                                                     \
	(NI_NOFQDN | NI_NUMERICHOST | NI_NAMEREQD | NI_NUMERICSERV | \
	    NI_DGRAM | NI_NUMERICSCOPE)

/* A decimal port 0-65535, nothing else; -1 if serv is not one. */
static int
parse_port(const char *serv)
{
	long v = 0;

	if (*serv == '\0')
		return -1;
	for (const char *s = serv; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || s - serv >= 5)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > 65535 ? -1 : (int)v;
}

/* One result: the address and the canonical name share its allocation. */
static struct addrinfo *
one(const struct in_addr *a, int port, int socktype, int protocol,
    const char *canon)
{
	size_t clen = canon != NULL ? strlen(canon) + 1 : 0;
	struct addrinfo *ai = calloc(1,
	    sizeof(*ai) + sizeof(struct sockaddr_in) + clen);
	struct sockaddr_in *sin;

	if (ai == NULL)
		return NULL;
	sin = (struct sockaddr_in *)(void *)(ai + 1);
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	sin->sin_addr = *a;
	ai->ai_family = AF_INET;
	ai->ai_socktype = socktype;
	ai->ai_protocol = protocol;
	ai->ai_addrlen = sizeof(*sin);
	ai->ai_addr = (struct sockaddr *)sin;
	if (canon != NULL) {
		ai->ai_canonname = (char *)(sin + 1);
		memcpy(ai->ai_canonname, canon, clen);
	}
	return ai;
}

/*
 * getaddrinfo(3) without names: host a dotted quad or NULL (then
 * INADDR_ANY with AI_PASSIVE, else 127.0.0.1), serv a decimal port or
 * NULL. With no socket type in the hints, one result each for TCP and UDP.
 */
int
getaddrinfo(const char *host, const char *serv, const struct addrinfo *hints,
    struct addrinfo **res)
{
	static const struct {
		int type, proto;
	} kinds[] = {
		{ SOCK_STREAM, IPPROTO_TCP },
		{ SOCK_DGRAM, IPPROTO_UDP },
	};
	struct addrinfo h, *head = NULL, **tail = &head;
	struct in_addr a;
	int port = 0, n = 0;

	if (res == NULL)
		return EAI_FAIL;
	*res = NULL;
	memset(&h, 0, sizeof(h));
	if (hints != NULL) {
		h = *hints;
		if (h.ai_addrlen != 0 || h.ai_addr != NULL ||
		    h.ai_canonname != NULL || h.ai_next != NULL)
			return EAI_BADHINTS;
	}
	if (h.ai_flags & ~AI_KNOWN)
		return EAI_BADFLAGS;
	if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET)
		return EAI_FAMILY;
	if (h.ai_socktype != 0 && h.ai_socktype != SOCK_STREAM &&
	    h.ai_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if (h.ai_protocol != 0 && h.ai_protocol != IPPROTO_TCP &&
	    h.ai_protocol != IPPROTO_UDP)
		return EAI_PROTOCOL;
	if ((h.ai_socktype == SOCK_STREAM && h.ai_protocol == IPPROTO_UDP) ||
	    (h.ai_socktype == SOCK_DGRAM && h.ai_protocol == IPPROTO_TCP))
		return EAI_PROTOCOL;
	if (host == NULL && serv == NULL)
		return EAI_NONAME;
	if (serv != NULL && (port = parse_port(serv)) < 0)
		return EAI_SERVICE; /* no services database */
	if (host == NULL)
		a.s_addr = htonl(
		    (h.ai_flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &a) != 1)
		return EAI_NONAME; /* a name: there is no resolver */
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct addrinfo *ai;

		if ((h.ai_socktype != 0 && h.ai_socktype != kinds[i].type) ||
		    (h.ai_protocol != 0 && h.ai_protocol != kinds[i].proto))
			continue;
		ai = one(&a, port, kinds[i].type, kinds[i].proto,
		    n == 0 && (h.ai_flags & AI_CANONNAME) ?
			(host != NULL ? host : inet_ntoa(a)) :
			NULL);
		if (ai == NULL) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		*tail = ai;
		tail = &ai->ai_next;
		n++;
	}
	*res = head;
	return 0;
}

void
freeaddrinfo(struct addrinfo *ai)
{
	while (ai != NULL) {
		struct addrinfo *next = ai->ai_next;

		free(ai);
		ai = next;
	}
}

const char *
gai_strerror(int error)
{
	static const char *const text[] = {
		[0] = "Success",
		[EAI_ADDRFAMILY] = "Address family for hostname not supported",
		[EAI_AGAIN] = "Temporary failure in name resolution",
		[EAI_BADFLAGS] = "Invalid value for ai_flags",
		[EAI_FAIL] = "Non-recoverable failure in name resolution",
		[EAI_FAMILY] = "ai_family not supported",
		[EAI_MEMORY] = "Memory allocation failure",
		[EAI_NODATA] = "No address associated with hostname",
		[EAI_NONAME] = "hostname or servname not provided, or not known",
		[EAI_SERVICE] = "servname not supported for ai_socktype",
		[EAI_SOCKTYPE] = "ai_socktype not supported",
		[EAI_SYSTEM] = "System error returned in errno",
		[EAI_BADHINTS] = "Invalid value for hints",
		[EAI_PROTOCOL] = "Resolved protocol is unknown",
		[EAI_OVERFLOW] = "Argument buffer overflow",
	};

	if (error < 0 || (size_t)error >= sizeof(text) / sizeof(text[0]))
		return "Unknown error";
	return text[error];
}

/*
 * getnameinfo(3), always numeric: the address as a dotted quad, the port
 * in decimal. NI_NAMEREQD asks for a name, which there is no way to find:
 * EAI_NONAME. A buffer too small: EAI_OVERFLOW.
 */
int
getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
	char t[INET_ADDRSTRLEN];
	int n;

	if (sa == NULL || (host == NULL && serv == NULL))
		return EAI_NONAME;
	if (flags & ~NI_KNOWN)
		return EAI_BADFLAGS;
	if (sa->sa_family != AF_INET)
		return EAI_FAMILY;
	if (salen < sizeof(*sin))
		return EAI_FAIL;
	if (host != NULL && hostlen > 0) {
		if (flags & NI_NAMEREQD)
			return EAI_NONAME; /* no resolver */
		if (inet_ntop(AF_INET, &sin->sin_addr, t, sizeof(t)) == NULL)
			return EAI_FAIL;
		if (strlen(t) >= hostlen)
			return EAI_OVERFLOW;
		strcpy(host, t);
	}
	if (serv != NULL && servlen > 0) {
		n = snprintf(serv, servlen, "%u", (unsigned)ntohs(sin->sin_port));
		if (n < 0 || (socklen_t)n >= servlen)
			return EAI_OVERFLOW;
	}
	return 0;
}
