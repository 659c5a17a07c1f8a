/*
 * librumpclient: the client side of rump_sp (doc/rump_sp.md). This file
 * holds the client-wide state, rumpclient_init, rumpclient_syscall and
 * the reconnection policy of rumpclient_setconnretry; conn.c connects,
 * frame.c moves frames, fork.c does prefork/fork/exec/daemon.
 *
 * Locking: spc_lock guards spc_cur, spc_nextreq and every connection's
 * waiter list and flags; it is never held across I/O. recon_lock
 * serialises reconnection attempts and is taken before spc_lock.
 */
#include <sys/syscall.h>

#include <linux/futex.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rump/rumpclient.h"

#include "client.h"

#define PROGNAME_MAX 129

pthread_mutex_t spc_lock = PTHREAD_MUTEX_INITIALIZER;
struct spc_conn *spc_cur;
uint64_t spc_nextreq;
struct spc_url spc_url;
bool spc_haveurl;

static pthread_mutex_t recon_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t recon_gen; /* futex word: bumped after each unlock */
static time_t retrytime;   /* rumpclient_setconnretry; atomic access */

/* Whether this thread holds recon_lock in reconnect (see there). */
static __thread bool recon_mine;

/*
 * Across a host fork() spc_lock is held, so the child finds it
 * consistent; recon_lock may be held for long (a reconnect loop), so the
 * child gets a fresh one instead, held again if the forking thread held
 * it (a handler that calls fork(2) in the back-off, whose reconnect goes
 * on in the child and unlocks it at its end; the library's own fork
 * calls refuse there, client/fork.c). The child's connection state is
 * what rumpclient_fork_init throws away.
 */
static void
atfork_prepare(void)
{
	pthread_mutex_lock(&spc_lock);
}

static void
atfork_parent(void)
{
	pthread_mutex_unlock(&spc_lock);
}

static void
atfork_child(void)
{
	pthread_mutex_unlock(&spc_lock);
	pthread_mutex_init(&recon_lock, NULL);
	if (recon_mine)
		pthread_mutex_lock(&recon_lock);
}

static void __attribute__((constructor)) spc_ctor(void)
{
	(void)pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

__thread struct spc_callstate *spc_curcall;

/*
 * Start a call in this thread: block all signals, no cancellation (see
 * struct spc_callstate for when a waiting call lets signals in).
 */
void
spc_enter(struct spc_callstate *cs)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &cs->cs_mask);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs->cs_cancel);
	cs->cs_sigok = false;
	cs->cs_prev = spc_curcall;
	spc_curcall = cs;
}

/* End a call: a signal still pending (raised by the server) comes now. */
void
spc_leave(struct spc_callstate *cs)
{
	spc_curcall = cs->cs_prev;
	pthread_setcancelstate(cs->cs_cancel, NULL);
	pthread_sigmask(SIG_SETMASK, &cs->cs_mask, NULL);
}

/*
 * Make c the current connection (the caller's reference passes to the
 * client state). A previous one is killed: requests still waiting on it
 * fail with ENOTCONN and are sent again on c.
 */
void
spc_install(struct spc_conn *c)
{
	struct spc_conn *old;

	pthread_mutex_lock(&spc_lock);
	old = spc_cur;
	spc_cur = c;
	pthread_mutex_unlock(&spc_lock);
	if (old != NULL) {
		spc_conn_kill(old);
		spc_conn_rele(old);
	}
}

/*
 * A handshake of the given sub-type on c (doc/rump_sp.md): GUEST and EXEC carry
 * the program name, FORK the cookie. Returns 0, the server's non-zero
 * result, or an errno (ESRCH for a bad fork cookie, ...).
 */
int
spc_handshake(struct spc_conn *c, uint32_t type, const void *body, size_t len)
{
	struct spc_reply r;
	int error, res;

	do
		error = spc_request(c, RUMPSP_HANDSHAKE, type, body, len,
		    sizeof(int), &r);
	while (error == EAGAIN);
	if (error != 0)
		return error;
	memcpy(&res, r.r_body, sizeof(res));
	free(r.r_body);
	return res;
}

