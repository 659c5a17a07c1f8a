/*
 * The frame layer on one connection (doc/rump_sp.md): sending whole frames,
 * matching replies to the threads waiting for them, and serving the
 * server's requests (copyin, copyout, anonymous mmap, raise) in whichever
 * thread currently reads the socket.
 *
 * Anything a server sends that does not fit the protocol (a length below
 * the header size or beyond SPC_MAXFRAME, a request we do not know, a body
 * too short for its type) is a broken connection: the connection is
 * killed, and the requests waiting on it fail with ENOTCONN.
 */
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <linux/futex.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/*
 * Wait until c's socket is ready for events (EINTR is just a retry), in
 * slices: a descriptor the application closed under us wakes nobody, so
 * the caller's next use finds that out (spc_fd_ours) within a slice.
 */
#define WAIT_SLICE_MS 1000

static void
waitfd(const struct spc_conn *c, short events)
{
	struct pollfd pfd = { .fd = c->c_fd, .events = events };

	(void)poll(&pfd, 1, WAIT_SLICE_MS);
}

/*
 * Wake every thread asleep on c (conn_sleep): the state it waits for may
 * have changed. With spc_lock held. The system call only when one sleeps.
 */
static void
conn_wake(struct spc_conn *c)
{
	__atomic_add_fetch(&c->c_gen, 1, __ATOMIC_RELEASE);
	if (c->c_sleepers > 0)
		(void)syscall(SYS_futex, &c->c_gen, FUTEX_WAKE_PRIVATE, INT_MAX,
		    NULL, NULL, 0);
}

/*
 * Sleep until conn_wake(c), or less (the caller checks its condition
 * again); called and returns with spc_lock held, which is dropped
 * meanwhile. No wake-up is lost: one after the unlock changes c_gen, and
 * the futex then does not sleep. With sigok the thread, which holds
 * nothing here, sleeps under its caller's mask (struct spc_callstate): a
 * signal pending or coming is delivered, a handler runs (and may make
 * calls of its own) and the sleep ends early; all are blocked again after.
 */
static void
conn_sleep(struct spc_conn *c, bool sigok)
{
	uint32_t gen = c->c_gen;
	sigset_t all;

	c->c_sleepers++;
	pthread_mutex_unlock(&spc_lock);
	if (sigok)
		pthread_sigmask(SIG_SETMASK, &spc_curcall->cs_mask, NULL);
	(void)syscall(SYS_futex, &c->c_gen, FUTEX_WAIT_PRIVATE, gen, NULL, NULL,
	    0);
	if (sigok) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, NULL);
	}
	pthread_mutex_lock(&spc_lock);
	c->c_sleepers--;
}

/*
 * Send one frame: *hdr, then len bytes of body (none if len is 0). The
 * socket is non-blocking; partial writes are continued after polling.
 * Returns 0 or an errno (EPIPE reported as ENOTCONN). A frame that went out
 * only partly leaves the stream unusable, so the connection is killed.
 * Any thread; takes c_sendmtx.
 */
int
spc_send(struct spc_conn *c, const struct rsp_hdr *hdr, const void *body,
    size_t len)
{
	struct iovec iov[2];
	struct msghdr msg;
	size_t total = SP_HDRSIZE + len, sent = 0;
	ssize_t n;
	int error = 0;

	iov[0].iov_base = (void *)hdr;
	iov[0].iov_len = SP_HDRSIZE;
	iov[1].iov_base = (void *)body;
	iov[1].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = len > 0 ? 2 : 1;

	pthread_mutex_lock(&c->c_sendmtx);
	while (sent < total) {
		if (!spc_fd_ours(c)) {
			error = EBADF;
			break;
		}
		n = sendmsg(c->c_fd, &msg, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				waitfd(c, POLLOUT);
				continue;
			}
			error = errno;
			break;
		}
		sent += (size_t)n;
		/* Skip what went out; the iovecs are ours to adjust. */
		while (n > 0 && msg.msg_iovlen > 0) {
			if ((size_t)n >= msg.msg_iov[0].iov_len) {
				n -= (ssize_t)msg.msg_iov[0].iov_len;
				msg.msg_iov++;
				msg.msg_iovlen--;
			} else {
				msg.msg_iov[0].iov_base = (char *)msg.msg_iov[0]
							      .iov_base +
				    n;
				msg.msg_iov[0].iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	pthread_mutex_unlock(&c->c_sendmtx);

	if (error != 0 && sent > 0)
		spc_conn_kill(c);
	return error == EPIPE ? ENOTCONN : error;
}

/*
 * Read exactly len bytes through the connection's buffer (a header and a
 * small body come in one read); 0, ENOTCONN at end of file, or an errno.
 */
static int
readall(struct spc_conn *c, void *buf, size_t len)
{
	char *p = buf;
	size_t take;
	ssize_t n;

	while (len > 0) {
		if (c->c_rpos < c->c_rend) {
			take = c->c_rend - c->c_rpos < len ?
			    c->c_rend - c->c_rpos :
			    len;
			memcpy(p, c->c_rbuf + c->c_rpos, take);
			c->c_rpos += take;
			p += take;
			len -= take;
			continue;
		}
		if (!spc_fd_ours(c))
			return EBADF;
		if (len >= sizeof(c->c_rbuf))
			n = read(c->c_fd, p, len); /* big: straight in */
		else
			n = read(c->c_fd, c->c_rbuf, sizeof(c->c_rbuf));
		if (n == 0)
			return ENOTCONN;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				waitfd(c, POLLIN);
				continue;
			}
			return errno;
		}
		if (len >= sizeof(c->c_rbuf)) {
			p += n;
			len -= (size_t)n;
		} else {
			c->c_rpos = 0;
			c->c_rend = (size_t)n;
		}
	}
	return 0;
}

