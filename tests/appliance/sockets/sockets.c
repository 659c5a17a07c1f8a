/*
 * BSD sockets in the image over 127.0.0.1: TCP connect, accept, send and
 * receive, UDP datagrams, and the address text functions. Prints "ok NAME"
 * or "not ok NAME: why" per check; exits with the number that failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failed;

#define CHECK(name, cond, ...) do {					\
	if (cond) {							\
		printf("ok %s\n", name);				\
	} else {							\
		failed++;						\
		printf("not ok %s: ", name);				\
		printf(__VA_ARGS__);					\
		printf(" (errno %d %s)\n", errno, strerror(errno));	\
	}								\
} while (0)

static void
text(void)
{
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];

	CHECK("inet_pton", inet_pton(AF_INET, "10.0.2.15", &a) == 1 &&
	    a.s_addr == htonl(0x0a00020f), "%#x", a.s_addr);
	CHECK("inet_pton_bad", inet_pton(AF_INET, "1.2.3", &a) == 0 &&
	    inet_pton(AF_INET, "256.1.1.1", &a) == 0 &&
	    inet_pton(AF_INET, "1.2.3.4x", &a) == 0, "accepted a bad address");
	errno = 0;
	CHECK("inet_pton_inet6", inet_pton(AF_INET6, "::1", buf) == -1 &&
	    errno == EAFNOSUPPORT, "AF_INET6");
	a.s_addr = htonl(0xc0a80001);
	CHECK("inet_ntop", inet_ntop(AF_INET, &a, buf, sizeof(buf)) != NULL &&
	    strcmp(buf, "192.168.0.1") == 0, "%s", buf);
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
	CHECK("setsockopt", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == 0, "SO_REUSEADDR");
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7777);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK("bind", bind(l, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind");
	CHECK("listen", listen(l, 4) == 0, "listen");
	CHECK("getsockname", getsockname(l, (struct sockaddr *)&sin, &len) == 0
	    && ntohs(sin.sin_port) == 7777, "port %u", ntohs(sin.sin_port));
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK("connect", connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0,
	    "connect");
	len = sizeof(peer);
	s = accept(l, (struct sockaddr *)&peer, &len);
	CHECK("accept", s >= 0 && peer.sin_family == AF_INET &&
	    inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr)) != NULL &&
	    strcmp(addr, "127.0.0.1") == 0, "peer %s", addr);
	CHECK("tcp_nodelay", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == 0, "TCP_NODELAY");
	CHECK("send", send(c, "ping", 4, 0) == 4, "send");
	CHECK("recv", recv(s, buf, sizeof(buf), MSG_WAITALL) >= 1 &&
	    strncmp(buf, "ping", 4) == 0, "got '%s'", buf);
	CHECK("shutdown", shutdown(c, SHUT_WR) == 0, "shutdown");
	CHECK("recv_eof", recv(s, buf, sizeof(buf), 0) == 0, "no end of stream");
	close(c);
	close(s);
	close(l);
	errno = 0;
	c = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(7778);
	CHECK("connect_refused", connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 && errno == ECONNREFUSED, "nobody listens");
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
	CHECK("udp_bind", u >= 0 && bind(u, (struct sockaddr *)&sin,
	    sizeof(sin)) == 0, "bind");
	CHECK("sendto", sendto(u, "dgram", 5, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == 5, "sendto");
	CHECK("recvfrom", recvfrom(u, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &len) == 5 && memcmp(buf, "dgram", 5) == 0
	    && from.sin_port == htons(7779), "got '%s'", buf);
	close(u);
}

int
main(void)
{
	text();
	tcp();
	udp();
	printf("sockets: %d failed\n", failed);
	return failed;
}
