/*
 * The rump_sp server (doc/rump_sp.md): the
 * rumpuser_sp_*() hypercalls. Portable: it runs on rumpuser threads, locks
 * and condition variables over the byte streams of rump/rumpuser_sp.h, and
 * reaches the kernel only through the upcalls it was given at rumpuser_init.
 *
 * Threads: one listener; a pool of workers, one of which at a time is a
 * connection's reader: it reads every frame of that client, does the
 * handshakes, prefork and disconnect itself, and runs each system call
 * inline. A call that is about to wait (a kernel sleep, or a copy request
 * to the client) first passes the reader's role to another worker, so that
 * blocking stalls nothing: a call that never waits (getpid) costs no
 * thread switch in the server, the others one. Server threads run outside
 * the kernel except between hyp_schedule and hyp_unschedule; the copy
 * hypercalls give the CPU up while they wait. A watchdog closes
 * connections that have not shaken hands within the handshake timeout
 * (sp_limits.h).
 *
 * Fairness: a waiting call keeps its thread, so threads are bounded where
 * calls are admitted, not where workers are made. Each connection may
 * always have CONNRESERVE calls in flight; beyond that its calls share
 * MAXSHARED places with every other client's, and a call that finds none
 * gets EAGAIN at once. A worker is made whenever a job finds no idle one,
 * so a connection's reader role never waits behind other clients' calls:
 * a client within its limits cannot stall another.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_limits.h"
#include "sp_prefork.h"
#include "sp_auth.h"
#include "sp_proto.h"
#include "sp_server.h"

#define MAXCONN		      255 /* clients at once, as the reference */
#define CONNRESERVE	      4	  /* calls in flight any connection may have */
#define MAXSHARED	      512 /* calls beyond those, all clients together */
#define IDLEWORKER	      16  /* idle worker threads kept */
#define MAXFRAME	      (1024 * 1024 + SP_HDRSIZE) /* body + header */
#define RUMP_RFFD_SHARE_FLAGS 0

enum connstate { CONN_NEW, CONN_RUNNING, CONN_DYING };

struct spwait {
	uint64_t reqno;
	void *buf;
	size_t len; /* room in buf */
	size_t got; /* bytes the answer carried */
	bool done;
	struct spwait *next;
};

struct spconn {
	struct sp_sock *sock;
	struct rumpuser_mtx *mtx;     /* everything below */
	struct rumpuser_mtx *sendmtx; /* whole frames, one at a time */
	struct rumpuser_mtx *lwpmtx;  /* one thread on mainlwp at a time */
	struct rumpuser_cv *cv;
	enum connstate state;
	bool inexec;
	bool told;    /* a refusal's console line printed */
	int refs;     /* the reader + queued/running jobs */
	int inflight; /* system calls queued or running */
	uint64_t nextreq;
	pid_t pid;
	struct lwp *mainlwp; /* never runs calls; holds the process */
	struct spwait *waits;
	struct sp_authconn auth; /* the key handshake (sp/auth.c) */
	/* Under sp.hsmtx: the handshake timeout's list (hs_watch). */
	bool hswatched;
	int64_t hsdeadline; /* monotonic ns */
	struct spconn *hsnext;
};

struct job {
	struct spconn *conn;
	struct rsp_hdr hdr;
	uint8_t *body;
	size_t bodylen;
	struct job *next;
};

static struct {
	const struct sp_transport *tr; /* set before listening, then fixed */
	struct rumpuser_mtx *mtx;      /* everything in this struct */
	struct rumpuser_cv *jobcv;
	struct sp_listener *listener;
	char banner[SP_MAXBANNER];
	size_t bannerlen;
	int nconn;
	struct job *jobs, **jobtail;
	int njobs; /* on the jobs list */
	int nworkers, nidle;
	bool running;
	int nshared; /* atomic: calls beyond CONNRESERVE */
	/*
	 * Connections not yet shaken hands, and the watchdog's wait. Its own
	 * lock: the watchdog's timed wait calls sp_willblock, which takes
	 * sp.mtx.
	 */
	struct rumpuser_mtx *hsmtx;
	struct rumpuser_cv *hscv;
	struct spconn *hslist;
} sp;

static const struct rumpuser_hyperup *hyp;

/* A system call the reader runs itself, until it must wait (see above). */
struct inlinecall {
	struct lwp *lwp; /* the call's lwp: who is asking */
	struct spconn *conn;
	uint64_t reqno; /* the client's request */
	bool passed;	/* the reader's role went to a worker */
	struct inlinecall *next;
};
static struct inlinecall *inlinecalls; /* under sp.mtx */
static int ninline;		       /* its length, read without the lock */
#define JOB_READ 0xffff		       /* a job: go on reading a connection */

/* ---- locking helpers: server threads never hold the kernel here ---- */

static void
lock(struct rumpuser_mtx *m)
{
	rumpuser_mutex_enter_nowrap(m);
}

static void
unlock(struct rumpuser_mtx *m)
{
	rumpuser_mutex_exit(m);
}

static void
conn_release(struct spconn *c)
{
	lock(c->mtx);
	c->refs--;
	rumpuser_cv_broadcast(c->cv);
	unlock(c->mtx);
}

/* ---- the handshake timeout (sp_limits.h, hstimeout) ---- */

static int64_t
mono_ns(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return sec * 1000000000LL + nsec;
}

/* A new connection gets hstimeout seconds to shake hands (no timeout: 0). */
static void
hs_watch(struct spconn *c)
{
	if (sp_limits.hstimeout == 0)
		return;
	lock(sp.hsmtx);
	c->hsdeadline = mono_ns() + sp_limits.hstimeout * 1000000000LL;
	c->hswatched = true;
	c->hsnext = sp.hslist;
	if (sp.hslist == NULL)
		rumpuser_cv_signal(sp.hscv);
	sp.hslist = c;
	unlock(sp.hsmtx);
}

