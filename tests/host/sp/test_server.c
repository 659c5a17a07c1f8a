/*
 * The rump_sp server under ASan and UBSan, in this process: the kernel and
 * its server start here, frames.py speaks raw protocol to it (every case
 * of doc/rump_sp.md and the malformed inputs of the server issue), then this
 * side checks that every client's process went and memory came back.
 * Each case runs in a process of its own (check.h: --case NAME, --list),
 * each of frames.py's cases too, under its own name, with a server of its
 * own; processes_and_memory_back_to_baseline runs all of frames.py against
 * one server, as a long-lived server sees it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "sp_proto.h"
#include "sp_server.h"
#include "sp/server_harness.h"

int kern_count(int, int *); /* kernel/proc.c */
/* ASan's own count of live heap bytes (no header for it in gcc 12). */
size_t __sanitizer_get_current_allocated_bytes(void);

#define FRAMES "tests/host/sp/frames.py"

static char url[128];
static int proc_base;
static size_t mem_base;
static char raw_names[SCRIPT_MAXCASES][SCRIPT_NAMELEN];
static int nraw;
static const char *raw_current; /* the frames.py case of raw_case() */

/*
 * The kernel and its server on url, with small limits (frames.py reads
 * them too), and the baselines: every case that needs a server starts
 * with this.
 */
static bool
server_up(void)
{
	setenv("RUMP_SP_MAXPREFORK", "8", 1);
	setenv("RUMP_SP_MAXLWP", "16", 1);
	setenv("RUMP_SP_MAXORPHAN", "4", 1);
	setenv("RUMP_SP_ORPHANSECS", "2", 1);
	if (rump_init() != 0 || rump_init_server(url) != 0) {
		printf("  cannot start the server on %s\n", url);
		return false;
	}
	proc_base = kernel_procs();
	mem_base = __sanitizer_get_current_allocated_bytes();
	return true;
}

/*
 * Runs frames.py against the server, one case (name) or all (NULL);
 * true when it ran and every case it ran passed.
 */
static bool
run_frames(const char *name)
{
	char *argv[] = { "python3", FRAMES, url, (char *)name, NULL };
	int passed, failed;

	return run_frame_script(argv, &passed, &failed, NULL) && failed == 0 &&
	    passed == (name != NULL ? 1 : nraw);
}

/*
 * Every client gone, its process too, and with mem the heap back near its
 * start (after one case alone the server's caches of idle workers and
 * connection buffers, sized by that case, are still there: 255
 * connections leave 440 KiB).
 */
static void
check_baseline(bool mem)
{
	check_no_clients_left(proc_base);
	if (!mem)
		return;
	/*
	 * Idle worker threads and freed-list slack: allow 256 KiB. Threads
	 * that are leaving free theirs a little later: wait up to 30 s for
	 * the figure to come down.
	 */
	size_t now = __sanitizer_get_current_allocated_bytes();
	for (int i = 0; i < 3000 && now >= mem_base + 256 * 1024; i++) {
		usleep(10 * 1000);
		now = __sanitizer_get_current_allocated_bytes();
	}
	printf("  heap: %zu bytes at start, %zu now\n", mem_base, now);
	CHECK(now < mem_base + 256 * 1024);
}

/* One case of frames.py (raw_current), then the baseline. */
static void
raw_case(void)
{
	CHECK(server_up());
	CHECK(run_frames(raw_current));
	check_baseline(false);
}

/* ---- a raw client ---- */

