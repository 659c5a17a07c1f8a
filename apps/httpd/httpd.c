/*
 * A small static HTTP/1.1 server: GET and HEAD of the files under a root
 * directory (the appliance's root file system), keep-alive, content types
 * by extension, index.html for directories, 400/403/404/405/505 answers,
 * and no path outside the root. One connection at a time (the image's
 * threads are cooperative; a client that idles for 5 s is dropped).
 * -e PORT adds a plain TCP echo service in a thread of its own: the floor
 * that `make bench` measures HTTP requests against (bench/appliance.py).
 *   httpd [-p PORT] [-r ROOT] [-n MAXCONN] [-e ECHOPORT]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define REQMAX 8192

static const char *root = "/";

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html" },
	{ ".htm", "text/html" },
	{ ".txt", "text/plain" },
	{ ".css", "text/css" },
	{ ".js", "text/javascript" },
	{ ".json", "application/json" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".svg", "image/svg+xml" },
	{ ".ico", "image/x-icon" },
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]);
	     i++)
		if (strcasecmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
status(int fd, int code, const char *why, int keep)
{
	char h[256], body[128];
	int bl = snprintf(body, sizeof(body), "%d %s\n", code, why);
	int hl = snprintf(h, sizeof(h),
	    "HTTP/1.1 %d %s\r\nContent-Type: "
	    "text/plain\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n",
	    code, why, bl, keep ? "keep-alive" : "close");

	if (write_all(fd, h, (size_t)hl) != 0 ||
	    write_all(fd, body, (size_t)bl) != 0)
		return -1;
	return keep ? 0 : -1;
}

/* Decodes %XX and refuses any ".." segment, NUL or backslash. 0 or -1. */
static int
clean_target(const char *t, char *out, size_t outlen)
{
	size_t n = 0;

	if (t[0] != '/')
		return -1;
	for (; *t != '\0' && *t != '?' && *t != '#'; t++) {
		char c = *t;

		if (c == '%') {
			unsigned v;

			if (sscanf(t + 1, "%2x", &v) != 1 || v == 0)
				return -1;
			c = (char)v;
			t += 2;
		}
		if (c == '\\' || n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	for (char *s = out; (s = strstr(s, "..")) != NULL; s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return -1;
	return 0;
}

/*
 * Whether the connection stays open after this request: the Connection
 * header's value (close or keep-alive) if there is one, else dflt (HTTP/1.1
 * keeps, 1.0 closes). One pass over the header lines.
 */
static int
keep_alive(const char *req, int dflt)
{
	for (const char *l = strchr(req, '\n'); l != NULL; l = strchr(l, '\n')) {
		l++;
		if (strncasecmp(l, "Connection:", 11) != 0)
			continue;
		l += 11;
		while (*l == ' ' || *l == '\t')
			l++;
		if (strncasecmp(l, "close", 5) == 0)
			return 0;
		if (strncasecmp(l, "keep-alive", 10) == 0)
			return 1;
	}
	return dflt;
}

/*
 * The last file served stays open: the next request for the same path
 * reuses the descriptor while stat(2) shows the same file unchanged (device,
 * inode, size, modification and change times), so a file replaced or
 * written since is opened afresh.
 */
static struct {
	char path[1200];
	int fd; /* -1: nothing cached */
	struct stat st;
} cached = { .fd = -1 };

static void
forget_cached(void)
{
	if (cached.fd >= 0)
		close(cached.fd);
	cached.fd = -1;
}

/* A descriptor of path at offset 0, whose stat(2) is st; -1 if it fails. */
static int
open_cached(const char *path, const struct stat *st)
{
	const struct stat *c = &cached.st;

	if (cached.fd >= 0 && strcmp(cached.path, path) == 0 &&
	    c->st_dev == st->st_dev && c->st_ino == st->st_ino &&
	    c->st_size == st->st_size && c->st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    c->st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    c->st_ctim.tv_sec == st->st_ctim.tv_sec &&
	    c->st_ctim.tv_nsec == st->st_ctim.tv_nsec &&
	    lseek(cached.fd, 0, SEEK_SET) == 0)
		return cached.fd;
	forget_cached();
	if (strlen(path) >= sizeof(cached.path))
		return -1;
	if ((cached.fd = open(path, O_RDONLY)) >= 0) {
		strcpy(cached.path, path);
		cached.st = *st;
	}
	return cached.fd;
}

/* The answer being built: a header, then as much of the file as fits. */
static char out[16384];

/*
 * Sends the hl header bytes already in out, then size bytes of file f,
 * filling out before each send. 0, or -1 when the file or the peer fails.
 */
static int
send_file(int fd, int f, size_t have, off_t size)
{
	while (size > 0) {
		size_t room = sizeof(out) - have;
		ssize_t n = read(f, out + have,
		    (off_t)room < size ? room : (size_t)size);

		if (n <= 0)
			return -1; /* the file shrank or failed */
		have += (size_t)n;
		size -= n;
		if (have == sizeof(out) || size == 0) {
			if (write_all(fd, out, have) != 0)
				return -1;
			have = 0;
		}
	}
	return have > 0 ? write_all(fd, out, have) : 0;
}

/* Serves one request; returns 0 to keep the connection, -1 to close it. */
static int
serve(int fd, char *req)
{
	char method[8], target[1024], version[16], path[1200], rel[1024];
	struct stat st;
	int keep, f, hl;

	if (sscanf(req, "%7s %1023s %15s", method, target, version) != 3)
		return status(fd, 400, "Bad Request", 0);
	if (strncmp(version, "HTTP/1.", 7) != 0)
		return status(fd, 505, "HTTP Version Not Supported", 0);
	keep = keep_alive(req, strcmp(version, "HTTP/1.1") == 0);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return status(fd, 405, "Method Not Allowed", keep);
	if (clean_target(target, rel, sizeof(rel)) != 0)
		return status(fd, 403, "Forbidden", keep);
	snprintf(path, sizeof(path), "%s%s", strcmp(root, "/") == 0 ? "" : root,
	    rel);
	if (stat(path, &st) != 0)
		return status(fd, errno == ENOENT || errno == ENOTDIR ? 404 : 403,
		    errno == ENOENT || errno == ENOTDIR ? "Not Found" :
							  "Forbidden",
		    keep);
	if (S_ISDIR(st.st_mode)) {
		strncat(path,
		    path[strlen(path) - 1] == '/' ? "index.html" : "/index.html",
		    sizeof(path) - strlen(path) - 1);
		if (stat(path, &st) != 0)
			return status(fd, 403, "Forbidden", keep);
	}
	if (!S_ISREG(st.st_mode) || (f = open_cached(path, &st)) < 0)
		return status(fd, 403, "Forbidden", keep);
	hl = snprintf(out, sizeof(out),
	    "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
	    "Content-Length: %lld\r\nConnection: %s\r\n\r\n",
	    content_type(path), (long long)st.st_size,
	    keep ? "keep-alive" : "close");
	/*
	 * The header and the file leave in as few sends as fit in out: a small
	 * file is one segment on the wire, not a header segment and a body one.
	 */
	if (send_file(fd, f, (size_t)hl,
		strcmp(method, "GET") == 0 ? st.st_size : 0) != 0) {
		forget_cached();
		return -1;
	}
	return keep ? 0 : -1;
}

/* Reads requests off one connection until it closes or idles. */
static void
connection(int fd)
{
	static char buf[REQMAX + 1];
	size_t have = 0;

	for (;;) {
		char *end;
		ssize_t n;

		buf[have] = '\0';
		while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			size_t used = (size_t)(end + 4 - buf);

			*end = '\0';
			if (serve(fd, buf) != 0)
				return;
			memmove(buf, buf + used, have - used + 1);
			have -= used;
		}
		if (have == REQMAX) {
			status(fd, 431, "Request Header Fields Too Large", 0);
			return;
		}
		n = recv(fd, buf + have, REQMAX - have, 0);
		if (n <= 0)
			return; /* closed, reset or idle */
		have += (size_t)n;
	}
}

/* A listening TCP socket on port (all addresses), or -1 with a message. */
static int
listener(int port)
{
	struct sockaddr_in sin;
	int l, one = 1;

	l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (l < 0 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(l, 8) != 0) {
		fprintf(stderr, "httpd: cannot listen on port %d: %s\n", port,
		    strerror(errno));
		if (l >= 0)
			close(l);
		return -1;
	}
	return l;
}

/* The echo service (-e): each connection gets back what it sends. */
static void *
echo(void *arg)
{
	int l = (int)(intptr_t)arg, one = 1;

	for (;;) {
		static char buf[4096];
		int c = accept(l, NULL, NULL);
		ssize_t n;

		if (c < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
			if (write_all(c, buf, (size_t)n) != 0)
				break;
		close(c);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct timeval idle = { 5, 0 };
	int port = 80, maxconn = -1, echoport = 0, one = 1, opt, l, el;
	pthread_t t;

	while ((opt = getopt(argc, argv, "p:r:n:e:")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			root = optarg;
			break;
		case 'n':
			maxconn = atoi(optarg);
			break;
		case 'e':
			echoport = atoi(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: httpd [-p port] [-r root] [-n maxconn] "
			    "[-e echoport]\n");
			return 2;
		}
	}
	if (port < 1 || port > 65535 || echoport < 0 || echoport > 65535 ||
	    echoport == port) {
		fprintf(stderr, "httpd: bad port %d or echo port %d\n", port,
		    echoport);
		return 2;
	}
	if ((l = listener(port)) < 0)
		return 1;
	if (echoport != 0) {
		if ((el = listener(echoport)) < 0)
			return 1;
		if ((errno = pthread_create(&t, NULL, echo,
			 (void *)(intptr_t)el)) != 0) {
			fprintf(stderr, "httpd: no echo thread: %s\n",
			    strerror(errno));
			return 1;
		}
		pthread_detach(t);
		printf("httpd: echo on port %d\n", echoport);
	}
	printf("httpd: serving %s on port %d\n", root, port);
	fflush(stdout);
	for (int served = 0; maxconn < 0 || served < maxconn; served++) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		connection(c);
		close(c);
	}
	printf("httpd: %d connections served, exiting\n", maxconn);
	return 0;
}
