/*
 * Process creation for rump clients (doc/rump_sp.md): prefork, fork
 * completion in the child, fork, vfork, exec and daemon.
 *
 * A host fork gives the child a copy of the parent's connection state,
 * including the parent's socket and perhaps locks held by parent threads
 * that do not exist in the child; rumpclient_fork_init throws that copy
 * away without using it and opens the child's own connection.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rump/rumpclient.h"

#include "client.h"

#define ENV_EXECFD "RUMPCLIENT__EXECFD="
#define ENV_PARSED "RUMP__PARSEDSERVER="

/*
 * A prefork: the server's cookie for the process it forked, and the host
 * process that asked for it (to tell a forked child from its parent).
 */
struct rumpclient_fork {
	uint32_t fk_cookie[SP_AUTHLEN];
	pid_t fk_pid;
};

/*
 * Ask the server to fork our process (doc/rump_sp.md). Returns a prefork to
 * hand to rumpclient_fork_init in the child (or rumpclient_fork_cancel),
 * or NULL with errno (EBUSY during an exec, EIO, ENOMEM, ENOTCONN).
 */
SPC_EXPORT struct rumpclient_fork *
rumpclient_prefork(void)
{
	struct rumpclient_fork *rf;
	struct spc_reply r;
	struct spc_callstate cs;
	int error;

	if ((rf = calloc(1, sizeof(*rf))) == NULL)
		return NULL;
	spc_enter(&cs);
	error = spc_call(RUMPSP_PREFORK, 0, NULL, 0, sizeof(rf->fk_cookie), &r);
	spc_leave(&cs);
	if (error != 0) {
		free(rf);
		errno = error;
		return NULL;
	}
	memcpy(rf->fk_cookie, r.r_body, sizeof(rf->fk_cookie));
	free(r.r_body);
	rf->fk_pid = getpid();
	return rf;
}

/*
 * Whether this thread is inside a remote call, that is, in a signal
 * handler that interrupted one (spc_curcall). A child forked there would
 * return from the handler into that call, on the connection the child
 * throws away (forget_conn frees it): the fork calls refuse with EDEADLK.
 */
static bool
in_call(void)
{
	if (spc_curcall == NULL)
		return false;
	errno = EDEADLK;
	return true;
}

/*
 * In a host child refused by rumpclient_fork_init (in_call): the
 * connection state is still the parent's, socket included. A socket
 * connected to nothing takes that descriptor's place, so that the
 * interrupted call and any other fail (ENOTCONN) instead of reading and
 * writing the parent's stream.
 */