/*
 * Read len bytes of the stream straight into the application's memory at
 * dst: the kernel's copy to user memory reports a bad page (EFAULT, the
 * bytes left in the socket) instead of faulting, so the data needs no
 * staging and no check. What the buffer already holds goes through a
 * checked copy. After a fault the rest is read and dropped, *fault set.
 * 0, ENOTCONN at end of file, or an errno.
 */
static int
readuser(struct spc_conn *c, uint64_t dst, uint64_t len, bool *fault)
{
	char scratch[4096];
	size_t take;
	ssize_t n;

	if (c->c_rpos < c->c_rend && len > 0) {
		take = c->c_rend - c->c_rpos < len ? c->c_rend - c->c_rpos :
						     (size_t)len;
		if (spc_ucopyout((void *)(uintptr_t)dst, c->c_rbuf + c->c_rpos,
			take) != take)
			*fault = true;
		c->c_rpos += take;
		dst += take;
		len -= take;
	}
	while (len > 0) {
		take = len < SSIZE_MAX ? (size_t)len : SSIZE_MAX;
		if (!spc_fd_ours(c))
			return EBADF;
		if (*fault)
			n = read(c->c_fd, scratch,
			    take < sizeof(scratch) ? take : sizeof(scratch));
		else
			n = read(c->c_fd, (void *)(uintptr_t)dst, take);
		if (n == 0)
			return ENOTCONN;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				waitfd(c, POLLIN);
				continue;
			}
			if (errno == EFAULT && !*fault) {
				*fault = true;
				continue;
			}
			return errno;
		}
		dst += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Read one whole frame into *r (body malloc'd, NULL if empty). A COPYOUT
 * request's data goes straight to its address instead (readuser): then
 * r_direct is set, r_fault says whether the address was bad, and there is
 * no body.
 */
static int
readframe(struct spc_conn *c, struct spc_reply *r)
{
	struct rsp_copydata cd;
	char drop[256];
	uint64_t rest;
	size_t take;
	int error;

	memset(r, 0, sizeof(*r));
	/*
	 * Nothing buffered: the next frame is usually not there yet, so wait
	 * before reading rather than try a read that fails with EAGAIN.
	 */
	if (c->c_rpos == c->c_rend)
		waitfd(c, POLLIN);
	if ((error = readall(c, &r->r_hdr, SP_HDRSIZE)) != 0)
		return error;
	if (r->r_hdr.rsp_len < SP_HDRSIZE || r->r_hdr.rsp_len > SPC_MAXFRAME)
		return EPROTO;
	r->r_bodylen = (size_t)(r->r_hdr.rsp_len - SP_HDRSIZE);
	if (r->r_bodylen == 0)
		return 0;
	if (r->r_hdr.rsp_class == RUMPSP_REQ &&
	    (r->r_hdr.rsp_type == RUMPSP_COPYOUT ||
		r->r_hdr.rsp_type == RUMPSP_COPYOUTSTR) &&
	    r->r_bodylen >= sizeof(cd)) {
		if ((error = readall(c, &cd, sizeof(cd))) != 0)
			return error;
		if (cd.rcp_len > r->r_bodylen - sizeof(cd))
			return EPROTO;
		if ((error = readuser(c, cd.rcp_addr, cd.rcp_len, &r->r_fault)) !=
		    0)
			return error;
		/* Bytes beyond the data: none from a sane server. */
		rest = r->r_bodylen - sizeof(cd) - cd.rcp_len;
		while (rest > 0) {
			take = rest < sizeof(drop) ? (size_t)rest : sizeof(drop);
			if ((error = readall(c, drop, take)) != 0)
				return error;
			rest -= take;
		}
		r->r_bodylen = 0;
		r->r_direct = true;
		return 0;
	}
	if ((r->r_body = malloc(r->r_bodylen)) == NULL)
		return ENOMEM;
	if ((error = readall(c, r->r_body, r->r_bodylen)) != 0) {
		free(r->r_body);
		r->r_body = NULL;
	}
	return error;
}

/* Send a RESP of type type echoing reqno, with len bytes from body. */
static int
reply(struct spc_conn *c, uint64_t reqno, uint16_t type, const void *body,
    size_t len)
{
	struct rsp_hdr hdr = {
		.rsp_len = SP_HDRSIZE + len,
		.rsp_reqno = reqno,
		.rsp_class = RUMPSP_RESP,
		.rsp_type = type,
	};

	return spc_send(c, &hdr, body, len);
}

/*
 * A copyout the application's memory refused. Copy requests do not say
 * which call they belong to; when exactly one request waits for its reply
 * on c, they are that call's, and its success becomes EFAULT. With more
 * in flight the data is dropped unreported (README.md).
 */
static void
copyout_fault(struct spc_conn *c)
{
	struct spc_waiter *w, *only = NULL;
	int n = 0;

	pthread_mutex_lock(&spc_lock);
	TAILQ_FOREACH (w, &c->c_waiters, w_entries) {
		only = w;
		n++;
	}
	if (n == 1)
		only->w_fault = true;
	pthread_mutex_unlock(&spc_lock);
}

/*
 * Serve one request from the server. Returns 0, or non-zero if the
 * connection must be dropped (malformed request, failed reply).
 * The addresses are the ones our own calls passed to the server. A bad
 * one (the application's pointer) is not our fault and must not cost the
 * connection: a copyin of it is answered with no bytes, which the server
 * takes as EFAULT, and a copyout to it (never answered) marks the call
 * waiting for its reply, if it can tell which (copyout_fault).
 */
static int
serve(struct spc_conn *c, const struct spc_reply *r)
{
	const struct rsp_hdr *h = &r->r_hdr;
	struct rsp_copydata cd;
	uint64_t size, addr;
	size_t n;
	void *p;
	int sig, error;

	switch (h->rsp_type) {
	case RUMPSP_COPYIN:
	case RUMPSP_COPYINSTR:
		if (r->r_bodylen < sizeof(cd))
			return EPROTO;
		memcpy(&cd, r->r_body, sizeof(cd));
		/* Only our reply carries the data: no frame-size cap. */
		if (cd.rcp_len > SSIZE_MAX - SP_HDRSIZE)
			return EPROTO;
		n = (size_t)cd.rcp_len;
		if ((p = malloc(n > 0 ? n : 1)) == NULL)
			return ENOMEM;
		if (h->rsp_type == RUMPSP_COPYINSTR) {
			/* The string and its NUL, at most maxlen bytes. */
			if (spc_ucopyinstr(p, (void *)(uintptr_t)cd.rcp_addr, n,
				&n) != 0)
				n = 0;
		} else if (spc_ucopyin(p, (void *)(uintptr_t)cd.rcp_addr, n) !=
		    n) {
			n = 0;
		}
		/* The reply type is COPYIN for both (doc/rump_sp.md). */
		error = reply(c, h->rsp_reqno, RUMPSP_COPYIN, p, n);
		free(p);
		return error;

	case RUMPSP_COPYOUT:
	case RUMPSP_COPYOUTSTR:
		/* Well-formed ones went straight to memory (readframe). */
		return EPROTO;

	case RUMPSP_ANONMMAP:
		if (r->r_bodylen < sizeof(size))
			return EPROTO;
		memcpy(&size, r->r_body, sizeof(size));
		p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		    MAP_ANON | MAP_PRIVATE, -1, 0);
		addr = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
		return reply(c, h->rsp_reqno, RUMPSP_ANONMMAP, &addr,
		    sizeof(addr));

	case RUMPSP_RAISE:
		/*
		 * Signals are blocked in every thread inside a call, so this
		 * stays pending on the reading thread until it next waits for
		 * a frame (waitreply lets it in) or its call returns. The
		 * request number is garbage (doc/rump_sp.md) and ignored.
		 */
		if ((sig = spc_hostsig(h->rsp_u)) != 0)
			(void)raise(sig);
		return 0;

	default:
		/* Not a request a server may send: the peer is confused. */
		return EPROTO;
	}
}

