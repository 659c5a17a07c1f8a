/*
 * kqueue(2)'s filters beyond descriptors (kernel/kern_event_filt.c) and
 * NetBSD 10's kevent (__kevent100, 72-byte struct kevent with ext[4]):
 * timer units, EVFILT_USER, EVFILT_VNODE on tmpfs files and directories,
 * EVFILT_PROC exit and fork of this kernel's processes, EVFILT_SIGNAL
 * counts, with NetBSD's errno for each failure. Each case works in a
 * process of its own (rfork) and releases it. Built for the host and,
 * with RUMPIMG_IMAGE, for the image (tests/qemu/apps/suite_kfilter.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifndef RUMPIMG_IMAGE
#include <time.h>
#endif

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#define NB_SIGUSR1 30 /* NetBSD's numbers */
#define NB_SIGUSR2 31
#define BADFD	   40

/* What a program built with NetBSD 10's rump headers calls for kevent. */
int rump___sysimpl_kevent100(int, const void *, size_t, void *, size_t,
    const void *);

static const struct rump_timespec zero = { 0, 0 };

static struct rump_kevent100
kev(uint64_t ident, uint32_t filter, uint32_t flags, uint32_t fflags, int64_t data)
{
	struct rump_kevent100 k;

	memset(&k, 0, sizeof(k));
	k.ident = ident;
	k.filter = filter;
	k.flags = flags;
	k.fflags = fflags;
	k.data = data;
	return k;
}

/* Applies one change; its result with EV_RECEIPT (0 or the errno). */
static int
change(int kq, uint64_t ident, uint32_t filter, uint32_t flags, uint32_t fflags,
    int64_t data)
{
	struct rump_kevent100 ch = kev(ident, filter, flags | RUMP_EV_RECEIPT,
				  fflags, data),
			      out;

	if (rump_sys_kevent100(kq, &ch, 1, &out, 1, &zero) != 1 ||
	    !(out.flags & RUMP_EV_ERROR))
		return -1;
	return (int)out.data;
}

/* Events pending now, at most n into evs. */
static int
pending(int kq, struct rump_kevent100 *evs, int n)
{
	return rump_sys_kevent100(kq, NULL, 0, evs, (size_t)n, &zero);
}

/* The fflags of the one pending event of kq, 0 when none, -1 for more. */
static long long
notes(int kq)
{
	struct rump_kevent100 ev[2];
	int n = pending(kq, ev, 2);

	return n == 0 ? 0 : n == 1 ? (long long)ev[0].fflags : -1;
}

static int64_t
now_ns(void)
{
	struct rump_timespec t;

	rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * A process of its own with a copy of the caller's descriptors: in the
 * image those are the console's, so a failed check's message is seen.
 */
static void
enter(void)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFFDG);
}

