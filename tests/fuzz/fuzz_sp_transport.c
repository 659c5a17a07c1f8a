/*
 * An in-memory byte-stream transport (rump/rumpuser_sp.h) for the server
 * fuzzer, and the fake clients at its other end. A client's bytes are what
 * the input says; besides, each client answers the server's copy requests
 * itself, from a memory of its own (FSP_MEMBASE, FSP_MEMSIZE bytes), in one
 * of six ways chosen by the input:
 *   0 exactly; 1 with half the bytes; 2 with none; 3 never (the call waits
 *   until the connection goes); 4 with an ERROR frame; 5 twice.
 * Addresses outside its memory get an empty answer (the client's EFAULT).
 * Answers are read by the server before the client's next frame, never in
 * the middle of one. FUZZ_TRACE=1 shows the frames the server sends.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_sp.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_server.h"

#define MAXFRAME  (1024 * 1024 + SP_HDRSIZE) /* as sp/server.c */
#define MAXSOCKS  64			     /* connections of one input */
#define SETTLE_NS (100 * 1000 * 1000ULL)     /* 100 ms */
#define END_NS	  (20 * 1000 * 1000 * 1000ULL)

struct buf {
	uint8_t *p;
	size_t len, pos;
};

struct sp_sock {
	struct buf in;	/* the input's bytes */
	struct buf rep; /* answers to copy requests, whole frames */
	bool accepted, eof, shut, closed;
	bool bannered;	/* the server sent its banner */
	int waiting;	/* server threads in recv, nothing to read */
	size_t want;	/* bytes the last of them waits for */
	bool running;	/* handshake answered: calls get replies */
	int pending;	/* system calls read, not yet answered */
	int unanswered; /* copy requests this client never answers */
	bool body_next, body_from_rep;
	struct rsp_hdr hdr; /* the frame being read */
	int mode;
	pthread_cond_t rcv; /* its readers wait here */
	uint8_t mem[FSP_MEMSIZE];
};

struct sp_listener {
	int unused;
};

/*
 * One lock; three kinds of waiters, each woken only for what it waits on
 * (a broadcast to every server thread at each change was most of the time
 * an input took): the driver (settling, ending) on cv, the listener on
 * accept_cv, a connection's readers on its rcv.
 */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t accept_cv = PTHREAD_COND_INITIALIZER;
static struct sp_sock *socks[MAXSOCKS]; /* this input's, in order */
static int nsocks, naccepted;
static struct sp_sock *conns[FSP_NCONN];
/*
 * Every cookie a PREFORK answer carried in this input, for the FORK
 * handshakes and for the cancelling at the end: it grows, since an input
 * may hold far more preforks than one connection's share, and one left out
 * would stay in the kernel as an orphan after the input.
 */
static uint32_t (*cookies)[SP_AUTHLEN];
static int ncookies, maxcookies;
static unsigned long events; /* changes the settling waits for */
static int asleep;	     /* threads sleeping in the kernel */
static fsp_filter_fn *filter;
static struct sp_listener the_listener;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
timed_wait(uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ns;
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&cv, &mtx, &ts);
}

/* Something the driver may wait for changed (mtx held). */
static void
changed(void)
{
	events++;
	pthread_cond_signal(&cv);
}

/* What a reader of s waits for changed, and maybe the driver's (mtx held). */
static void
sock_changed(struct sp_sock *s)
{
	pthread_cond_broadcast(&s->rcv);
	changed();
}