/*
 * Read one frame and dispatch it: a reply goes to its waiter (unknown
 * request numbers are dropped), a request is served here. Called by the
 * thread owning the receive side, without spc_lock.
 */
static void
readone(struct spc_conn *c)
{
	struct spc_waiter *w;
	struct spc_reply r;

	if (readframe(c, &r) != 0) {
		spc_conn_kill(c);
		return;
	}
	switch (r.r_hdr.rsp_class) {
	case RUMPSP_RESP:
	case RUMPSP_ERROR:
		pthread_mutex_lock(&spc_lock);
		TAILQ_FOREACH (w, &c->c_waiters, w_entries)
			if (w->w_reqno == r.r_hdr.rsp_reqno)
				break;
		if (w != NULL) {
			TAILQ_REMOVE(&c->c_waiters, w, w_entries);
			w->w_reply = r;
			w->w_done = true;
			r.r_body = NULL;
			conn_wake(c);
		}
		pthread_mutex_unlock(&spc_lock);
		break;
	case RUMPSP_REQ:
		if (r.r_direct) { /* a copyout, done (readframe) */
			if (r.r_fault)
				copyout_fault(c);
		} else if (serve(c, &r) != 0) {
			spc_conn_kill(c);
		}
		break;
	default:
		break; /* unknown class: ignored */
	}
	free(r.r_body);
}