TEST(kevent100_has_netbsd10s_layout_and_keeps_ext)
{
	struct rump_kevent100 ch, ev[3];
	struct rump_kevent ev50[2];
	int kq;

	enter();
	kq = rump_sys_kqueue();
	ch = kev(5, RUMP_EVFILT_USER, RUMP_EV_ADD, RUMP_NOTE_TRIGGER, 0);
	ch.udata = 0x1234;
	ch.ext[0] = 11;
	ch.ext[3] = 44;
	memset(ev, 0xa5, sizeof(ev));
	CHECK_EQ_INT(rump___sysimpl_kevent100(kq, &ch, 1, ev, 3, &zero), 1);
	CHECK_EQ_INT(ev[0].ident, 5);
	CHECK_EQ_INT(ev[0].filter, RUMP_EVFILT_USER);
	CHECK_EQ_INT(ev[0].udata, 0x1234);
	CHECK_EQ_INT(ev[0].ext[0], 11);
	CHECK_EQ_INT(ev[0].ext[1], 0);
	CHECK_EQ_INT(ev[0].ext[3], 44);
	/* One 72-byte event written: the next entry is untouched. */
	CHECK_EQ_INT(ev[1].ident, 0xa5a5a5a5a5a5a5a5ULL);
	/* The same knote through NetBSD 9's 40-byte call. */
	memset(ev50, 0xa5, sizeof(ev50));
	CHECK_EQ_INT(rump_sys_kevent(kq, NULL, 0, ev50, 2, &zero), 1);
	CHECK_EQ_INT(ev50[0].ident, 5);
	CHECK_EQ_INT(ev50[0].udata, 0x1234);
	CHECK_EQ_INT(ev50[1].ident, 0xa5a5a5a5a5a5a5a5ULL);
	/* Errors as events use the 72-byte stride too. */
	{
		struct rump_kevent100 bad[2] = {
			kev(1, 99, RUMP_EV_ADD, 0, 0),
			kev(BADFD, RUMP_EVFILT_READ, RUMP_EV_ADD, 0, 0),
		};
		CHECK_EQ_INT(rump_sys_kevent100(kq, bad, 2, ev, 3, &zero), 2);
		CHECK_EQ_INT(ev[0].flags, RUMP_EV_ERROR);
		CHECK_EQ_INT(ev[0].data, RUMP_EINVAL);
		CHECK_EQ_INT(ev[1].flags, RUMP_EV_ERROR);
		CHECK_EQ_INT(ev[1].data, RUMP_EBADF);
		errno = 0;
		CHECK_EQ_INT(rump_sys_kevent100(kq, bad, 1, NULL, 0, &zero), -1);
		CHECK_EQ_INT(errno, RUMP_EINVAL);
	}
	rump_pub_lwproc_releaselwp();
}

TEST(timer_units_count_expirations)
{
	struct rump_kevent100 ch, ev[2];
	struct rump_timespec pause = { 0, 100000000 };
	int64_t t0, t1, t2, t3;
	int kq;

	enter();
	kq = rump_sys_kqueue();
	/*
	 * Every 10,000 microseconds: as many expirations as the time between
	 * the add and the scan holds (bounds measured outside each), and
	 * several of them in 100 ms (milliseconds would give none).
	 */
	t0 = now_ns();
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_ADD,
			 RUMP_NOTE_USECONDS, 10000),
	    0);
	t1 = now_ns();
	CHECK_EQ_INT(rump_sys_nanosleep(&pause, NULL), 0);
	t2 = now_ns();
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	t3 = now_ns();
	CHECK(ev[0].data >= 5);
	CHECK(ev[0].data >= (t2 - t1) / 10000000);
	CHECK(ev[0].data <= (t3 - t0) / 10000000);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0, 0), 0);
	/* 30,000,000 ns, once: not before 30 ms, and only once. */
	t0 = now_ns();
	ch = kev(2, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_ONESHOT,
	    RUMP_NOTE_NSECONDS, 30000000);
	CHECK_EQ_INT(rump_sys_kevent100(kq, &ch, 1, ev, 2, NULL), 1);
	t1 = now_ns();
	CHECK_EQ_INT(ev[0].ident, 2);
	CHECK_EQ_INT(ev[0].data, 1);
	CHECK(t1 - t0 >= 30000000);
	CHECK(t1 - t0 < 10000000000LL);
	CHECK_EQ_INT(change(kq, 2, RUMP_EVFILT_TIMER, RUMP_EV_DELETE, 0, 0),
	    RUMP_ENOENT);
	/* One second: not before. */
	t0 = now_ns();
	ch = kev(3, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_ONESHOT,
	    RUMP_NOTE_SECONDS, 1);
	CHECK_EQ_INT(rump_sys_kevent100(kq, &ch, 1, ev, 2, NULL), 1);
	t1 = now_ns();
	CHECK(t1 - t0 >= 1000000000LL);
	CHECK(t1 - t0 < 30000000000LL);
	/* NetBSD's errors: a negative or zero period, an unknown fflags bit. */
	CHECK_EQ_INT(change(kq, 4, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, -1),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, 4, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0, 0),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, 4, RUMP_EVFILT_TIMER, RUMP_EV_ADD,
			 RUMP_NOTE_NSECONDS, 0),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, 4, RUMP_EVFILT_TIMER, RUMP_EV_ADD, 0x100, 5),
	    RUMP_EINVAL);
	rump_pub_lwproc_releaselwp();
}