static int
guest(struct spc_conn *c)
{
	char name[PROGNAME_MAX];

	spc_progname(name, sizeof(name));
	return spc_handshake(c, HANDSHAKE_GUEST, name, strlen(name) + 1);
}

static double
elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Wait before reconnection attempt r. With sigok (the call takes signals;
 * struct spc_callstate) the wait is under the caller's mask: a default
 * action ends the program, a handler runs and the wait goes on for what
 * is left. The handler's own calls fail with ENOTCONN (reconnect).
 */
static void
backoff(int r, bool sigok)
{
	struct timespec ts;
	sigset_t all;

	if (r == 0)
		return;
	if (r < 10) {
		ts.tv_sec = (r * 100) / 1000;
		ts.tv_nsec = (long)((r * 100) % 1000) * 1000000L;
	} else {
		ts.tv_sec = r - 9 < 10 ? r - 9 : 10;
		ts.tv_nsec = 0;
	}
	if (sigok)
		pthread_sigmask(SIG_SETMASK, &spc_curcall->cs_mask, NULL);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
	if (sigok) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, NULL);
	}
}

/*
 * Take recon_lock. Another thread may hold it for long (a reconnect loop),
 * so with sigok the thread waits under its caller's mask, holding nothing,
 * as in backoff: a handler runs, and the wait goes on. No wake-up is
 * lost: an unlock after the trylock changes recon_gen (recon_unlock), and
 * the futex then does not sleep.
 */
static void
recon_lock_wait(bool sigok)
{
	uint32_t gen;
	sigset_t all;

	if (!sigok) {
		pthread_mutex_lock(&recon_lock);
		return;
	}
	sigfillset(&all);
	for (;;) {
		gen = __atomic_load_n(&recon_gen, __ATOMIC_ACQUIRE);
		if (pthread_mutex_trylock(&recon_lock) == 0)
			return;
		pthread_sigmask(SIG_SETMASK, &spc_curcall->cs_mask, NULL);
		(void)syscall(SYS_futex, &recon_gen, FUTEX_WAIT_PRIVATE, gen,
		    NULL, NULL, 0);
		pthread_sigmask(SIG_SETMASK, &all, NULL);
	}
}

/* Release recon_lock and wake the threads waiting in recon_lock_wait. */
static void
recon_unlock(void)
{
	pthread_mutex_unlock(&recon_lock);
	__atomic_add_fetch(&recon_gen, 1, __ATOMIC_RELEASE);
	(void)syscall(SYS_futex, &recon_gen, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
	    NULL, 0);
}

/*
 * The connection `old' failed (doc/rump_sp.md). If another thread has already
 * replaced it, EAGAIN: send again. Otherwise apply the retry policy: 0
 * gives ENOTCONN, DIE exits, ONCE tries once, a positive value tries for
 * that many seconds, INFTIME forever. A new connection is a new process
 * in the kernel (GUEST). Returns EAGAIN after a successful reconnect,
 * ENOTCONN when giving up. A signal handler that runs during the back-off
 * in the thread that reconnects gets ENOTCONN from its own calls at once:
 * the server is gone, and waiting for recon_lock would wait for itself.
 */