/* c shook hands, or goes: the watchdog forgets it (it may hold a ref). */
static void
hs_unwatch(struct spconn *c)
{
	struct spconn **cp;

	lock(sp.hsmtx);
	if (c->hswatched) {
		for (cp = &sp.hslist; *cp != c; cp = &(*cp)->hsnext)
			continue;
		*cp = c->hsnext;
		c->hswatched = false;
	}
	unlock(sp.hsmtx);
}

/*
 * Closes connections whose handshake is late: their reader sees the end of
 * the stream and lets the slot go. The socket is shut down outside the
 * lock (the image's transport takes the kernel's CPU for it), with a
 * connection reference keeping c meanwhile.
 */
static void *
hs_watchdog(void *arg)
{
	struct spconn *c, **cp;
	int64_t now, next;

	(void)arg;
	lock(sp.hsmtx);
	for (;;) {
		now = mono_ns();
		next = INT64_MAX;
		for (cp = &sp.hslist; (c = *cp) != NULL; cp = &c->hsnext) {
			if (c->hsdeadline <= now)
				break;
			if (c->hsdeadline < next)
				next = c->hsdeadline;
		}
		if (c != NULL) {
			*cp = c->hsnext;
			c->hswatched = false;
			lock(c->mtx);
			c->refs++;
			unlock(c->mtx);
			unlock(sp.hsmtx);
			rumpuser_dprintf("rump_sp: a client sent no handshake "
					 "within %d s (hstimeout): closed\n",
			    sp_limits.hstimeout);
			sp.tr->shutdown(c->sock);
			conn_release(c);
			lock(sp.hsmtx);
			continue;
		}
		if (next == INT64_MAX)
			rumpuser_cv_wait_nowrap(sp.hscv, sp.hsmtx);
		else
			rumpuser_cv_timedwait(sp.hscv, sp.hsmtx,
			    (next - now) / 1000000000LL,
			    (next - now) % 1000000000LL);
	}
	return NULL;
}

/* ---- sending ---- */

static int
send_frame(struct spconn *c, uint64_t reqno, int class, int type, uint32_t u,
    const void *b1, size_t l1, const void *b2, size_t l2)
{
	struct rsp_hdr h = {
		.rsp_len = SP_HDRSIZE + l1 + l2,
		.rsp_reqno = reqno,
		.rsp_class = (uint16_t) class,
		.rsp_type = (uint16_t)type,
		.rsp_u = u,
	};
	struct sp_iov iov[3] = { { &h, sizeof(h) }, { b1, l1 }, { b2, l2 } };
	int error;

	lock(c->sendmtx);
	error = sp.tr->sendv(c->sock, iov, 3);
	unlock(c->sendmtx);
	return error;
}

static void
send_error(struct spconn *c, uint64_t reqno, uint32_t code, bool shut)
{
	send_frame(c, reqno, RUMPSP_ERROR, 0, code, NULL, 0, NULL, 0);
	if (shut)
		sp.tr->shutdown(c->sock);
}

/*
 * Refuses a request with an ERROR frame whose body says why (a NUL-ended
 * line; NetBSD's client reads and ignores bodies of ERROR frames), and a
 * console line, once per connection so that no client floods the console;
 * with shut, the connection ends too. Called by the connection's reader.
 */
static void
send_refusal(struct spconn *c, uint64_t reqno, uint32_t code, bool shut,
    const char *why)
{
	if (!c->told)
		rumpuser_dprintf("rump_sp: client pid %d refused: %s\n",
		    (int)c->pid, why);
	c->told = true;
	send_frame(c, reqno, RUMPSP_ERROR, 0, code, why, strlen(why) + 1, NULL,
	    0);
	if (shut)
		sp.tr->shutdown(c->sock);
}

/* Refuses a handshake or prefork whose process could not be made. */
static void
refuse_rfork(struct spconn *c, uint64_t reqno, int error, bool shut)
{
	char why[64];

	if (error == RUMP_ENOMEM) {
		send_refusal(c, reqno, RUMPSP_ERR_NOMEM, shut,
		    "out of kernel memory for a process");
		return;
	}
	if (error == RUMP_EAGAIN)
		snprintf(why, sizeof(why), "out of process ids");
	else
		snprintf(why, sizeof(why), "process creation failed: error %d",
		    error);
	send_refusal(c, reqno, RUMPSP_ERR_RFORK_FAILED, shut, why);
}

static void
send_handshake_ok(struct spconn *c, uint64_t reqno)
{
	int32_t zero = 0;

	send_frame(c, reqno, RUMPSP_RESP, RUMPSP_HANDSHAKE, 0, &zero,
	    sizeof(zero), NULL, 0);
}

static void
send_sysresp(struct spconn *c, uint64_t reqno, int error, const long rv[2])
{
	struct rsp_sysresp r = {
		.rsys_error = error,
		.rsys_retval = { rv[0], rv[1] },
	};

	send_frame(c, reqno, RUMPSP_RESP, RUMPSP_SYSCALL, 0, &r, sizeof(r),
	    NULL, 0);
}

/* ---- requests to the client, from the kernel (doc/rump_sp.md) ---- */

static uint64_t
next_reqno(struct spconn *c)
{
	uint64_t r;

	lock(c->mtx);
	r = c->nextreq++;
	unlock(c->mtx);
	return r;
}

/*
 * Sends a request and waits for the client's answer into buf (up to len
 * bytes). 0, or EFAULT when the connection is gone or fails meanwhile.
 */