/*
 * The thread's signal watcher: a signalfd(2) that polls readable while a
 * signal the calling system call's caller would take is pending (struct
 * spc_callstate). The set is the complement of the caller's mask, so
 * every signal it reports is delivered, not left pending, when takesig()
 * lets them in: no busy loop. glibc's own signals (32, 33) are never
 * blocked and never reported. Kept per thread and closed when the thread
 * ends: making and closing one costs more than a whole call.
 */
static pthread_key_t watch_key;
static pthread_once_t watch_once = PTHREAD_ONCE_INIT;
static __thread int watch_fd = -1;
static __thread sigset_t watch_set;
static __thread pid_t watch_tid; /* the owner mark of watch_fd */

/*
 * Whether fd is still our signalfd: the application may have closed ours
 * (closefrom(3)) and the number been reused, even by a signalfd of its
 * own, whose set must never be touched. Ours carries an owner mark
 * (F_SETOWN_EX to the creating thread: without O_ASYNC it sends nothing)
 * that another descriptor does not have. Sets watch_set on it.
 */
static bool
watch_valid(int fd)
{
	struct f_owner_ex o;

	return fcntl(fd, F_GETOWN_EX, &o) == 0 && o.type == F_OWNER_TID &&
	    o.pid == watch_tid &&
	    signalfd(fd, &watch_set, SFD_CLOEXEC | SFD_NONBLOCK) == fd;
}

/* A new signalfd for watch_set, with the owner mark; -1 if none. */
static int
watch_new(void)
{
	struct f_owner_ex o = { F_OWNER_TID, gettid() };
	int fd = signalfd(-1, &watch_set, SFD_CLOEXEC | SFD_NONBLOCK);

	if (fd != -1 && fcntl(fd, F_SETOWN_EX, &o) != 0) {
		close(fd);
		return -1;
	}
	watch_tid = o.pid;
	return fd;
}

static void
watch_dtor(void *arg)
{
	int fd = (int)(intptr_t)arg - 1;

	if (fd == watch_fd && watch_valid(fd))
		close(fd);
	watch_fd = -1;
}

static void
watch_init(void)
{
	(void)pthread_key_create(&watch_key, watch_dtor);
}

/* Forget the watcher without closing it: the number is not ours now. */
static void
watch_forget(void)
{
	watch_fd = -1;
	(void)pthread_setspecific(watch_key, NULL);
}

/*
 * The thread's watcher set for the current call, or -1: not in a system
 * call, or no descriptor to be had (then signals wait for the call's end).
 */
