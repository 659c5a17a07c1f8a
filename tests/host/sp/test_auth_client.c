/*
 * librumpclient's key handshake against real rump_server processes
 * started with -k (doc/rump_sp-auth.md), under ASan and UBSan: the right
 * key from RUMP_SP_KEY and from RUMP_SP_KEYFILE, the wrong key, no key, a
 * NetBSD-protocol client (a raw GUEST first), a keyed client against a
 * keyless server, and the connections librumpclient makes by itself:
 * fork, fork cancel, exec and reconnection. Refused clients must leave no
 * process: pids are never reused, so the next good client's pid is the
 * last good one's plus one.
 *
 * Run from the repository root; the server comes from $RUMP_TEST_BINDIR,
 * build/host/bin by default. With RUMP_TEST_SERVER=URL and
 * RUMP_TEST_KEY=HEX, only the cases that leave the server running run,
 * against that server (the image's, in tests/qemu/run.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "test_client.h"

extern char **environ;

static const char *keyhex = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
			    "00112233445566778899aabbccddeeff";
static const char wronghex[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
			       "00112233445566778899aabbccddeefe";

/* How a client gets its key. */
enum keyhow { KEY_ENV, KEY_FILE, KEY_WRONG, KEY_NONE, KEY_BAD };

static char keyfile[128];

/* A server on a fresh socket; with a key file unless keyless. */
static bool
keyed_server(struct server *sv, bool tcp, bool keyless)
{
	if (test_server_url != NULL)
		return server_up(sv, tcp);
	if (server_init(sv, tcp) != 0)
		goto fail;
	if (!keyless)
		snprintf(sv->sv_keyfile, sizeof(sv->sv_keyfile), "%s", keyfile);
	if (server_start(sv) == 0)
		return true;
fail:
	printf("  %s: no server\n", sv->sv_url);
	check_case_failed = 1;
	server_cleanup(sv, true);
	return false;
}

static void
setkey(enum keyhow how)
{
	unsetenv("RUMP_SP_KEY");
	unsetenv("RUMP_SP_KEYFILE");
	if (how == KEY_ENV)
		setenv("RUMP_SP_KEY", keyhex, 1);
	else if (how == KEY_FILE)
		setenv("RUMP_SP_KEYFILE", keyfile, 1);
	else if (how == KEY_WRONG)
		setenv("RUMP_SP_KEY", wronghex, 1);
	else if (how == KEY_BAD)
		setenv("RUMP_SP_KEY", "0123", 1); /* too short */
}

/* What a client child reports through a pipe: its pid there or -errno. */
static int report_fd = -1;

static void
report(int v)
{
	if (write(report_fd, &v, sizeof(v)) != sizeof(v))
		_exit(99);
}

static void
init_and_report(void *arg)
{
	setkey((enum keyhow)(intptr_t)arg);
	if (rumpclient_init() != 0) {
		report(-errno);
		return;
	}
	report(rump_sys_getpid());
}

/* A client with the key handed over as how: its pid, or -errno. */
static int
client_pid(const struct server *sv, enum keyhow how)
{
	int fds[2], v = -9999;

	if (pipe(fds) != 0)
		return -9999;
	report_fd = fds[1];
	if (client_run(sv, init_and_report, (void *)(intptr_t)how) != 0)
		check_case_failed = 1;
	close(fds[1]);
	if (read(fds[0], &v, sizeof(v)) != sizeof(v))
		v = -9999;
	close(fds[0]);
	return v;
}

