/*
 * kqueue(2) (kernel/kern_event.c): kqueue, kqueue1 and kevent with NetBSD
 * 9's struct kevent; EVFILT_READ and EVFILT_WRITE on pipes, local sockets
 * and files, EVFILT_TIMER; EV_ONESHOT, EV_CLEAR, EV_DISABLE/EV_ENABLE,
 * EV_DISPATCH, EV_RECEIPT; errors as EV_ERROR events or errno; close
 * removes knotes. Each case works in a process of its own (rfork) and
 * releases it. Built for the host and, with RUMPIMG_IMAGE, for the image
 * (tests/qemu/apps/suite_event.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define CHECK_ERR(expr, e)                \
	do {                              \
		errno = 0;                \
		CHECK_EQ_INT((expr), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

#define BADFD 40

static const struct rump_timespec zero = { 0, 0 };

static struct rump_kevent
kev(uint64_t ident, uint32_t filter, uint32_t flags, int64_t data, uint64_t udata)
{
	struct rump_kevent k;

	memset(&k, 0, sizeof(k));
	k.ident = ident;
	k.filter = filter;
	k.flags = flags;
	k.data = data;
	k.udata = udata;
	return k;
}

/* Applies one change; its result with EV_RECEIPT (0 or the errno). */
static int
change(int kq, uint64_t ident, uint32_t filter, uint32_t flags, int64_t data)
{
	struct rump_kevent ch = kev(ident, filter, flags | RUMP_EV_RECEIPT,
			       data, 0),
			   out;

	if (rump_sys_kevent(kq, &ch, 1, &out, 1, &zero) != 1 ||
	    !(out.flags & RUMP_EV_ERROR))
		return -1;
	return (int)out.data;
}

/* Events pending now, at most n into evs. */
static int
pending(int kq, struct rump_kevent *evs, int n)
{
	return rump_sys_kevent(kq, NULL, 0, evs, (size_t)n, &zero);
}

static void
enter(void)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFCFDG);
}

