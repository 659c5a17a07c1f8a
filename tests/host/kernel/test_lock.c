/*
 * Advisory locks (kernel/kern_lock.c): flock(2) and fcntl(2)'s F_GETLK,
 * F_SETLK, F_SETLKW with NetBSD's struct flock and errno; what close and
 * exit drop; waits that end when the lock goes; EDEADLK between two
 * processes. Each case works in processes of its own (rfork) on a file of
 * its own and releases them. Built for the host and, with RUMPIMG_IMAGE,
 * for the image (tests/qemu/apps/suite_lock.c).
 */
#include <errno.h>
#include <stdbool.h>
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

/* A process of its own, bound to this thread; its lwp, or NULL. */
static struct lwp *
new_proc(void)
{
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		return NULL;
	return rump_pub_lwproc_curlwp();
}

/* Releases the processes of lwps a and b (either may be NULL). */
static void
release(struct lwp *a, struct lwp *b)
{
	if (a != NULL) {
		if (rump_pub_lwproc_curlwp() != a)
			rump_pub_lwproc_switch(a);
		rump_pub_lwproc_releaselwp();
	}
	if (b != NULL) {
		if (rump_pub_lwproc_curlwp() != b)
			rump_pub_lwproc_switch(b);
		rump_pub_lwproc_releaselwp();
	}
}

static int
lk(int fd, int cmd, int type, int whence, int64_t start, int64_t len)
{
	struct rump_flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = (int16_t)type;
	fl.l_whence = (int16_t)whence;
	fl.l_start = start;
	fl.l_len = len;
	return rump_sys_fcntl(fd, cmd, &fl);
}

/* F_GETLK of a write lock on [start, start+len): the blocker in *out. */
static int
getlk(int fd, int64_t start, int64_t len, struct rump_flock *out)
{
	memset(out, 0, sizeof(*out));
	out->l_type = RUMP_F_WRLCK;
	out->l_start = start;
	out->l_len = len;
	return rump_sys_fcntl(fd, RUMP_F_GETLK, out);
}

static int
open_rw(const char *path)
{
	return rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT, 0666);
}

