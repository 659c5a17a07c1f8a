/*
 * BSD sockets in the image over 127.0.0.1: TCP connect, accept, send and
 * receive, UDP datagrams, the address text functions and numeric
 * getaddrinfo/getnameinfo. Prints "ok NAME"
 * or "not ok NAME: why" per check; exits with the number that failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failed;

#define CHECK(name, cond, ...)                                              \
	do {                                                                \
		if (cond) {                                                 \
			printf("ok %s\n", name);                            \
		} else {                                                    \
			failed++;                                           \
			printf("not ok %s: ", name);                        \
			printf(__VA_ARGS__);                                \
			printf(" (errno %d %s)\n", errno, strerror(errno)); \
		}                                                           \
	} while (0)

static void
text(void)
{
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];

	CHECK("inet_pton",
	    inet_pton(AF_INET, "10.0.2.15", &a) == 1 &&
		a.s_addr == htonl(0x0a00020f),
	    "%#x", a.s_addr);
	CHECK("inet_pton_bad",
	    inet_pton(AF_INET, "1.2.3", &a) == 0 &&
		inet_pton(AF_INET, "256.1.1.1", &a) == 0 &&
		inet_pton(AF_INET, "1.2.3.4x", &a) == 0,
	    "accepted a bad address");
	errno = 0;
	CHECK("inet_pton_inet6",
	    inet_pton(AF_INET6, "::1", buf) == -1 && errno == EAFNOSUPPORT,
	    "AF_INET6");
	a.s_addr = htonl(0xc0a80001);
	CHECK("inet_ntop",
	    inet_ntop(AF_INET, &a, buf, sizeof(buf)) != NULL &&
		strcmp(buf, "192.168.0.1") == 0,
	    "%s", buf);
	CHECK("inet_ntop_short", inet_ntop(AF_INET, &a, buf, 5) == NULL,
	    "a 5-byte buffer");
}

static void
tcp(void)
{
	struct sockaddr_in sin, peer;
	socklen_t len = sizeof(sin);
	int l, c, s, one = 1;
	char buf[16] = "", addr[INET_ADDRSTRLEN];

	l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK("tcp_socket", l >= 0, "socket");
	CHECK("setsockopt",
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0,
	    "SO_REUSEADDR");
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7777);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK("bind", bind(l, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind");
	CHECK("listen", listen(l, 4) == 0, "listen");
	CHECK("getsockname",
	    getsockname(l, (struct sockaddr *)&sin, &len) == 0 &&
		ntohs(sin.sin_port) == 7777,
	    "port %u", ntohs(sin.sin_port));
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK("connect", connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0,
	    "connect");
	len = sizeof(peer);
	s = accept(l, (struct sockaddr *)&peer, &len);
	CHECK("accept",
	    s >= 0 && peer.sin_family == AF_INET &&
		inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr)) != NULL &&
		strcmp(addr, "127.0.0.1") == 0,
	    "peer %s", addr);
	CHECK("tcp_nodelay",
	    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0,
	    "TCP_NODELAY");
	CHECK("send", send(c, "ping", 4, 0) == 4, "send");
	CHECK("recv",
	    recv(s, buf, sizeof(buf), MSG_WAITALL) >= 1 &&
		strncmp(buf, "ping", 4) == 0,
	    "got '%s'", buf);
	CHECK("shutdown", shutdown(c, SHUT_WR) == 0, "shutdown");
	CHECK("recv_eof", recv(s, buf, sizeof(buf), 0) == 0, "no end of stream");
	close(c);
	close(s);
	close(l);
	errno = 0;
	c = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(7778);
	CHECK("connect_refused",
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
		errno == ECONNREFUSED,
	    "nobody listens");
	close(c);
}

static void
udp(void)
{
	struct sockaddr_in sin, from;
	socklen_t len = sizeof(sin);
	char buf[16] = "";
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(7779);
	CHECK("udp_bind",
	    u >= 0 && bind(u, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind");
	CHECK("sendto",
	    sendto(u, "dgram", 5, 0, (struct sockaddr *)&sin, sizeof(sin)) == 5,
	    "sendto");
	CHECK("recvfrom",
	    recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 5 &&
		memcmp(buf, "dgram", 5) == 0 && from.sin_port == htons(7779),
	    "got '%s'", buf);
	close(u);
}

/* <netdb.h>: numeric only; names fail honestly (no resolver in the image). */
static void
netdb(void)
{
	struct addrinfo h, *res = NULL;
	struct sockaddr_in *sin, peer;
	socklen_t len = sizeof(peer);
	char host[NI_MAXHOST], serv[NI_MAXSERV], small[4];
	int e, l = -1, c = -1, s = -1;

	memset(&h, 0, sizeof(h));
	h.ai_flags = AI_NUMERICHOST;
	h.ai_socktype = SOCK_STREAM;
	e = getaddrinfo("10.0.2.15", "8080", &h, &res);
	sin = e == 0 ? (struct sockaddr_in *)(void *)res->ai_addr : NULL;
	CHECK("gai_numeric",
	    e == 0 && res->ai_next == NULL && res->ai_family == AF_INET &&
		res->ai_socktype == SOCK_STREAM &&
		res->ai_protocol == IPPROTO_TCP &&
		res->ai_addrlen == sizeof(*sin) && sin->sin_len == sizeof(*sin) &&
		sin->sin_family == AF_INET && sin->sin_port == htons(8080) &&
		sin->sin_addr.s_addr == htonl(0x0a00020f),
	    "error %d", e);
	if (e == 0)
		freeaddrinfo(res);
	memset(&h, 0, sizeof(h));
	e = getaddrinfo("192.168.1.1", NULL, &h, &res);
	CHECK("gai_both_types",
	    e == 0 && res->ai_socktype == SOCK_STREAM && res->ai_next != NULL &&
		res->ai_next->ai_socktype == SOCK_DGRAM &&
		res->ai_next->ai_protocol == IPPROTO_UDP &&
		res->ai_next->ai_next == NULL,
	    "error %d", e);
	if (e == 0)
		freeaddrinfo(res);
	h.ai_flags = AI_PASSIVE;
	h.ai_socktype = SOCK_STREAM;
	e = getaddrinfo(NULL, "7001", &h, &res);
	sin = e == 0 ? (struct sockaddr_in *)(void *)res->ai_addr : NULL;
	CHECK("gai_passive_any",
	    e == 0 && sin->sin_addr.s_addr == htonl(INADDR_ANY), "error %d", e);
	if (e == 0) {
		l = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
		if (l < 0 || bind(l, res->ai_addr, res->ai_addrlen) != 0 ||
		    listen(l, 1) != 0)
			printf("# gai listener: errno %d\n", errno);
		freeaddrinfo(res);
	}
	h.ai_flags = 0;
	e = getaddrinfo(NULL, "7001", &h, &res);
	sin = e == 0 ? (struct sockaddr_in *)(void *)res->ai_addr : NULL;
	CHECK("gai_null_host_loopback",
	    e == 0 && sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	    "error %d", e);
	if (e == 0) {
		c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
		CHECK("gai_connect",
		    c >= 0 && connect(c, res->ai_addr, res->ai_addrlen) == 0,
		    "connect");
		freeaddrinfo(res);
	}
	s = l >= 0 ? accept(l, (struct sockaddr *)&peer, &len) : -1;
	e = s >= 0 ?
	    getnameinfo((struct sockaddr *)&peer, len, host, sizeof(host), serv,
		sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) :
	    -1;
	CHECK("getnameinfo",
	    e == 0 && strcmp(host, "127.0.0.1") == 0 && atoi(serv) > 0 &&
		atoi(serv) == ntohs(peer.sin_port),
	    "error %d host %s serv %s", e, host, serv);
	e = s >= 0 ? getnameinfo((struct sockaddr *)&peer, len, host,
			 sizeof(host), NULL, 0, NI_NAMEREQD) :
		     -1;
	CHECK("getnameinfo_namereqd", e == EAI_NONAME, "error %d", e);
	e = s >= 0 ? getnameinfo((struct sockaddr *)&peer, len, small,
			 sizeof(small), NULL, 0, 0) :
		     -1;
	CHECK("getnameinfo_overflow", e == EAI_OVERFLOW, "error %d", e);
	e = getaddrinfo("localhost.example", "80", NULL, &res);
	CHECK("gai_name_enoname",
	    e == EAI_NONAME && res == NULL && strlen(gai_strerror(e)) > 0,
	    "error %d", e);
	e = getaddrinfo("127.0.0.1", "http", NULL, &res);
	CHECK("gai_service_name", e == EAI_SERVICE, "error %d", e);
	e = getaddrinfo("127.0.0.1", "65536", NULL, &res);
	CHECK("gai_port_range", e == EAI_SERVICE, "error %d", e);
	memset(&h, 0, sizeof(h));
	h.ai_family = AF_INET6;
	e = getaddrinfo("::1", "80", &h, &res);
	CHECK("gai_inet6", e == EAI_FAMILY, "error %d", e);
	h.ai_family = AF_UNSPEC;
	h.ai_flags = 0x4000;
	e = getaddrinfo("127.0.0.1", "80", &h, &res);
	CHECK("gai_badflags", e == EAI_BADFLAGS, "error %d", e);
	e = getaddrinfo(NULL, NULL, NULL, &res);
	CHECK("gai_nothing", e == EAI_NONAME, "error %d", e);
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
}

int
main(void)
{
	text();
	tcp();
	udp();
	netdb();
	printf("sockets: %d failed\n", failed);
	return failed;
}
