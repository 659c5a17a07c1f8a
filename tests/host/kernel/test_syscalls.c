/*
 * The kernel's system calls on the host build: each with its error paths,
 * and permission checks as a non-root process. Runs in its own process
 * (rfork) so that init's state stays as booted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef RUMPIMG_IMAGE
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"

#define ERR(call, e)                      \
	do {                              \
		CHECK_EQ_INT((call), -1); \
		CHECK_EQ_INT(errno, (e)); \
	} while (0)

static int
mkfile(const char *path, const char *text, int mode)
{
	int fd = rump_sys_open(path,
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (text != NULL &&
	    rump_sys_write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	return rump_sys_close(fd);
}

TEST(boot_tree_and_devices)
{
	struct rump_stat st;
	char buf[16];
	int fd;

	CHECK_EQ_INT(rump_sys_stat("/", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFDIR);
	CHECK_EQ_INT(rump_sys_stat("/tmp", &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 01777);
	CHECK_EQ_INT(rump_sys_stat("/dev/null", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFCHR);
	fd = rump_sys_open("/dev/zero", RUMP_O_RDONLY);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(rump_sys_read(fd, buf, sizeof(buf)), 16);
	CHECK(buf[0] == 0 && buf[15] == 0);
	rump_sys_close(fd);
	fd = rump_sys_open("/dev/null", RUMP_O_RDWR);
	CHECK_EQ_INT(rump_sys_write(fd, "abc", 3), 3);
	CHECK_EQ_INT(rump_sys_read(fd, buf, 4), 0);
	rump_sys_close(fd);
	unsigned char r1[16], r2[16];
	fd = rump_sys_open("/dev/urandom", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_read(fd, r1, 16), 16);
	CHECK_EQ_INT(rump_sys_read(fd, r2, 16), 16);
	CHECK(memcmp(r1, r2, 16) != 0);
	rump_sys_close(fd);
	CHECK(rump_sys_open("/dev/random", RUMP_O_RDONLY) >= 0);
	CHECK_EQ_INT(rump_sys_stat("/dev/console", &st), 0);
}

TEST(files_read_write_seek_holes_truncate)
{
	struct rump_stat st;
	char buf[64];
	int fd = rump_sys_open("/tmp/f",
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_EXCL, 0644);

	CHECK(fd >= 0);
	ERR(rump_sys_open("/tmp/f", RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_EXCL,
		0644),
	    RUMP_EEXIST);
	CHECK_EQ_INT(rump_sys_write(fd, "hello", 5), 5);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 5);
	CHECK_EQ_INT(rump_sys_lseek(fd, 100000, RUMP_SEEK_SET), 100000);
	CHECK_EQ_INT(rump_sys_write(fd, "end", 3), 3); /* a hole in between */
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, 100003);
	CHECK(st.st_blocks < 100003 / 512); /* the hole takes no space */
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 5, 0), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 10, 50000), 10);
	CHECK(buf[0] == 0 && buf[9] == 0);
	CHECK_EQ_INT(rump_sys_pwrite(fd, "XY", 2, 1), 2);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_END), 100003);
	ERR(rump_sys_lseek(fd, -1, RUMP_SEEK_SET), RUMP_EINVAL);
	ERR(rump_sys_lseek(fd, 0, 7), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 3), 0);
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 64, 0), 3);
	CHECK(memcmp(buf, "hXY", 3) == 0);
	CHECK_EQ_INT(rump_sys_ftruncate(fd, 10), 0); /* grows with zeros */
	CHECK_EQ_INT(rump_sys_pread(fd, buf, 64, 0), 10);
	CHECK(buf[3] == 0 && buf[9] == 0);
	CHECK_EQ_INT(rump_sys_truncate("/tmp/f", 2), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_size, 2);
	CHECK_EQ_INT(rump_sys_fsync(fd), 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	/* Append mode, O_TRUNC, and read-only descriptors. */
	fd = rump_sys_open("/tmp/f", RUMP_O_WRONLY | RUMP_O_APPEND);
	CHECK_EQ_INT(rump_sys_write(fd, "zz", 2), 2);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_CUR), 4);
	ERR(rump_sys_read(fd, buf, 1), RUMP_EBADF);
	rump_sys_close(fd);
	fd = rump_sys_open("/tmp/f", RUMP_O_RDONLY);
	ERR(rump_sys_write(fd, "x", 1), RUMP_EBADF);
	ERR(rump_sys_ftruncate(fd, 0), RUMP_EINVAL);
	rump_sys_close(fd);
	fd = rump_sys_open("/tmp/f", RUMP_O_RDWR | RUMP_O_TRUNC);
	CHECK_EQ_INT(rump_sys_read(fd, buf, 4), 0);
	rump_sys_close(fd);
	ERR(rump_sys_open("/tmp/f", RUMP_O_ACCMODE), RUMP_EINVAL);
	ERR(rump_sys_open("/tmp/nope", RUMP_O_RDONLY), RUMP_ENOENT);
	ERR(rump_sys_open(NULL, RUMP_O_RDONLY), RUMP_EFAULT);
	ERR(rump_sys_open("", RUMP_O_RDONLY), RUMP_ENOENT);
	ERR(rump_sys_open("/tmp", RUMP_O_WRONLY), RUMP_EISDIR);
	ERR(rump_sys_open("/tmp/f/x", RUMP_O_RDONLY), RUMP_ENOTDIR);
	ERR(rump_sys_open("/tmp/f", RUMP_O_RDONLY | RUMP_O_DIRECTORY),
	    RUMP_ENOTDIR);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/f"), 0);
}

