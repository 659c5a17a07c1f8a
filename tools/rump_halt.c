/*
 * rump.halt [-dhn]: halt the rump kernel server named by RUMP_SERVER.
 *   -d  dump core (RB_DUMP)   -h  halt without exiting (RB_HALT)
 *   -n  do not sync file systems (RB_NOSYNC)
 * The server answers the reboot call before it goes away, but the reply
 * may also be lost with the connection: both count as success. A kernel
 * halted with -h stops without answering (doc/rump_sp.md), so then a reply
 * that has not come within HALT_WAIT seconds counts as success too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"

#include "nberrno.h"

#define HALT_WAIT 3

struct halt {
	int h_flags;
	int h_rv;
	int h_errno;
};

static void *
halt(void *arg)
{
	struct halt *h = arg;

	h->h_rv = rump_sys_reboot(h->h_flags, NULL);
	h->h_errno = errno;
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: rump.halt [-dhn]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct halt h = { .h_flags = RUMP_RB_AUTOBOOT };
	struct timespec until;
	pthread_t t;
	int ch;

	while ((ch = getopt(argc, argv, "dhn")) != -1) {
		switch (ch) {
		case 'd':
			h.h_flags |= RUMP_RB_DUMP;
			break;
		case 'h':
			h.h_flags |= RUMP_RB_HALT;
			break;
		case 'n':
			h.h_flags |= RUMP_RB_NOSYNC;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if (rumpclient_init() == -1) {
		fprintf(stderr, "rump.halt: rumpclient init: %s\n",
		    rump_strerror(errno));
		return 1;
	}
	if ((errno = pthread_create(&t, NULL, halt, &h)) != 0) {
		perror("rump.halt: pthread_create");
		return 1;
	}
	if (h.h_flags & RUMP_RB_HALT) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HALT_WAIT;
		if (pthread_timedjoin_np(t, NULL, &until) == ETIMEDOUT)
			return 0;
	} else
		pthread_join(t, NULL);
	/* A lost connection is a host ENOTCONN: the server is gone. */
	if (h.h_rv == -1 && h.h_errno != ENOTCONN) {
		fprintf(stderr, "rump.halt: reboot: %s\n",
		    rump_strerror(h.h_errno));
		return 1;
	}
	return 0;
}