static int
request(struct spconn *c, int type, const void *req, size_t reqlen, void *buf,
    size_t len, size_t *got)
{
	struct spwait w = { .buf = buf, .len = len };
	struct spwait **wp;
	int error = 0;

	lock(c->mtx);
	if (c->state == CONN_DYING) {
		unlock(c->mtx);
		return RUMP_EFAULT;
	}
	w.reqno = c->nextreq++;
	w.next = c->waits;
	c->waits = &w;
	unlock(c->mtx);
	if (send_frame(c, w.reqno, RUMPSP_REQ, type, 0, req, reqlen, NULL, 0) !=
	    0) {
		sp.tr->shutdown(c->sock);
		error = RUMP_EFAULT;
	}
	lock(c->mtx);
	while (error == 0 && !w.done && c->state != CONN_DYING)
		rumpuser_cv_wait_nowrap(c->cv, c->mtx);
	if (!w.done)
		error = RUMP_EFAULT;
	for (wp = &c->waits; *wp != &w; wp = &(*wp)->next)
		continue;
	*wp = w.next;
	unlock(c->mtx);
	if (got != NULL)
		*got = w.got;
	return error;
}

static int job_queue(struct spconn *, const struct rsp_hdr *, uint8_t *, size_t);

/*
 * The thread is about to wait. If it is a reader running a call inline, a
 * worker takes over reading that client now (the copy hypercalls call this
 * themselves). 0, or EAGAIN when no thread could take the role: then this
 * thread is still the reader, and the call must not wait for its client.
 */
static int
sp_passrole(void)
{
	struct rsp_hdr h = { .rsp_type = JOB_READ };
	struct inlinecall *ic;
	struct lwp *l;

	if (__atomic_load_n(&ninline, __ATOMIC_ACQUIRE) == 0)
		return 0;
	l = rumpuser_curlwp();
	lock(sp.mtx);
	for (ic = inlinecalls; ic != NULL; ic = ic->next)
		if (ic->lwp == l && !ic->passed)
			break;
	if (ic != NULL)
		ic->passed = true;
	unlock(sp.mtx);
	if (ic == NULL || job_queue(ic->conn, &h, NULL, 0) == 0)
		return 0;
	lock(sp.mtx);
	ic->passed = false;
	unlock(sp.mtx);
	rumpuser_dprintf("rump_sp: client pid %d: no server thread to go on "
			 "reading it while a call waits\n",
	    (int)ic->conn->pid);
	return RUMP_EAGAIN;
}

/*
 * The backend calls this from every blocking hypercall (a kernel sleep).
 * A sleep cannot fail here: without a thread to read its client the call
 * would wait unseen, so the client is cut off instead, not the server.
 */
static void
sp_willblock(void)
{
	struct inlinecall *ic;
	struct lwp *l;

	if (sp_passrole() == 0)
		return;
	l = rumpuser_curlwp();
	lock(sp.mtx);
	for (ic = inlinecalls; ic != NULL; ic = ic->next)
		if (ic->lwp == l)
			break;
	unlock(sp.mtx);
	if (ic != NULL)
		sp.tr->shutdown(ic->conn->sock);
}

/* The calling kernel thread gives the CPU up around a client exchange. */
#define UNSCHED(n) hyp->hyp_backend_unschedule(0, &(n), NULL)
#define RESCHED(n) hyp->hyp_backend_schedule((n), NULL)

int
rumpuser_sp_copyin(void *arg, const void *raddr, void *laddr, size_t len)
{
	struct rsp_copydata req = { len, (uint64_t)(uintptr_t)raddr };
	size_t got = 0;
	int nlocks, error;

	/* The answer must be read by a reader that is not this thread. */
	if (sp_passrole() != 0)
		return RUMP_EFAULT;
	UNSCHED(nlocks);
	error = request(arg, RUMPSP_COPYIN, &req, sizeof(req), laddr, len, &got);
	RESCHED(nlocks);
	/* A short answer would leave kernel memory unfilled: refuse it. */
	return error == 0 && got != len ? RUMP_EFAULT : error;
}

int
rumpuser_sp_copyinstr(void *arg, const void *raddr, void *laddr, size_t *lenp)
{
	struct rsp_copydata req = { *lenp, (uint64_t)(uintptr_t)raddr };
	size_t got = 0;
	int nlocks, error;

	/* The answer must be read by a reader that is not this thread. */
	if (sp_passrole() != 0)
		return RUMP_EFAULT;
	UNSCHED(nlocks);
	error = request(arg, RUMPSP_COPYINSTR, &req, sizeof(req), laddr, *lenp,
	    &got);
	RESCHED(nlocks);
	*lenp = got < *lenp ? got : *lenp;
	return error;
}

int
rumpuser_sp_copyout(void *arg, const void *laddr, void *raddr, size_t len)
{
	struct spconn *c = arg;
	struct rsp_copydata req = { len, (uint64_t)(uintptr_t)raddr };
	int nlocks, error;

	/* The answer must be read by a reader that is not this thread. */
	if (sp_passrole() != 0)
		return RUMP_EFAULT;
	UNSCHED(nlocks);
	error = send_frame(c, next_reqno(c), RUMPSP_REQ, RUMPSP_COPYOUT, 0,
	    &req, sizeof(req), laddr, len);
	RESCHED(nlocks);
	return error == 0 ? 0 : RUMP_EFAULT;
}

int
rumpuser_sp_copyoutstr(void *arg, const void *laddr, void *raddr, size_t *lenp)
{
	size_t n = strnlen(laddr, *lenp);

	if (n == *lenp)
		return RUMP_ENAMETOOLONG;
	*lenp = n + 1;
	return rumpuser_sp_copyout(arg, laddr, raddr, n + 1);
}

