/*
 * The rump_sp server with a key (doc/rump_sp-auth.md) under ASan and
 * UBSan, in this process: rump_init_server_key() before the server starts,
 * auth_frames.py speaks raw frames to it (the handshake, and every way to
 * skip or fake it), then this side checks that each refusal was counted
 * and that no refused client left a process or a connection behind.
 * Each case runs in a process of its own with a server of its own
 * (check.h: --case NAME, --list), each of auth_frames.py's cases too,
 * under its own name; every_refusal_counted_nothing_left_behind runs all
 * of auth_frames.py against one server, as a long-lived server sees it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "sp_auth.h"
#include "sp_server.h"
#include "sp/server_harness.h"

#define AUTH_FRAMES "tests/host/sp/auth_frames.py"

static const char keyhex[] = "8f3c1a5e2b7d4f6081a9c3e5b7d9f1a3"
			     "c5e7092b4d6f8193a5c7e9fb1d3f5a7c";
static char url[128];
static int proc_base;
static char frame_names[SCRIPT_MAXCASES][SCRIPT_NAMELEN];
static int nframes;
static const char *frame_current; /* the case of frame_case() */

/*
 * The kernel, the key and the server on url, and the process baseline:
 * every case that needs a server starts with this.
 */
static bool
server_up(void)
{
	uint8_t key[SP_AUTH_MAXKEY];
	size_t keylen;

	if (sp_auth_parsekey(keyhex, strlen(keyhex), key, &keylen) != NULL ||
	    rump_init() != 0 || rump_init_server_key(key, keylen) != 0 ||
	    rump_init_server(url) != 0) {
		printf("  cannot start the server with its key on %s\n", url);
		return false;
	}
	proc_base = kernel_procs();
	return true;
}

/*
 * Runs auth_frames.py against the server, one case (name) or all (NULL),
 * then checks each of its cases passed, each refusal it saw was one the
 * server counted, and no client it made is left. The number of refusals.
 */
static int
run_auth_frames(const char *name)
{
	char *argv[] = { "python3", AUTH_FRAMES, url, (char *)keyhex,
		(char *)name, NULL };
	unsigned long before = sp_auth_refused();
	int passed, failed, refused = -1;

	CHECK(run_frame_script(argv, &passed, &failed, &refused));
	CHECK_EQ_INT(failed, 0);
	CHECK_EQ_INT(passed, name != NULL ? 1 : nframes);
	CHECK(refused >= 0);
	CHECK_EQ_INT(sp_auth_refused() - before, refused);
	check_no_clients_left(proc_base);
	return refused;
}

/* One case of auth_frames.py (frame_current). */
static void
frame_case(void)
{
	CHECK(server_up());
	run_auth_frames(frame_current);
}

TEST(every_refusal_counted_nothing_left_behind)
{
	CHECK(server_up());
	/* All of the script's refusing cases together refuse someone. */
	CHECK(run_auth_frames(NULL) > 0);
}

TEST(key_lengths_outside_16_to_64_bytes_are_refused)
{
	uint8_t big[65] = { 0 };

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_init_server_key(big, 15), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server_key(big, 65), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server_key(NULL, 32), RUMP_EINVAL);
	/* The bounds themselves are keys. */
	CHECK_EQ_INT(rump_init_server_key(big, 16), 0);
	CHECK_EQ_INT(rump_init_server_key(big, 64), 0);
}

TEST(key_is_fixed_once_the_server_runs)
{
	uint8_t k[32] = { 0 };

	CHECK(server_up());
	CHECK_EQ_INT(rump_init_server_key(k, sizeof(k)), RUMP_EBUSY);
	CHECK_EQ_INT(rump_init_server_key(NULL, 0), RUMP_EBUSY);
}

int
main(int argc, char **argv)
{
	check_args(argc, argv);
	snprintf(url, sizeof(url), "unix:///tmp/rumpsp-auth-%d.sock",
	    (int)getpid());
	if ((nframes = list_script_cases(AUTH_FRAMES, frame_names)) < 0) {
		printf("cannot list the cases of %s\n0 passed, 1 failed\n",
		    AUTH_FRAMES);
		return 1;
	}
	for (int i = 0; i < nframes; i++) {
		frame_current = frame_names[i];
		check_run(frame_names[i], frame_case);
	}
	RUN(every_refusal_counted_nothing_left_behind);
	RUN(key_lengths_outside_16_to_64_bytes_are_refused);
	RUN(key_is_fixed_once_the_server_runs);
	unlink(url + strlen("unix://"));
	return check_done();
}