TEST(directories_links_rename)
{
	struct rump_stat st, st2;

	CHECK_EQ_INT(rump_sys_mkdir("/tmp/d", 0755), 0);
	ERR(rump_sys_mkdir("/tmp/d", 0755), RUMP_EEXIST);
	ERR(rump_sys_mkdir("/tmp/none/d", 0755), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/d/sub", 0700), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/d", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 3); /* ".", its name, sub's ".." */
	ERR(rump_sys_rmdir("/tmp/d"), RUMP_ENOTEMPTY);
	CHECK_EQ_INT(mkfile("/tmp/d/a", "data", 0644), 0);
	ERR(rump_sys_rmdir("/tmp/d/a"), RUMP_ENOTDIR);
	ERR(rump_sys_unlink("/tmp/d/sub"), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_link("/tmp/d/a", "/tmp/d/b"), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/d/a", &st), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/d/b", &st2), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK_EQ_INT(st.st_ino, st2.st_ino);
	ERR(rump_sys_link("/tmp/d/sub", "/tmp/d/c"), RUMP_EPERM);
	ERR(rump_sys_link("/tmp/d/a", "/tmp/d/b"), RUMP_EEXIST);
	CHECK_EQ_INT(rump_sys_rename("/tmp/d/a", "/tmp/d/sub/moved"), 0);
	ERR(rump_sys_stat("/tmp/d/a", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_stat("/tmp/d/sub/moved", &st), 0);
	/* b and moved are one file: POSIX says succeed and do nothing. */
	CHECK_EQ_INT(rump_sys_rename("/tmp/d/b", "/tmp/d/sub/moved"), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/d/b", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 2);
	CHECK_EQ_INT(mkfile("/tmp/d/other", "o", 0644), 0);
	CHECK_EQ_INT(rump_sys_rename("/tmp/d/other", "/tmp/d/b"), 0); /* replaces */
	CHECK_EQ_INT(rump_sys_stat("/tmp/d/sub/moved", &st), 0);
	CHECK_EQ_INT(st.st_nlink, 1);
	ERR(rump_sys_stat("/tmp/d/other", &st), RUMP_ENOENT);
	ERR(rump_sys_rename("/tmp/d", "/tmp/d/sub/inside"), RUMP_EINVAL);
	ERR(rump_sys_rename("/tmp/d/nothing", "/tmp/x"), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/d/empty", 0755), 0);
	ERR(rump_sys_rename("/tmp/d/sub/moved", "/tmp/d/empty"), RUMP_EISDIR);
	CHECK_EQ_INT(rump_sys_rename("/tmp/d/empty", "/tmp/d/e2"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/d/e2"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/d/sub/moved"), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/d/b"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/d/sub"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/d"), 0);
	ERR(rump_sys_rmdir("/"), RUMP_EBUSY);
	ERR(rump_sys_rmdir("/tmp/."), RUMP_EINVAL);
	/* mkdirat / openat / unlinkat relative to a directory descriptor. */
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/at", 0755), 0);
	int dfd = rump_sys_open("/tmp/at", RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ_INT(rump_sys_mkdirat(dfd, "x", 0755), 0);
	int fd = rump_sys_openat(dfd, "x/f", RUMP_O_CREAT | RUMP_O_WRONLY, 0600);
	CHECK(fd >= 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys_stat("/tmp/at/x/f", &st), 0);
	CHECK_EQ_INT(rump_sys_unlinkat(dfd, "x/f", 0), 0);
	ERR(rump_sys_unlinkat(dfd, "x", 0), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_unlinkat(dfd, "x", RUMP_AT_REMOVEDIR), 0);
	ERR(rump_sys_mkdirat(1000, "y", 0755), RUMP_EBADF);
	rump_sys_close(dfd);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/at"), 0);
}

TEST(symlinks_loops_and_long_names)
{
	char buf[64], longname[300];
	struct rump_stat st;

	CHECK_EQ_INT(mkfile("/tmp/target", "T", 0644), 0);
	CHECK_EQ_INT(rump_sys_symlink("target", "/tmp/ln"), 0);
	CHECK_EQ_INT(rump_sys_readlink("/tmp/ln", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "target", 6) == 0);
	CHECK_EQ_INT(rump_sys_readlink("/tmp/ln", buf, 3), 3); /* truncated */
	ERR(rump_sys_readlink("/tmp/target", buf, sizeof(buf)), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_stat("/tmp/ln", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFREG);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/ln", &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFLNK);
	CHECK_EQ_INT(st.st_size, 6);
	ERR(rump_sys_open("/tmp/ln", RUMP_O_RDONLY | RUMP_O_NOFOLLOW),
	    RUMP_ELOOP);
	CHECK_EQ_INT(rump_sys_symlink("/tmp", "/tmp/dirln"), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/dirln/target", &st), 0);
	CHECK_EQ_INT(rump_sys_symlink("loop2", "/tmp/loop1"), 0);
	CHECK_EQ_INT(rump_sys_symlink("loop1", "/tmp/loop2"), 0);
	ERR(rump_sys_stat("/tmp/loop1", &st), RUMP_ELOOP);
	CHECK_EQ_INT(rump_sys_symlink("nowhere", "/tmp/dangling"), 0);
	ERR(rump_sys_stat("/tmp/dangling", &st), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_lstat("/tmp/dangling", &st), 0);
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "/tmp/", 5);
	longname[261] = '\0'; /* a 256-byte component */
	ERR(rump_sys_mkdir(longname, 0755), RUMP_ENAMETOOLONG);
	longname[260] = '\0'; /* 255: fine */
	CHECK_EQ_INT(rump_sys_mkdir(longname, 0755), 0);
	CHECK_EQ_INT(rump_sys_rmdir(longname), 0);
	char *huge = malloc(2000);
	memset(huge, 'a', 1999);
	huge[0] = '/';
	huge[1999] = '\0';
	ERR(rump_sys_stat(huge, &st), RUMP_ENAMETOOLONG);
	free(huge);
	CHECK_EQ_INT(rump_sys_stat("/tmp/../tmp/./target", &st), 0);
	CHECK_EQ_INT(rump_sys_stat("/../../tmp", &st), 0); /* "/.." is "/" */
	rump_sys_unlink("/tmp/ln");
	rump_sys_unlink("/tmp/dirln");
	rump_sys_unlink("/tmp/loop1");
	rump_sys_unlink("/tmp/loop2");
	rump_sys_unlink("/tmp/dangling");
	rump_sys_unlink("/tmp/target");
}

TEST(cwd_umask_getdents)
{
	char buf[1024];
	int fd, n, seen = 0;

	CHECK_EQ_INT(rump_sys_mkdir("/tmp/w", 0777), 0);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/w"), 0);
	CHECK_EQ_INT(rump_sys___getcwd(buf, sizeof(buf)),
	    7); /* its length, NUL included */
	CHECK_EQ_STR(buf, "/tmp/w");
	ERR(rump_sys___getcwd(buf, 3), RUMP_ERANGE);
	CHECK_EQ_INT(rump_sys_umask(027), 022);
	CHECK_EQ_INT(mkfile("rel", NULL, 0666), 0);
	struct rump_stat st;
	CHECK_EQ_INT(rump_sys_stat("/tmp/w/rel", &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0640);
	CHECK_EQ_INT(rump_sys_mkdir("sub", 0777), 0);
	CHECK_EQ_INT(rump_sys_stat("sub", &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0750);
	CHECK_EQ_INT(rump_sys_umask(022), 027);
	fd = rump_sys_open(".", RUMP_O_RDONLY);
	n = rump_sys_getdents(fd, buf, sizeof(buf));
	CHECK(n > 0);
	for (int off = 0; off < n;) {
		uint16_t reclen, namlen;
		memcpy(&reclen, buf + off + 8, 2);
		memcpy(&namlen, buf + off + 10, 2);
		const char *name = buf + off + 13;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    strcmp(name, "rel") == 0 || strcmp(name, "sub") == 0)
			seen++;
		CHECK_EQ_INT(namlen, strlen(name));
		CHECK(reclen % 8 == 0 && reclen > 13);
		off += reclen;
	}
	CHECK_EQ_INT(seen, 4);
	CHECK_EQ_INT(rump_sys_getdents(fd, buf, sizeof(buf)), 0); /* at the end */
	rump_sys_close(fd);
	fd = rump_sys_open("rel", RUMP_O_RDONLY);
	ERR(rump_sys_getdents(fd, buf, sizeof(buf)), RUMP_ENOTDIR);
	ERR(rump_sys_fchdir(fd), RUMP_ENOTDIR);
	rump_sys_close(fd);
	fd = rump_sys_open("/", RUMP_O_RDONLY);
	CHECK_EQ_INT(rump_sys_fchdir(fd), 0);
	rump_sys_close(fd);
	CHECK_EQ_INT(rump_sys___getcwd(buf, sizeof(buf)), 2);
	CHECK_EQ_STR(buf, "/");
	ERR(rump_sys_chdir("/tmp/w/rel"), RUMP_ENOTDIR);
	rump_sys_unlink("/tmp/w/rel");
	rump_sys_rmdir("/tmp/w/sub");
	rump_sys_rmdir("/tmp/w");
}

TEST(permissions_as_non_root)
{
	struct rump_stat st;
	char buf[8];
	int fd;

	CHECK_EQ_INT(mkfile("/tmp/rootonly", "secret", 0600), 0);
	CHECK_EQ_INT(mkfile("/tmp/public", "open", 0644), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/tmp/closed", 0700), 0);
	CHECK_EQ_INT(mkfile("/tmp/closed/in", "x", 0644), 0);
	CHECK_EQ_INT(mkfile("/tmp/rootfile", "r", 0666), 0);
	CHECK_EQ_INT(rump_sys_chmod("/tmp/rootfile", 0666), 0);

	/* A process of its own that drops to uid 1000. */
	struct lwp *me = rump_pub_lwproc_curlwp();
	CHECK_EQ_INT(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ_INT(rump_sys_setgid(100), 0);
	CHECK_EQ_INT(rump_sys_setuid(1000), 0);
	ERR(rump_sys_open("/tmp/rootonly", RUMP_O_RDONLY), RUMP_EACCES);
	fd = rump_sys_open("/tmp/public", RUMP_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_read(fd, buf, 4), 4);
	rump_sys_close(fd);
	ERR(rump_sys_open("/tmp/public", RUMP_O_WRONLY), RUMP_EACCES);
	ERR(rump_sys_stat("/tmp/closed/in", &st), RUMP_EACCES); /* no search */
	ERR(rump_sys_chdir("/tmp/closed"), RUMP_EACCES);
	ERR(rump_sys_mkdir("/mine", 0755), RUMP_EACCES); /* / is 0755 root */
	ERR(rump_sys_chmod("/tmp/public", 0777), RUMP_EPERM);
	ERR(rump_sys_chown("/tmp/public", 1000, 100), RUMP_EPERM);
	ERR(rump_sys_truncate("/tmp/public", 0), RUMP_EACCES);
	ERR(rump_sys_utimes("/tmp/public", NULL), RUMP_EACCES);
	CHECK_EQ_INT(rump_sys_utimes("/tmp/rootfile", NULL), 0); /* writable */
	ERR(rump_sys_access("/tmp/rootonly", RUMP_R_OK), RUMP_EACCES);
	CHECK_EQ_INT(rump_sys_access("/tmp/public", RUMP_R_OK), 0);
	ERR(rump_sys_access("/tmp/public", RUMP_W_OK), RUMP_EACCES);
	ERR(rump_sys_access("/tmp/public", 8), RUMP_EINVAL);
	/* /tmp is sticky: others' files stay; one's own can go. */
	ERR(rump_sys_unlink("/tmp/public"), RUMP_EPERM);
	CHECK_EQ_INT(mkfile("/tmp/mine", "m", 0600), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/mine", &st), 0);
	CHECK_EQ_INT(st.st_uid, 1000);
	CHECK_EQ_INT(rump_sys_chmod("/tmp/mine", 0644), 0); /* the owner may */
	CHECK_EQ_INT(rump_sys_chown("/tmp/mine", (uid_t)-1, 100), 0); /* own group */
	ERR(rump_sys_chown("/tmp/mine", 0, (gid_t)-1), RUMP_EPERM);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/mine"), 0);
	ERR(rump_sys_reboot(RUMP_RB_HALT, NULL), RUMP_EPERM);
	int hn[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	ERR(rump_sys___sysctl(hn, 2, NULL, NULL, "x", 1), RUMP_EPERM);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(me);
	CHECK(rump_sys_getpid() != 1);

	rump_sys_unlink("/tmp/rootonly");
	rump_sys_unlink("/tmp/public");
	rump_sys_unlink("/tmp/closed/in");
	rump_sys_rmdir("/tmp/closed");
	rump_sys_unlink("/tmp/rootfile");
}

#ifndef RUMPIMG_IMAGE
/* In the image, tests/qemu/apps/test_kernel.c runs pipes between threads. */
struct reader {
	pid_t pid;
	int fd;
	ssize_t total;
};

/* Another host thread, attached to the test's process, drains a pipe. */
static void *
pipe_reader(void *arg)
{
	struct reader *r = arg;
	char buf[3000];
	ssize_t n;

	if (rump_pub_lwproc_newlwp(r->pid) != 0)
		return NULL;
	while ((n = rump_sys_read(r->fd, buf, sizeof(buf))) > 0)
		r->total += n;
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(pipes_block_eof_epipe_nonblock)
{
	static char data[100000];
	int fds[2], n;
	ssize_t w = 0;
	pthread_t t;
	char c;

	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	struct reader r = { rump_sys_getpid(), fds[0], 0 };
	memset(data, 'p', sizeof(data));
	pthread_create(&t, NULL, pipe_reader, &r);
	while (w < (ssize_t)sizeof(data)) { /* blocks while full */
		ssize_t k = rump_sys_write(fds[1], data + w,
		    sizeof(data) - (size_t)w);
		CHECK(k > 0);
		if (k <= 0)
			break;
		w += k;
	}
	CHECK_EQ_INT(rump_sys_close(fds[1]), 0); /* the reader sees EOF */
	pthread_join(t, NULL);
	CHECK_EQ_INT(r.total, (ssize_t)sizeof(data));
	CHECK_EQ_INT(rump_sys_close(fds[0]), 0);

	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	rump_sys_close(fds[0]);
	ERR(rump_sys_write(fds[1], "x", 1), RUMP_EPIPE);
	rump_sys_close(fds[1]);

	CHECK_EQ_INT(rump_sys_pipe2(fds, RUMP_O_NONBLOCK | RUMP_O_CLOEXEC), 0);
	CHECK_EQ_INT(rump_sys_fcntl(fds[0], RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	ERR(rump_sys_read(fds[0], &c, 1), RUMP_EAGAIN);
	CHECK_EQ_INT(rump_sys_write(fds[1], "abc", 3), 3);
	CHECK_EQ_INT(rump_sys_ioctl(fds[0], RUMP_FIONREAD, &n), 0);
	CHECK_EQ_INT(n, 3);
	struct {
		int fd;
		short events, revents;
	} pfd[2] = { { fds[0], RUMP_POLLIN, 0 }, { fds[1], RUMP_POLLOUT, 0 } };
	CHECK_EQ_INT(rump_sys_poll(pfd, 2, 0), 2);
	CHECK(pfd[0].revents & RUMP_POLLIN);
	CHECK(pfd[1].revents & RUMP_POLLOUT);
	rump_sys_close(fds[1]);
	CHECK_EQ_INT(rump_sys_read(fds[0], &c, 1), 1);
	CHECK_EQ_INT(rump_sys_poll(pfd, 1, 100), 1);
	CHECK(pfd[0].revents & RUMP_POLLHUP);
	rump_sys_close(fds[0]);
	ERR(rump_sys_pipe2(fds, 0x1000), RUMP_EINVAL);
	ERR(rump_sys_pipe2(NULL, 0), RUMP_EFAULT);
}

#endif

TEST(poll_waits_and_times_out)
{
	int fds[2];
	struct {
		int fd;
		short events, revents;
	} pfd = { 0, RUMP_POLLIN, 0 };
	struct rump_timespec t0, t1;

	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	pfd.fd = fds[0];
	rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t0);
	CHECK_EQ_INT(rump_sys_poll(&pfd, 1, 50), 0);
	rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t1);
	int64_t ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 45 && ms < 2000);
	pfd.fd = 63;
	CHECK_EQ_INT(rump_sys_poll(&pfd, 1, 0), 1);
	CHECK(pfd.revents & RUMP_POLLNVAL);
	ERR(rump_sys_poll(NULL, 1, 0), RUMP_EFAULT);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
}

/* select over pipes: NetBSD's 32-bit fd_set words and 16-byte timeval. */
TEST(select_on_pipes)
{
	uint32_t rd[8], wr[8];
	struct rump_timeval tv = { 0, 20000, 0 };
	int fds[2];

	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	memset(rd, 0, sizeof(rd));
	memset(wr, 0, sizeof(wr));
	rd[0] = 1U << fds[0];
	wr[0] = 1U << fds[1];
	CHECK_EQ_INT(rump_sys_select(fds[1] + 1, rd, wr, NULL, &tv), 1);
	CHECK_EQ_INT(rd[0], 0);		   /* nothing to read yet */
	CHECK_EQ_INT(wr[0], 1U << fds[1]); /* room to write */
	CHECK_EQ_INT(rump_sys_write(fds[1], "x", 1), 1);
	rd[0] = 1U << fds[0];
	CHECK_EQ_INT(rump_sys_select(fds[0] + 1, rd, NULL, NULL, &tv), 1);
	CHECK_EQ_INT(rd[0], 1U << fds[0]);
	rd[0] = 0;
	rd[1] = 1U << (40 - 32); /* descriptor 40, closed: EBADF */
	ERR(rump_sys_select(41, rd, NULL, NULL, &tv), RUMP_EBADF);
	rd[1] = 0;
	CHECK_EQ_INT(rump_sys_select(0, NULL, NULL, NULL, &tv), 0); /* a sleep */
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
}

/* socketpair(AF_LOCAL, SOCK_STREAM): both ways, shutdown, EPIPE, poll. */
TEST(socketpair_local_stream)
{
	struct {
		int fd;
		short events, revents;
	} pfd;
	int sv[2], nb[2];
	char buf[8];

	CHECK_EQ_INT(rump_sys_socketpair(RUMP_AF_LOCAL, RUMP_SOCK_STREAM, 0, sv),
	    0);
	CHECK_EQ_INT(rump_sys_write(sv[0], "ping", 4), 4);
	CHECK_EQ_INT(rump_sys_read(sv[1], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ_INT(rump_sys_write(sv[1], "pong", 4), 4);
	pfd.fd = sv[0];
	pfd.events = RUMP_POLLIN;
	CHECK_EQ_INT(rump_sys_poll(&pfd, 1, 0), 1);
	CHECK_EQ_INT(rump_sys_read(sv[0], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "pong", 4) == 0);
	CHECK_EQ_INT(rump_sys_shutdown(sv[0], RUMP_SHUT_WR), 0);
	CHECK_EQ_INT(rump_sys_read(sv[1], buf, sizeof(buf)), 0); /* EOF */
	ERR(rump_sys_write(sv[0], "x", 1), RUMP_EPIPE);
	CHECK_EQ_INT(rump_sys_write(sv[1], "back", 4), 4); /* other way on */
	CHECK_EQ_INT(rump_sys_read(sv[0], buf, sizeof(buf)), 4);
	rump_sys_close(sv[0]);
	ERR(rump_sys_write(sv[1], "x", 1), RUMP_EPIPE); /* peer gone */
	rump_sys_close(sv[1]);
	CHECK_EQ_INT(rump_sys_socketpair(RUMP_AF_LOCAL,
			 RUMP_SOCK_STREAM | RUMP_SOCK_NONBLOCK, 0, nb),
	    0);
	ERR(rump_sys_read(nb[0], buf, 1), RUMP_EAGAIN); /* SOCK_NONBLOCK */
	rump_sys_close(nb[0]);
	rump_sys_close(nb[1]);
	ERR(rump_sys_socketpair(RUMP_AF_INET, RUMP_SOCK_STREAM, 0, sv),
	    RUMP_EOPNOTSUPP);
	ERR(rump_sys_socketpair(RUMP_AF_LOCAL, RUMP_SOCK_DGRAM, 0, sv),
	    RUMP_EPROTONOSUPPORT);
	ERR(rump_sys_shutdown(0, 0), RUMP_ENOTSOCK);
}

TEST(fcntl_ioctl_dup_vectored)
{
	int fd = rump_sys_open("/tmp/v", RUMP_O_RDWR | RUMP_O_CREAT, 0644), fd2,
	    on = 1;
	struct {
		const void *base;
		size_t len;
	} iov[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
	char a[2], b[3];
	struct {
		void *base;
		size_t len;
	} riov[2] = { { a, 2 }, { b, 3 } };

	CHECK_EQ_INT(rump_sys_writev(fd, iov, 3), 5);
	CHECK_EQ_INT(rump_sys_lseek(fd, 0, RUMP_SEEK_SET), 0);
	CHECK_EQ_INT(rump_sys_readv(fd, riov, 2), 5);
	CHECK(memcmp(a, "ab", 2) == 0 && memcmp(b, "cde", 3) == 0);
	ERR(rump_sys_readv(fd, riov, 0), RUMP_EINVAL);
	ERR(rump_sys_readv(fd, riov, 5000), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_GETFL) & RUMP_O_ACCMODE,
	    RUMP_O_RDWR);
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_SETFL, RUMP_O_APPEND), 0);
	CHECK(rump_sys_fcntl(fd, RUMP_F_GETFL) & RUMP_O_APPEND);
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_GETFD), 0);
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_SETFD, RUMP_FD_CLOEXEC), 0);
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_GETFD), RUMP_FD_CLOEXEC);
	fd2 = rump_sys_fcntl(fd, RUMP_F_DUPFD, 20);
	CHECK_EQ_INT(fd2, 20);
	CHECK_EQ_INT(rump_sys_fcntl(fd2, RUMP_F_GETFD), 0); /* dup clears it */
	CHECK_EQ_INT(rump_sys_fcntl(fd, RUMP_F_DUPFD_CLOEXEC, 0) >= 0, 1);
	ERR(rump_sys_fcntl(fd, 99), RUMP_EINVAL);
	ERR(rump_sys_fcntl(99, RUMP_F_GETFD), RUMP_EBADF);
	CHECK_EQ_INT(rump_sys_ioctl(fd, RUMP_FIONBIO, &on), 0);
	CHECK(rump_sys_fcntl(fd, RUMP_F_GETFL) & RUMP_O_NONBLOCK);
	ERR(rump_sys_ioctl(fd, 0x12345678UL, &on), RUMP_ENOTTY);
	ERR(rump_sys_ioctl(fd, RUMP_FIONREAD, NULL), RUMP_EFAULT);
	CHECK_EQ_INT(rump_sys_dup2(fd, fd2), fd2);
	rump_sys_close(fd2);
	rump_sys_close(fd);
	rump_sys_unlink("/tmp/v");
}

TEST(sysctl_values_and_errors)
{
	int ost[2] = { RUMP_CTL_KERN, RUMP_KERN_OSTYPE };
	int hn[2] = { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME };
	int ps[2] = { RUMP_CTL_HW, RUMP_HW_PAGESIZE };
	int pm[2] = { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 };
	int bad[2] = { 77, 1 };
	char buf[64];
	size_t len = sizeof(buf);
	int pagesize;
	uint64_t mem;

	CHECK_EQ_INT(rump_sys___sysctl(ost, 2, buf, &len, NULL, 0), 0);
	CHECK_EQ_STR(buf, "NetBSD");
	CHECK_EQ_INT(len, 7);
	len = 0;
	CHECK_EQ_INT(rump_sys___sysctl(hn, 2, NULL, &len, NULL, 0), 0);
	CHECK(len > 5); /* the size, nothing copied */
	CHECK_EQ_INT(rump_sys___sysctl(hn, 2, NULL, NULL, "testhost", 8), 0);
	len = sizeof(buf);
	CHECK_EQ_INT(rump_sys___sysctl(hn, 2, buf, &len, NULL, 0), 0);
	CHECK_EQ_STR(buf, "testhost");
	len = 3;
	ERR(rump_sys___sysctl(hn, 2, buf, &len, NULL, 0), RUMP_ENOMEM);
	CHECK_EQ_INT(len, 9);
	len = sizeof(pagesize);
	CHECK_EQ_INT(rump_sys___sysctl(ps, 2, &pagesize, &len, NULL, 0), 0);
	CHECK_EQ_INT(pagesize, 4096);
	len = sizeof(mem);
	CHECK_EQ_INT(rump_sys___sysctl(pm, 2, &mem, &len, NULL, 0), 0);
	CHECK(mem > 0);
	len = sizeof(buf);
	ERR(rump_sys___sysctl(bad, 2, buf, &len, NULL, 0), RUMP_EOPNOTSUPP);
	ERR(rump_sys___sysctl(ost, 2, NULL, NULL, "x", 1), RUMP_EPERM);
	ERR(rump_sys___sysctl(ost, 1, buf, &len, NULL, 0), RUMP_EINVAL);
	ERR(rump_sys___sysctl(ost, 13, buf, &len, NULL, 0), RUMP_EINVAL);
	ERR(rump_sys___sysctl(NULL, 2, buf, &len, NULL, 0), RUMP_EFAULT);
}

TEST(time_calls)
{
	struct rump_timespec ts, req = { 0, 20000000 }, bad = { 0, 1000000000 };
	struct rump_timespec t0, t1;

	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, &ts), 0);
	CHECK(ts.tv_sec > 1700000000);
	CHECK_EQ_INT(rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t0), 0);
	CHECK_EQ_INT(rump_sys_nanosleep(&req, NULL), 0);
	rump_sys_clock_gettime(RUMP_CLOCK_MONOTONIC, &t1);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >=
	    20000000);
	ERR(rump_sys_nanosleep(&bad, NULL), RUMP_EINVAL);
	ERR(rump_sys_nanosleep(NULL, NULL), RUMP_EFAULT);
	ERR(rump_sys_clock_gettime(99, &ts), RUMP_EINVAL);
	ERR(rump_sys_clock_gettime(RUMP_CLOCK_REALTIME, NULL), RUMP_EFAULT);
}

TEST(fd_attributes_times_and_pipes)
{
	struct rump_stat st;
	int fds[2],
	    fd = rump_sys_open("/tmp/attr", RUMP_O_RDWR | RUMP_O_CREAT, 0600);
	/* NetBSD struct timeval: int64 sec, int32 usec, padding: 16 bytes each. */
	struct {
		int64_t sec;
		int32_t usec;
		int32_t pad;
	} tv[2] = { { 1000000000, 5, 0 }, { 1200000000, 7, 0 } };

	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_fchmod(fd, 0640), 0);
	CHECK_EQ_INT(rump_sys_fchown(fd, 7, 8), 0);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0640);
	CHECK_EQ_INT(st.st_uid, 7);
	CHECK_EQ_INT(st.st_gid, 8);
	CHECK_EQ_INT(rump_sys_utimes("/tmp/attr", tv), 0);
	CHECK_EQ_INT(rump_sys_stat("/tmp/attr", &st), 0);
	CHECK_EQ_INT(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ_INT(st.st_atim.tv_nsec, 5000);
	CHECK_EQ_INT(st.st_mtim.tv_sec, 1200000000);
	ERR(rump_sys_fchmod(99, 0600), RUMP_EBADF);
	ERR(rump_sys_utimes("/tmp/none", NULL), RUMP_ENOENT);
	CHECK_EQ_INT(rump_sys_pipe(fds), 0);
	ERR(rump_sys_lseek(fds[0], 0, RUMP_SEEK_SET), RUMP_ESPIPE);
	ERR(rump_sys_fchmod(fds[0], 0600), RUMP_EINVAL);
	CHECK_EQ_INT(rump_sys_fstat(fds[0], &st), 0);
	CHECK_EQ_INT(st.st_mode & RUMP_S_IFMT, RUMP_S_IFIFO);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	rump_sys_close(fd);
	rump_sys_unlink("/tmp/attr");
}