int
rumpuser_sp_anonmmap(void *arg, size_t len, void **addrp)
{
	uint64_t req = len, addr = 0;
	size_t got = 0;
	int nlocks, error;

	if (sp_passrole() != 0)
		return RUMP_ENOMEM;
	UNSCHED(nlocks);
	error = request(arg, RUMPSP_ANONMMAP, &req, sizeof(req), &addr,
	    sizeof(addr), &got);
	RESCHED(nlocks);
	if (error != 0)
		return error;
	if (got != sizeof(addr) || addr == 0)
		return RUMP_ENOMEM;
	*addrp = (void *)(uintptr_t)addr;
	return 0;
}

int
rumpuser_sp_raise(void *arg, int signo)
{
	struct spconn *c = arg;
	int nlocks, error;

	if (sp_passrole() != 0)
		return RUMP_EAGAIN;
	/*
	 * The caller's process is not c's: c's client may go while the send
	 * has the CPU given up. A reference keeps c until the send is done
	 * (disconnect waits for it); a client already going gets nothing.
	 */
	lock(c->mtx);
	if (c->state == CONN_DYING) {
		unlock(c->mtx);
		return 0;
	}
	c->refs++;
	unlock(c->mtx);
	UNSCHED(nlocks);
	/* The reference sends a garbage number here; ours counts. */
	error = send_frame(c, next_reqno(c), RUMPSP_REQ, RUMPSP_RAISE,
	    (uint32_t)signo, NULL, 0, NULL, 0);
	RESCHED(nlocks);
	conn_release(c);
	return error;
}

/* ---- the kernel side of one client's process ---- */

/* Runs fn on the connection's main lwp, one server thread at a time. */
static void
on_mainlwp(struct spconn *c, void (*fn)(struct spconn *, void *), void *arg)
{
	lock(c->lwpmtx);
	hyp->hyp_schedule();
	hyp->hyp_lwproc_switch(c->mainlwp);
	fn(c, arg);
	hyp->hyp_lwproc_switch(NULL); /* unbound, kept, when leaving */
	hyp->hyp_unschedule();
	unlock(c->lwpmtx);
}

static void
do_lwpexit(struct spconn *c, void *arg)
{
	(void)c;
	(void)arg;
	hyp->hyp_lwpexit();
}

static void
do_execnotify(struct spconn *c, void *arg)
{
	(void)c;
	hyp->hyp_execnotify(arg);
}

/* Frees an lwp no thread is bound to; the last one takes its process. */
static void
release_lwp(struct lwp *l)
{
	hyp->hyp_schedule();
	hyp->hyp_lwproc_switch(l);
	hyp->hyp_lwproc_release();
	hyp->hyp_unschedule();
}

/* ---- handshakes (reader thread) ---- */

/* The name a handshake body carries, cut to size; an empty body is "". */
static void
body_name(const uint8_t *body, size_t len, char *name, size_t size)
{
	size_t n = len == 0 ? 0 : strnlen((const char *)body, len);

	if (n >= size)
		n = size - 1;
	if (n > 0)
		memcpy(name, body, n);
	name[n] = '\0';
}

static void
handle_guest(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	char name[RUMP_MAXCOMLEN + 1];
	int error;

	if (len == 0 || body[0] == '\0') {
		/* The reference crashes here (doc/rump_sp.md). */
		send_error(c, h->rsp_reqno, RUMPSP_ERR_MALFORMED_REQUEST, true);
		return;
	}
	body_name(body, len, name, sizeof(name));
	hyp->hyp_schedule();
	error = hyp->hyp_lwproc_rfork(c, RUMP_RFCFDG, name);
	/* A server with a user for its clients (sp/auth.c): not root. */
	if (error == 0 && (error = sp_auth_guestcred(hyp)) != 0)
		hyp->hyp_lwproc_release();
	if (error == 0) {
		c->mainlwp = hyp->hyp_lwproc_curlwp();
		c->pid = hyp->hyp_getpid();
		hyp->hyp_lwproc_switch(NULL);
	}
	hyp->hyp_unschedule();
	if (error != 0) {
		/* Out of pids or memory: the client is told, others go on. */
		refuse_rfork(c, h->rsp_reqno, error, true);
		return;
	}
	hs_unwatch(c);
	lock(c->mtx);
	c->state = CONN_RUNNING;
	unlock(c->mtx);
	send_handshake_ok(c, h->rsp_reqno);
}

static void
handle_fork(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	struct handshake_fork hf;
	struct lwp *q, *r = NULL;
	int error;

	if (len != SP_HANDSHAKE_FORK_SIZE) {
		send_error(c, h->rsp_reqno, RUMPSP_ERR_MALFORMED_REQUEST, true);
		return;
	}
	memcpy(&hf, body, sizeof(hf));
	if ((q = sp_prefork_claim(hf.rf_auth)) == NULL) {
		send_error(c, h->rsp_reqno, RUMPSP_ERR_INVALID_PREFORK, true);
		return;
	}
	if (hf.rf_cancel) {
		release_lwp(q);
		sp.tr->shutdown(c->sock);
		return;
	}
	/*
	 * The child shares the temporary process's table, then the temporary
	 * process goes: the child owns the prefork-time copy, its parent is
	 * init (doc/rump_sp.md, "Prefork and fork cookies").
	 */
	hyp->hyp_schedule();
	hyp->hyp_lwproc_switch(q);
	error = hyp->hyp_lwproc_rfork(c, RUMP_RFFD_SHARE_FLAGS, NULL);
	if (error == 0) {
		r = hyp->hyp_lwproc_curlwp();
		c->pid = hyp->hyp_getpid();
		hyp->hyp_lwproc_switch(q);
	}
	hyp->hyp_lwproc_release();
	hyp->hyp_unschedule();
	if (error != 0) {
		refuse_rfork(c, h->rsp_reqno, error, true);
		return;
	}
	c->mainlwp = r;
	hs_unwatch(c);
	lock(c->mtx);
	c->state = CONN_RUNNING;
	unlock(c->mtx);
	send_handshake_ok(c, h->rsp_reqno);
}

