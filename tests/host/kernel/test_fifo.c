/*
 * FIFOs (kernel/fifo.c): mkfifo(2) and mkfifoat(2) with NetBSD's errno,
 * and fifo(4)'s open rules: O_NONBLOCK writers without a reader get ENXIO,
 * blocking opens wait for the other end, data goes with the last close.
 * Each case works in a process of its own (rfork) and releases it. Built
 * for the host and, with RUMPIMG_IMAGE, for the image
 * (tests/qemu/apps/suite_fifo.c).
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

static void
enter(void)
{
	rump_init();
	rump_pub_lwproc_rfork(RUMP_RFCFDG);
}

TEST(mkfifo_and_mkfifoat_make_fifos)
{
	struct rump_stat st;
	int dfd, fd;

	enter();
	rump_sys_umask(022);
	CHECK_EQ_INT(rump_sys_mkfifo("/tmp/ff_a", 0666), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/ff_a", &st), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFIFO | 0644);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/ff_d", 0755), 0);
	dfd = rump_sys_open("/tmp/ff_d", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK_EQ_INT(rump_sys_mkfifoat(dfd, "f", 0600), 0);
	CHECK_EQ_INT(rump_sys_fstatat(dfd, "f", &st, 0), 0);
	CHECK_EQ_INT(st.st_mode, RUMP_S_IFIFO | 0600);
	/* Failures */
	CHECK_ERR(rump_sys_mkfifo("/tmp/ff_a", 0666), RUMP_EEXIST);
	CHECK_ERR(rump_sys_mkfifo("/tmp/none/f", 0666), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkfifo("/tmp/ff_a/f", 0666), RUMP_ENOTDIR);
	CHECK_ERR(rump_sys_mkfifo("", 0666), RUMP_ENOENT);
	CHECK_ERR(rump_sys_mkfifo((const char *)8, 0666), RUMP_EFAULT);
	CHECK_ERR(rump_sys_mkfifoat(BADFD, "g", 0600), RUMP_EBADF);
	fd = rump_sys_open("/tmp/ff_d/f", RUMP_O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERR(rump_sys_mkfifoat(fd, "g", 0600),
	    RUMP_ENOTDIR); /* not a directory */
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	CHECK_ERR(rump_sys_mkfifoat(dfd, "g", 0600), RUMP_EACCES); /* 0755, root's */
	rump_pub_lwproc_releaselwp();
	rump_sys_unlink("/tmp/ff_a");
	rump_sys_unlink("/tmp/ff_d/f");
	rump_sys_rmdir("/tmp/ff_d");
}

TEST(nonblocking_opens_and_data)
{
	struct rump_stat st;
	char buf[8];
	int r, w, rw, n;

	enter();
	CHECK_EQ_INT(rump_sys_mkfifo("/tmp/ff_nb", 0666), 0);
	CHECK_ERR(rump_sys_open("/tmp/ff_nb", RUMP_O_WRONLY | RUMP_O_NONBLOCK),
	    RUMP_ENXIO); /* no reader */
	r = rump_sys_open("/tmp/ff_nb", RUMP_O_RDONLY | RUMP_O_NONBLOCK);
	CHECK(r >= 0);
	CHECK_EQ_INT(rump_sys_read(r, buf, sizeof(buf)), 0); /* no writer: EOF */
	w = rump_sys_open("/tmp/ff_nb", RUMP_O_WRONLY | RUMP_O_NONBLOCK);
	CHECK(w >= 0);
	CHECK_ERR(rump_sys_read(r, buf, sizeof(buf)),
	    RUMP_EAGAIN); /* a writer, no data */
	CHECK_EQ_INT(rump_sys_write(w, "abc", 3), 3);
	CHECK_EQ_INT(rump_sys_ioctl(r, RUMP_FIONREAD, &n), 0);
	CHECK_EQ_INT(n, 3);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(r, buf, sizeof(buf)), 3);
	CHECK_EQ_STR(buf, "abc");
	CHECK_ERR(rump_sys_lseek(r, 0, RUMP_SEEK_SET), RUMP_ESPIPE);
	CHECK_EQ_INT(rump_sys_fstat(r, &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	CHECK_EQ_INT(rump_sys_close(w), 0);
	CHECK_EQ_INT(rump_sys_read(r, buf, sizeof(buf)), 0); /* EOF again */
	/* Read-write never waits; data left at the last close goes. */
	rw = rump_sys_open("/tmp/ff_nb", RUMP_O_RDWR);
	CHECK(rw >= 0);
	CHECK_EQ_INT(rump_sys_write(rw, "xyz", 3), 3);
	CHECK_EQ_INT(rump_sys_close(rw), 0);
	CHECK_EQ_INT(rump_sys_close(r), 0);
	r = rump_sys_open("/tmp/ff_nb", RUMP_O_RDONLY | RUMP_O_NONBLOCK);
	CHECK_EQ_INT(rump_sys_read(r, buf, sizeof(buf)), 0);
	/* The reader gone, a writer gets EPIPE. */
	rw = rump_sys_open("/tmp/ff_nb", RUMP_O_WRONLY | RUMP_O_NONBLOCK);
	CHECK(rw >= 0);
	CHECK_EQ_INT(rump_sys_close(r), 0);
	CHECK_ERR(rump_sys_write(rw, "x", 1), RUMP_EPIPE);
	CHECK_EQ_INT(rump_sys_close(rw), 0);
	rump_sys_unlink("/tmp/ff_nb");
	rump_pub_lwproc_releaselwp();
}

struct opener {
	int pid;
	volatile int fd, nread;
	char buf[8];
};

/* Opens the FIFO for reading (waiting for a writer) and reads to EOF. */
static void *
reader_main(void *arg)
{
	struct opener *o = arg;
	int n;

	if (rump_pub_lwproc_newlwp(o->pid) != 0)
		return NULL;
	o->fd = rump_sys_open("/tmp/ff_bl", RUMP_O_RDONLY);
	o->nread = 0;
	while (o->fd >= 0 &&
	    (n = (int)rump_sys_read(o->fd, o->buf + o->nread,
		 sizeof(o->buf) - 1 - (size_t)o->nread)) > 0)
		o->nread += n;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(blocking_opens_wait_for_the_other_end)
{
	struct opener o;
	void *th = NULL;
	int w;

	enter();
	CHECK_EQ_INT(rump_sys_mkfifo("/tmp/ff_bl", 0666), 0);
	memset(&o, 0, sizeof(o));
	o.pid = rump_sys_getpid();
	o.fd = -2;
	CHECK_EQ_INT(
	    rumpuser_thread_create(reader_main, &o, "reader", 1, 0, -1, &th), 0);
	/* Whichever opens first waits for the other. */
	w = rump_sys_open("/tmp/ff_bl", RUMP_O_WRONLY);
	CHECK(w >= 0);
	CHECK_EQ_INT(rump_sys_write(w, "hello", 5), 5);
	CHECK_EQ_INT(rump_sys_close(w), 0);
	rumpuser_thread_join(th);
	CHECK(o.fd >= 0);
	CHECK_EQ_INT(o.nread, 5);
	CHECK_EQ_STR(o.buf, "hello");
	rump_sys_unlink("/tmp/ff_bl");
	rump_pub_lwproc_releaselwp();
}

#ifdef RUMPIMG_IMAGE
int
fifo_suite(void)
#else
int
main(void)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
	RUN(mkfifo_and_mkfifoat_make_fifos);
	RUN(nonblocking_opens_and_data);
	RUN(blocking_opens_wait_for_the_other_end);
	return check_done();
}