static void
disarm_conn(void)
{
	struct spc_conn *c;
	int s;

	pthread_mutex_lock(&spc_lock);
	c = spc_cur;
	if (c != NULL && spc_fd_ours(c) &&
	    (s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		(void)dup3(s, c->c_fd, O_CLOEXEC);
		close(s);
	}
	pthread_mutex_unlock(&spc_lock);
}

/*
 * Forget the inherited connection. In a forked child its locks may be
 * held by threads that only exist in the parent: close the socket and
 * drop the memory without touching anything else. In the process that
 * preforked, drop it properly.
 */
static void
forget_conn(const struct rumpclient_fork *rf)
{
	struct spc_conn *old;

	pthread_mutex_lock(&spc_lock);
	old = spc_cur;
	spc_cur = NULL;
	spc_nextreq = 1; /* the FORK handshake is request 1 */
	pthread_mutex_unlock(&spc_lock);
	if (old == NULL)
		return;
	if (getpid() != rf->fk_pid) {
		if (spc_fd_ours(old))
			close(old->c_fd);
		free(old);
	} else {
		spc_conn_kill(old);
		spc_conn_rele(old);
	}
}

/*
 * Complete a fork in the child (doc/rump_sp.md): a new connection and the FORK
 * handshake with rf's cookie make this process the server's copy of the
 * parent as of rumpclient_prefork. rf is consumed (freed) either way.
 * Returns 0, or -1 with errno (ESRCH: cookie unknown or used; EDEADLK: in
 * a signal handler that interrupted a remote call of this thread).
 */
SPC_EXPORT int
rumpclient_fork_init(struct rumpclient_fork *rf)
{
	struct handshake_fork hf;
	struct spc_conn *c;
	struct spc_callstate cs;
	int error;

	if (in_call()) {
		if (getpid() != rf->fk_pid)
			disarm_conn();
		rumpclient_fork_cancel(rf); /* the server's process goes */
		errno = EDEADLK;
		return -1;
	}
	spc_enter(&cs);
	forget_conn(rf);
	memset(&hf, 0, sizeof(hf));
	memcpy(hf.rf_auth, rf->fk_cookie, sizeof(hf.rf_auth));
	hf.rf_cancel = 0;
	free(rf);

	if (!spc_haveurl)
		error = ENOTCONN;
	else if ((error = spc_connect(&spc_url, &c)) == 0) {
		error = spc_handshake(c, HANDSHAKE_FORK, &hf, sizeof(hf));
		if (error == 0)
			spc_install(c);
		else {
			spc_conn_kill(c);
			spc_conn_rele(c);
		}
	}
	spc_leave(&cs);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

/*
 * Give up a prefork that no child will claim. Unlike NetBSD's (a no-op
 * that leaks the preforked process until the server exits) this connects
 * and sends the FORK handshake with cancel set, which makes the server
 * release the process; no answer is waited for (only the connection and
 * its banner, as every connection's) and failures are ignored. rf is
 * freed; errno is preserved.
 */
SPC_EXPORT void
rumpclient_fork_cancel(struct rumpclient_fork *rf)
{
	struct handshake_fork hf;
	struct rsp_hdr hdr;
	struct spc_conn *c;
	struct spc_callstate cs;
	int serrno = errno;

	if (rf == NULL)
		return;
	memset(&hf, 0, sizeof(hf));
	memcpy(hf.rf_auth, rf->fk_cookie, sizeof(hf.rf_auth));
	hf.rf_cancel = 1;
	free(rf);

	spc_enter(&cs);
	if (spc_haveurl && spc_connect(&spc_url, &c) == 0) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.rsp_len = SP_HDRSIZE + sizeof(hf);
		hdr.rsp_class = RUMPSP_REQ;
		hdr.rsp_type = RUMPSP_HANDSHAKE;
		hdr.rsp_u = HANDSHAKE_FORK;
		(void)spc_send(c, &hdr, &hf, sizeof(hf));
		spc_conn_kill(c);
		spc_conn_rele(c);
	}
	spc_leave(&cs);
	errno = serrno;
}

/*
 * fork(2) for a rump client: the child is also a fork of our process in
 * the rump kernel (new pid there, parent 1, descriptors copied at the
 * time of the call). Returns as fork does; a child that cannot complete
 * the rump side returns -1 with errno.
 */
SPC_EXPORT pid_t
rumpclient_fork(void)
{
	struct rumpclient_fork *rf;
	pid_t pid;
	int error;

	if (in_call() || (rf = rumpclient_prefork()) == NULL)
		return -1;
	switch ((pid = fork())) {
	case -1:
		error = errno;
		rumpclient_fork_cancel(rf);
		errno = error;
		return -1;
	case 0:
		return rumpclient_fork_init(rf) == 0 ? 0 : -1;
	default:
		free(rf); /* the parent's copy; the child's is in use */
		return pid;
	}
}

/*
 * vfork(2) for a rump client. A real vfork child shares our memory, so
 * its new connection would overwrite the parent's state; this is
 * rumpclient_fork instead (the parent is not suspended until the child
 * execs or exits, which a correct vfork user cannot tell apart).
 */
SPC_EXPORT pid_t
rumpclient_vfork(void)
{
	return rumpclient_fork();
}

/* "NAME=" entries of envp that the exec'd image must not inherit. */
static bool
ours(const char *e)
{
	return strncmp(e, ENV_EXECFD, sizeof(ENV_EXECFD) - 1) == 0 ||
	    strncmp(e, ENV_PARSED, sizeof(ENV_PARSED) - 1) == 0;
}

/*
 * execve(2) keeping the rump process (doc/rump_sp.md): the socket goes to
 * the new image in RUMPCLIENT__EXECFD (and a relative unix URL as its
 * absolute form in RUMP__PARSEDSERVER); its rumpclient_init continues on
 * it. Returns only on failure: -1 with errno, the connection still usable.
 */
SPC_EXPORT int
rumpclient_exec(const char *path, char *const argv[], char *const envp[])
{
	char execfd[64], parsed[sizeof(ENV_PARSED) + SPC_URLMAX];
	struct spc_conn *c;
	char **env;
	size_t n = 0, i, j;
	int error;

	pthread_mutex_lock(&spc_lock);
	if ((c = spc_cur) != NULL)
		c->c_refs++;
	pthread_mutex_unlock(&spc_lock);
	if (c == NULL) {
		errno = ENOTCONN;
		return -1;
	}

	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((env = calloc(n + 3, sizeof(*env))) == NULL) {
		spc_conn_rele(c);
		errno = ENOMEM;
		return -1;
	}
	for (i = j = 0; i < n; i++)
		if (!ours(envp[i]))
			env[j++] = envp[i];
	/* No signal descriptor on Linux: -1 fills NetBSD's second field. */
	snprintf(execfd, sizeof(execfd), ENV_EXECFD "%d,%d", c->c_fd, -1);
	env[j++] = execfd;
	if (spc_haveurl && spc_url.u_relative) {
		snprintf(parsed, sizeof(parsed), ENV_PARSED "%s",
		    spc_url.u_parsed);
		env[j++] = parsed;
	}
	env[j] = NULL;

	/* The one execve that inherits the socket. */
	if (fcntl(c->c_fd, F_SETFD, 0) == -1) {
		error = errno;
	} else {
		execve(path, argv, env);
		error = errno;
		(void)fcntl(c->c_fd, F_SETFD, FD_CLOEXEC);
	}
	free(env);
	spc_conn_rele(c);
	errno = error;
	return -1;
}

/*
 * daemon(3) for a rump client (doc/rump_sp.md): the parent exits at once; the
 * child starts a new session, moves to / (host cwd only) unless nochdir,
 * points fds 0-2 at /dev/null unless noclose, and continues as a forked
 * rump process. Returns 0 in the daemon, or -1 with errno.
 */
SPC_EXPORT int
rumpclient_daemon(int nochdir, int noclose)
{
	struct rumpclient_fork *rf;
	int fd, error;

	if (in_call() || (rf = rumpclient_prefork()) == NULL)
		return -1;
	switch (fork()) {
	case -1:
		goto fail;
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		goto fail;
	if (!nochdir && chdir("/") == -1)
		goto fail;
	if (!noclose) {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			goto fail;
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return rumpclient_fork_init(rf);

fail:
	error = errno;
	rumpclient_fork_cancel(rf);
	errno = error;
	return -1;
}