struct rfork_result {
	int error;
	struct lwp *lwp;
};

static void
do_prefork(struct spconn *c, void *arg)
{
	struct rfork_result *res = arg;

	(void)c;
	res->error = hyp->hyp_lwproc_rfork(NULL, RUMP_RFFD_COPY, NULL);
	if (res->error == 0) {
		res->lwp = hyp->hyp_lwproc_curlwp();
		/* on_mainlwp's switch(NULL) now unbinds the new lwp: kept. */
	}
}

/*
 * A preforked process for a fork to come (doc/rump_sp.md, "Prefork and
 * fork cookies"), within the connection's share (sp_limits.h); the cookie
 * is sent from this frame's own copy.
 */
static void
handle_prefork(struct spconn *c, const struct rsp_hdr *h)
{
	struct rfork_result res = { 0, NULL };
	uint32_t cookie[SP_AUTHLEN];
	char why[80];
	bool inexec;
	int error;

	lock(c->mtx);
	inexec = c->inexec;
	unlock(c->mtx);
	if (inexec) {
		send_error(c, h->rsp_reqno, RUMPSP_ERR_INEXEC, true);
		return;
	}
	if (sp_prefork_held(c) >= sp_limits.maxprefork) {
		snprintf(why, sizeof(why),
		    "connection holds %d unclaimed "
		    "preforks, the limit",
		    sp_limits.maxprefork);
		send_refusal(c, h->rsp_reqno, RUMPSP_ERR_RFORK_FAILED, false,
		    why);
		return;
	}
	on_mainlwp(c, do_prefork, &res);
	if (res.error != 0) {
		refuse_rfork(c, h->rsp_reqno, res.error, false);
		return;
	}
	if ((error = sp_prefork_add(c, res.lwp, cookie)) != 0) {
		release_lwp(res.lwp);
		send_error(c, h->rsp_reqno,
		    error == RUMP_ENOMEM ? RUMPSP_ERR_NOMEM :
					   RUMPSP_ERR_RFORK_FAILED,
		    false);
		return;
	}
	send_frame(c, h->rsp_reqno, RUMPSP_RESP, RUMPSP_PREFORK, 0, cookie,
	    sizeof(cookie), NULL, 0);
}

/* ---- the worker pool ---- */

static void *worker(void *);
static void serve(struct spconn *);

/*
 * Queues a job for a worker, making one if none is idle. 0, ENOMEM, or
 * EAGAIN when no thread could be made and none is idle to take it: then
 * the job is withdrawn (body stays the caller's), rather than left to wait
 * unseen for a worker that may never come. The job holds a connection
 * reference.
 */
static int
job_queue(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	struct job *j = calloc(1, sizeof(*j)), **jp;
	bool spawn, withdrawn;

	if (j == NULL)
		return RUMP_ENOMEM;
	j->conn = c;
	j->hdr = *h;
	j->body = body;
	j->bodylen = len;
	if (h->rsp_type != JOB_READ) { /* the reader's role has its own */
		lock(c->mtx);
		c->refs++;
		unlock(c->mtx);
	}

	lock(sp.mtx);
	*sp.jobtail = j;
	sp.jobtail = &j->next;
	sp.njobs++;
	/*
	 * An idle worker that was signalled stays counted in nidle until it
	 * runs again, and a second signal meanwhile wakes nobody: a new
	 * worker is needed whenever the queue outgrows the idle ones, not
	 * only when none is idle (else a job could wait until some call
	 * ends, forever if the calls wait for their clients).
	 */
	spawn = sp.njobs > sp.nidle;
	if (spawn)
		sp.nworkers++;
	rumpuser_cv_signal(sp.jobcv);
	unlock(sp.mtx);
	if (!spawn ||
	    rumpuser_thread_create(worker, NULL, "spworker", 0, 0, -1, NULL) == 0)
		return 0;
	lock(sp.mtx);
	sp.nworkers--;
	for (jp = &sp.jobs; *jp != NULL && *jp != j; jp = &(*jp)->next)
		continue;
	/* Still queued with more jobs than idle workers: nobody comes. */
	withdrawn = *jp == j && sp.njobs > sp.nidle;
	if (withdrawn) {
		if ((*jp = j->next) == NULL)
			sp.jobtail = jp;
		sp.njobs--;
	}
	unlock(sp.mtx);
	if (!withdrawn)
		return 0;
	if (h->rsp_type != JOB_READ)
		conn_release(c);
	free(j);
	return RUMP_EAGAIN;
}

/*
 * Runs one system call on a new lwp of the client's process and replies.
 * Called by the reader itself, which gives it body (freed here before the
 * call runs: a waiting call holds no frame); returns true when the call had
 * to wait and the reader's role went to a worker meanwhile.
 */