TEST(absolute_timer_fires_once_at_its_wall_clock_time)
{
	struct rump_kevent100 ch, ev[2];
	struct rump_timespec wall, later;
	int kq;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &wall), 0);
	ch = kev(9, RUMP_EVFILT_TIMER, RUMP_EV_ADD,
	    RUMP_NOTE_SECONDS | RUMP_NOTE_ABSTIME, wall.tv_sec + 1);
	CHECK_EQ_INT(rump_sys_kevent100(kq, &ch, 1, ev, 2, NULL), 1);
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &later), 0);
	CHECK(later.tv_sec >= wall.tv_sec + 1);
	CHECK_EQ_INT(ev[0].data, 1);
	CHECK_EQ_INT(pending(kq, ev, 2), 0); /* once */
	/* A time already past fires at once. */
	ch = kev(10, RUMP_EVFILT_TIMER, RUMP_EV_ADD,
	    RUMP_NOTE_SECONDS | RUMP_NOTE_ABSTIME, wall.tv_sec - 5);
	CHECK_EQ_INT(rump_sys_kevent100(kq, &ch, 1, ev, 2, &zero), 1);
	CHECK_EQ_INT(ev[0].ident, 10);
	rump_pub_lwproc_releaselwp();
}

#ifndef RUMPIMG_IMAGE
/* A kevent waiting for a timer sleeps: it uses almost no CPU. */
TEST(a_timer_wait_does_not_spin)
{
	struct rump_kevent100 ch, ev[2];
	struct timespec c0, c1;
	int64_t t0, cpu;
	int kq;

	enter();
	kq = rump_sys_kqueue();
	ch = kev(1, RUMP_EVFILT_TIMER, RUMP_EV_ADD | RUMP_EV_ONESHOT, 0, 1000);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	t0 = now_ns();
	CHECK_EQ_INT(rump_sys_kevent100(kq, &ch, 1, ev, 2, NULL), 1);
	CHECK(now_ns() - t0 >= 1000000000);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	cpu = (c1.tv_sec - c0.tv_sec) * 1000000000LL + (c1.tv_nsec - c0.tv_nsec);
	/* Sleeping costs about a millisecond; a spin costs its share of 1 s. */
	CHECK(cpu < 60000000);
	rump_pub_lwproc_releaselwp();
}
#endif

