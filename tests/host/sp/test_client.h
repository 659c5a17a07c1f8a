/*
 * The librumpclient tests' shared machinery (test_client_util.c), used by
 * test_client.c and test_client_fork.c: real rump_server processes and
 * librumpclient clients in forked host processes.
 *
 * librumpclient keeps one connection per host process, so every client
 * runs in a child of the test process (client_start); the child's CHECKs
 * become its exit status, which the test process checks. Servers and
 * clients get a parent-death signal, so that nothing outlives a test
 * process that crashes.
 */
#ifndef TESTS_HOST_SP_TEST_CLIENT_H
#define TESTS_HOST_SP_TEST_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "sp_proto.h"

/* Seconds: a cap on anything that should take < 1 s, for loaded machines. */
#define WAIT_LONG 120

struct server {
	pid_t sv_pid;	 /* 0 when not running */
	char sv_dir[64]; /* fresh mkdtemp directory, removed at the end */
	char sv_url[160];
	char sv_sock[100];    /* the unix socket's file, or "" for tcp */
	char sv_log[128];     /* the server's stdout and stderr */
	int sv_port;	      /* tcp port, or 0 for unix */
	char sv_keyfile[128]; /* server_start passes -k this, if set */
	char sv_user[32];     /* and -u this, if set */
};

/*
 * $RUMP_TEST_SERVER, or NULL. When set, the cases run against that server,
 * which the test does not own: server_up describes it, server_stop leaves
 * it running, and cases that need to stop, restart or read the output of
 * their server are not run.
 */
extern const char *test_server_url;

const char *bindir(void);
int server_init(struct server *, bool);
int server_remote(struct server *, const char *);
int server_start(struct server *);
int server_wait(struct server *, int);
int server_stop(struct server *);
bool server_alive(struct server *);
void server_cleanup(struct server *, bool);
int server_logcontains(const struct server *, const char *);

pid_t child_fork(void);
int child_wait(pid_t, int);
void msleep(int);
double now(void);
int kern_int(int);

int fd_ready(int, short, int);
int raw_connect(const struct server *, int);
int raw_send(int, uint64_t, int, int, uint32_t, const void *, size_t);
int raw_recv(int, struct rsp_hdr *, void *, size_t, size_t *, int);

int fork_tests(int *, int *);
int fault_tests(int *, int *);
int stress_tests(int *, int *); /* test_client_stress.c; own server only */
int signal_tests(int *, int *); /* test_client_signal.c */
int exec_image(int, char **);

#ifdef TESTS_HOST_CHECK_H
/*
 * Run fn(arg) as a rump client of sv in a new host process; its exit
 * status is 0 if none of its CHECKs (of the including file) failed.
 * Defined here so that check_case_failed is the caller's file's copy.
 */
static inline pid_t
client_start(const struct server *sv, void (*fn)(void *), void *arg)
{
	pid_t pid = child_fork();

	if (pid == 0) {
		check_case_failed = 0;
		setenv("RUMP_SERVER", sv->sv_url, 1);
		fn(arg);
		fflush(stdout);
		exit(check_case_failed);
	}
	return pid;
}

/* A fresh server for a case (or $RUMP_TEST_SERVER); false (the case failed) if it did not start. */
static inline bool
server_up(struct server *sv, bool tcp)
{
	if (test_server_url != NULL) {
		if (server_remote(sv, test_server_url) == 0)
			return true;
	} else if (server_init(sv, tcp) == 0 && server_start(sv) == 0)
		return true;
	printf("  %s: no server\n", sv->sv_url);
	check_case_failed = 1;
	server_cleanup(sv, true);
	return false;
}

/* A client run to its end: its exit status (-1 if it had to be killed). */
static inline int
client_run(const struct server *sv, void (*fn)(void *), void *arg)
{
	pid_t pid = client_start(sv, fn, arg);

	return pid == -1 ? -1 : child_wait(pid, WAIT_LONG);
}
#endif

#endif