static bool
run_syscall(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	long args[SP_MAXARGS] = { 0 }, rv[2] = { 0, 0 };
	struct inlinecall ic = { .conn = c, .reqno = h->rsp_reqno }, **icp;
	uint32_t num = h->rsp_u;
	bool full, shared;
	int error;

	/* Short argument blocks are zero-extended; long ones cut at 8 slots. */
	if (len > 0)
		memcpy(args, body, len < sizeof(args) ? len : sizeof(args));
	free(body);
	if (num >= SP_NSYSENT) {
		send_sysresp(c, h->rsp_reqno, RUMP_ENOSYS, rv);
		return false;
	}
	/*
	 * Calls in flight are lwps and threads: a connection has a share,
	 * its reserve always, the shared places while there are some.
	 */
	lock(c->mtx);
	full = c->inflight >= sp_limits.maxlwp;
	shared = c->inflight >= CONNRESERVE;
	if (!full) {
		c->refs++;
		c->inflight++;
	}
	unlock(c->mtx);
	if (!full && shared &&
	    __atomic_add_fetch(&sp.nshared, 1, __ATOMIC_RELAXED) > MAXSHARED) {
		__atomic_sub_fetch(&sp.nshared, 1, __ATOMIC_RELAXED);
		lock(c->mtx);
		c->inflight--;
		unlock(c->mtx);
		conn_release(c);
		full = true;
	}
	if (full) {
		rv[0] = -1;
		send_sysresp(c, h->rsp_reqno, RUMP_EAGAIN, rv);
		return false;
	}

	hyp->hyp_schedule();
	error = hyp->hyp_lwproc_newlwp(c->pid);
	if (error != 0) {
		hyp->hyp_unschedule();
		rv[0] = -1;
	} else {
		ic.lwp = hyp->hyp_lwproc_curlwp();
		lock(sp.mtx);
		ic.next = inlinecalls;
		inlinecalls = &ic;
		__atomic_add_fetch(&ninline, 1, __ATOMIC_RELEASE);
		unlock(sp.mtx);
		error = hyp->hyp_syscall((int)num, args, rv);
		lock(sp.mtx);
		for (icp = &inlinecalls; *icp != &ic; icp = &(*icp)->next)
			continue;
		*icp = ic.next;
		__atomic_sub_fetch(&ninline, 1, __ATOMIC_RELEASE);
		unlock(sp.mtx);
		hyp->hyp_lwproc_release();
		hyp->hyp_unschedule();
	}
	send_sysresp(c, h->rsp_reqno, error, rv);
	if (shared)
		__atomic_sub_fetch(&sp.nshared, 1, __ATOMIC_RELAXED);
	lock(c->mtx);
	c->inflight--;
	unlock(c->mtx);
	conn_release(c);
	return ic.passed;
}

/* The second half of an exec (doc/rump_sp.md): after the calls drain. */
static void
run_exec(struct spconn *c, struct job *j)
{
	char name[RUMP_MAXCOMLEN + 1];

	body_name(j->body, j->bodylen, name, sizeof(name));
	lock(c->mtx);
	while (c->inflight > 0)
		rumpuser_cv_wait_nowrap(c->cv, c->mtx);
	unlock(c->mtx);
	on_mainlwp(c, do_execnotify, name);
	lock(c->mtx);
	c->inexec = false;
	unlock(c->mtx);
	send_handshake_ok(c, j->hdr.rsp_reqno);
}

static void *
worker(void *arg)
{
	struct job *j;

	(void)arg;
	for (;;) {
		lock(sp.mtx);
		while (sp.jobs == NULL && sp.nidle < IDLEWORKER) {
			sp.nidle++;
			rumpuser_cv_wait_nowrap(sp.jobcv, sp.mtx);
			sp.nidle--;
		}
		if ((j = sp.jobs) == NULL) {
			sp.nworkers--; /* enough idle ones already */
			unlock(sp.mtx);
			return NULL;
		}
		if ((sp.jobs = j->next) == NULL)
			sp.jobtail = &sp.jobs;
		sp.njobs--;
		unlock(sp.mtx);

		if (j->hdr.rsp_type == JOB_READ) {
			serve(j->conn);
		} else {
			run_exec(j->conn, j);
			conn_release(j->conn);
		}
		free(j->body);
		free(j);
	}
}

/* ---- the reader: frames in, dispatch (doc/rump_sp.md, "Handshakes") ---- */

/* A response from the client: the waiting kernel thread gets its bytes. */
static void
deliver(struct spconn *c, const struct rsp_hdr *h, const uint8_t *body, size_t len)
{
	lock(c->mtx);
	for (struct spwait *w = c->waits; w != NULL; w = w->next) {
		if (w->reqno != h->rsp_reqno || w->done)
			continue;
		w->got = len < w->len ? len : w->len;
		if (w->got > 0)
			memcpy(w->buf, body, w->got);
		w->done = true;
		rumpuser_cv_broadcast(c->cv);
		break;
	}
	unlock(c->mtx);
}

static void
handle_exec(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	bool busy;

	lock(c->mtx);
	busy = c->inexec;
	c->inexec = true;
	unlock(c->mtx);
	if (busy) {
		send_error(c, h->rsp_reqno, RUMPSP_ERR_INEXEC, true);
		free(body);
		return;
	}
	on_mainlwp(c, do_lwpexit, NULL);
	if (job_queue(c, h, body, len) != 0) {
		lock(c->mtx);
		c->inexec = false;
		unlock(c->mtx);
		send_error(c, h->rsp_reqno, RUMPSP_ERR_TRYAGAIN, false);
		free(body);
	}
}

/*
 * A server with a key takes nothing but the key handshake first
 * (sp/auth.c): a good one is answered and the connection goes on in state
 * NEW; anything else gets an ERROR frame with the reason, and the close.
 */