/* A NetBSD-protocol client: GUEST first, no key. The ERROR frame's code. */
static int
raw_guest(const struct server *sv, char *why, size_t size)
{
	struct rsp_hdr h;
	size_t len = 0;
	char body[256], c;
	int s, code = -1;

	if ((s = raw_connect(sv, WAIT_LONG * 1000)) == -1)
		return -1;
	if (raw_send(s, 1, RUMPSP_REQ, RUMPSP_HANDSHAKE, HANDSHAKE_GUEST,
		"netbsd\0", 7) == 0 &&
	    raw_recv(s, &h, body, sizeof(body) - 1, &len, WAIT_LONG * 1000) == 0 &&
	    h.rsp_class == RUMPSP_ERROR) {
		code = (int)h.rsp_u;
		body[len] = '\0';
		snprintf(why, size, "%s", body);
		/* Then the close. */
		if (!fd_ready(s, POLLIN, WAIT_LONG * 1000) || read(s, &c, 1) != 0)
			code = -2;
	}
	close(s);
	return code;
}

TEST(right_key_from_env_and_file_over_unix_and_tcp)
{
	struct server sv;

	for (int tcp = 0; tcp < 2; tcp++) {
		if (!keyed_server(&sv, tcp, false))
			return;
		int a = client_pid(&sv, KEY_ENV);
		int b = client_pid(&sv, KEY_FILE);
		CHECK(a > 1);
		CHECK_EQ_INT(b, a + 1);
		CHECK_EQ_INT(server_stop(&sv), 0);
		server_cleanup(&sv, check_case_failed);
	}
}