static int
raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct timeval tv = { 20, 0 };
	char c = 0;

	if (strlen(url + 7) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, url + 7, strlen(url + 7) + 1);
	if (s < 0 || connect(s, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	/* A server that never answers fails the case instead of hanging it. */
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* The banner's line only: a frame may follow it at once. */
	while (c != '\n')
		if (read(s, &c, 1) != 1) {
			close(s);
			return -1;
		}
	return s;
}

static bool
raw_send(int s, uint64_t reqno, int class, int type, uint32_t u,
    const void *body, size_t len)
{
	uint8_t buf[SP_HDRSIZE + 64];
	struct rsp_hdr h = { SP_HDRSIZE + len, reqno, (uint16_t) class,
		(uint16_t)type, u };

	if (len > sizeof(buf) - SP_HDRSIZE)
		return false;
	memcpy(buf, &h, sizeof(h));
	if (len > 0)
		memcpy(buf + SP_HDRSIZE, body, len);
	return write(s, buf, SP_HDRSIZE + len) == (ssize_t)(SP_HDRSIZE + len);
}

static bool
raw_read(int s, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(s, (char *)buf + got, len - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* One frame: its header, and up to size body bytes (the rest dropped). */
static bool
raw_frame(int s, struct rsp_hdr *h, void *body, size_t size, size_t *lenp)
{
	uint8_t junk[256];
	size_t len, take;

	if (!raw_read(s, h, sizeof(*h)) || h->rsp_len < SP_HDRSIZE)
		return false;
	len = h->rsp_len - SP_HDRSIZE;
	take = len < size ? len : size;
	if (take > 0 && !raw_read(s, body, take))
		return false;
	for (size_t left = len - take; left > 0;) {
		size_t n = left < sizeof(junk) ? left : sizeof(junk);
		if (!raw_read(s, junk, n))
			return false;
		left -= n;
	}
	if (lenp != NULL)
		*lenp = len;
	return true;
}

/* GUEST handshake; true when accepted. */
static bool
raw_guest(int s)
{
	struct rsp_hdr h;
	int32_t rv = -1;

	return raw_send(s, 1, RUMPSP_REQ, RUMPSP_HANDSHAKE, HANDSHAKE_GUEST,
		   "race\0", 5) &&
	    raw_frame(s, &h, &rv, sizeof(rv), NULL) &&
	    h.rsp_class == RUMPSP_RESP && rv == 0;
}

/* getpid's error (0) or -1 when the connection failed. */
static int
raw_getpid(int s, uint64_t reqno)
{
	struct rsp_hdr h;
	struct rsp_sysresp r;

	if (!raw_send(s, reqno, RUMPSP_REQ, RUMPSP_SYSCALL, 20, NULL, 0) ||
	    !raw_frame(s, &h, &r, sizeof(r), NULL) ||
	    h.rsp_class != RUMPSP_RESP || h.rsp_reqno != reqno)
		return -1;
	return r.rsys_error;
}

static bool
raw_eof(int s)
{
	char c;

	return read(s, &c, 1) == 0;
}

/*
 * ---- the prefork reply watched on its way out ----
 * This sendmsg stands in front of the real one (ASan's, then libc's) for
 * the server in this process. While armed, a PREFORK reply's sender waits
 * after sending until a handshake reply went out on another connection,
 * then reads the cookie it sent again: had a FORK handshake freed that
 * memory meanwhile, ASan stops the program here.
 */
static struct {
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	bool armed;
	int handshakes; /* RESP/HANDSHAKE frames sent */
	int watched;	/* PREFORK replies read again after a fork */
} watch = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, 0 };

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	const struct rsp_hdr *h;
	uint8_t again[16];
	struct timespec ts;
	ssize_t n;
	int before;

	if (real == NULL)
		real = (ssize_t(*)(int, const struct msghdr *, int))dlsym(
		    RTLD_NEXT, "sendmsg");
	/* Counted before sending: the fork's reply may beat our return. */
	pthread_mutex_lock(&watch.mtx);
	before = watch.handshakes;
	pthread_mutex_unlock(&watch.mtx);
	n = real(fd, msg, flags);
	if (n < (ssize_t)SP_HDRSIZE || msg->msg_iovlen < 2 ||
	    msg->msg_iov[0].iov_len != SP_HDRSIZE)
		return n;
	h = msg->msg_iov[0].iov_base;
	pthread_mutex_lock(&watch.mtx);
	if (h->rsp_class == RUMPSP_RESP && h->rsp_type == RUMPSP_HANDSHAKE) {
		watch.handshakes++;
		pthread_cond_broadcast(&watch.cv);
	} else if (watch.armed && h->rsp_class == RUMPSP_RESP &&
	    h->rsp_type == RUMPSP_PREFORK && msg->msg_iov[1].iov_len == 16) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 20;
		while (watch.handshakes == before &&
		    pthread_cond_timedwait(&watch.cv, &watch.mtx, &ts) == 0)
			continue;
		memcpy(again, msg->msg_iov[1].iov_base, sizeof(again));
		watch.watched++;
	}
	pthread_mutex_unlock(&watch.mtx);
	return n;
}

