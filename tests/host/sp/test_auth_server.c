/*
 * The rump_sp server with a key (doc/rump_sp-auth.md) under ASan and
 * UBSan, in this process: rump_init_server_key() before the server starts,
 * auth_frames.py speaks raw frames to it (the handshake, and every way to
 * skip or fake it), then this side checks that each refusal was counted
 * and that no refused client left a process or a connection behind.
 */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "sp_auth.h"
#include "sp_server.h"
#include "sp/server_harness.h"


static const char keyhex[] = "8f3c1a5e2b7d4f6081a9c3e5b7d9f1a3"
    "c5e7092b4d6f8193a5c7e9fb1d3f5a7c";
static char url[128];
static int proc_base;

/* Runs auth_frames.py; its PASS/FAIL lines count as this runner's cases. */
TEST(raw_frames_against_the_key)
{
	char *argv[] = { "python3", "tests/host/sp/auth_frames.py", url,
	    (char *)keyhex, NULL };
	unsigned long before = sp_auth_refused();
	int refused = -1;

	run_frame_script(argv, &refused);
	/* Each refusal the script saw was one the server counted. */
	CHECK(refused > 0);
	CHECK_EQ_INT(sp_auth_refused() - before, refused);
}

TEST(no_process_or_connection_left_behind)
{
	int i;

	for (i = 0; i < 500 && (rumpuser_sp_nconn() != 0 ||
	    kernel_procs() != proc_base); i++)
		usleep(10 * 1000);
	CHECK_EQ_INT(rumpuser_sp_nconn(), 0);
	CHECK_EQ_INT(kernel_procs(), proc_base);
}

TEST(key_is_fixed_once_the_server_runs)
{
	uint8_t k[32] = { 0 };

	CHECK_EQ_INT(rump_init_server_key(k, sizeof(k)), 16);	/* EBUSY */
	CHECK_EQ_INT(rump_init_server_key(NULL, 0), 16);
}

int
main(void)
{
	uint8_t key[SP_AUTH_MAXKEY], big[65] = { 0 };
	size_t keylen;

	snprintf(url, sizeof(url), "unix:///tmp/rumpsp-auth-%d.sock",
	    (int)getpid());
	if (sp_auth_parsekey(keyhex, strlen(keyhex), key, &keylen) != NULL ||
	    rump_init() != 0) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	/* Lengths outside 16..64 bytes are refused before the good key. */
	if (rump_init_server_key(big, 15) != 22 ||
	    rump_init_server_key(big, 65) != 22 ||
	    rump_init_server_key(NULL, 32) != 22) {
		printf("bad key lengths were accepted\n0 passed, 1 failed\n");
		return 1;
	}
	if (rump_init_server_key(key, keylen) != 0 ||
	    rump_init_server(url) != 0) {
		printf("cannot start the server on %s\n", url);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	proc_base = kernel_procs();
	RUN(raw_frames_against_the_key);
	RUN(no_process_or_connection_left_behind);
	RUN(key_is_fixed_once_the_server_runs);
	unlink(url + strlen("unix://"));
	return check_done();
}
