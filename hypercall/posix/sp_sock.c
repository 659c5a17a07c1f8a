/*
 * The rump_sp server's byte streams on POSIX hosts (rump/rumpuser_sp.h):
 * unix and tcp sockets, URLs parsed as doc/rump_sp.md says for a server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "rump/rumpdefs.h"
#include "rump/rumpuser_sp.h"
#include "posix.h"

#define SEND_TIMEOUT_MS 30000 /* a client that reads nothing */

struct sp_listener {
	int fd;
	bool closed;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* unix */
};

struct sp_sock {
	int fd;
	size_t pos, end; /* buffered bytes: buf[pos..end) */
	char buf[4096];	 /* a frame header and a small body in one read */
};

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_un un;
};

static int
parse_tcp(const char *a, union addr *u, socklen_t *lenp)
{
	char host[64];
	const char *colon = strchr(a, ':'), *p;
	unsigned long port = 0;

	if (colon == NULL || (size_t)(colon - a) >= sizeof(host))
		return RUMP_EINVAL;
	memcpy(host, a, (size_t)(colon - a));
	host[colon - a] = '\0';
	memset(u, 0, sizeof(*u));
	u->in.sin_family = AF_INET;
	if (strcmp(host, "*") == 0 || strcmp(host, "0") == 0)
		u->in.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &u->in.sin_addr) != 1)
		return RUMP_EINVAL;
	for (p = colon + 1; *p >= '0' && *p <= '9'; p++) {
		port = port * 10 + (unsigned long)(*p - '0');
		if (port >= 65536)
			return RUMP_ERANGE;
	}
	if (p == colon + 1 || (*p != '\0' && *p != '/'))
		return RUMP_EINVAL;
	u->in.sin_port = htons((uint16_t)port);
	*lenp = sizeof(u->in);
	return 0;
}

static int
parse_unix(const char *path, union addr *u, socklen_t *lenp)
{
	char cwd[sizeof(u->un.sun_path)];
	int n;

	memset(u, 0, sizeof(*u));
	u->un.sun_family = AF_UNIX;
	if (path[0] == '\0')
		return RUMP_EINVAL;
	if (path[0] == '/') {
		n = snprintf(u->un.sun_path, sizeof(u->un.sun_path), "%s", path);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return RUMP_ENAMETOOLONG;
		n = snprintf(u->un.sun_path, sizeof(u->un.sun_path), "%s/%s",
		    cwd, path);
	}
	if (n < 0 || (size_t)n >= sizeof(u->un.sun_path))
		return RUMP_ENAMETOOLONG;
	*lenp = sizeof(u->un);
	return 0;
}

static int
sock_listen(const char *url, struct sp_listener **lp)
{
	const char *sep = strstr(url, "://");
	struct sp_listener *l;
	union addr a;
	socklen_t alen = 0;
	size_t slen;
	int error, one = 1;

	if (sep == NULL || (slen = (size_t)(sep - url)) > 15)
		return RUMP_EINVAL;
	if (slen == 3 && strncmp(url, "tcp", 3) == 0)
		error = parse_tcp(sep + 3, &a, &alen);
	else if (slen == 4 && strncmp(url, "unix", 4) == 0)
		error = parse_unix(sep + 3, &a, &alen);
	else if (slen == 4 && strncmp(url, "tcp6", 4) == 0)
		error = RUMP_EOPNOTSUPP;
	else
		error = RUMP_EINVAL;
	if (error != 0)
		return error;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return RUMP_ENOMEM;
	l->fd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		error = posix_errno(errno);
		free(l);
		return error;
	}
	/* Unlike the reference: a restarted server may reuse its tcp port. */
	if (a.sa.sa_family == AF_INET)
		setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, &a.sa, alen) != 0 || listen(l->fd, 256) != 0) {
		error = posix_errno(errno);
		close(l->fd);
		free(l);
		return error;
	}
	if (a.sa.sa_family == AF_UNIX)
		memcpy(l->path, a.un.sun_path, sizeof(l->path));
	*lp = l;
	return 0;
}

