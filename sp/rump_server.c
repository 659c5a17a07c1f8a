/*
 * rump_server: the rump kernel as a host server over rump_sp.
 *
 *	rump_server [-s] [-c ncpu] [-r ramsize] [-v] URL
 *
 * NetBSD's option letters: -s stays in the foreground, -c sets the number
 * of virtual CPUs (RUMP_NCPU), -r the memory limit (RUMP_MEMLIMIT, with k,
 * m or g suffixes), -v a verbose boot. Without -s it detaches and returns
 * only once the socket listens (exit 0) or the start failed (exit 1), so a
 * script may connect right after. SIGTERM and SIGINT halt it cleanly, as
 * a client's reboot does; it exits 0 when halted.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpuser.h"

static void
usage(void)
{
	fprintf(stderr, "usage: rump_server [-s] [-c ncpu] [-r ramsize[k|m|g]] "
	    "[-v] URL\n  URL: unix://PATH or tcp://ADDR:PORT\n");
	exit(1);
}

/* "64m" and the like as a byte count; 0 for nonsense. */
static unsigned long long
memsize(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || v == 0)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end == '\0' ? v : 0;
}

int
main(int argc, char **argv)
{
	char buf[32];
	sigset_t sigs;
	int ch, sig, error, foreground = 0;

	while ((ch = getopt(argc, argv, "c:r:sv")) != -1) {
		switch (ch) {
		case 'c':
			if (atoi(optarg) < 1) {
				fprintf(stderr, "rump_server: -c wants a "
				    "number of CPUs >= 1, not \"%s\"\n", optarg);
				return 1;
			}
			setenv("RUMP_NCPU", optarg, 1);
			break;
		case 'r':
			if (memsize(optarg) == 0) {
				fprintf(stderr, "rump_server: -r wants a size "
				    "such as 64m, not \"%s\"\n", optarg);
				return 1;
			}
			snprintf(buf, sizeof(buf), "%llu", memsize(optarg));
			setenv("RUMP_MEMLIMIT", buf, 1);
			break;
		case 's':
			foreground = 1;
			break;
		case 'v':
			setenv("RUMP_VERBOSE", "1", 1);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();

	if (!foreground && (error = rumpuser_daemonize_begin()) != 0) {
		fprintf(stderr, "rump_server: cannot detach (error %d)\n", error);
		return 1;
	}
	/* The kernel's threads inherit this: only main takes the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((error = rump_init()) != 0)
		fprintf(stderr, "rump_server: rump_init failed (error %d)\n",
		    error);
	else if ((error = rump_init_server(argv[optind])) != 0)
		fprintf(stderr, "rump_server: cannot serve %s: error %d (%s)\n",
		    argv[optind], error, error == 48 ? "address in use" :
		    error == 22 ? "invalid URL" : error == 63 ?
		    "path too long" : error == 34 ? "port out of range" :
		    error == 45 ? "not supported" : "see errno(2) of NetBSD");
	if (!foreground)
		rumpuser_daemonize_done(error);
	if (error != 0)
		return 1;

	while (sigwait(&sigs, &sig) != 0)
		continue;
	rump_sys_reboot(0, NULL);	/* exits */
	return 0;
}
