/*
 * Our stand-in for NetBSD's tests/rump/rumpkern/h_client/h_simplecli
 * (doc/netbsd-tests.md), with the command line t_sp.sh gives it:
 *
 *	h_simplecli		one getpid from $RUMP_SERVER: status 0 if it
 *				answers a pid above 0, else 1
 *	h_simplecli block	getpid every 10 ms, forever: the program
 *				ends only by a signal (t_sp's signal case
 *				expects the one its server posts)
 */
#include <err.h>
#include <stdlib.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpclient.h>

int
main(int argc, char **argv)
{
	(void)argv;
	if (rumpclient_init() == -1)
		err(1, "rumpclient_init");
	if (argc > 1) {
		for (;;) {
			(void)rump_sys_getpid();
			usleep(10000);
		}
	}
	if (rump_sys_getpid() <= 0)
		err(1, "getpid");
	return 0;
}