/* A path of 2,009 bytes: returned whole in a 4 KiB buffer, ERANGE in 2 KiB. */
TEST(getcwd_of_a_deep_directory)
{
	static char buf[4096];
	int i;

	CHECK_EQ_INT(rump_sys_mkdir("/tmp/deep", 0755), 0);
	CHECK_EQ_INT(rump_sys_chdir("/tmp/deep"), 0);
	for (i = 0; i < 1000; i++) {
		if (rump_sys_mkdir("d", 0755) != 0 || rump_sys_chdir("d") != 0)
			break;
	}
	CHECK_EQ_INT(i, 1000);
	CHECK_EQ_INT(rump_sys___getcwd(buf, sizeof(buf)), 9 + 2 * 1000 + 1);
	CHECK_EQ_INT((long long)strlen(buf), 9 + 2 * 1000);
	CHECK(strncmp(buf, "/tmp/deep/d/d/", 14) == 0);
	ERR(rump_sys___getcwd(buf, 2000), RUMP_ERANGE);
	ERR(rump_sys___getcwd(buf, 1), RUMP_ERANGE);
	/* A length beyond four PATH_MAX is taken as four PATH_MAX. */
	CHECK_EQ_INT(rump_sys___getcwd(buf, (size_t)1 << 40), 9 + 2 * 1000 + 1);
	for (; i > 0; i--) {
		CHECK_EQ_INT(rump_sys_chdir(".."), 0);
		CHECK_EQ_INT(rump_sys_rmdir("d"), 0);
	}
	CHECK_EQ_INT(rump_sys_chdir("/"), 0);
	CHECK_EQ_INT(rump_sys_rmdir("/tmp/deep"), 0);
}