static void
handle_auth(struct spconn *c, const struct rsp_hdr *h, const uint8_t *body,
    size_t len)
{
	struct handshake_auth_reply r;
	const char *why;

	if (sp_auth_check(&c->auth, h, body, len, &r, &why) == SP_AUTH_ACCEPT) {
		send_frame(c, h->rsp_reqno, RUMPSP_RESP, RUMPSP_HANDSHAKE, 0,
		    &r, sizeof(r), NULL, 0);
		return;
	}
	send_frame(c, h->rsp_reqno, RUMPSP_ERROR, 0, RUMPSP_ERR_AUTH, why,
	    strlen(why) + 1, NULL, 0);
	sp.tr->shutdown(c->sock);
}

/*
 * Handles one frame; takes body. Returns true when this thread is no longer
 * the connection's reader (a call it ran passed the role on).
 */
static bool
dispatch(struct spconn *c, const struct rsp_hdr *h, uint8_t *body, size_t len)
{
	bool passed;

	if (c->auth.pending) {
		handle_auth(c, h, body, len);
		free(body);
		return false;
	}
	if (h->rsp_class == RUMPSP_RESP) {
		deliver(c, h, body, len);
		free(body);
		return false;
	}
	if (h->rsp_class != RUMPSP_REQ) {
		send_error(c, h->rsp_reqno, RUMPSP_ERR_MALFORMED_REQUEST, false);
		free(body);
		return false;
	}
	if (c->state == CONN_NEW) {
		if (h->rsp_type == RUMPSP_HANDSHAKE && h->rsp_u == HANDSHAKE_GUEST)
			handle_guest(c, h, body, len);
		else if (h->rsp_type == RUMPSP_HANDSHAKE &&
		    h->rsp_u == HANDSHAKE_FORK)
			handle_fork(c, h, body, len);
		else
			send_error(c, h->rsp_reqno, RUMPSP_ERR_AUTH, true);
		free(body);
		return false;
	}
	switch (h->rsp_type) {
	case RUMPSP_SYSCALL:
		passed = run_syscall(c, h, body, len);
		return passed;
	case RUMPSP_PREFORK:
		handle_prefork(c, h);
		break;
	case RUMPSP_HANDSHAKE:
		if (h->rsp_u == HANDSHAKE_EXEC) {
			handle_exec(c, h, body, len);
			return false;
		}
		send_error(c, h->rsp_reqno, RUMPSP_ERR_MALFORMED_REQUEST, true);
		break;
	default:
		send_error(c, h->rsp_reqno, RUMPSP_ERR_MALFORMED_REQUEST, false);
		break;
	}
	free(body);
	return false;
}

/* Reads one frame; 0, or an error meaning this client is done. */
static int
read_frame(struct spconn *c, struct rsp_hdr *h, uint8_t **bodyp, size_t *lenp)
{
	size_t len;
	uint8_t *body = NULL;
	int error;

	if ((error = sp.tr->recv(c->sock, h, sizeof(*h))) != 0)
		return error;
	if (h->rsp_len < SP_HDRSIZE || h->rsp_len > MAXFRAME) {
		rumpuser_dprintf("rump_sp: client pid %d: frame length %llu "
				 "outside [%d, %d], disconnecting\n",
		    (int)c->pid, (unsigned long long)h->rsp_len, SP_HDRSIZE,
		    MAXFRAME);
		return RUMP_EINVAL;
	}
	len = h->rsp_len - SP_HDRSIZE;
	/*
	 * Before the key proof no body longer than the proof is read or
	 * allocated: the check refuses it by its length alone and closes.
	 */
	if (c->auth.pending && len > SP_HANDSHAKE_AUTH_SIZE) {
		*bodyp = NULL;
		*lenp = len;
		return 0;
	}
	if (len > 0) {
		if ((body = calloc(1, len)) == NULL)
			return RUMP_ENOMEM;
		if ((error = sp.tr->recv(c->sock, body, len)) != 0) {
			free(body);
			return error;
		}
	}
	*bodyp = body;
	*lenp = len;
	return 0;
}

static void
conn_free(struct spconn *c)
{
	sp.tr->close(c->sock);
	rumpuser_cv_destroy(c->cv);
	rumpuser_mutex_destroy(c->lwpmtx);
	rumpuser_mutex_destroy(c->sendmtx);
	rumpuser_mutex_destroy(c->mtx);
	free(c);
	lock(sp.mtx);
	sp.nconn--;
	unlock(sp.mtx);
}

/*
 * The client is gone (doc/rump_sp.md): waiting copies fail, sleeping calls get
 * EINTR, and once the last call is back the process goes with its main lwp.
 */
static void
disconnect(struct spconn *c)
{
	bool hadproc, inexec;

	hs_unwatch(c); /* before the wait for references */
	sp.tr->shutdown(c->sock);
	sp_prefork_orphan(c);
	lock(c->mtx);
	hadproc = c->state == CONN_RUNNING;
	inexec = c->inexec;
	c->state = CONN_DYING;
	rumpuser_cv_broadcast(c->cv);
	unlock(c->mtx);
	if (hadproc && !inexec)
		on_mainlwp(c, do_lwpexit, NULL);
	lock(c->mtx);
	c->refs--; /* the reader's own */
	while (c->refs > 0)
		rumpuser_cv_wait_nowrap(c->cv, c->mtx);
	unlock(c->mtx);
	if (hadproc)
		release_lwp(c->mainlwp);
	conn_free(c);
}

/* Reads and handles c's frames until the role passes on or c ends. */
static void
serve(struct spconn *c)
{
	struct rsp_hdr h;
	uint8_t *body;
	size_t len;

	for (;;) {
		if (read_frame(c, &h, &body, &len) != 0) {
			disconnect(c);
			return;
		}
		if (dispatch(c, &h, body, len))
			return;
	}
}

/* ---- listening ---- */

static const struct sp_transport *handed_transport;

void
rumpuser_sp_set_transport(const struct sp_transport *tr)
{
	handed_transport = tr;
}