TEST(user_events_trigger_and_apply_fflags)
{
	struct rump_kevent100 ev[2];
	int kq;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER, RUMP_EV_ADD | RUMP_EV_CLEAR,
			 RUMP_NOTE_FFCOPY | 0x11, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0); /* not triggered yet */
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER, 0, RUMP_NOTE_TRIGGER, 7), 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(ev[0].fflags, 0x11);
	CHECK_EQ_INT(ev[0].data, 7);
	CHECK_EQ_INT(pending(kq, ev, 2), 0); /* EV_CLEAR */
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER, 0,
			 RUMP_NOTE_TRIGGER | RUMP_NOTE_FFOR | 0x100, 0),
	    0);
	CHECK_EQ_INT(notes(kq), 0x111);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER, 0,
			 RUMP_NOTE_TRIGGER | RUMP_NOTE_FFAND | 0x101, 0),
	    0);
	CHECK_EQ_INT(notes(kq), 0x101);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER, 0,
			 RUMP_NOTE_TRIGGER | RUMP_NOTE_FFNOP | 0x2, 0),
	    0);
	CHECK_EQ_INT(notes(kq), 0x101);
	/* Without EV_CLEAR a trigger stays until the knote goes. */
	CHECK_EQ_INT(
	    change(kq, 2, RUMP_EVFILT_USER, RUMP_EV_ADD, RUMP_NOTE_TRIGGER, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(change(kq, 2, RUMP_EVFILT_USER, RUMP_EV_DISABLE, 0, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	CHECK_EQ_INT(change(kq, 2, RUMP_EVFILT_USER, RUMP_EV_DELETE, 0, 0), 0);
	/* A change to a user event that was never added. */
	CHECK_EQ_INT(change(kq, 3, RUMP_EVFILT_USER, 0, RUMP_NOTE_TRIGGER, 0),
	    RUMP_ENOENT);
	rump_pub_lwproc_releaselwp();
}

struct trigger {
	int pid, kq;
};

static void *
trigger_main(void *arg)
{
	struct trigger *t = arg;
	struct rump_kevent100 ch = kev(1, RUMP_EVFILT_USER, 0,
	    RUMP_NOTE_TRIGGER, 0);

	if (rump_pub_lwproc_newlwp(t->pid) == 0) {
		rump_sys_kevent100(t->kq, &ch, 1, NULL, 0, NULL);
		rump_pub_lwproc_releaselwp();
	}
	return NULL;
}

TEST(a_wait_ends_when_another_thread_triggers)
{
	struct rump_kevent100 ev[2];
	struct trigger t;
	void *th = NULL;

	enter();
	t.kq = rump_sys_kqueue();
	t.pid = rump_sys_getpid();
	CHECK_EQ_INT(change(t.kq, 1, RUMP_EVFILT_USER,
			 RUMP_EV_ADD | RUMP_EV_CLEAR, 0, 0),
	    0);
	CHECK_EQ_INT(
	    rumpuser_thread_create(trigger_main, &t, "trigger", 1, 0, -1, &th),
	    0);
	CHECK_EQ_INT(rump_sys_kevent100(t.kq, NULL, 0, ev, 2, NULL), 1);
	CHECK_EQ_INT(ev[0].filter, RUMP_EVFILT_USER);
	rumpuser_thread_join(th);
	rump_pub_lwproc_releaselwp();
}

#define ALLNOTES                                                 \
	(RUMP_NOTE_DELETE | RUMP_NOTE_WRITE | RUMP_NOTE_EXTEND | \
	    RUMP_NOTE_ATTRIB | RUMP_NOTE_LINK | RUMP_NOTE_RENAME)

TEST(vnode_notes_on_a_file)
{
	int kq, fd, fds[2];

	enter();
	kq = rump_sys_kqueue();
	fd = rump_sys_open("/tmp/kqv",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(change(kq, (uint64_t)fd, RUMP_EVFILT_VNODE,
			 RUMP_EV_ADD | RUMP_EV_CLEAR, ALLNOTES, 0),
	    0);
	CHECK_EQ_INT(notes(kq), 0);
	CHECK_EQ_INT(rump_sys_write(fd, "abcd", 4), 4);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE | RUMP_NOTE_EXTEND);
	CHECK_EQ_INT(notes(kq), 0);			 /* EV_CLEAR */
	CHECK_EQ_INT(rump_sys_pwrite(fd, "x", 1, 0), 1); /* no growth */
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);
	CHECK_EQ_INT(rump_sys_chmod("/tmp/kqv", 0600), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_ATTRIB);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 100), 0);
	CHECK_EQ_INT(notes(kq) & (RUMP_NOTE_ATTRIB | RUMP_NOTE_EXTEND),
	    RUMP_NOTE_ATTRIB | RUMP_NOTE_EXTEND);
	CHECK_EQ_INT(rump_sys_link("/tmp/kqv", "/tmp/kqv2"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_LINK);
	CHECK_EQ_INT(rump_sys_rename("/tmp/kqv", "/tmp/kqv3"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_RENAME);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/kqv2"), 0); /* one name left */
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_LINK);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/kqv3"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_DELETE);
	/* Only what was asked for is reported. */
	CHECK_EQ_INT(change(kq, (uint64_t)fd, RUMP_EVFILT_VNODE,
			 RUMP_EV_ADD | RUMP_EV_CLEAR, RUMP_NOTE_ATTRIB, 0),
	    0);
	CHECK_EQ_INT(rump_sys_write(fd, "e", 1), 1);
	CHECK_EQ_INT(notes(kq), 0);
	/* Without EV_CLEAR what was seen stays reported. */
	CHECK_EQ_INT(change(kq, (uint64_t)fd, RUMP_EVFILT_VNODE, RUMP_EV_ADD,
			 RUMP_NOTE_WRITE, 0),
	    0);
	CHECK_EQ_INT(rump_sys_write(fd, "f", 1), 1);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);
	/* NetBSD's errors: not a file, not a descriptor. */
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_EQ_INT(change(kq, (uint64_t)fds[0], RUMP_EVFILT_VNODE,
			 RUMP_EV_ADD, RUMP_NOTE_WRITE, 0),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, BADFD, RUMP_EVFILT_VNODE, RUMP_EV_ADD,
			 RUMP_NOTE_WRITE, 0),
	    RUMP_EBADF);
	/* Closing the file takes its knote. */
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(notes(kq), 0);
	rump_pub_lwproc_releaselwp();
}