#ifndef RUMPIMG_IMAGE
static pid_t
reboot_child(int howto)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		rump_sys_reboot(howto, NULL);
		_exit(99); /* not reached */
	}
	return pid;
}

/* reboot(0) exits 0; RB_HALT halts the kernel but keeps the process (F.5). */
TEST(reboot_halts_the_kernel)
{
	pid_t pid = reboot_child(0);
	int status;

	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	pid = reboot_child(RUMP_RB_HALT);
	usleep(300 * 1000);
	CHECK_EQ_INT(waitpid(pid, &status, WNOHANG), 0); /* still there */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status));
}

#endif

#ifdef RUMPIMG_IMAGE
int
syscalls_suite(void)
#else
int
main(int argc, char **argv)
#endif
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifndef RUMPIMG_IMAGE
	check_args(argc, argv);
#endif
	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFFDG) != 0) {
		printf("rump_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(boot_tree_and_devices);
	RUN(files_read_write_seek_holes_truncate);
	RUN(directories_links_rename);
	RUN(symlinks_loops_and_long_names);
	RUN(cwd_umask_getdents);
	RUN(permissions_as_non_root);
#ifndef RUMPIMG_IMAGE
	RUN(pipes_block_eof_epipe_nonblock);
#endif
	RUN(poll_waits_and_times_out);
	RUN(select_on_pipes);
	RUN(socketpair_local_stream);
	RUN(fcntl_ioctl_dup_vectored);
	RUN(sysctl_values_and_errors);
	RUN(time_calls);
	RUN(fd_attributes_times_and_pipes);
	RUN(getcwd_of_a_deep_directory);
#ifndef RUMPIMG_IMAGE
	RUN(reboot_halts_the_kernel);
#endif
	rump_pub_lwproc_releaselwp();
	return check_done();
}
