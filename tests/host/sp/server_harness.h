/*
 * What the in-process rump_sp server runners share (test_server.c,
 * test_auth_server.c): the kernel's process count, read with the kernel
 * entered, and running one of the raw-frame scripts (frames.py,
 * auth_frames.py) whose PASS/FAIL lines count as the runner's cases.
 */
#ifndef TESTS_HOST_SP_SERVER_HARNESS_H
#define TESTS_HOST_SP_SERVER_HARNESS_H

#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rumpuser.h"

int proc_count(void);		/* kernel/proc.c */
extern char **environ;

/* The kernel's live processes. Any thread outside the kernel. */
static inline int
kernel_procs(void)
{
	int n;

	rumpuser__hyp->hyp_schedule();
	n = proc_count();
	rumpuser__hyp->hyp_unschedule();
	return n;
}

/*
 * Runs argv (a python3 script) with its output read here: each "PASS "
 * or "FAIL " line counts as a case of this runner; a "refused N" line
 * sets *refused when refused is not NULL. Checks the script exits 0.
 */
static inline void
run_frame_script(char *const argv[], int *refused)
{
	char line[512];
	int fds[2], status;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	FILE *f;

	CHECK(pipe(fds) == 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	CHECK(posix_spawnp(&pid, "python3", &fa, NULL, argv, environ) == 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (fgets(line, sizeof(line), f) != NULL) {
		printf("  %s", line);
		if (strncmp(line, "PASS ", 5) == 0)
			check_passed++;
		else if (strncmp(line, "FAIL ", 5) == 0)
			check_failed++;
		else if (refused != NULL)
			sscanf(line, "refused %d", refused);
	}
	fclose(f);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#endif