TEST(wrong_key_no_key_and_netbsd_client_are_refused_without_a_process)
{
	struct server sv;
	char why[256] = "";
	int first, last;

	if (!keyed_server(&sv, true, false))
		return;
	first = client_pid(&sv, KEY_ENV);
	CHECK(first > 1);
	CHECK_EQ_INT(client_pid(&sv, KEY_WRONG), -EPERM);
	CHECK_EQ_INT(client_pid(&sv, KEY_NONE), -EPERM);
	CHECK_EQ_INT(raw_guest(&sv, why, sizeof(why)), RUMPSP_ERR_AUTH);
	CHECK(strstr(why, "no key") != NULL);
	last = client_pid(&sv, KEY_ENV);
	CHECK_EQ_INT(last, first + 1);
	if (test_server_url == NULL) {
		CHECK_EQ_INT(server_logcontains(&sv,
				 "rump_sp: refused a client: wrong key"),
		    1);
		CHECK_EQ_INT(server_logcontains(&sv,
				 "rump_sp: refused a client: no key"),
		    1);
	}
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

TEST(keyed_client_refuses_a_keyless_server_which_still_serves_netbsd)
{
	struct server sv;
	char why[256];

	if (!keyed_server(&sv, false, true))
		return;
	CHECK_EQ_INT(client_pid(&sv, KEY_ENV), -EPERM);
	CHECK_EQ_INT(client_pid(&sv, KEY_FILE), -EPERM);
	CHECK(client_pid(&sv, KEY_NONE) > 1);
	/* NetBSD's GUEST gets NetBSD's answer: no ERROR at all. */
	CHECK_EQ_INT(raw_guest(&sv, why, sizeof(why)), -1);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* In a keyed client: fork (new connection, FORK), and a cancelled prefork. */
static void
fork_client(void *arg)
{
	struct rumpclient_fork *rf;
	pid_t me, child;
	int status;

	(void)arg;
	setkey(KEY_ENV);
	CHECK(rumpclient_init() == 0);
	me = rump_sys_getpid();
	CHECK((rf = rumpclient_prefork()) != NULL);
	rumpclient_fork_cancel(rf);
	switch ((child = rumpclient_fork())) {
	case -1:
		CHECK(!"rumpclient_fork");
		return;
	case 0:
		_exit(rump_sys_getpid() > me && rump_sys_getppid() == 1 ? 0 : 1);
	default:
		CHECK(waitpid(child, &status, 0) == child);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_EQ_INT(rump_sys_getpid(), me);
}

TEST(fork_and_fork_cancel_authenticate_their_connections)
{
	struct server sv;

	if (!keyed_server(&sv, false, false))
		return;
	CHECK_EQ_INT(client_run(&sv, fork_client, NULL), 0);
	if (test_server_url == NULL)
		CHECK_EQ_INT(server_logcontains(&sv, "refused"), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * exec: the new image continues on the authenticated connection, even
 * with no key in its environment.
 */
static void
exec_client(void *arg)
{
	char pid[16], *argv[] = { "test_auth_client", "--exec-image", pid, NULL };
	char **env;
	size_t n = 0, j = 0;

	(void)arg;
	setkey(KEY_ENV);
	CHECK(rumpclient_init() == 0);
	snprintf(pid, sizeof(pid), "%d", (int)rump_sys_getpid());
	while (environ[n] != NULL)
		n++;
	env = calloc(n + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "RUMP_SP_KEY=", 12) != 0)
			env[j++] = environ[i];
	rumpclient_exec("/proc/self/exe", argv, env);
	CHECK(!"rumpclient_exec returned");
}

static int
exec_keyless_image(const char *pid)
{
	if (rumpclient_init() != 0)
		return 2;
	return rump_sys_getpid() == atoi(pid) ? 0 : 3;
}

TEST(exec_goes_on_with_the_authenticated_connection)
{
	struct server sv;

	if (!keyed_server(&sv, false, false))
		return;
	CHECK_EQ_INT(client_run(&sv, exec_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/* Reconnect: the server restarts with the key; the client comes back. */
static int go_fd = -1;

static void
reconnect_client(void *arg)
{
	char c;
	pid_t before;

	(void)arg;
	setkey(KEY_FILE);
	CHECK(rumpclient_init() == 0);
	rumpclient_setconnretry(30);
	before = rump_sys_getpid();
	report(before);
	CHECK(read(go_fd, &c, 1) == 1);
	/* The first call after the restart reconnects as a new process. */
	CHECK(rump_sys_getpid() > 1);
	report(rump_sys_getpid());
}

TEST(reconnection_authenticates_again)
{
	struct server sv;
	int rep[2], go[2], a = 0, b = 0;
	pid_t pid;

	if (!keyed_server(&sv, false, false))
		return;
	CHECK(pipe(rep) == 0 && pipe(go) == 0);
	report_fd = rep[1];
	go_fd = go[0];
	pid = client_start(&sv, reconnect_client, NULL);
	CHECK(read(rep[0], &a, sizeof(a)) == sizeof(a));
	CHECK(a > 1);
	CHECK_EQ_INT(server_stop(&sv), 0);
	CHECK_EQ_INT(server_start(&sv), 0);
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(read(rep[0], &b, sizeof(b)) == sizeof(b));
	CHECK(b > 1); /* a fresh kernel: pids start again */
	CHECK_EQ_INT(child_wait(pid, WAIT_LONG), 0);
	CHECK_EQ_INT(server_logcontains(&sv, "refused"), 0);
	for (int i = 0; i < 2; i++) {
		close(rep[i]);
		close(go[i]);
	}
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * An impostor: a server that asks for the key but cannot prove it holds
 * it (it answers the client's proof with a made-up one). The client must
 * hang up before its first handshake: the impostor sees no GUEST.
 */
TEST(client_refuses_a_server_that_cannot_prove_the_key)
{
	static const char banner[] = "RUMPSP-0.4-NetBSD-10.0/amd64 auth=hmac-"
				     "sha256:00112233445566778899aabbccddeeff\n";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct server sv;
	struct rsp_hdr h;
	char body[64], reply[36];
	size_t len;
	pid_t pid;
	int l, s;

	memset(&sv, 0, sizeof(sv));
	snprintf(sv.sv_sock, sizeof(sv.sv_sock), "/tmp/rumpsp-impostor-%d",
	    (int)getpid());
	snprintf(sv.sv_url, sizeof(sv.sv_url), "unix://%s", sv.sv_sock);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sv.sv_sock);
	unlink(sv.sv_sock);
	CHECK((l = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	CHECK(bind(l, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CHECK(listen(l, 1) == 0);
	int fds[2], v = 0;

	CHECK(pipe(fds) == 0);
	report_fd = fds[1];
	pid = client_start(&sv, init_and_report, (void *)KEY_ENV);
	CHECK(fd_ready(l, POLLIN, WAIT_LONG * 1000));
	CHECK((s = accept(l, NULL, NULL)) != -1);
	CHECK(write(s, banner, sizeof(banner) - 1) == sizeof(banner) - 1);
	CHECK(raw_recv(s, &h, body, sizeof(body), &len, WAIT_LONG * 1000) == 0);
	CHECK_EQ_INT(h.rsp_u, HANDSHAKE_AUTH);
	CHECK_EQ_INT(len, 48);
	memset(reply, 0, sizeof(reply));
	CHECK(raw_send(s, h.rsp_reqno, RUMPSP_RESP, RUMPSP_HANDSHAKE, 0, reply,
		  sizeof(reply)) == 0);
	/* No GUEST follows: the client hangs up. */
	CHECK(raw_recv(s, &h, body, sizeof(body), &len, WAIT_LONG * 1000) != 0);
	CHECK_EQ_INT(child_wait(pid, WAIT_LONG), 0);
	CHECK(read(fds[0], &v, sizeof(v)) == sizeof(v));
	CHECK_EQ_INT(v, -EPERM);
	close(fds[0]);
	close(fds[1]);
	close(s);
	close(l);
	unlink(sv.sv_sock);
}

/* In a client of a server with -u 1000:100: who it is, what it may not do. */
static void
unprivileged_client(void *arg)
{
	pid_t child;
	int status;

	setkey((enum keyhow)(intptr_t)arg);
	CHECK(rumpclient_init() == 0);
	CHECK_EQ_INT(rump_sys_getuid(), 1000);
	CHECK_EQ_INT(rump_sys_geteuid(), 1000);
	CHECK_EQ_INT(rump_sys_getgid(), 100);
	CHECK_EQ_INT(rump_sys_getgroups(0, NULL), 0);
	CHECK_EQ_INT(rump_sys_setuid(0), -1);
	CHECK_EQ_INT(errno, RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_reboot(0, NULL), -1);
	CHECK_EQ_INT(errno, RUMP_EPERM);
	/* /dev/console is root's, mode 0600: not ours to open. */
	CHECK_EQ_INT(rump_sys_open("/dev/console", RUMP_O_RDWR), -1);
	CHECK_EQ_INT(errno, RUMP_EACCES);
	if ((child = rumpclient_fork()) == 0)
		_exit(rump_sys_getuid() == 1000 && rump_sys_getgid() == 100 ? 0 :
									      1);
	CHECK(child > 0 && waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(unprivileged_mode_from_the_option_and_the_parameter)
{
	struct server sv;

	/* rump_server -k ... -u 1000:100 */
	if (server_init(&sv, false) != 0) {
		CHECK(!"server_init");
		return;
	}
	snprintf(sv.sv_keyfile, sizeof(sv.sv_keyfile), "%s", keyfile);
	snprintf(sv.sv_user, sizeof(sv.sv_user), "1000:100");
	CHECK(server_start(&sv) == 0);
	CHECK_EQ_INT(
	    client_run(&sv, unprivileged_client, (void *)(intptr_t)KEY_ENV), 0);
	CHECK_EQ_INT(server_logcontains(&sv,
			 "remote processes run as uid "
			 "1000 gid 100"),
	    1);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);

	/* RUMP_SP_CRED=1000:100 in the server's environment, no key. */
	if (server_init(&sv, true) != 0) {
		CHECK(!"server_init");
		return;
	}
	setenv("RUMP_SP_CRED", "1000:100", 1);
	CHECK(server_start(&sv) == 0);
	unsetenv("RUMP_SP_CRED");
	CHECK_EQ_INT(
	    client_run(&sv, unprivileged_client, (void *)(intptr_t)KEY_NONE), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);

	/* A malformed one stops the server. */
	if (server_init(&sv, false) != 0) {
		CHECK(!"server_init");
		return;
	}
	setenv("RUMP_SP_CRED", "1000", 1);
	CHECK(server_start(&sv) != 0);
	unsetenv("RUMP_SP_CRED");
	CHECK_EQ_INT(server_logcontains(&sv, "RUMP_SP_CRED is not uid:gid"), 1);
	server_cleanup(&sv, check_case_failed);
}

TEST(bad_keys_are_refused_by_client_and_server)
{
	struct server sv;
	char bad[128];
	int fd;

	if (!keyed_server(&sv, false, false))
		return;
	CHECK_EQ_INT(client_pid(&sv, KEY_BAD), -EINVAL);
	server_stop(&sv);
	server_cleanup(&sv, check_case_failed);

	/* rump_server -k with a file that is not a key does not start. */
	if (server_init(&sv, false) != 0) {
		CHECK(!"server_init");
		return;
	}
	snprintf(bad, sizeof(bad), "%s/badkey", sv.sv_dir);
	CHECK((fd = open(bad, O_WRONLY | O_CREAT, 0600)) != -1);
	CHECK(write(fd, "not a key\n", 10) == 10);
	close(fd);
	snprintf(sv.sv_keyfile, sizeof(sv.sv_keyfile), "%s", bad);
	CHECK(server_start(&sv) != 0);
	CHECK_EQ_INT(server_logcontains(&sv, "not a key"), 1);
	unlink(bad);
	server_cleanup(&sv, check_case_failed);
}

int
main(int argc, char **argv)
{
	int fd;

	if (argc == 3 && strcmp(argv[1], "--exec-image") == 0)
		return exec_keyless_image(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((test_server_url = getenv("RUMP_TEST_SERVER")) != NULL &&
	    test_server_url[0] != '\0') {
		if (getenv("RUMP_TEST_KEY") != NULL)
			keyhex = getenv("RUMP_TEST_KEY");
		printf("against %s\n", test_server_url);
		snprintf(keyfile, sizeof(keyfile), "/tmp/rumpsp-key-%d",
		    (int)getpid());
	} else {
		test_server_url = NULL;
		snprintf(keyfile, sizeof(keyfile), "/tmp/rumpsp-key-%d",
		    (int)getpid());
	}
	if ((fd = open(keyfile, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dprintf(fd, "%s\n", keyhex) <= 0) {
		printf("cannot write %s\n0 passed, 1 failed\n", keyfile);
		return 1;
	}
	close(fd);
	unsetenv("RUMP_SP_KEY");
	unsetenv("RUMP_SP_KEYFILE");
	if (test_server_url != NULL) {
		RUN(right_key_from_env_and_file_over_unix_and_tcp);
		RUN(wrong_key_no_key_and_netbsd_client_are_refused_without_a_process);
		RUN(fork_and_fork_cancel_authenticate_their_connections);
		RUN(exec_goes_on_with_the_authenticated_connection);
	} else {
		RUN(right_key_from_env_and_file_over_unix_and_tcp);
		RUN(wrong_key_no_key_and_netbsd_client_are_refused_without_a_process);
		RUN(keyed_client_refuses_a_keyless_server_which_still_serves_netbsd);
		RUN(fork_and_fork_cancel_authenticate_their_connections);
		RUN(exec_goes_on_with_the_authenticated_connection);
		RUN(reconnection_authenticates_again);
		RUN(client_refuses_a_server_that_cannot_prove_the_key);
		RUN(unprivileged_mode_from_the_option_and_the_parameter);
		RUN(bad_keys_are_refused_by_client_and_server);
	}
	unlink(keyfile);
	return check_done();
}
