/*
 * The rump_sp server under ASan and UBSan, in this process: the kernel and
 * its server start here, frames.py speaks raw protocol to it (every case
 * of doc/rump_sp.md and the malformed inputs of the server issue), then this
 * side checks that every client's process went and memory came back.
 */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "../../../sp/sp_server.h"

int proc_count(void);		/* kernel/proc.c */
/* ASan's own count of live heap bytes (no header for it in gcc 12). */
size_t __sanitizer_get_current_allocated_bytes(void);
extern char **environ;

static char url[128];
static int proc_base;
static size_t mem_base;

static int
kernel_procs(void)
{
	int n;

	/* The kernel's own count, read with the kernel entered. */
	rumpuser__hyp->hyp_schedule();
	n = proc_count();
	rumpuser__hyp->hyp_unschedule();
	return n;
}

/* Runs frames.py; its PASS/FAIL lines count as this runner's cases. */
TEST(raw_protocol_cases)
{
	char *argv[] = { "python3", "tests/host/sp/frames.py", url, NULL };
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
	}
	fclose(f);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* After 1,000+ connections, blocked reads and vanished clients. */
TEST(processes_and_memory_back_to_baseline)
{
	int i;

	for (i = 0; i < 500 && (rumpuser_sp_nconn() != 0 ||
	    kernel_procs() != proc_base); i++)
		usleep(10 * 1000);
	CHECK_EQ_INT(rumpuser_sp_nconn(), 0);
	CHECK_EQ_INT(kernel_procs(), proc_base);
	/* Idle worker threads and freed-list slack: allow 256 KiB. */
	size_t now = __sanitizer_get_current_allocated_bytes();
	printf("  heap: %zu bytes at start, %zu now\n", mem_base, now);
	CHECK(now < mem_base + 256 * 1024);
}

TEST(second_server_and_bad_urls)
{
	CHECK_EQ_INT(rump_init_server("unix:///tmp/other.sock"), 16); /* EBUSY */
}

int
main(void)
{
	snprintf(url, sizeof(url), "unix:///tmp/rumpsp-test-%d.sock",
	    (int)getpid());
	if (rump_init() != 0 || rump_init_server(url) != 0) {
		printf("cannot start the server on %s\n", url);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	proc_base = kernel_procs();
	mem_base = __sanitizer_get_current_allocated_bytes();
	RUN(raw_protocol_cases);
	RUN(processes_and_memory_back_to_baseline);
	RUN(second_server_and_bad_urls);
	unlink(url + strlen("unix://"));
	return check_done();
}