static void
buf_add(struct buf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	b->p = realloc(b->p, b->len + len);
	if (b->p == NULL)
		abort();
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static size_t
buf_avail(const struct buf *b)
{
	return b->len - b->pos;
}

/* ---- the transport, as the server sees it ---- */

static int
t_listen(const char *url, struct sp_listener **lp)
{
	(void)url;
	*lp = &the_listener;
	return 0;
}

static int
t_accept(struct sp_listener *l, struct sp_sock **sp)
{
	(void)l;
	pthread_mutex_lock(&mtx);
	while (naccepted == nsocks)
		pthread_cond_wait(&accept_cv, &mtx);
	*sp = socks[naccepted++];
	(*sp)->accepted = true;
	changed();
	pthread_mutex_unlock(&mtx);
	return 0;
}

static void
t_unlisten(struct sp_listener *l)
{
	(void)l;
}

/* Files a PREFORK answer's cookie (mtx held). */
static void
add_cookie(const uint8_t *cookie)
{
	void *p;

	if (ncookies == maxcookies) {
		maxcookies = maxcookies == 0 ? 16 : maxcookies * 2;
		p = realloc(cookies, (size_t)maxcookies * sizeof(cookies[0]));
		if (p == NULL) {
			fprintf(stderr, "fuzz: no memory for %d cookies\n",
			    maxcookies);
			abort();
		}
		cookies = p;
	}
	memcpy(cookies[ncookies++], cookie, sizeof(cookies[0]));
}

/* A FORK cookie {i, 0, 0, 0} becomes the i-th one the server gave. */
static void
fork_cookie(uint8_t *body)
{
	uint32_t auth[SP_AUTHLEN];

	memcpy(auth, body, sizeof(auth));
	if (auth[0] < (uint32_t)ncookies && auth[1] == 0 && auth[2] == 0 &&
	    auth[3] == 0)
		memcpy(body, cookies[auth[0]], sizeof(auth));
}

/*
 * A whole frame of the input was read (mtx held): a system call the server
 * will answer, once it has shaken hands (a frame cut short by the end of a
 * chunk is not one yet).
 */
static void
count_call(struct sp_sock *s)
{
	if (s->running && s->hdr.rsp_class == RUMPSP_REQ &&
	    s->hdr.rsp_type == RUMPSP_SYSCALL)
		s->pending++;
}

static int
t_recv(struct sp_sock *s, void *out, size_t len)
{
	struct buf *b;
	bool header, waiting = false;
	int error = 0;

	pthread_mutex_lock(&mtx);
	for (;;) {
		if (s->shut) {
			error = RUMP_ENOTCONN;
			break;
		}
		header = !s->body_next;
		b = (header && buf_avail(&s->rep) > 0) ||
			(!header && s->body_from_rep) ?
		    &s->rep :
		    &s->in;
		if (buf_avail(b) >= len)
			break;
		if (b == &s->in && s->eof) {
			error = RUMP_ENOTCONN;
			break;
		}
		/* Counted once: waking again changes nothing to wait for. */
		if (!waiting) {
			waiting = true;
			s->want = len;
			s->waiting++;
			changed();
		}
		pthread_cond_wait(&s->rcv, &mtx);
	}
	if (waiting)
		s->waiting--;
	if (error == 0) {
		memcpy(out, b->p + b->pos, len);
		b->pos += len;
		if (header && len == SP_HDRSIZE) {
			memcpy(&s->hdr, out, sizeof(s->hdr));
			s->body_next = s->hdr.rsp_len > SP_HDRSIZE &&
			    s->hdr.rsp_len <= MAXFRAME;
			s->body_from_rep = b == &s->rep;
			if (!s->body_next && b == &s->in)
				count_call(s);
			if (!s->body_next && b == &s->in &&
			    filter(&s->hdr, NULL, 0))
				error = RUMP_ENOTCONN;
		} else if (!header) {
			s->body_next = false;
			if (b == &s->in) {
				count_call(s);
				if (s->hdr.rsp_class == RUMPSP_REQ &&
				    s->hdr.rsp_type == RUMPSP_HANDSHAKE &&
				    s->hdr.rsp_u == HANDSHAKE_FORK &&
				    len == SP_HANDSHAKE_FORK_SIZE)
					fork_cookie(out);
				if (filter(&s->hdr, out, len))
					error = RUMP_ENOTCONN;
			}
		}
		if (error != 0)
			s->shut = true;
	}
	sock_changed(s);
	pthread_mutex_unlock(&mtx);
	return error;
}

static void
reply(struct sp_sock *s, const struct rsp_hdr *req, int class, const void *data,
    size_t len)
{
	struct rsp_hdr h = {
		.rsp_len = SP_HDRSIZE + len,
		.rsp_reqno = req->rsp_reqno,
		.rsp_class = (uint16_t) class,
		.rsp_type = req->rsp_type,
	};

	buf_add(&s->rep, &h, sizeof(h));
	buf_add(&s->rep, data, len);
}

/* The client's side of a request frame the server sent (s->mtx held). */
static void
client_answer(struct sp_sock *s, const struct rsp_hdr *h, const uint8_t *body,
    size_t blen)
{
	struct rsp_copydata cd = { 0, 0 };
	const uint8_t *src = NULL;
	size_t n = 0;
	uint64_t addr;

	if (blen >= sizeof(cd))
		memcpy(&cd, body, sizeof(cd));
	if (cd.rcp_addr >= FSP_MEMBASE &&
	    cd.rcp_addr - FSP_MEMBASE < FSP_MEMSIZE) {
		src = s->mem + (cd.rcp_addr - FSP_MEMBASE);
		n = FSP_MEMSIZE - (cd.rcp_addr - FSP_MEMBASE);
		if (cd.rcp_len < n)
			n = cd.rcp_len;
	}
	switch (h->rsp_type) {
	case RUMPSP_COPYOUT:
	case RUMPSP_COPYOUTSTR:
		if (src != NULL && blen - sizeof(cd) <= n)
			memcpy(s->mem + (cd.rcp_addr - FSP_MEMBASE),
			    body + sizeof(cd), blen - sizeof(cd));
		return;
	case RUMPSP_COPYINSTR:
		if (src != NULL && memchr(src, '\0', n) != NULL)
			n = (size_t)((const uint8_t *)memchr(src, '\0', n) - src) +
			    1;
		break;
	case RUMPSP_COPYIN:
		break;
	case RUMPSP_ANONMMAP:
		addr = FSP_MEMBASE;
		src = (const uint8_t *)&addr;
		n = sizeof(addr);
		break;
	default: /* RAISE and anything new: no answer */
		return;
	}
	switch (s->mode) {
	case 3:
	case 4:
		/* The call waits until the connection goes (an ERROR frame
		 * answers nothing: the server refuses it). */
		s->unanswered++;
		break;
	default:
		break;
	}
	switch (s->mode) {
	case 1:
		n /= 2;
		break;
	case 2:
		n = 0;
		break;
	case 3:
		return;
	case 4:
		reply(s, h, RUMPSP_ERROR, NULL, 0);
		return;
	case 5:
		reply(s, h, RUMPSP_RESP, src, n);
		break;
	default:
		break;
	}
	reply(s, h, RUMPSP_RESP, src, n);
}

/* FUZZ_TRACE=1: each frame the server sends, on stderr. */
static void
trace(const struct sp_sock *s, const struct rsp_hdr *h, const uint8_t *body,
    size_t len)
{
	static int on = -1;
	struct rsp_sysresp r;
	int idx = 0;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	if (!on)
		return;
	while (idx < nsocks && socks[idx] != s)
		idx++;
	fprintf(stderr,
	    "fuzz: conn %d <- class %u type %u u %u reqno %llu, "
	    "%zu bytes",
	    idx, h->rsp_class, h->rsp_type, h->rsp_u,
	    (unsigned long long)h->rsp_reqno, len);
	if (h->rsp_class == RUMPSP_RESP && h->rsp_type == RUMPSP_SYSCALL &&
	    len == sizeof(r)) {
		memcpy(&r, body, sizeof(r));
		fprintf(stderr, ": error %d, rv %lld", r.rsys_error,
		    (long long)r.rsys_retval[0]);
	}
	fprintf(stderr, "\n");
}

static int
t_sendv(struct sp_sock *s, const struct sp_iov *iov, int n)
{
	struct buf f = { NULL, 0, 0 };
	struct rsp_hdr h;
	int error = 0;

	for (int i = 0; i < n; i++)
		buf_add(&f, iov[i].base, iov[i].len);
	pthread_mutex_lock(&mtx);
	if (s->shut || s->closed) {
		error = RUMP_EPIPE;
	} else if (!s->bannered) {
		s->bannered = true;
	} else if (f.len >= SP_HDRSIZE) {
		memcpy(&h, f.p, sizeof(h));
		if (h.rsp_len != f.len) {
			fprintf(stderr,
			    "fuzz: server sent a frame of %zu bytes "
			    "saying %llu\n",
			    f.len, (unsigned long long)h.rsp_len);
			abort();
		}
		trace(s, &h, f.p + SP_HDRSIZE, f.len - SP_HDRSIZE);
		if (h.rsp_class == RUMPSP_REQ)
			client_answer(s, &h, f.p + SP_HDRSIZE,
			    f.len - SP_HDRSIZE);
		else if (h.rsp_class == RUMPSP_RESP &&
		    h.rsp_type == RUMPSP_SYSCALL && s->pending > 0)
			s->pending--;
		else if (h.rsp_class == RUMPSP_RESP &&
		    h.rsp_type == RUMPSP_HANDSHAKE)
			s->running = true;
		else if (h.rsp_class == RUMPSP_RESP &&
		    h.rsp_type == RUMPSP_PREFORK &&
		    f.len == SP_HDRSIZE + sizeof(cookies[0]))
			add_cookie(f.p + SP_HDRSIZE);
	}
	sock_changed(s);
	pthread_mutex_unlock(&mtx);
	free(f.p);
	return error;
}

static void
t_shutdown(struct sp_sock *s)
{
	pthread_mutex_lock(&mtx);
	s->shut = true;
	sock_changed(s);
	pthread_mutex_unlock(&mtx);
}

static void
t_close(struct sp_sock *s)
{
	pthread_mutex_lock(&mtx);
	s->shut = true;
	s->closed = true;
	sock_changed(s);
	pthread_mutex_unlock(&mtx);
}

const struct sp_transport fsp_transport = {
	.listen = t_listen,
	.accept = t_accept,
	.unlisten = t_unlisten,
	.recv = t_recv,
	.sendv = t_sendv,
	.shutdown = t_shutdown,
	.close = t_close,
};

/* ---- the driver's side ---- */

/* A new connection for the listener to accept (mtx held). */
static struct sp_sock *
sock_new(void)
{
	struct sp_sock *s;

	if (nsocks == MAXSOCKS || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	pthread_cond_init(&s->rcv, NULL);
	socks[nsocks++] = s;
	pthread_cond_signal(&accept_cv);
	return s;
}

void
fsp_begin(fsp_filter_fn *f)
{
	pthread_mutex_lock(&mtx);
	filter = f;
	ncookies = 0;
	memset(conns, 0, sizeof(conns));
	pthread_mutex_unlock(&mtx);
}

static struct sp_sock *
conn(int k)
{
	if (conns[k] == NULL || conns[k]->shut || conns[k]->eof)
		conns[k] = sock_new();
	return conns[k];
}

void
fsp_send(int k, const uint8_t *data, size_t len)
{
	struct sp_sock *s;

	pthread_mutex_lock(&mtx);
	if ((s = conn(k)) != NULL) {
		buf_add(&s->in, data, len);
		sock_changed(s);
	}
	pthread_mutex_unlock(&mtx);
}

void
fsp_close(int k)
{
	pthread_mutex_lock(&mtx);
	if (conns[k] != NULL) {
		conns[k]->eof = true;
		sock_changed(conns[k]);
	}
	pthread_mutex_unlock(&mtx);
}

void
fsp_mode(int k, uint8_t mode)
{
	pthread_mutex_lock(&mtx);
	if (conn(k) != NULL)
		conns[k]->mode = mode % 6;
	pthread_mutex_unlock(&mtx);
}

void
fsp_memory(int k, const uint8_t *data, size_t len)
{
	pthread_mutex_lock(&mtx);
	if (conn(k) != NULL)
		memcpy(conns[k]->mem, data,
		    len < FSP_MEMSIZE ? len : FSP_MEMSIZE);
	pthread_mutex_unlock(&mtx);
}

/*
 * Whether the server is idle (mtx held): every connection waits for bytes
 * it does not have, and every system call read was answered, sleeps in the
 * kernel, or waits for a copy answer that never comes.
 */
static bool
quiet(void)
{
	int busy = 0;

	for (int i = 0; i < nsocks; i++) {
		struct sp_sock *s = socks[i];

		if (s->closed)
			continue;
		if (!s->accepted || s->shut || s->waiting == 0 || s->eof)
			return false;
		/* Woken for bytes that are there, but not yet running. */
		if (buf_avail(&s->in) >= s->want)
			return false;
		/*
		 * Copy answers wait behind a frame of the input that is not
		 * whole yet: the calls that asked wait until more input comes.
		 */
		if (buf_avail(&s->rep) > 0 && s->body_next && !s->body_from_rep)
			continue;
		if (buf_avail(&s->rep) > 0)
			return false;
		busy += s->pending - s->unanswered;
	}
	return busy <= asleep;
}

/*
 * The backend's blocking hypercalls give the kernel's CPU up and take it
 * back through these (hypercall/posix/init.c); the link wraps them
 * (-Wl,--wrap=...) to count the threads sleeping in the kernel.
 */
void __real_posix_unsched(int *nlocks, void *interlock);
void __real_posix_sched(int nlocks, void *interlock);
void __wrap_posix_unsched(int *nlocks, void *interlock);
void __wrap_posix_sched(int nlocks, void *interlock);

void
__wrap_posix_unsched(int *nlocks, void *interlock)
{
	/* Server threads outside the kernel (the watchdog) are not calls. */
	if (rumpuser_curlwp() == NULL) {
		__real_posix_unsched(nlocks, interlock);
		return;
	}
	pthread_mutex_lock(&mtx);
	asleep++;
	changed();
	pthread_mutex_unlock(&mtx);
	__real_posix_unsched(nlocks, interlock);
}

void
__wrap_posix_sched(int nlocks, void *interlock)
{
	if (rumpuser_curlwp() == NULL) {
		__real_posix_sched(nlocks, interlock);
		return;
	}
	pthread_mutex_lock(&mtx);
	asleep--;
	changed();
	pthread_mutex_unlock(&mtx);
	__real_posix_sched(nlocks, interlock);
}

void
fsp_settle(void)
{
	uint64_t deadline = now_ns() + SETTLE_NS;
	unsigned long e0;
	bool stable;

	do {
		pthread_mutex_lock(&mtx);
		while (!quiet() && now_ns() < deadline)
			timed_wait(1000000);
		e0 = events;
		pthread_mutex_unlock(&mtx);
		/* A call still running holds the kernel's CPU. */
		rumpuser__hyp->hyp_schedule();
		rumpuser__hyp->hyp_unschedule();
		pthread_mutex_lock(&mtx);
		stable = quiet() && events == e0;
		pthread_mutex_unlock(&mtx);
	} while (!stable && now_ns() < deadline);
	if (!stable && getenv("FUZZ_TRACE") != NULL) {
		pthread_mutex_lock(&mtx);
		fprintf(stderr, "fuzz: not settled after %llu ms, %d asleep:",
		    SETTLE_NS / 1000000, asleep);
		for (int i = 0; i < nsocks; i++)
			fprintf(stderr,
			    " [conn %d: pending %d unanswered %d "
			    "waiting %d shut %d eof %d]",
			    i, socks[i]->pending, socks[i]->unanswered,
			    socks[i]->waiting, socks[i]->shut, socks[i]->eof);
		fprintf(stderr, "\n");
		pthread_mutex_unlock(&mtx);
	}
}

/* Waits until the server closed every connection, then frees them. */
static void
end_all(void)
{
	uint64_t deadline = now_ns() + END_NS;
	bool open;

	pthread_mutex_lock(&mtx);
	for (int i = 0; i < nsocks; i++) {
		socks[i]->eof = true;
		sock_changed(socks[i]);
	}
	for (;;) {
		open = false;
		for (int i = 0; i < nsocks; i++)
			open |= !socks[i]->closed;
		if (!open)
			break;
		if (now_ns() > deadline) {
			fprintf(stderr,
			    "fuzz: the server still holds a "
			    "connection 20 s after its client closed\n");
			abort();
		}
		timed_wait(1000000);
	}
	for (int i = 0; i < nsocks; i++) {
		free(socks[i]->in.p);
		free(socks[i]->rep.p);
		pthread_cond_destroy(&socks[i]->rcv);
		free(socks[i]);
		socks[i] = NULL;
	}
	nsocks = naccepted = 0;
	memset(conns, 0, sizeof(conns));
	pthread_mutex_unlock(&mtx);
}

void
fsp_end(void)
{
	end_all();
}

void
fsp_cancel_preforks(void)
{
	struct rsp_hdr h = {
		.rsp_len = SP_HDRSIZE + SP_HANDSHAKE_FORK_SIZE,
		.rsp_class = RUMPSP_REQ,
		.rsp_type = RUMPSP_HANDSHAKE,
		.rsp_u = HANDSHAKE_FORK,
	};
	struct handshake_fork hf = { .rf_cancel = 1 };
	struct sp_sock *s;
	int done = 0, batch;

	/* One connection per cookie, at most MAXSOCKS of them at a time. */
	pthread_mutex_lock(&mtx);
	while (done < ncookies) {
		for (batch = 0; done < ncookies && (s = sock_new()) != NULL;
		     batch++, done++) {
			memcpy(hf.rf_auth, cookies[done], sizeof(hf.rf_auth));
			buf_add(&s->in, &h, sizeof(h));
			buf_add(&s->in, &hf, sizeof(hf));
			s->eof = true;
		}
		if (batch == 0) {
			fprintf(stderr,
			    "fuzz: no connection to cancel "
			    "preforks with\n");
			abort();
		}
		pthread_mutex_unlock(&mtx);
		end_all();
		pthread_mutex_lock(&mtx);
	}
	ncookies = 0;
	pthread_mutex_unlock(&mtx);
	end_all();
}
