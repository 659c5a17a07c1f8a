/*
 * newlib inside the image: formatted output, the heap through sbrk, and
 * reentrancy state (errno, strtok) that follows each thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hyp/sched.h"
#include "plat/testcase.h"

int libc_thread_init(void);

TESTCASE(libc_printf_malloc)
{
	char buf[128];
	void *blocks[200];

	snprintf(buf, sizeof(buf), "%d|%5.2f|%-4s|%#x|%lld", -42, 3.14159, "ab",
	    255, 1LL << 40);
	TCHECK(strcmp(buf, "-42| 3.14|ab  |0xff|1099511627776") == 0,
	    "got '%s'", buf);
	for (int i = 0; i < 200; i++) {
		blocks[i] = malloc((size_t)(i * 97 + 1));
		TCHECK(blocks[i] != NULL, "malloc %d failed", i);
		memset(blocks[i], i, (size_t)(i * 97 + 1));
	}
	for (int i = 0; i < 200; i++) {
		TCHECK(((unsigned char *)blocks[i])[i * 97] == (unsigned char)i,
		    "block %d corrupted", i);
		free(blocks[i]);
	}
	void *big = malloc(8 << 20);
	TCHECK(big != NULL, "8 MiB malloc failed");
	free(big);
	TCHECK(write(5, "x", 1) == -1 && errno == EBADF,
	    "write to fd 5: errno %d", errno);
	printf("libc: printf to the console works (%s)\n", "newlib");
	fflush(stdout);
	return 0;
}

struct reent_arg {
	int my_errno;
	int bad;
	char text[32];
};

static void
reent_thread(void *p)
{
	struct reent_arg *a = p;
	char *tok;

	if (libc_thread_init() != 0) {
		a->bad++;
		return;
	}
	errno = a->my_errno;
	tok = strtok(a->text, ",");
	for (int i = 0; i < 20; i++) {
		sched_relinquish();
		if (errno != a->my_errno)
			a->bad++;
	}
	while (tok != NULL) {
		sched_relinquish();
		if (tok[0] != a->text[0])
			a->bad++; /* another thread's strtok state leaked in */
		tok = strtok(NULL, ",");
	}
}

TESTCASE(libc_reent_per_thread)
{
	struct reent_arg a = { 11, 0, "a1,a2,a3,a4" }, b = { 22, 0, "b1,b2,b3" };
	struct thread *ta = sched_create("reent-a", reent_thread, &a,
	    THREAD_MUSTJOIN);
	struct thread *tb = sched_create("reent-b", reent_thread, &b,
	    THREAD_MUSTJOIN);

	TCHECK(ta != NULL && tb != NULL, "create failed");
	errno = 33;
	sched_join(ta);
	sched_join(tb);
	TCHECK(errno == 33, "main's errno became %d", errno);
	TCHECK(a.bad == 0 && b.bad == 0,
	    "state leaked between threads (%d, %d)", a.bad, b.bad);
	return 0;
}

#ifdef CONFIG_RUMP_KERNEL
#include <fcntl.h>
#include <sys/stat.h>

/* newlib's file calls reach the rump kernel, with newlib's values. */
TESTCASE(libc_files_through_the_kernel)
{
	struct stat st;
	char buf[16];
	FILE *f;
	int fd;

	fd = open("/tmp/libc", O_RDWR | O_CREAT | O_EXCL, 0640);
	TCHECK(fd >= 3, "open gave %d (errno %d)", fd, errno);
	TCHECK(write(fd, "newlib", 6) == 6, "write");
	TCHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	TCHECK(read(fd, buf, sizeof(buf)) == 6 && memcmp(buf, "newlib", 6) == 0,
	    "read");
	TCHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6 &&
		(st.st_mode & 0777) == 0640,
	    "fstat mode %o size %ld", (unsigned)st.st_mode, (long)st.st_size);
	TCHECK(close(fd) == 0, "close");
	TCHECK(open("/tmp/libc", O_RDWR | O_CREAT | O_EXCL, 0640) == -1 &&
		errno == EEXIST,
	    "O_EXCL: errno %d, newlib's EEXIST is %d", errno, EEXIST);
	TCHECK(open("/nope/x", O_RDONLY) == -1 && errno == ENOENT, "ENOENT: %d",
	    errno);
	TCHECK(write(77, "x", 1) == -1 && errno == EBADF, "EBADF: %d", errno);
	f = fopen("/tmp/stdio", "w");
	TCHECK(f != NULL, "fopen: errno %d", errno);
	fprintf(f, "%d %s\n", 42, "lines");
	fclose(f);
	f = fopen("/tmp/stdio", "r");
	TCHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL, "fgets");
	fclose(f);
	TCHECK(strcmp(buf, "42 lines\n") == 0, "read back '%s'", buf);
	TCHECK(unlink("/tmp/stdio") == 0 && stat("/tmp/stdio", &st) == -1 &&
		errno == ENOENT,
	    "unlink");
	TCHECK(getpid() == 1, "getpid %d", getpid());
	TCHECK(isatty(1) == 1, "stdout is not a tty");
	printf("libc: stdio files on the kernel's tmpfs work\n");
	fflush(stdout);
	return 0;
}
#endif
