/*
 * A client that outlives its server: run by tests/qemu/run.py around a
 * restart of the image. It connects, opens a descriptor, says "ready PID",
 * waits for a line on stdin (meanwhile the image is halted and booted
 * again), then calls getpid, which must reconnect (retry for up to 60 s)
 * and find a new process: a valid pid, and the old descriptor gone.
 * Prints "reconnected: PID -> PID2" and exits 0, or says why and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rump/rumpclient.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

int
main(void)
{
	char line[16], sb[152];
	pid_t pid1, pid2;
	int fd;

	if (rumpclient_init() != 0) {
		printf("rumpclient_init: %s\n", strerror(errno));
		return 1;
	}
	pid1 = rump_sys_getpid();
	fd = rump_sys_open("/reconnect.tmp", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	if (pid1 <= 0 || fd < 0) {
		printf("first connection: pid %d, fd %d\n", (int)pid1, fd);
		return 1;
	}
	rumpclient_setconnretry(60);
	printf("ready %d\n", (int)pid1);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	pid2 = rump_sys_getpid();
	if (pid2 <= 0) {
		printf("getpid after the restart: %d (errno %d)\n", (int)pid2,
		    errno);
		return 1;
	}
	if (rump_sys_fstat(fd, sb) != -1 || errno != RUMP_EBADF) {
		printf("descriptor %d survived the restart\n", fd);
		return 1;
	}
	printf("reconnected: %d -> %d, descriptor %d gone\n", (int)pid1,
	    (int)pid2, fd);
	return 0;
}