TEST(read_and_write_on_a_pipe_then_eof)
{
	struct rump_kevent ch[2], ev[4];
	int kq, fds[2];

	enter();
	kq = rump_sys_kqueue1(RUMP_O_CLOEXEC);
	CHECK(kq >= 0);
	CHECK_EQ_INT(rump_sys_fcntl(kq, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	ch[0] = kev((uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 77);
	CHECK_EQ_INT(rump_sys_kevent(kq, ch, 1, NULL, 0, NULL), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(rump_sys_write(fds[1], "abc", 3), 3);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(ev[0].ident, fds[0]);
	CHECK_EQ_INT(ev[0].filter, RUMP_EVFILT_READ);
	CHECK_EQ_INT(ev[0].data, 3);
	CHECK_EQ_INT(ev[0].udata, 77);
	CHECK_EQ_INT(ev[0].flags & RUMP_EV_EOF, 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1); /* level-triggered */
	ch[0] = kev((uint64_t)fds[1], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0, 0);
	CHECK_EQ_INT(rump_sys_kevent(kq, ch, 1, ev, 4, &zero), 2);
	CHECK_EQ_INT(rump_sys_close(fds[1]), 0); /* its knote goes too */
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK(ev[0].flags & RUMP_EV_EOF);
	CHECK_EQ_INT(ev[0].data, 3);
	/* Closing the descriptor removes its knote: a new pipe there is silent. */
	CHECK_EQ_INT(rump_sys_close(fds[0]), 0);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_EQ_INT(rump_sys_write(fds[1], "x", 1), 1);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
	/* The kqueue itself polls readable while an event is pending. */
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0), 0);
	struct {
		int fd;
		short events, revents;
	} pfd = { kq, RUMP_POLLIN, 0 };
	CHECK_EQ_INT(rump_sys_poll(&pfd, 1, 0), 1);
	rump_pub_lwproc_releaselwp();
}

TEST(oneshot_clear_disable_dispatch)
{
	struct rump_kevent ev[4];
	int kq, fds[2];
	char buf[8];

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_EQ_INT(rump_sys_write(fds[1], "abc", 3), 3);
	/* EV_ONESHOT: once, then the knote is gone. */
	CHECK_EQ_INT(change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ,
			 RUMP_EV_ADD | RUMP_EV_ONESHOT, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
	/* EV_CLEAR: once per change of state. */
	CHECK_EQ_INT(change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ,
			 RUMP_EV_ADD | RUMP_EV_CLEAR, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(rump_sys_write(fds[1], "def", 3), 3);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(ev[0].data, 6);
	/* EV_DISABLE silences it, EV_ENABLE brings it back. */
	CHECK_EQ_INT(change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ,
			 RUMP_EV_ADD | RUMP_EV_DISABLE, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ENABLE, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	/* EV_DISPATCH: reported, then disabled until enabled again. */
	CHECK_EQ_INT(change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ,
			 RUMP_EV_ADD | RUMP_EV_DISPATCH, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ENABLE, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	/* Drained: not readable any more. */
	CHECK_EQ_INT(rump_sys_read(fds[0], buf, sizeof(buf)), 6);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	rump_pub_lwproc_releaselwp();
}

TEST(errors_as_events_or_errno)
{
	struct rump_kevent ch[3], ev[4];
	struct rump_timespec bad = { 0, 1000000000 };
	int kq, fds[2];

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	ch[0] = kev(99, 99, RUMP_EV_ADD, 0, 0); /* no such filter */
	ch[1] = kev(BADFD, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0); /* no such fd */
	ch[2] = kev((uint64_t)fds[0], RUMP_EVFILT_WRITE, RUMP_EV_DELETE, 0, 0);
	CHECK_EQ_INT(rump_sys_kevent(kq, ch, 3, ev, 4, &zero), 3);
	CHECK_EQ_INT(ev[0].flags, RUMP_EV_ERROR);
	CHECK_EQ_INT(ev[0].data, RUMP_EINVAL);
	CHECK_EQ_INT(ev[1].data, RUMP_EBADF);
	CHECK_EQ_INT(ev[2].data, RUMP_ENOENT);
	/* Without room in the eventlist the call fails with the errno. */
	CHECK_ERR(rump_sys_kevent(kq, ch, 3, NULL, 0, &zero), RUMP_EINVAL);
	CHECK_ERR(rump_sys_kevent(kq, &ch[1], 1, NULL, 0, &zero), RUMP_EBADF);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD, -5),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_kevent(fds[0], NULL, 0, ev, 4, &zero), RUMP_EBADF);
	CHECK_ERR(rump_sys_kevent(BADFD, NULL, 0, ev, 4, &zero), RUMP_EBADF);
	CHECK_ERR(rump_sys_kevent(kq, NULL, 0, ev, 4, &bad), RUMP_EINVAL);
	CHECK_ERR(rump_sys_kevent(kq, (void *)8, 1, ev, 4, &zero), RUMP_EFAULT);
	CHECK_ERR(rump_sys_kevent(kq, NULL, 0, ev, 4, (void *)8), RUMP_EFAULT);
	CHECK_ERR(rump_sys_kqueue1(0x10), RUMP_EINVAL);
	/* A kqueue is not read or written (it was a NULL call: fuzz_syscall). */
	{
		char c = 0;
		CHECK_ERR(rump_sys_read(kq, &c, 0), RUMP_ENXIO);
		CHECK_ERR(rump_sys_read(kq, &c, 1), RUMP_ENXIO);
		CHECK_ERR(rump_sys_write(kq, &c, 1), RUMP_ENXIO);
	}
	rump_pub_lwproc_releaselwp();
}

TEST(timers_fire_periodically_or_once)
{
	struct rump_kevent ch, ev[4];
	struct rump_timespec t0, t1, wait = { 0, 20000000 };
	int kq;

	enter();
	kq = rump_sys_kqueue();
	/* An empty wait lasts its timeout. */
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t0), 0);
	CHECK_EQ_INT(rump_sys_kevent(kq, NULL, 0, ev, 4, &wait), 0);
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t1), 0);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >=
	    20000000LL);
	ch = kev(7, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 5, 0); /* every 5 ms */
	CHECK_EQ_INT(rump_sys_kevent(kq, &ch, 1, ev, 4, NULL), 1);
	CHECK_EQ_INT(ev[0].ident, 7);
	CHECK_EQ_INT(ev[0].filter, RUMP_EVFILT_TIMER);
	CHECK(ev[0].data >= 1);
	CHECK_EQ_INT(rump_sys_kevent(kq, NULL, 0, ev, 4, NULL), 1); /* again */
	CHECK(ev[0].data >= 1);
	CHECK_EQ_INT(change(kq, 7, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0), 0);
	ch = kev(8, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_ONESHOT, 1, 0);
	CHECK_EQ_INT(rump_sys_kevent(kq, &ch, 1, ev, 4, NULL), 1);
	CHECK_EQ_INT(ev[0].ident, 8);
	CHECK_EQ_INT(rump_sys_kevent(kq, NULL, 0, ev, 4, &wait), 0); /* gone */
	CHECK_EQ_INT(change(kq, 8, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0),
	    RUMP_ENOENT);
	rump_pub_lwproc_releaselwp();
}