TEST(vnode_notes_on_a_directory)
{
	int kq, dfd, fd;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/kqd", 0755), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/kqd2", 0755), 0);
	dfd = rump_sys_open("/tmp/kqd", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(change(kq, (uint64_t)dfd, RUMP_EVFILT_VNODE,
			 RUMP_EV_ADD | RUMP_EV_CLEAR, ALLNOTES, 0),
	    0);
	fd = rump_sys_open("/tmp/kqd/f", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);    /* a new entry */
	CHECK_EQ_INT(rump_sys_write(fd, "z", 1), 1); /* the file's, not ours */
	CHECK_EQ_INT(notes(kq), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/kqd/sub", 0755), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE | RUMP_NOTE_LINK);
	CHECK_EQ_INT(rump_sys_rename("/tmp/kqd/f", "/tmp/kqd/g"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);
	CHECK_EQ_INT(rump_sys_rename("/tmp/kqd/sub", "/tmp/kqd2/sub"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE | RUMP_NOTE_LINK);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/kqd/g"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_WRITE);
	CHECK_EQ_INT(rump_sys_chmod("/tmp/kqd", 0700), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_ATTRIB);
	CHECK_EQ_INT(rump_sys_rename("/tmp/kqd", "/tmp/kqd3"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_RENAME);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/kqd3"), 0);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_DELETE);
	rump_sys_close(fd);
	rump_sys_close(dfd);
	rump_sys_rmdir("/tmp/kqd2/sub");
	rump_sys_rmdir("/tmp/kqd2");
	rump_pub_lwproc_releaselwp();
}

TEST(proc_notes_fork_and_exit_of_a_process)
{
	struct rump_kevent100 ev[2];
	struct lwp *parent, *child;
	int kq, pid;

	enter();
	parent = rump_pub_lwproc_curlwp();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	child = rump_pub_lwproc_curlwp();
	pid = rump_sys_getpid();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ_INT(change(kq, (uint64_t)pid, RUMP_EVFILT_PROC, RUMP_EV_ADD,
			 RUMP_NOTE_EXIT | RUMP_NOTE_FORK, 0),
	    0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	/* The child forks: NOTE_FORK. */
	rump_pub_lwproc_switch(child);
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	rump_pub_lwproc_releaselwp(); /* the grandchild exits */
	rump_pub_lwproc_switch(parent);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_FORK);
	CHECK_EQ_INT(notes(kq), RUMP_NOTE_FORK); /* no EV_CLEAR: stays */
	CHECK_EQ_INT(
	    change(kq, (uint64_t)pid, RUMP_EVFILT_PROC, RUMP_EV_DELETE, 0, 0), 0);
	CHECK_EQ_INT(change(kq, (uint64_t)pid, RUMP_EVFILT_PROC,
			 RUMP_EV_ADD | RUMP_EV_CLEAR,
			 RUMP_NOTE_EXIT | RUMP_NOTE_FORK, 0),
	    0);
	/* The child exits: NOTE_EXIT with its status, EV_EOF, and no more. */
	rump_pub_lwproc_switch(child);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(ev[0].ident, pid);
	CHECK_EQ_INT(ev[0].fflags, RUMP_NOTE_EXIT);
	CHECK(ev[0].flags & RUMP_EV_EOF);
	CHECK_EQ_INT(ev[0].data, 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	CHECK_EQ_INT(
	    change(kq, (uint64_t)pid, RUMP_EVFILT_PROC, RUMP_EV_DELETE, 0, 0),
	    RUMP_ENOENT);
	/* NetBSD's errors: a process that does not exist (any more). */
	CHECK_EQ_INT(change(kq, (uint64_t)pid, RUMP_EVFILT_PROC, RUMP_EV_ADD,
			 RUMP_NOTE_EXIT, 0),
	    RUMP_ESRCH);
	CHECK_EQ_INT(change(kq, 1ULL << 40, RUMP_EVFILT_PROC, RUMP_EV_ADD,
			 RUMP_NOTE_EXIT, 0),
	    RUMP_ESRCH);
	/* A user may not watch another user's process. */
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_EQ_INT(
	    change(kq, 1, RUMP_EVFILT_PROC, RUMP_EV_ADD, RUMP_NOTE_EXIT, 0),
	    RUMP_EACCES);
	rump_pub_lwproc_releaselwp();
}

TEST(signal_events_count_signals_posted_to_the_process)
{
	struct rump_kevent100 ev[2];
	int kq;

	enter();
	kq = rump_sys_kqueue();
	CHECK_EQ_INT(
	    change(kq, NB_SIGUSR1, RUMP_EVFILT_SIGNAL, RUMP_EV_ADD, 0, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	CHECK_EQ_INT(rump_sys_kill(rump_sys_getpid(), NB_SIGUSR1), 0);
	CHECK_EQ_INT(rump_sys_kill(rump_sys_getpid(), NB_SIGUSR2), 0); /* not ours */
	CHECK_EQ_INT(rump_sys_kill(rump_sys_getpid(), NB_SIGUSR1), 0);
	CHECK_EQ_INT(rump_sys_kill(rump_sys_getpid(), NB_SIGUSR1), 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 1);
	CHECK_EQ_INT(ev[0].ident, NB_SIGUSR1);
	CHECK_EQ_INT(ev[0].filter, RUMP_EVFILT_SIGNAL);
	CHECK_EQ_INT(ev[0].data, 3);
	CHECK(ev[0].flags & RUMP_EV_CLEAR);
	CHECK_EQ_INT(pending(kq, ev, 2), 0); /* counted since reported */
	/* Another process's signals are not counted here. */
	{
		struct lwp *me = rump_pub_lwproc_curlwp();
		int other;

		CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
		other = rump_sys_getpid();
		CHECK_EQ_INT(rump_sys_kill(other, NB_SIGUSR1), 0);
		rump_pub_lwproc_releaselwp();
		rump_pub_lwproc_switch(me);
		CHECK_EQ_INT(pending(kq, ev, 2), 0);
	}
	/* As NetBSD, a number no signal has is taken, and stays silent. */
	CHECK_EQ_INT(
	    change(kq, RUMP_NSIG, RUMP_EVFILT_SIGNAL, RUMP_EV_ADD, 0, 0), 0);
	CHECK_EQ_INT(pending(kq, ev, 2), 0);
	/* NetBSD's errors: no such filter. */
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_AIO, RUMP_EV_ADD, 0, 0),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_FS, RUMP_EV_ADD, 0, 0),
	    RUMP_EINVAL);
	CHECK_EQ_INT(change(kq, 1, RUMP_EVFILT_USER + 2, RUMP_EV_ADD, 0, 0),
	    RUMP_EINVAL);
	rump_pub_lwproc_releaselwp();
}

#ifdef RUMPIMG_IMAGE
int
kfilter_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	RUN(kevent100_has_netbsd10s_layout_and_keeps_ext);
	RUN(timer_units_count_expirations);
	RUN(absolute_timer_fires_once_at_its_wall_clock_time);
#ifndef RUMPIMG_IMAGE
	RUN(a_timer_wait_does_not_spin);
#endif
	RUN(user_events_trigger_and_apply_fflags);
	RUN(a_wait_ends_when_another_thread_triggers);
	RUN(vnode_notes_on_a_file);
	RUN(vnode_notes_on_a_directory);
	RUN(proc_notes_fork_and_exit_of_a_process);
	RUN(signal_events_count_signals_posted_to_the_process);
	return check_done();
}