/* One prefork on a, claimed by a FORK handshake on a fresh connection. */
static bool
race_once(int a, uint64_t reqno)
{
	struct handshake_fork hf = { .rf_cancel = 0 };
	struct rsp_hdr h;
	int32_t rv = -1;
	int b = raw_connect();
	bool ok;

	ok = b >= 0 &&
	    raw_send(a, reqno, RUMPSP_REQ, RUMPSP_PREFORK, 0, NULL, 0) &&
	    raw_frame(a, &h, hf.rf_auth, sizeof(hf.rf_auth), NULL) &&
	    h.rsp_class == RUMPSP_RESP &&
	    raw_send(b, 1, RUMPSP_REQ, RUMPSP_HANDSHAKE, HANDSHAKE_FORK, &hf,
		sizeof(hf)) &&
	    raw_frame(b, &h, &rv, sizeof(rv), NULL) &&
	    h.rsp_class == RUMPSP_RESP && rv == 0;
	if (b >= 0)
		close(b);
	return ok;
}

TEST(prefork_reply_outlives_a_racing_fork)
{
	int a, i, ok = 0;

	CHECK(server_up());
	a = raw_connect();
	CHECK(a >= 0 && raw_guest(a));
	/* Held until the child's reply went out: the race, every time. */
	watch.armed = true;
	for (i = 0; i < 50; i++)
		ok += race_once(a, 10 + (uint64_t)i);
	watch.armed = false;
	CHECK_EQ_INT(ok, 50);
	/* a's reader answers this after its last held reply was re-read. */
	CHECK_EQ_INT(raw_getpid(a, 99), 0);
	pthread_mutex_lock(&watch.mtx);
	CHECK_EQ_INT(watch.watched, 50);
	pthread_mutex_unlock(&watch.mtx);
	/* And as it comes, without holding anything back. */
	for (i = 0, ok = 0; i < 300; i++)
		ok += race_once(a, 100 + (uint64_t)i);
	CHECK_EQ_INT(ok, 300);
	CHECK_EQ_INT(raw_getpid(a, 1000), 0);
	close(a);
}

/* ---- out of pids: refused with a reason, the others go on ---- */

TEST(out_of_pids_a_handshake_gets_an_error_frame)
{
	static struct lwp *lwps[40000];
	struct rsp_hdr h;
	char why[64] = "";
	size_t len = 0;
	int a, b, c, n = 0, error = 0;

	CHECK(server_up());
	a = raw_connect();
	CHECK(a >= 0 && raw_guest(a));
	/* Local processes until the pids run out (kern.maxproc of them). */
	while (n < (int)(sizeof(lwps) / sizeof(lwps[0])) &&
	    (error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) == 0)
		lwps[n++] = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(error, RUMP_EAGAIN);
	printf("  %d processes made before the pids ran out\n", n);

	b = raw_connect();
	CHECK(b >= 0);
	CHECK(raw_send(b, 1, RUMPSP_REQ, RUMPSP_HANDSHAKE, HANDSHAKE_GUEST,
	    "late\0", 5));
	CHECK(raw_frame(b, &h, why, sizeof(why) - 1, &len));
	CHECK_EQ_INT(h.rsp_class, RUMPSP_ERROR);
	CHECK_EQ_INT(h.rsp_reqno, 1);
	CHECK_EQ_INT(h.rsp_u, RUMPSP_ERR_RFORK_FAILED);
	CHECK_EQ_STR(why, "out of process ids");
	CHECK_EQ_INT(len, strlen("out of process ids") + 1);
	CHECK(raw_eof(b));
	close(b);
	/* The client that was there is still served. */
	CHECK_EQ_INT(raw_getpid(a, 2), 0);

	/* The last one made is this thread's; the others wait unbound. */
	for (int i = n - 1; i >= 0; i--) {
		if (i < n - 1)
			rump_pub_lwproc_switch(lwps[i]);
		rump_pub_lwproc_releaselwp();
	}
	c = raw_connect();
	CHECK(c >= 0 && raw_guest(c));
	CHECK_EQ_INT(raw_getpid(c, 2), 0);
	close(c);
	close(a);
}