TEST(flock_shared_exclusive_dup_and_errors)
{
	struct lwp *a;
	struct rump_flock fl;
	int f1, f2, f3, ro, fds[2];

	CHECK_EQ_INT(rump_init(), 0);
	a = new_proc();
	CHECK(a != NULL);
	f1 = open_rw("/tmp/lk_flock");
	f2 = open_rw("/tmp/lk_flock");
	CHECK(f1 >= 0 && f2 >= 0);
	CHECK_EQ_INT(rump_sys_flock(f1, RUMP_LOCK_EX), 0);
	/* Two opens are two owners, even in one process. */
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	f3 = rump_sys_dup(f1); /* a dup shares the lock */
	CHECK_EQ_INT(rump_sys_flock(f3, RUMP_LOCK_EX | RUMP_LOCK_NB), 0);
	CHECK_EQ_INT(rump_sys_close(f1), 0); /* f3 still holds it */
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_EQ_INT(rump_sys_flock(f3, RUMP_LOCK_SH), 0); /* downgrade */
	CHECK_EQ_INT(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_NB), 0);
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	CHECK_EQ_INT(rump_sys_flock(f2, RUMP_LOCK_UN), 0);
	CHECK_EQ_INT(rump_sys_close(f3), 0); /* the last close drops it */
	CHECK_EQ_INT(rump_sys_flock(f2, RUMP_LOCK_EX | RUMP_LOCK_NB), 0);
	/* flock and fcntl locks see each other; F_GETLK says pid -1. */
	ro = rump_sys_open("/tmp/lk_flock", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_flock(ro, RUMP_LOCK_SH | RUMP_LOCK_NB), -1);
	new_proc();
	f1 = open_rw("/tmp/lk_flock");
	CHECK_ERR(lk(f1, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 0, 1),
	    RUMP_EAGAIN);
	CHECK_EQ_INT(getlk(f1, 10, 1, &fl), 0);
	CHECK_EQ_INT(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ_INT(fl.l_pid, -1);
	CHECK_EQ_INT(fl.l_start, 0);
	CHECK_EQ_INT(fl.l_len, 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(rump_sys_flock(f2, RUMP_LOCK_UN), 0);
	CHECK_EQ_INT(rump_sys_flock(ro, RUMP_LOCK_SH | RUMP_LOCK_NB), 0);
	/* Failures */
	CHECK_ERR(rump_sys_flock(f2, 0), RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(f2, RUMP_LOCK_SH | RUMP_LOCK_EX), RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(f2, 0x10), RUMP_EINVAL);
	CHECK_ERR(rump_sys_flock(BADFD, RUMP_LOCK_SH), RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_ERR(rump_sys_flock(fds[0], RUMP_LOCK_SH), RUMP_EOPNOTSUPP);
	rump_sys_unlink("/tmp/lk_flock");
	release(a, NULL);
}

TEST(fcntl_record_locks_ranges_and_getlk)
{
	struct lwp *a, *b;
	struct rump_flock fl;
	int fa, fb, apid, ro, wo, fds[2];

	CHECK_EQ_INT(rump_init(), 0);
	a = new_proc();
	apid = rump_sys_getpid();
	fa = open_rw("/tmp/lk_range");
	b = new_proc();
	fb = open_rw("/tmp/lk_range");
	CHECK(fa >= 0 && fb >= 0);
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 100),
	    0);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(getlk(fb, 50, 10, &fl), 0);
	CHECK_EQ_INT(fl.l_type, RUMP_F_WRLCK);
	CHECK_EQ_INT(fl.l_start, 0);
	CHECK_EQ_INT(fl.l_len, 100);
	CHECK_EQ_INT(fl.l_pid, apid);
	CHECK_EQ_INT(fl.l_whence, RUMP_SEEK_SET);
	CHECK_EQ_INT(getlk(fb, 100, 0, &fl), 0);
	CHECK_EQ_INT(fl.l_type, RUMP_F_UNLCK); /* nothing in the way */
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 100, 10),
	    0);
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 99, 1),
	    RUMP_EAGAIN);
	/* A unlocks the middle: its lock splits in two. */
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 10, 10),
	    0);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 10, 10),
	    0);
	CHECK_EQ_INT(getlk(fb, 0, 0, &fl), 0);
	CHECK_EQ_INT(fl.l_start, 0);
	CHECK_EQ_INT(fl.l_len, 10);
	CHECK_EQ_INT(getlk(fb, 20, 0, &fl), 0);
	CHECK_EQ_INT(fl.l_start, 20);
	CHECK_EQ_INT(fl.l_len, 80);
	/* Touching locks of one type merge; a negative length goes back. */
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 200, 10),
	    0);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 210, 10),
	    0);
	CHECK_EQ_INT(
	    lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 500, -100), 0);
	CHECK_EQ_INT(rump_sys_lseek(fa, 1000, RUMP_SEEK_SET), 1000);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_CUR, 0, 1), 0);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(getlk(fb, 150, 100, &fl), 0);
	CHECK_EQ_INT(fl.l_start, 200);
	CHECK_EQ_INT(fl.l_len, 20);
	CHECK_EQ_INT(getlk(fb, 450, 1, &fl), 0);
	CHECK_EQ_INT(fl.l_start, 400);
	CHECK_EQ_INT(fl.l_len, 100);
	CHECK_EQ_INT(getlk(fb, 1000, 1, &fl), 0);
	CHECK_EQ_INT(fl.l_type, RUMP_F_RDLCK);
	/* Read locks share. */
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 1000, 1),
	    0);
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 1000, 1),
	    RUMP_EAGAIN);
	/* One owner's locks never conflict: A upgrades its read lock. */
	rump_pub_lwproc_switch(a);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 1000, 1),
	    RUMP_EAGAIN);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1), 0);
	/* Failures */
	CHECK_ERR(lk(fa, RUMP_F_SETLK, 7, RUMP_SEEK_SET, 0, 1), RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, 3, 0, 1), RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, -1, 1),
	    RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 5, -6),
	    RUMP_EINVAL);
	CHECK_ERR(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, INT64_MAX, 2),
	    RUMP_EINVAL);
	ro = rump_sys_open("/tmp/lk_range", RUMP_O_RDONLY);
	wo = rump_sys_open("/tmp/lk_range", RUMP_O_WRONLY);
	CHECK_ERR(lk(ro, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 3000, 1),
	    RUMP_EBADF);
	CHECK_ERR(lk(wo, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 3000, 1),
	    RUMP_EBADF);
	CHECK_EQ_INT(lk(ro, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 3000, 1),
	    0);
	CHECK_ERR(lk(BADFD, RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 0, 1),
	    RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	CHECK_ERR(lk(fds[0], RUMP_F_SETLK, RUMP_F_RDLCK, RUMP_SEEK_SET, 0, 1),
	    RUMP_EINVAL);
	CHECK_ERR(rump_sys_fcntl(fa, RUMP_F_GETLK, (void *)8), RUMP_EFAULT);
	rump_sys_unlink("/tmp/lk_range");
	release(a, b);
}

