/*
 * What the in-process rump_sp server runners share (test_server.c,
 * test_auth_server.c): the kernel's process count, read with the kernel
 * entered; the wait until no client is left; and the raw-frame scripts
 * (frames.py, auth_frames.py), listed by case and run one case or all.
 * Each runner makes every case of its script a case of its own, run in a
 * process and against a server of its own (check.h: --case NAME, --list).
 */
#ifndef TESTS_HOST_SP_SERVER_HARNESS_H
#define TESTS_HOST_SP_SERVER_HARNESS_H

#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rumpuser.h"
#include "sp_server.h"

int proc_count(void); /* kernel/proc.c */
extern char **environ;

#define SCRIPT_MAXCASES 64 /* cases of one script */
#define SCRIPT_NAMELEN	80

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
 * Waits (up to 60 s: a loaded machine under ASan is slow to let
 * connections go, and the wait ends as soon as the state holds) until the
 * server has no connection and the kernel is back to procs processes,
 * then checks both: every client that came and went took its process
 * with it.
 */
static inline void
check_no_clients_left(int procs)
{
	for (int i = 0;
	     i < 6000 && (rumpuser_sp_nconn() != 0 || kernel_procs() != procs);
	     i++)
		usleep(10 * 1000);
	CHECK_EQ_INT(rumpuser_sp_nconn(), 0);
	CHECK_EQ_INT(kernel_procs(), procs);
}

/*
 * The case names of script (a python3 script's --list) into names; their
 * number, or -1 when the script did not list any.
 */
static inline int
list_script_cases(const char *script, char names[][SCRIPT_NAMELEN])
{
	char cmd[256], line[SCRIPT_NAMELEN];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "python3 %s --list", script);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (n < SCRIPT_MAXCASES && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0')
			snprintf(names[n++], SCRIPT_NAMELEN, "%s", line);
	}
	return pclose(f) == 0 && n > 0 ? n : -1;
}

/*
 * Runs argv (a python3 script) with its output shown here, indented, and
 * counts its "PASS " and "FAIL " lines into *passed and *failed; a
 * "refused N" line sets *refused when refused is not NULL. True when the
 * script ran and exited 0.
 */
static inline bool
run_frame_script(char *const argv[], int *passed, int *failed, int *refused)
{
	char line[512];
	int fds[2], status;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	FILE *f;

	*passed = *failed = 0;
	if (pipe(fds) != 0)
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawnp(&pid, "python3", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (fgets(line, sizeof(line), f) != NULL) {
		printf("  %s", line);
		if (strncmp(line, "PASS ", 5) == 0)
			(*passed)++;
		else if (strncmp(line, "FAIL ", 5) == 0)
			(*failed)++;
		else if (refused != NULL)
			sscanf(line, "refused %d", refused);
	}
	fclose(f);
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#endif