static int
reconnect(struct spc_conn *old)
{
	struct spc_conn *c;
	struct timespec start;
	time_t mode = __atomic_load_n(&retrytime, __ATOMIC_RELAXED);
	double t, nextmsg = 120;
	int r, error = ENOTCONN;
	struct spc_callstate *cs = spc_curcall;
	bool sigok = cs != NULL && cs->cs_sigok;

	spc_conn_kill(old);
	if (recon_mine)
		return ENOTCONN;
	recon_lock_wait(sigok);
	pthread_mutex_lock(&spc_lock);
	c = spc_cur;
	pthread_mutex_unlock(&spc_lock);
	if (c != old) {
		recon_unlock();
		return c != NULL ? EAGAIN : ENOTCONN;
	}
	/*
	 * No signal handler runs while recon_lock is held (client.h) but in
	 * the back-off, where the thread does nothing else.
	 */
	recon_mine = true;
	if (cs != NULL)
		cs->cs_sigok = false;
	if (mode == RUMPCLIENT_RETRYCONN_DIE)
		_exit(1);
	if (mode == 0 || !spc_haveurl)
		goto out;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (r = 0;; r++) {
		if (r == 1) {
			if (mode == RUMPCLIENT_RETRYCONN_ONCE)
				goto out;
			fprintf(stderr,
			    "rump_sp: connection to kernel lost, "
			    "trying to reconnect ...\n");
		}
		t = elapsed(&start);
		if (r > 0 && t >= nextmsg) {
			fprintf(stderr,
			    "rump_sp: still trying to reconnect "
			    "...\n");
			nextmsg += 120;
		}
		if (mode > 0 && t >= (double)mode) {
			fprintf(stderr,
			    "rump_sp: reconnect failed, %lld second "
			    "timeout\n",
			    (long long)mode);
			goto out;
		}
		backoff(r, sigok);
		if (spc_connect(&spc_url, &c) != 0)
			continue;
		if (guest(c) == 0) {
			spc_install(c);
			if (r > 0)
				fprintf(stderr, "rump_sp: reconnected\n");
			error = EAGAIN;
			goto out;
		}
		spc_conn_kill(c);
		spc_conn_rele(c);
	}
out:
	if (cs != NULL)
		cs->cs_sigok = sigok;
	recon_mine = false;
	recon_unlock();
	return error;
}

/*
 * A request on the current connection, sent again after a server
 * TRYAGAIN or a successful reconnect. Returns as spc_request does.
 * Call with signals blocked.
 */
int
spc_call(uint16_t type, uint32_t u, const void *data, size_t dlen,
    size_t minlen, struct spc_reply *r)
{
	struct spc_conn *c;
	int error;

	for (;;) {
		pthread_mutex_lock(&spc_lock);
		if ((c = spc_cur) != NULL)
			c->c_refs++;
		pthread_mutex_unlock(&spc_lock);
		if (c == NULL)
			return ENOTCONN;
		error = spc_request(c, type, u, data, dlen, minlen, r);
		if (error == ENOTCONN || error == EBADF)
			error = reconnect(c);
		spc_conn_rele(c);
		if (error != EAGAIN)
			return error;
	}
}

/* Adopt the connection an exec'ing image left us (doc/rump_sp.md, "Exec"). */
static int
init_exec(const char *fds)
{
	char name[PROGNAME_MAX];
	struct spc_conn *c;
	int sockfd, sigfd, error;

	if (sscanf(fds, "%d,%d", &sockfd, &sigfd) != 2 || sockfd < 0)
		return EINVAL;
	if (fcntl(sockfd, F_SETFD, FD_CLOEXEC) == -1)
		return errno;
	if ((c = spc_conn_adopt(sockfd)) == NULL)
		return ENOMEM;
	pthread_mutex_lock(&spc_lock);
	spc_nextreq = 0; /* the EXEC handshake is request 0 */
	pthread_mutex_unlock(&spc_lock);
	spc_progname(name, sizeof(name));
	if ((error = spc_handshake(c, HANDSHAKE_EXEC, name, strlen(name) + 1)) !=
	    0) {
		spc_conn_kill(c);
		spc_conn_rele(c);
		return error;
	}
	spc_install(c);
	return 0;
}