TEST(sockets_and_files)
{
	struct rump_kevent ev[4];
	int kq, sv[2], fd;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_socketpair(1, 1, 0, sv),
	    0); /* AF_LOCAL, SOCK_STREAM */
	CHECK_EQ_INT(
	    change(kq, (uint64_t)sv[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 0);
	CHECK_EQ_INT(rump_sys_write(sv[1], "hello", 5), 5);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(ev[0].data, 5);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)sv[0], RUMP_EVFILT_WRITE, RUMP_EV_ADD, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 2);
	fd = rump_sys_open("/tmp/kq_file",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	CHECK_EQ_INT(rump_sys_write(fd, "0123456789", 10), 10);
	CHECK_EQ_INT(rump_sys_lseek(fd, 4, RUMP_SEEK_SET), 4);
	CHECK_EQ_INT(change(kq, (uint64_t)fd, RUMP_EVFILT_READ, RUMP_EV_ADD, 0),
	    0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)sv[0], RUMP_EVFILT_READ, RUMP_EV_DELETE, 0), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)sv[0], RUMP_EVFILT_WRITE, RUMP_EV_DELETE, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 4), 1);
	CHECK_EQ_INT(ev[0].ident, fd);
	CHECK_EQ_INT(ev[0].data, 6); /* what is left to read */
	rump_sys_unlink("/tmp/kq_file");
	rump_pub_lwproc_releaselwp();
}

struct writer {
	int pid, fd;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	if (rump_pub_lwproc_newlwp(w->pid) == 0) {
		rump_sys_write(w->fd, "w", 1);
		rump_pub_lwproc_releaselwp();
	}
	return NULL;
}

TEST(a_wait_ends_when_a_pipe_gets_data)
{
	struct rump_kevent ev[2];
	struct writer w;
	int kq, fds[2];
	void *th = NULL;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0), 0);
	w.pid = rump_sys_getpid();
	w.fd = fds[1];
	CHECK_EQ_INT(
	    rumpuser_thread_create(writer_main, &w, "writer", 1, 0, -1, &th), 0);
	CHECK_EQ_INT(rump_sys_kevent(kq, NULL, 0, ev, 2, NULL), 1); /* no timeout */
	CHECK_EQ_INT(ev[0].ident, fds[0]);
	CHECK_EQ_INT(ev[0].data, 1);
	rumpuser_thread_join(th);
	rump_pub_lwproc_releaselwp();
}

/*
 * A kqueue may watch another kqueue for EVFILT_READ; one that watches
 * itself, or a cycle of them, once recursed until the stack overflowed.
 */
TEST(kqueues_watching_kqueues_do_not_recurse)
{
	struct rump_kevent ev[2];
	int kq, kq2, fds[2];

	enter();
	kq = rump_sys_kqueue();
	kq2 = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	/* Nested: kq2 is readable when its pipe knote is pending. */
	CHECK_EQ_INT(
	    change(kq2, (uint64_t)fds[0], RUMP_EVFILT_READ, RUMP_EV_ADD, 0), 0);
	CHECK_EQ_INT(change(kq, (uint64_t)kq2, RUMP_EVFILT_READ, RUMP_EV_ADD, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	CHECK_EQ_INT(rump_sys_write(fds[1], "x", 1), 1);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(ev[0].ident, kq2);
	/* A cycle and a kqueue watching itself: answers, never recurses. */
	CHECK_EQ_INT(change(kq2, (uint64_t)kq, RUMP_EVFILT_READ, RUMP_EV_ADD, 0),
	    0);
	CHECK_EQ_INT(change(kq, (uint64_t)kq, RUMP_EVFILT_READ, RUMP_EV_ADD, 0),
	    0);
	CHECK(pending(kq, ev, 2) >= 1);
	CHECK(pending(kq2, ev, 2) >= 1);
	CHECK_EQ_INT(rump_sys_close(kq), 0);
	CHECK_EQ_INT(pending(kq2, ev, 2), 1); /* the pipe; kq's knote went */
	CHECK_EQ_INT(ev[0].ident, fds[0]);
	rump_pub_lwproc_releaselwp();
}

#ifdef RUMPIMG_IMAGE
int
event_suite(void)
#else
int
main(void)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
	RUN(read_and_write_on_a_pipe_then_eof);
	RUN(oneshot_clear_disable_dispatch);
	RUN(errors_as_events_or_errno);
	RUN(timers_fire_periodically_or_once);
	RUN(sockets_and_files);
	RUN(a_wait_ends_when_a_pipe_gets_data);
	RUN(kqueues_watching_kqueues_do_not_recurse);
	return check_done();
}