static struct spconn *
conn_alloc(struct sp_sock *s)
{
	struct spconn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->sock = s;
	c->refs = 1;
	c->pid = -1;
	rumpuser_mutex_init(&c->mtx, RUMPUSER_MTX_SPIN);
	rumpuser_mutex_init(&c->sendmtx, 0);
	rumpuser_mutex_init(&c->lwpmtx, 0);
	rumpuser_cv_init(&c->cv);
	return c;
}

static void *
listener(void *arg)
{
	struct sp_listener *l = arg;
	struct rsp_hdr rh = { .rsp_type = JOB_READ };
	struct sp_sock *s;
	struct spconn *c;
	struct sp_iov iov;
	char banner[SP_MAXBANNER];

	while (sp.tr->accept(l, &s) == 0) {
		lock(sp.mtx);
		if (sp.nconn >= MAXCONN || !sp.running) {
			unlock(sp.mtx);
			sp.tr->close(s); /* no banner: the client sees EOF */
			continue;
		}
		sp.nconn++;
		unlock(sp.mtx);
		if ((c = conn_alloc(s)) == NULL) {
			sp.tr->close(s);
			lock(sp.mtx);
			sp.nconn--;
			unlock(sp.mtx);
			continue;
		}
		/* With a key, the banner carries this connection's challenge. */
		iov.base = banner;
		iov.len = sp_auth_banner(&c->auth, sp.banner, sp.bannerlen,
		    banner);
		if (iov.len == 0 || sp.tr->sendv(s, &iov, 1) != 0) {
			conn_free(c);
			continue;
		}
		hs_watch(c);
		/*
		 * A worker reads it: an idle one, or one made now. Reusing
		 * threads spares a thread's creation and teardown for each
		 * connection (a short-lived client costs one switch).
		 */
		if (job_queue(c, &rh, NULL, 0) == 0)
			continue;
		hs_unwatch(c);
		lock(c->mtx);
		while (c->refs > 1) /* the watchdog's, if it took one */
			rumpuser_cv_wait_nowrap(c->cv, c->mtx);
		unlock(c->mtx);
		send_refusal(c, 0, RUMPSP_ERR_TRYAGAIN, true,
		    "no server thread for a new client");
		conn_free(c);
	}
	return NULL;
}

int
rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
    const char *machine)
{
	int error, n;

	if ((hyp = rumpuser__hyp) == NULL)
		return RUMP_EINVAL; /* rump_init() first */
	if ((error = sp_limits_init()) != 0)
		return error;
	sp_prefork_init();
	rumpuser__sp_willblock = sp_willblock;
	if (sp.listener != NULL)
		return RUMP_EBUSY;
	if ((sp.tr = handed_transport) == NULL &&
	    (sp.tr = sp_backend_transport) == NULL)
		return RUMP_EOPNOTSUPP; /* no network to serve on */
	n = snprintf(sp.banner, sizeof(sp.banner), "RUMPSP-%d.%d-%s-%s/%s\n",
	    SP_PROTOMAJOR, SP_PROTOMINOR, ostype, osrelease, machine);
	if (n < 0 || (size_t)n >= sizeof(sp.banner)) {
		n = sizeof(sp.banner) - 1; /* cut, still one line */
		sp.banner[n - 1] = '\n';
	}
	sp.bannerlen = (size_t)n;
	if ((error = sp_auth_start()) != 0)
		return error;
	if ((error = sp.tr->listen(url, &sp.listener)) != 0) {
		sp.listener = NULL;
		return error;
	}
	if (sp.mtx == NULL) {
		rumpuser_mutex_init(&sp.mtx, RUMPUSER_MTX_SPIN);
		rumpuser_cv_init(&sp.jobcv);
		sp.jobtail = &sp.jobs;
		rumpuser_mutex_init(&sp.hsmtx, RUMPUSER_MTX_SPIN);
		rumpuser_cv_init(&sp.hscv);
		if (sp_limits.hstimeout > 0 &&
		    (error = rumpuser_thread_create(hs_watchdog, NULL,
			 "sphswatch", 0, 0, -1, NULL)) != 0) {
			sp.tr->unlisten(sp.listener);
			sp.listener = NULL;
			return error;
		}
	}
	sp.running = true;
	error = rumpuser_thread_create(listener, sp.listener, "splistener", 0,
	    0, -1, NULL);
	if (error != 0) {
		sp.tr->unlisten(sp.listener);
		sp.listener = NULL;
	}
	return error;
}

/*
 * The kernel halts (doc/rump_sp.md): a remote caller of reboot gets its success
 * reply first; then no more connections, and a unix socket's file goes.
 */
void
rumpuser_sp_fini(void *arg)
{
	struct inlinecall *ic;
	long rv[2] = { 0, 0 };
	int nlocks;

	if (sp.listener == NULL)
		return;
	/* The caller's reboot is the inline call running on this lwp. */
	lock(sp.mtx);
	for (ic = inlinecalls; ic != NULL; ic = ic->next)
		if (arg != NULL && ic->conn == arg && ic->lwp == rumpuser_curlwp())
			break;
	unlock(sp.mtx);
	UNSCHED(nlocks);
	if (ic != NULL)
		send_sysresp(ic->conn, ic->reqno, 0, rv);
	lock(sp.mtx);
	sp.running = false;
	unlock(sp.mtx);
	sp.tr->unlisten(sp.listener);
	RESCHED(nlocks);
}

int
rumpuser_sp_nconn(void)
{
	int n;

	if (sp.mtx == NULL)
		return 0;
	lock(sp.mtx);
	n = sp.nconn;
	unlock(sp.mtx);
	return n;
}