static int
sock_accept(struct sp_listener *l, struct sp_sock **sp)
{
	struct sp_sock *s;
	int fd, one = 1;

	for (;;) {
		if (__atomic_load_n(&l->closed, __ATOMIC_ACQUIRE))
			return RUMP_ENOTCONN;
		fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (__atomic_load_n(&l->closed, __ATOMIC_ACQUIRE))
			return RUMP_ENOTCONN;
		/* Out of descriptors or an aborted connection: keep serving. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			usleep(10000);
		else if (errno != EINTR && errno != ECONNABORTED &&
		    errno != EPROTO)
			return posix_errno(errno);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((s = malloc(sizeof(*s))) == NULL) {
		close(fd);
		return RUMP_ENOMEM;
	}
	s->fd = fd;
	s->pos = s->end = 0;
	*sp = s;
	return 0;
}

static void
sock_unlisten(struct sp_listener *l)
{
	if (__atomic_exchange_n(&l->closed, true, __ATOMIC_ACQ_REL))
		return;
	if (l->path[0] != '\0')
		unlink(l->path);
	/* Wakes the accepting thread; the descriptor stays until exit. */
	shutdown(l->fd, SHUT_RDWR);
}

static int
sock_recv(struct sp_sock *s, void *buf, size_t len)
{
	size_t done = 0, take;
	ssize_t n;

	while (done < len) {
		if (s->pos < s->end) {
			take = s->end - s->pos < len - done ? s->end - s->pos :
							      len - done;
			memcpy((char *)buf + done, s->buf + s->pos, take);
			s->pos += take;
			done += take;
			continue;
		}
		/* Big remainders go straight to the caller's buffer. */
		if (len - done >= sizeof(s->buf))
			n = recv(s->fd, (char *)buf + done, len - done, 0);
		else
			n = recv(s->fd, s->buf, sizeof(s->buf), 0);
		if (n == 0)
			return RUMP_ENOTCONN;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return posix_errno(errno);
		}
		if (len - done >= sizeof(s->buf)) {
			done += (size_t)n;
		} else {
			s->pos = 0;
			s->end = (size_t)n;
		}
	}
	return 0;
}

static int
sock_sendv(struct sp_sock *s, const struct sp_iov *iov, int n)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	struct iovec v[8];
	struct msghdr msg = { .msg_iov = v };
	size_t skip = 0;
	ssize_t w;
	int i = 0, k;

	/* One sendmsg for the whole frame: the peer wakes once. */
	while (i < n) {
		for (k = 0; i + k < n && k < 8; k++) {
			v[k].iov_base = (char *)iov[i + k].base +
			    (k == 0 ? skip : 0);
			v[k].iov_len = iov[i + k].len - (k == 0 ? skip : 0);
		}
		msg.msg_iovlen = (size_t)k;
		w = sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w >= 0) {
			/* Advance past what went out. */
			size_t left = (size_t)w;
			while (i < n && left >= iov[i].len - skip) {
				left -= iov[i].len - skip;
				skip = 0;
				i++;
			}
			skip += left;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (poll(&pfd, 1, SEND_TIMEOUT_MS) > 0)
				continue;
			/* Stuck for the whole timeout: this client is dropped. */
			shutdown(s->fd, SHUT_RDWR);
		}
		return RUMP_EPIPE;
	}
	return 0;
}

static void
sock_shutdown(struct sp_sock *s)
{
	shutdown(s->fd, SHUT_RDWR);
}

static void
sock_close(struct sp_sock *s)
{
	close(s->fd);
	free(s);
}

static const struct sp_transport posix_transport = {
	.listen = sock_listen,
	.accept = sock_accept,
	.unlisten = sock_unlisten,
	.recv = sock_recv,
	.sendv = sock_sendv,
	.shutdown = sock_shutdown,
	.close = sock_close,
};

const struct sp_transport *const sp_backend_transport = &posix_transport;
