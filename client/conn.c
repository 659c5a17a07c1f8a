/*
 * Server locators and connections (doc/rump_sp.md): parsing unix:// and
 * tcp:// URLs, connecting, reading the banner, and the program name sent in
 * GUEST and EXEC handshakes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define SCHEME_MAX	     15	   /* characters before "://" */
#define TCPADDR_MAX	     63	   /* characters of a tcp address */
#define BANNER_TIMEOUT_S     30	   /* RUMPCLIENT_BANNER_TIMEOUT's default */
#define BANNER_TIMEOUT_MAX_S 86400 /* and its largest value */

static int
urlerr(int error, const char *msg)
{
	fprintf(stderr, "rump_sp: %s\n", msg);
	return error;
}

/*
 * tcp://A.B.C.D:PORT[/...]: a numeric IPv4 address ("*" and "0" mean
 * INADDR_ANY, which only a server may use) and a decimal port below 65536.
 */
static int
parse_tcp(const char *addr, bool wildcard, struct spc_url *u)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&u->u_sa;
	char host[TCPADDR_MAX + 1];
	const char *colon, *p;
	unsigned long port;

	if ((colon = strchr(addr, ':')) == NULL)
		return urlerr(EINVAL, "missing port specifier");
	if ((size_t)(colon - addr) > TCPADDR_MAX)
		return urlerr(EINVAL, "address too long");
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';

	sin->sin_family = AF_INET;
	if (strcmp(host, "*") == 0 || strcmp(host, "0") == 0)
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return urlerr(EINVAL, "invalid address");
	if (!wildcard && sin->sin_addr.s_addr == htonl(INADDR_ANY))
		return urlerr(EINVAL, "client needs !INADDR_ANY");

	p = colon + 1;
	if (*p < '0' || *p > '9')
		return urlerr(EINVAL, "missing port number");
	for (port = 0; *p >= '0' && *p <= '9'; p++) {
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65536)
			port = 65536; /* saturate: anything this big is out of range */
	}
	if (*p != '\0' && *p != '/')
		return urlerr(EINVAL, "junk at end of port");
	if (port >= 65536)
		return urlerr(ERANGE, "port out of range");
	sin->sin_port = htons((uint16_t)port);

	u->u_domain = PF_INET;
	u->u_salen = sizeof(struct sockaddr_in);
	return 0;
}

/*
 * unix://PATH: a relative PATH is made absolute with the current directory
 * now, so that later reconnects and exec'd images find the same socket.
 */
static int
parse_unix(const char *path, struct spc_url *u)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&u->u_sa;
	char cwd[PATH_MAX];
	size_t plen = strlen(path), clen;

	if (plen >= sizeof(sun->sun_path))
		return urlerr(ENAMETOOLONG, "socket path too long");
	sun->sun_family = AF_LOCAL;
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr,
		    "rump_sp: warning: cannot get current "
		    "directory, using relative socket path\n");
		memcpy(sun->sun_path, path, plen + 1);
	} else if (path[0] != '/') {
		clen = strlen(cwd);
		if (clen + 1 + plen >= sizeof(sun->sun_path))
			return urlerr(ENAMETOOLONG, "socket path too long");
		memcpy(sun->sun_path, cwd, clen);
		sun->sun_path[clen] = '/';
		memcpy(sun->sun_path + clen + 1, path, plen + 1);
		u->u_relative = true;
		snprintf(u->u_parsed, sizeof(u->u_parsed), "unix://%s",
		    sun->sun_path);
	} else {
		memcpy(sun->sun_path, path, plen + 1);
	}
	u->u_domain = PF_LOCAL;
	u->u_salen = sizeof(struct sockaddr_un);
	return 0;
}

/*
 * Parse a server locator into *u. wildcard allows INADDR_ANY (servers
 * only). Returns 0 or an errno (EINVAL, ERANGE, ENAMETOOLONG, EOPNOTSUPP);
 * the reason is printed on stderr.
 */
int
spc_parseurl(const char *url, bool wildcard, struct spc_url *u)
{
	const char *sep;
	size_t slen;

	memset(u, 0, sizeof(*u));
	if ((sep = strstr(url, "://")) == NULL)
		return urlerr(EINVAL, "invalid locator");
	slen = (size_t)(sep - url);
	if (slen > SCHEME_MAX)
		return urlerr(EINVAL, "invalid locator: scheme too long");
	if (slen == 3 && strncmp(url, "tcp", 3) == 0)
		return parse_tcp(sep + 3, wildcard, u);
	if (slen == 4 && strncmp(url, "unix", 4) == 0)
		return parse_unix(sep + 3, u);
	if (slen == 4 && strncmp(url, "tcp6", 4) == 0)
		return urlerr(EOPNOTSUPP, "tcp6: support not yet implemented");
	return urlerr(EINVAL, "invalid locator: unknown scheme");
}

/* Wrap an open socket (non-blocking from now on) in a connection object. */
struct spc_conn *
spc_conn_adopt(int fd)
{
	struct spc_conn *c;
	struct stat st;
	int fl;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		free(c);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		free(c);
		return NULL;
	}
	c->c_fd = fd;
	c->c_dev = st.st_dev;
	c->c_ino = st.st_ino;
	c->c_refs = 1;
	TAILQ_INIT(&c->c_waiters);
	pthread_mutex_init(&c->c_sendmtx, NULL);
	return c;
}