/* After 1,000+ connections, blocked reads and vanished clients. */
/*
 * ---- no thread for a job: an answer, never a silent wait ----
 * This pthread_create stands in front of the real one (ASan's, then
 * libc's): while threads_refused is set, it fails as a host out of
 * threads would.
 */
static int threads_refused;

int
pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
    void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *,
	    void *(*)(void *), void *);

	if (real == NULL)
		real = (int (*)(pthread_t *, const pthread_attr_t *,
		    void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
	if (__atomic_load_n(&threads_refused, __ATOMIC_ACQUIRE))
		return EAGAIN;
	return real(t, attr, fn, arg);
}

static int
kernel_lwps(void)
{
	int n = -1;

	rumpuser__hyp->hyp_schedule();
	kern_count(RUMP_KERN_NLWPS, &n);
	rumpuser__hyp->hyp_unschedule();
	return n;
}

/* pipe (42) on s: its two descriptors, or false. */
static bool
raw_pipe(int s, uint64_t reqno, long fds[2])
{
	struct rsp_hdr h;
	struct rsp_sysresp r;

	if (!raw_send(s, reqno, RUMPSP_REQ, RUMPSP_SYSCALL, 42, NULL, 0) ||
	    !raw_frame(s, &h, &r, sizeof(r), NULL) ||
	    h.rsp_class != RUMPSP_RESP || r.rsys_error != 0)
		return false;
	fds[0] = r.rsys_retval[0];
	fds[1] = r.rsys_retval[1];
	return true;
}

#define HELD 12 /* waiting reads per connection: 24 > 16 idle */

/*
 * Every worker is busy (24 reads wait in the kernel: more than the idle
 * workers kept), then no thread can be made: a new connection gets an
 * ERROR frame saying so, and a call that needs a copy from its client
 * gets EFAULT, instead of either waiting for a worker that never comes.
 */
TEST(no_thread_for_a_job_is_an_answer_not_a_wait)
{
	int a[2], b, i, k, base;
	long fds[2][2], args[3];
	char why[64] = "";
	struct rsp_hdr h;
	struct rsp_sysresp r;
	size_t len = 0;

	CHECK(server_up());
	a[0] = raw_connect();
	a[1] = raw_connect();
	for (k = 0; k < 2; k++)
		CHECK(a[k] >= 0 && raw_guest(a[k]) && raw_pipe(a[k], 2, fds[k]));
	base = kernel_lwps();
	for (k = 0; k < 2; k++) {
		/* read(fds[0], 0x1000, 1): nobody writes, it waits. */
		args[0] = fds[k][0];
		args[1] = 0x1000;
		args[2] = 1;
		for (i = 0; i < HELD; i++)
			CHECK(raw_send(a[k], 10 + i, RUMPSP_REQ, RUMPSP_SYSCALL,
			    3, args, sizeof(args)));
	}
	for (i = 0; i < 2000 && kernel_lwps() != base + 2 * HELD; i++)
		usleep(10 * 1000);
	CHECK_EQ_INT(kernel_lwps(), base + 2 * HELD);

	__atomic_store_n(&threads_refused, 1, __ATOMIC_RELEASE);
	b = raw_connect();
	CHECK(b >= 0);
	CHECK(raw_frame(b, &h, why, sizeof(why) - 1, &len));
	CHECK_EQ_INT(h.rsp_class, RUMPSP_ERROR);
	CHECK_EQ_INT(h.rsp_u, RUMPSP_ERR_TRYAGAIN);
	CHECK_EQ_STR(why, "no server thread for a new client");
	CHECK(raw_eof(b));
	close(b);
	/* write(fds[1], 0x1000, 1): its copyin cannot wait for a reader. */
	args[0] = fds[0][1];
	CHECK(raw_send(a[0], 50, RUMPSP_REQ, RUMPSP_SYSCALL, 4, args,
	    sizeof(args)));
	CHECK(raw_frame(a[0], &h, &r, sizeof(r), NULL));
	CHECK_EQ_INT(h.rsp_class, RUMPSP_RESP);
	CHECK_EQ_INT(h.rsp_reqno, 50);
	CHECK_EQ_INT(r.rsys_error, RUMP_EFAULT);
	__atomic_store_n(&threads_refused, 0, __ATOMIC_RELEASE);
	/* Served as before once threads can be made again. */
	CHECK_EQ_INT(raw_getpid(a[0], 51), 0);
	for (k = 0; k < 2; k++)
		close(a[k]);
}

/* Every case of frames.py against one server, then the baseline. */
TEST(processes_and_memory_back_to_baseline)
{
	CHECK(server_up());
	CHECK(run_frames(NULL));
	check_baseline(true);
}

/*
 * URLs the server cannot serve are refused with NetBSD's errno and leave
 * it unstarted; then one server starts, and a second is EBUSY.
 */
TEST(second_server_and_bad_urls)
{
	char longurl[256];

	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_init_server("no-scheme"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("http://127.0.0.1:80"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("unix://"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("tcp://127.0.0.1"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("tcp://127.0.0.1:"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("tcp://no.such.host:1"), RUMP_EINVAL);
	CHECK_EQ_INT(rump_init_server("tcp://127.0.0.1:65536"), RUMP_ERANGE);
	CHECK_EQ_INT(rump_init_server("tcp6://[::1]:1"), RUMP_EOPNOTSUPP);
	snprintf(longurl, sizeof(longurl), "unix:///tmp/%0200d", 7);
	CHECK_EQ_INT(rump_init_server(longurl), RUMP_ENAMETOOLONG);
	CHECK_EQ_INT(rumpuser_sp_nconn(), 0);
	/* None of those started it. */
	CHECK_EQ_INT(rump_init_server(url), 0);
	CHECK_EQ_INT(rump_init_server("unix:///tmp/other.sock"), RUMP_EBUSY);
	CHECK_EQ_INT(rump_init_server(url), RUMP_EBUSY);
}

int
main(int argc, char **argv)
{
	check_args(argc, argv);
	snprintf(url, sizeof(url), "unix:///tmp/rumpsp-test-%d.sock",
	    (int)getpid());
	if ((nraw = list_script_cases(FRAMES, raw_names)) < 0) {
		printf("cannot list the cases of %s\n0 passed, 1 failed\n",
		    FRAMES);
		return 1;
	}
	for (int i = 0; i < nraw; i++) {
		raw_current = raw_names[i];
		check_run(raw_names[i], raw_case);
	}
	RUN(prefork_reply_outlives_a_racing_fork);
	RUN(out_of_pids_a_handshake_gets_an_error_frame);
	RUN(no_thread_for_a_job_is_an_answer_not_a_wait);
	RUN(processes_and_memory_back_to_baseline);
	RUN(second_server_and_bad_urls);
	unlink(url + strlen("unix://"));
	return check_done();
}