static int
init_locked(void)
{
	const char *url, *fds;
	struct spc_conn *c;
	struct spc_url u;
	int error;

	url = getenv("RUMP__PARSEDSERVER");
	if (url == NULL)
		url = getenv("RUMP_SERVER");
	if ((error = spc_key_load()) != 0 || (error = spc_banner_load()) != 0)
		return error;

	if ((fds = getenv("RUMPCLIENT__EXECFD")) != NULL) {
		char *copy = strdup(fds);

		unsetenv("RUMPCLIENT__EXECFD");
		if (copy == NULL)
			return ENOMEM;
		/* Without a usable URL the adopted socket still works;
		 * only reconnecting is impossible. */
		if (url != NULL && spc_parseurl(url, false, &u) == 0) {
			spc_url = u;
			spc_haveurl = true;
		}
		error = init_exec(copy);
		free(copy);
		return error;
	}

	if (url == NULL) {
		fprintf(stderr, "error: RUMP_SERVER not set\n");
		return ENOENT;
	}
	if ((error = spc_parseurl(url, false, &u)) != 0)
		return error;
	spc_url = u;
	spc_haveurl = true;
	if ((error = spc_connect(&u, &c)) != 0)
		return error;
	pthread_mutex_lock(&spc_lock);
	if (spc_nextreq == 0)
		spc_nextreq = 1; /* a fresh client's GUEST is request 1 */
	pthread_mutex_unlock(&spc_lock);
	if ((error = guest(c)) != 0) {
		spc_conn_kill(c);
		spc_conn_rele(c);
		return error;
	}
	spc_install(c);
	return 0;
}

/*
 * Connect to the server named by RUMP_SERVER and become a new process in
 * its kernel, or, in an image started by rumpclient_exec, continue the
 * exec'ing image's process on the inherited connection. Calling it again
 * replaces the connection (a new process). Returns 0, or -1 with errno.
 * Any thread, but not concurrently with itself.
 */
SPC_EXPORT int
rumpclient_init(void)
{
	struct spc_callstate cs;
	int error;

	spc_enter(&cs);
	pthread_mutex_lock(&recon_lock);
	error = init_locked();
	recon_unlock();
	spc_leave(&cs);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}

/*
 * Set the reconnection policy (doc/rump_sp.md): 0 never (default), a positive
 * number of seconds, RUMPCLIENT_RETRYCONN_INFTIME, _ONCE or _DIE. Other
 * negative values are ignored. Any thread.
 */
SPC_EXPORT void
rumpclient_setconnretry(time_t t)
{
	if (t < RUMPCLIENT_RETRYCONN_DIE)
		return;
	__atomic_store_n(&retrytime, t, __ATOMIC_RELAXED);
}

/*
 * System call num with the argument block data[0..dlen) (doc/rump_sp.md).
 * Returns 0 with the two return values in retval[0..1] (if retval is not
 * NULL), the call's NetBSD errno, or a host errno for a transport failure
 * (ENOTCONN...). Any thread; many may be in calls at once.
 */
SPC_EXPORT int
rumpclient_syscall(int num, const void *data, size_t dlen, long *retval)
{
	struct rsp_sysresp resp;
	struct spc_reply r;
	struct spc_callstate cs;
	int error;

	spc_enter(&cs);
	cs.cs_sigok = true;
	error = spc_call(RUMPSP_SYSCALL, (uint32_t)num, data, dlen,
	    sizeof(resp), &r);
	if (error == 0) {
		memcpy(&resp, r.r_body, sizeof(resp));
		free(r.r_body);
		if (retval != NULL) {
			retval[0] = (long)resp.rsys_retval[0];
			retval[1] = (long)resp.rsys_retval[1];
		}
		error = resp.rsys_error;
		/* The server could not know the copyout failed here. */
		if (error == 0 && r.r_fault)
			error = 14; /* NetBSD's EFAULT */
	}
	spc_leave(&cs);
	return error;
}

/* The transport of the shared rump_sys_*() stubs (kernel/rump_syscalls.c). */
int
rump_stub_syscall(int num, void *args, size_t len, long rv[2])
{
	return rumpclient_syscall(num, args, len, rv);
}

void
rump_stub_seterrno(int error)
{
	errno = error;
}