TEST(fcntl_locks_go_at_any_close_and_at_exit)
{
	struct lwp *a, *b;
	int fa, fa2, fb;

	CHECK_EQ_INT(rump_init(), 0);
	a = new_proc();
	fa = open_rw("/tmp/lk_close");
	b = new_proc();
	fb = open_rw("/tmp/lk_close");
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 0), 0);
	fa2 = rump_sys_open("/tmp/lk_close", RUMP_O_RDONLY);
	rump_pub_lwproc_switch(b);
	CHECK_ERR(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1),
	    RUMP_EAGAIN);
	/* Closing any descriptor of the file drops the process's locks on it. */
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(rump_sys_close(fa2), 0);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1), 0);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 0, 0), 0);
	/* dup2 over a descriptor of the file is a close too. */
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 0), 0);
	fa2 = rump_sys_open("/tmp/lk_close", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_dup2(fa, fa2), fa2);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1), 0);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 0, 0), 0);
	/* Exit drops them. */
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 0), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1), 0);
	rump_sys_unlink("/tmp/lk_close");
	release(NULL, b);
}

/* A thread attached to another process makes one locking call. */
struct locker {
	struct lwp *l;
	int fd, cmd, type, how; /* how: flock(2) when cmd is 0 */
	bool yield_on_edeadlk;	/* then unlock everything, as a program would */
	int64_t start, len;
	volatile int result, error;
};

static void *
locker_main(void *arg)
{
	struct locker *k = arg;

	rump_pub_lwproc_switch(k->l);
	if (k->cmd == 0)
		k->result = rump_sys_flock(k->fd, k->how);
	else
		k->result = lk(k->fd, k->cmd, k->type, RUMP_SEEK_SET, k->start,
		    k->len);
	k->error = errno;
	if (k->result == -1 && k->error == RUMP_EDEADLK && k->yield_on_edeadlk)
		lk(k->fd, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 0, 0);
	rump_pub_lwproc_switch(NULL);
	return NULL;
}

static void *
start_locker(struct locker *k)
{
	void *cookie = NULL;

	k->result = 99;
	if (rumpuser_thread_create(locker_main, k, "locker", 1, 0, -1,
		&cookie) != 0)
		return NULL;
	return cookie;
}

TEST(setlkw_between_two_processes_deadlock_is_edeadlk)
{
	struct locker k;
	struct lwp *a, *b;
	int fa, fb, ra, ea;
	void *th;

	CHECK_EQ_INT(rump_init(), 0);
	a = new_proc();
	fa = open_rw("/tmp/lk_dead");
	b = new_proc();
	fb = open_rw("/tmp/lk_dead");
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 1, 1), 0);
	rump_pub_lwproc_switch(a);
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 1), 0);
	/* B waits for A's byte 0 while A asks for B's byte 1. */
	memset(&k, 0, sizeof(k));
	k.l = b;
	k.fd = fb;
	k.cmd = RUMP_F_SETLKW;
	k.type = RUMP_F_WRLCK;
	k.start = 0;
	k.len = 1;
	k.yield_on_edeadlk = true;
	th = start_locker(&k);
	CHECK(th != NULL);
	errno = 0;
	ra = lk(fa, RUMP_F_SETLKW, RUMP_F_WRLCK, RUMP_SEEK_SET, 1, 1);
	ea = errno;
	/*
	 * Whichever asked second found the other waiting on it and got
	 * EDEADLK; it gives its byte up, so the first, which really waited,
	 * gets its lock (for B, its thread unlocks on EDEADLK).
	 */
	if (ra == -1) {
		CHECK_EQ_INT(ea, RUMP_EDEADLK);
		CHECK_EQ_INT(
		    lk(fa, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 0, 0), 0);
		rumpuser_thread_join(th);
		CHECK_EQ_INT(k.result, 0);
	} else {
		CHECK_EQ_INT(ra, 0);
		rumpuser_thread_join(th);
		CHECK_EQ_INT(k.result, -1);
		CHECK_EQ_INT(k.error, RUMP_EDEADLK);
	}
	rump_sys_unlink("/tmp/lk_dead");
	release(a, b);
}