static int
watch_get(void)
{
	const struct spc_callstate *cs = spc_curcall;
	sigset_t set;
	int s;

	if (cs == NULL || !cs->cs_sigok)
		return -1;
	sigemptyset(&set);
	for (s = 1; s < NSIG; s++)
		if ((s < 32 || s >= SIGRTMIN) && s != SIGKILL && s != SIGSTOP &&
		    !sigismember(&cs->cs_mask, s))
			sigaddset(&set, s);
	if (watch_fd != -1 && memcmp(&set, &watch_set, sizeof(set)) == 0)
		return watch_fd;
	watch_set = set;
	if (watch_fd != -1 && watch_valid(watch_fd))
		return watch_fd;
	(void)pthread_once(&watch_once, watch_init);
	watch_fd = watch_new();
	if (watch_fd != -1 &&
	    pthread_setspecific(watch_key, (void *)(intptr_t)(watch_fd + 1)) !=
		0) {
		close(watch_fd);
		watch_fd = -1;
	}
	return watch_fd;
}

/*
 * Let the pending signals of the caller's mask in (the thread holds no
 * lock and no role): a default action that ends the program happens here,
 * a handler runs here; then all are blocked again.
 */
static void
takesig(void)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &spc_curcall->cs_mask, NULL);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
}

/*
 * The reader's wait for the next frame on c, watching the signal watcher
 * *sigfd too (-1: the socket alone, in readframe; set to -1 when the
 * watcher turns out not to be ours any more). 1 when a signal is pending,
 * 0 when a frame (or end of file, or an error) is there to read. A
 * socket the application closed under us is found within a slice (readone
 * then fails on it).
 */
static int
waitframe(const struct spc_conn *c, int *sigfd)
{
	struct pollfd pfd[2];

	if (*sigfd == -1)
		return 0;
	pfd[0].fd = *sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = c->c_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (c->c_rpos < c->c_rend)
			return 0; /* a frame begun in the buffer */
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, WAIT_SLICE_MS) == -1 && errno != EINTR)
			return 0;
		if (pfd[0].revents != 0) {
			/* Ready, if it is still ours; else the socket alone. */
			if ((pfd[0].revents & POLLIN) && watch_valid(*sigfd))
				return 1;
			watch_forget();
			pfd[0].fd = *sigfd = -1;
		}
		if (pfd[1].revents != 0 || !spc_fd_ours(c))
			return 0;
	}
}

/*
 * Wait for w's reply. One waiting thread at a time reads the socket and
 * dispatches for everyone; it keeps doing so until its own reply is in,
 * then hands the role over (spc_conn comment). A signal its caller takes
 * (watch_get) makes it hand the role over, take the signal without
 * holding anything (a handler may make calls of its own), and wait on,
 * as NetBSD's librumpclient does; the others take such signals while they
 * sleep (conn_sleep). Returns the transport error, or 0 with the reply in
 * w->w_reply.
 */
static int
waitreply(struct spc_conn *c, struct spc_waiter *w)
{
	const struct spc_callstate *cs = spc_curcall;
	bool sigok = cs != NULL && cs->cs_sigok, sig;
	int sigfd = watch_get();

	pthread_mutex_lock(&spc_lock);
	while (!w->w_done) {
		if (c->c_reading) {
			conn_sleep(c, sigok);
			if (sigok) {
				/* A handler's own call may have reset it. */
				pthread_mutex_unlock(&spc_lock);
				sigfd = watch_get();
				pthread_mutex_lock(&spc_lock);
			}
			continue;
		}
		c->c_reading = true;
		sig = false;
		while (!w->w_done && !c->c_dead && !sig) {
			pthread_mutex_unlock(&spc_lock);
			if (!(sig = waitframe(c, &sigfd) == 1))
				readone(c);
			pthread_mutex_lock(&spc_lock);
		}
		c->c_reading = false;
		conn_wake(c);
		if (sig) {
			pthread_mutex_unlock(&spc_lock);
			takesig();
			/* A handler's own call may have reset the watcher. */
			sigfd = watch_get();
			pthread_mutex_lock(&spc_lock);
		}
	}
	pthread_mutex_unlock(&spc_lock);
	return w->w_error;
}

/* The host errno for an ERROR frame's code (doc/rump_sp.md, "Error frames"). */
static int
errmap(uint32_t code)
{
	switch (code) {
	case RUMPSP_ERR_TRYAGAIN:
		return EAGAIN;
	case RUMPSP_ERR_AUTH:
		return EPERM;
	case RUMPSP_ERR_INVALID_PREFORK:
		return ESRCH;
	case RUMPSP_ERR_RFORK_FAILED:
		return EIO;
	case RUMPSP_ERR_INEXEC:
		return EBUSY;
	case RUMPSP_ERR_NOMEM:
		return ENOMEM;
	case RUMPSP_ERR_MALFORMED_REQUEST:
		return EINVAL;
	default:
		return EIO; /* NONE or unknown: not a success either */
	}
}

