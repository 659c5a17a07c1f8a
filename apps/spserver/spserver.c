/*
 * The default appliance: the rump kernel with its rump_sp server on TCP,
 * so that host programs linked with librumpclient make system calls into
 * this image. The port comes from the kernel command line word
 * RUMP_SP_PORT=N (default CONFIG_APP_SPSERVER_PORT); the address is the
 * network's (DHCP from QEMU's user network, or RUMP_NET_IPV4=...).
 * scripts/run-qemu --sp-port N forwards the host's 127.0.0.1:N to it. The
 * image runs until a client calls reboot (rump.halt), then QEMU exits.
 *
 * With RUMP_ECHO_PORT=E it also runs a plain TCP server on port E, made of
 * rump_sys_* calls in threads of the image (a process of its own): the
 * first byte of a connection picks echo ('e': every byte back) or sink
 * ('s': bytes counted until the peer's shutdown, then the count sent back
 * as 8 bytes, little-endian). It is the floor that make bench compares
 * remote system calls with: the same network path, no rump_sp.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#ifndef CONFIG_APP_SPSERVER_PORT
#define CONFIG_APP_SPSERVER_PORT 12345 /* as an in-image test */
#endif

int spserver_main(void);

#define ECHO_CHUNK (64 * 1024)

static long echo_port;
static int echo_pid;
static volatile int echo_state; /* 0 starting, 1 listening, -1 failed */

static int
echo_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = rump_sys_write(fd, buf, len)) <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One connection (descriptor arg of the echo process), in its own lwp. */
static void *
echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint64_t total = 0;
	unsigned char le[8];
	char mode, *buf;
	ssize_t n;

	if (rump_pub_lwproc_newlwp(echo_pid) != 0) {
		printf("spserver: echo: no lwp for a connection\n");
		return NULL;
	}
	if ((buf = malloc(ECHO_CHUNK)) != NULL &&
	    rump_sys_read(fd, &mode, 1) == 1) {
		if (mode == 'e') {
			while ((n = rump_sys_read(fd, buf, ECHO_CHUNK)) > 0 &&
			    echo_write_all(fd, buf, (size_t)n) == 0)
				continue;
		} else if (mode == 's') {
			while ((n = rump_sys_read(fd, buf, ECHO_CHUNK)) > 0)
				total += (uint64_t)n;
			for (int i = 0; i < 8; i++)
				le[i] = (unsigned char)(total >> (8 * i));
			if (n == 0)
				echo_write_all(fd, (char *)le, sizeof(le));
		}
	}
	free(buf);
	rump_sys_close(fd);
	rump_pub_lwproc_releaselwp();
	return NULL;
}

/*
 * The echo server's listener: a process of its own, a thread per
 * connection. Sets echo_state once it listens (or failed).
 */
static void *
echo_listener(void *arg)
{
	struct rump_sockaddr_in a = { sizeof(a), RUMP_AF_INET,
		(uint16_t)(echo_port >> 8 | (echo_port & 0xff) << 8), 0, { 0 } };
	int l = -1, c, one = 1;

	(void)arg;
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0 ||
	    (l = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0)) < 0 ||
	    rump_sys_setsockopt(l, RUMP_SOL_SOCKET, RUMP_SO_REUSEADDR, &one,
		sizeof(one)) != 0 ||
	    rump_sys_bind(l, &a, sizeof(a)) != 0 || rump_sys_listen(l, 16) != 0) {
		printf("spserver: no tcp echo server on port %ld: error %d\n",
		    echo_port, errno);
		echo_state = -1;
		if (rump_pub_lwproc_curlwp() != NULL)
			rump_pub_lwproc_releaselwp();
		return NULL;
	}
	echo_pid = rump_sys_getpid();
	echo_state = 1;
	for (;;) {
		if ((c = rump_sys_accept(l, NULL, NULL)) < 0) {
			printf("spserver: echo: accept: error %d\n", errno);
			rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0,
			    100000000);
			continue;
		}
		rump_sys_setsockopt(c, RUMP_IPPROTO_TCP, RUMP_TCP_NODELAY, &one,
		    sizeof(one));
		if (rumpuser_thread_create(echo_conn, (void *)(intptr_t)c,
			"echo", 0, 0, -1, NULL) != 0)
			rump_sys_close(c);
	}
}

/* Starts the echo server if RUMP_ECHO_PORT is given; waits till it listens. */
static void
echo_start(void)
{
	char buf[16], *end;

	if (rumpuser_getparam("RUMP_ECHO_PORT", buf, sizeof(buf)) != 0)
		return;
	echo_port = strtol(buf, &end, 10);
	if (*end != '\0' || echo_port < 1 || echo_port > 65535) {
		printf("spserver: RUMP_ECHO_PORT=%s is not a port number; no "
		       "echo server\n",
		    buf);
		return;
	}
	if (rumpuser_thread_create(echo_listener, NULL, "echo-listener", 0, 0,
		-1, NULL) != 0) {
		printf("spserver: no thread for the echo server\n");
		return;
	}
	while (echo_state == 0)
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 1000000);
	if (echo_state == 1)
		printf("spserver: tcp echo server on port %ld\n", echo_port);
}

/*
 * Boots the kernel and serves until a client's reboot ends the image;
 * returns only on failure. Also the test image's test=sp_server.
 */
int
spserver_main(void)
{
	char url[64], buf[16];
	long port = CONFIG_APP_SPSERVER_PORT;
	int error;

	if (rumpuser_getparam("RUMP_SP_PORT", buf, sizeof(buf)) == 0) {
		char *end;
		port = strtol(buf, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535) {
			printf("spserver: RUMP_SP_PORT=%s is not a port number; "
			       "using %d\n",
			    buf, CONFIG_APP_SPSERVER_PORT);
			port = CONFIG_APP_SPSERVER_PORT;
		}
	}
	if ((error = rump_init()) != 0) {
		printf("spserver: rump_init failed: error %d\n", error);
		return 1;
	}
	error = rump_net_wait_address(30ULL * 1000000000ULL);
	if (error == RUMP_ENXIO)
		printf("spserver: no network device: serving on 127.0.0.1 "
		       "inside the image only\n");
	else if (error != 0)
		printf("spserver: no IPv4 address after 30 s; listening "
		       "anyway\n");
	echo_start();
	snprintf(url, sizeof(url), "tcp://0:%ld", port);
	if ((error = rump_init_server(url)) != 0) {
		printf("spserver: cannot serve %s: error %d\n", url, error);
		return 1;
	}
	printf("rump_sp: listening on %s; from the host: "
	       "RUMP_SERVER=tcp://127.0.0.1:%ld (scripts/run-qemu --sp-port %ld)\n",
	    url, port, port);
	fflush(stdout);
	for (;;) /* the server's threads do the work; reboot ends it */
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 3600, 0);
}

#ifdef CONFIG_APP_SPSERVER
int app_main(void);

int
app_main(void)
{
	return spserver_main();
}
#endif