TEST(waiters_get_the_lock_when_it_goes)
{
	struct locker k;
	struct lwp *a, *b;
	struct rump_flock fl;
	int fa, fb, bpid;
	void *th;

	CHECK_EQ_INT(rump_init(), 0);
	a = new_proc();
	fa = open_rw("/tmp/lk_wait");
	b = new_proc();
	bpid = rump_sys_getpid();
	fb = open_rw("/tmp/lk_wait");
	rump_pub_lwproc_switch(a);
	/* fcntl: A's exit ends B's wait. */
	CHECK_EQ_INT(lk(fa, RUMP_F_SETLK, RUMP_F_WRLCK, RUMP_SEEK_SET, 0, 0), 0);
	memset(&k, 0, sizeof(k));
	k.l = b;
	k.fd = fb;
	k.cmd = RUMP_F_SETLKW;
	k.type = RUMP_F_RDLCK;
	k.start = 5;
	k.len = 5;
	th = start_locker(&k);
	CHECK(th != NULL);
	rump_pub_lwproc_releaselwp();
	rumpuser_thread_join(th);
	CHECK_EQ_INT(k.result, 0);
	a = new_proc();
	fa = open_rw("/tmp/lk_wait");
	CHECK_EQ_INT(getlk(fa, 0, 0, &fl), 0);
	CHECK_EQ_INT(fl.l_pid, bpid);
	CHECK_EQ_INT(fl.l_type, RUMP_F_RDLCK);
	CHECK_EQ_INT(fl.l_start, 5);
	CHECK_EQ_INT(fl.l_len, 5);
	/* flock: the holder's unlock ends the wait. */
	CHECK_EQ_INT(rump_sys_flock(fa, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    -1); /* B's read lock */
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(lk(fb, RUMP_F_SETLK, RUMP_F_UNLCK, RUMP_SEEK_SET, 0, 0), 0);
	CHECK_EQ_INT(rump_sys_flock(fb, RUMP_LOCK_EX), 0);
	rump_pub_lwproc_switch(a);
	memset(&k, 0, sizeof(k));
	k.l = a;
	k.fd = fa;
	k.how = RUMP_LOCK_SH;
	rump_pub_lwproc_switch(NULL);
	th = start_locker(&k);
	CHECK(th != NULL);
	rump_pub_lwproc_switch(b);
	CHECK_EQ_INT(rump_sys_flock(fb, RUMP_LOCK_UN), 0);
	rumpuser_thread_join(th);
	CHECK_EQ_INT(k.result, 0);
	CHECK_ERR(rump_sys_flock(fb, RUMP_LOCK_EX | RUMP_LOCK_NB),
	    RUMP_EWOULDBLOCK);
	rump_sys_unlink("/tmp/lk_wait");
	release(a, b);
}

#ifdef RUMPIMG_IMAGE
int
lock_suite(void)
#else
int
main(void)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
	RUN(flock_shared_exclusive_dup_and_errors);
	RUN(fcntl_record_locks_ranges_and_getlk);
	RUN(fcntl_locks_go_at_any_close_and_at_exit);
	RUN(setlkw_between_two_processes_deadlock_is_edeadlk);
	RUN(waiters_get_the_lock_when_it_goes);
	return check_done();
}