/* Whether c's descriptor is still the socket c was made with. */
bool
spc_fd_ours(const struct spc_conn *c)
{
	struct stat st;

	return fstat(c->c_fd, &st) == 0 && st.st_dev == c->c_dev &&
	    st.st_ino == c->c_ino;
}

/* A blocking connect that survives EINTR (the attempt goes on meanwhile). */
static int
connect_intr(int s, const struct spc_url *u)
{
	struct pollfd pfd = { .fd = s, .events = POLLOUT };

	for (;;) {
		if (connect(s, (const struct sockaddr *)&u->u_sa, u->u_salen) ==
			0 ||
		    errno == EISCONN)
			return 0;
		if (errno == EALREADY || errno == EINPROGRESS)
			(void)poll(&pfd, 1, -1);
		else if (errno != EINTR)
			return errno;
	}
}

/*
 * How long a server may take to send the banner of a connection it has
 * accepted, in milliseconds, 0 for no limit: RUMPCLIENT_BANNER_TIMEOUT
 * seconds (unset or empty: the default), read by rumpclient_init
 * (spc_banner_load); atomic access. A server that accepts and never
 * greets (a wedged one, another program's port, a connection lost on the
 * way) would otherwise hold the caller for ever. connect(2) itself has
 * the system's limits only.
 */
static int banner_ms = BANNER_TIMEOUT_S * 1000;

int
spc_banner_load(void)
{
	const char *v = getenv("RUMPCLIENT_BANNER_TIMEOUT");
	char *end;
	long s;

	if (v == NULL || *v == '\0') {
		__atomic_store_n(&banner_ms, BANNER_TIMEOUT_S * 1000,
		    __ATOMIC_RELAXED);
		return 0;
	}
	errno = 0;
	s = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || s < 0 ||
	    s > BANNER_TIMEOUT_MAX_S) {
		fprintf(stderr,
		    "rump_sp: RUMPCLIENT_BANNER_TIMEOUT=\"%s\": want whole "
		    "seconds, 0 to %d (0: no limit)\n",
		    v, BANNER_TIMEOUT_MAX_S);
		return EINVAL;
	}
	__atomic_store_n(&banner_ms, (int)s * 1000, __ATOMIC_RELAXED);
	return 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The banner: one read (doc/rump_sp.md) once the socket has something,
 * within banner_ms. Returns the count read (0 at end of stream), or -1
 * with errno, ETIMEDOUT if the server said nothing in time.
 */
static ssize_t
read_banner(int s, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	int ms = __atomic_load_n(&banner_ms, __ATOMIC_RELAXED);
	long long end = now_ms() + ms, left;
	ssize_t n;
	int r;

	for (;;) {
		left = end - now_ms();
		if (ms != 0 && left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&pfd, 1, ms == 0 ? -1 : (int)left);
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 1)
			break;
	}
	do
		n = read(s, buf, size);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Open a new connection to the server at *u: a socket numbered 3 or above
 * (never stdin/out/err), connected, and the banner read with a single read
 * that must end in a newline, then the key handshake if the banner or the
 * client's key calls for one. Returns 0 and the connection in *cp, or an
 * errno (EPERM: the key handshake failed; ETIMEDOUT: no banner in time).
 * The socket is close-on-exec; rumpclient_exec lifts that for the one
 * execve that must inherit it.
 */
int
spc_connect(const struct spc_url *u, struct spc_conn **cp)
{
	char banner[SP_MAXBANNER];
	struct spc_conn *c;
	ssize_t n;
	int s, t, one = 1, error;

	if ((s = socket(u->u_domain, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return errno;
	if (s < 3) {
		t = fcntl(s, F_DUPFD_CLOEXEC, 3);
		error = errno;
		close(s);
		if (t == -1)
			return error;
		s = t;
	}
	if ((error = connect_intr(s, u)) != 0)
		goto fail;
	if (u->u_domain == PF_INET)
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	if ((n = read_banner(s, banner, sizeof(banner) - 1)) == -1) {
		error = errno;
		goto fail;
	}
	if (n == 0 || banner[n - 1] != '\n') {
		/* Closed before the banner (server full), or not a rump server. */
		error = n == 0 ? ECONNRESET : EPROTO;
		goto fail;
	}
	if ((c = spc_conn_adopt(s)) == NULL) {
		error = ENOMEM;
		goto fail;
	}
	/* A server with a key asks for it in the banner (client/auth.c). */
	if ((error = spc_auth(c, banner, (size_t)n)) != 0) {
		spc_conn_kill(c);
		spc_conn_rele(c);
		return error;
	}
	*cp = c;
	return 0;

fail:
	close(s);
	return error;
}

/*
 * The name a new rump process gets: this program's command name from
 * /proc/self/comm, or "???". Always non-empty and NUL-terminated.
 */
void
spc_progname(char *buf, size_t len)
{
	char comm[129];
	ssize_t n = -1;
	int fd;

	if ((fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
	}
	if (n > 0 && comm[n - 1] == '\n')
		n--;
	if (n <= 0) {
		memcpy(comm, "???", 4);
		n = 3;
	}
	comm[n] = '\0';
	snprintf(buf, len, "%s", comm);
}