/*
 * Send a request of the given type on c and wait for its answer. minlen
 * is the least body a RESP must carry. Returns 0 with the reply in *r (its
 * body is the caller's to free), the mapped errno of an ERROR frame (EAGAIN
 * for TRYAGAIN: send again), ENOTCONN if the connection is or becomes
 * unusable, or another send error. Any thread; consumes a request number.
 */
int
spc_request(struct spc_conn *c, uint16_t type, uint32_t u, const void *data,
    size_t dlen, size_t minlen, struct spc_reply *r)
{
	struct spc_waiter w;
	struct rsp_hdr hdr;
	int error;

	memset(&w, 0, sizeof(w));
	pthread_mutex_lock(&spc_lock);
	if (c->c_dead) {
		pthread_mutex_unlock(&spc_lock);
		return ENOTCONN;
	}
	w.w_reqno = spc_nextreq++;
	c->c_refs++;
	/* Registered before sending: the reply may come at once. */
	TAILQ_INSERT_TAIL(&c->c_waiters, &w, w_entries);
	pthread_mutex_unlock(&spc_lock);

	memset(&hdr, 0, sizeof(hdr));
	hdr.rsp_len = SP_HDRSIZE + dlen;
	hdr.rsp_reqno = w.w_reqno;
	hdr.rsp_class = RUMPSP_REQ;
	hdr.rsp_type = type;
	hdr.rsp_u = u;
	if ((error = spc_send(c, &hdr, data, dlen)) != 0) {
		pthread_mutex_lock(&spc_lock);
		if (!w.w_done)
			TAILQ_REMOVE(&c->c_waiters, &w, w_entries);
		pthread_mutex_unlock(&spc_lock);
		free(w.w_reply.r_body);
		spc_conn_rele(c);
		return error;
	}
	error = waitreply(c, &w);
	spc_conn_rele(c);
	if (error != 0)
		return error;

	*r = w.w_reply;
	r->r_fault = w.w_fault; /* set before the reply came */
	if (r->r_hdr.rsp_class == RUMPSP_ERROR) {
		/*
		 * NetBSD's server sends no body; ours may say why it refused
		 * (a NUL-terminated line), which only a person can act on.
		 */
		if (r->r_bodylen > 0 && r->r_hdr.rsp_u != RUMPSP_ERR_TRYAGAIN)
			fprintf(stderr, "rump_sp: the server says: %.*s\n",
			    (int)strnlen(r->r_body, r->r_bodylen),
			    (const char *)r->r_body);
		free(r->r_body);
		r->r_body = NULL;
		return errmap(r->r_hdr.rsp_u);
	}
	if (r->r_bodylen < minlen) {
		free(r->r_body);
		r->r_body = NULL;
		spc_conn_kill(c);
		return ENOTCONN;
	}
	return 0;
}

/*
 * Declare c broken: shut the socket down (which also wakes a thread
 * blocked reading it) and fail every request waiting on it with ENOTCONN.
 * Idempotent; any thread, without spc_lock held.
 */
void
spc_conn_kill(struct spc_conn *c)
{
	struct spc_waiter *w;

	pthread_mutex_lock(&spc_lock);
	if (!c->c_dead) {
		c->c_dead = true;
		if (spc_fd_ours(c))
			(void)shutdown(c->c_fd, SHUT_RDWR);
		while ((w = TAILQ_FIRST(&c->c_waiters)) != NULL) {
			TAILQ_REMOVE(&c->c_waiters, w, w_entries);
			w->w_error = ENOTCONN;
			w->w_done = true;
		}
		conn_wake(c);
	}
	pthread_mutex_unlock(&spc_lock);
}

/* Drop a reference; the last one closes the socket and frees c. */
void
spc_conn_rele(struct spc_conn *c)
{
	bool last;

	pthread_mutex_lock(&spc_lock);
	last = --c->c_refs == 0;
	pthread_mutex_unlock(&spc_lock);
	if (last) {
		if (spc_fd_ours(c)) /* else closed already, maybe reused */
			close(c->c_fd);
		pthread_mutex_destroy(&c->c_sendmtx);
		free(c);
	}
}
