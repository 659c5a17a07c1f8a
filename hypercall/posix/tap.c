/*
 * The rumpuser_ext_net_*() extension (rump/rumpuser.h) on a Linux TAP
 * device, the role NetBSD's virtif plays for its rump kernels: the kernel's
 * Ethernet interface "vn0" (kernel/net/netif.c) sends and receives the
 * TAP device's frames.
 *
 * The environment variable RUMP_NET_TAP names the device ("tap0"); it is
 * created if it does not exist (which needs CAP_NET_ADMIN) or attached to
 * when it does (made beforehand with `ip tuntap add tap0 mode tap user U`,
 * so that U needs no privilege). Without RUMP_NET_TAP there is no device:
 * ENXIO, and the kernel has the loopback interface only. When the device
 * cannot be had, net_info says why on stderr once and fails with the
 * error, so rump_init() fails rather than running without the network it
 * was asked for (doc/host-net.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "posix.h"

#define ENXIO_NB     6
#define ENODEV_NB    19
#define EINVAL_NB    22
#define ETIMEDOUT_NB 60
#define TAP_MTU	     1500
#define ETH_HDR	     14
#define TUN_DEV	     "/dev/net/tun"

static pthread_once_t tap_once = PTHREAD_ONCE_INIT;
static int tap_fd = -1;
static int tap_error = ENXIO_NB; /* 0 once the device is open */
static uint8_t tap_mac[6];

static int
tap_fail(const char *name, const char *what, int host)
{
	int error = posix_errno(host);

	fprintf(stderr, "rumpuser: RUMP_NET_TAP=%s: %s: %s\n", name, what,
	    strerror(host));
	if (host == EPERM || host == EACCES)
		fprintf(stderr,
		    "rumpuser: RUMP_NET_TAP: creating a TAP device "
		    "needs CAP_NET_ADMIN; or make it first with "
		    "`ip tuntap add %s mode tap user $USER`\n",
		    name);
	/* ENXIO would mean "no device asked for": say something else. */
	return error == ENXIO_NB ? ENODEV_NB : error;
}

static void
tap_open(void)
{
	const char *name = getenv("RUMP_NET_TAP");
	struct ifreq ifr;
	uint32_t r;
	int fd;

	if (name == NULL || name[0] == '\0')
		return; /* tap_error stays ENXIO */
	if (strlen(name) >= IFNAMSIZ) {
		fprintf(stderr,
		    "rumpuser: RUMP_NET_TAP=%s: an interface name "
		    "has at most %d characters\n",
		    name, IFNAMSIZ - 1);
		tap_error = EINVAL_NB;
		return;
	}
	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) == -1) {
		tap_error = tap_fail(name, TUN_DEV, errno);
		return;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		tap_error = tap_fail(name, "attaching (TUNSETIFF)", errno);
		close(fd);
		return;
	}
	/* A locally administered unicast address, different per process. */
	if (rumpuser_getrandom(&r, sizeof(r), 0, &(size_t){ 0 }) != 0)
		r = (uint32_t)getpid();
	tap_mac[0] = 0x02;
	tap_mac[1] = 0x72; /* 'r' */
	memcpy(&tap_mac[2], &r, 4);
	tap_fd = fd;
	tap_error = 0;
}

int
rumpuser_ext_net_info(uint8_t mac[6], int *mtu)
{
	pthread_once(&tap_once, tap_open);
	if (tap_error != 0)
		return tap_error;
	memcpy(mac, tap_mac, sizeof(tap_mac));
	*mtu = TAP_MTU;
	return 0;
}

int
rumpuser_ext_net_send(const void *frame, size_t len)
{
	ssize_t n;

	if (tap_fd == -1)
		return ENXIO_NB;
	if (len > ETH_HDR + TAP_MTU)
		return EINVAL_NB;
	/* A TAP write never waits: the host queues the frame or drops it. */
	do
		n = write(tap_fd, frame, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return posix_errno(errno);
	return 0;
}

int
rumpuser_ext_net_recv(void *buf, size_t size, size_t *lenp, uint64_t timeout_ns)
{
	struct pollfd pfd;
	uint64_t ms64;
	ssize_t n;
	int nlocks, rv, ms;

	if (tap_fd == -1)
		return ENXIO_NB;
	ms64 = (timeout_ns + 999999) / 1000000;
	ms = timeout_ns == 0 ? -1 : ms64 > INT_MAX ? INT_MAX : (int)ms64;
	pfd.fd = tap_fd;
	pfd.events = POLLIN;
	for (;;) {
		/* The CPU goes to others while this thread waits for a frame. */
		posix_unsched(&nlocks, NULL);
		rv = poll(&pfd, 1, ms);
		posix_sched(nlocks, NULL);
		if (rv == -1 && errno == EINTR)
			continue;
		if (rv == -1)
			return posix_errno(errno);
		if (rv == 0)
			return ETIMEDOUT_NB;
		n = read(tap_fd, buf, size);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return posix_errno(errno);
		*lenp = (size_t)n;
		return 0;
	}
}
