/*
 * librumpclient calls given addresses that are no memory of the client's,
 * against rump_server (or $RUMP_TEST_SERVER: the image's): every one gets
 * EFAULT, the client keeps its connection and the server serves the next
 * call and the next client. A copyin the client cannot read is answered
 * with no bytes (the server's EFAULT); a copyout it cannot write turns
 * the call's success into EFAULT (client/frame.c).
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "test_client.h"
#include "badaddr.h"

/* The case: one utimes with 0x2000, then more calls. */
static void
utimes_0x2000_client(void *arg)
{
	struct rump_stat st;
	int fd;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	rump_sys_unlink("/tmp/utimes_bad");
	fd = rump_sys_open("/tmp/utimes_bad", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_utimes("/tmp/utimes_bad", (void *)0x2000), -1);
	CHECK_EQ_INT(errno, RUMP_EFAULT);
	CHECK(rump_sys_getpid() > 1);
	CHECK_EQ_INT(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/utimes_bad"), 0);
}

static void
next_client(void *arg)
{
	struct rump_stat st;

	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	CHECK(rump_sys_getpid() > 1);
	CHECK_EQ_INT(rump_sys_stat("/", &st), 0);
}

TEST(remote_utimes_0x2000_is_efault_and_server_serves)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, utimes_0x2000_client, NULL), 0);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(client_run(&sv, next_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

static void
utimes_valid_client(void *arg)
{
	(void)arg;
	CHECK_EQ_INT(rumpclient_init(), 0);
	badaddr_utimes_valid();
}

TEST(remote_utimes_sets_times)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, utimes_valid_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * The set of calls with: small integers, a non-canonical address, a range
 * running from a mapped page into an inaccessible one, an unmapped page.
 */
static void
all_client(void *arg)
{
	struct badaddr bad[5] = {
		{ "0x2000", (void *)0x2000, 0 },
		{ "page 0", (void *)0x10, 0 },
		{ "non-canonical", (void *)0x8000000000000000UL, 0 },
	};
	long pg = sysconf(_SC_PAGESIZE);
	char *m;

	(void)arg;
	m = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK_EQ_INT(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
	CHECK_EQ_INT(munmap(m + 2 * pg, (size_t)pg), 0);
	bad[3] = (struct badaddr){ "runs into PROT_NONE", m + pg - 2, 2 };
	bad[4] = (struct badaddr){ "unmapped page", m + 2 * pg, 0 };
	CHECK_EQ_INT(rumpclient_init(), 0);
	badaddr_all(bad, 5, true);
	munmap(m, (size_t)pg * 2);
}

TEST(remote_bad_addresses_are_efault)
{
	struct server sv;

	if (!server_up(&sv, true))
		return;
	CHECK_EQ_INT(client_run(&sv, all_client, NULL), 0);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(client_run(&sv, next_client, NULL), 0);
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

/*
 * A 64 KiB read whose buffer runs into an inaccessible page: the copyout
 * frame is large, so its data is read from the socket straight into the
 * buffer and the fault comes from there; the stream stays in step (the
 * next reads return the file's bytes).
 */
static void
big_read_client(void *arg)
{
	static char want[128 * 1024], got[sizeof(want)];
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i;
	char *m;
	int fd;

	(void)arg;
	m = mmap(NULL, 64 * 1024 + pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK_EQ_INT(mprotect(m + 64 * 1024, pg, PROT_NONE), 0);
	for (i = 0; i < sizeof(want); i++)
		want[i] = (char)(i * 13 + i / 4096);
	CHECK_EQ_INT(rumpclient_init(), 0);
	rump_sys_unlink("/tmp/bigfault");
	fd = rump_sys_open("/tmp/bigfault", RUMP_O_RDWR | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, want, sizeof(want)), sizeof(want));
	for (int k = 0; k < 3; k++) {
		CHECK_EQ_INT(rump_sys_pread(fd, m + pg, 64 * 1024, 0), -1);
		CHECK_EQ_INT(errno, RUMP_EFAULT);
		memset(got, 0, sizeof(got));
		CHECK_EQ_INT(rump_sys_pread(fd, got, sizeof(got), 0),
		    sizeof(got));
		CHECK(memcmp(got, want, sizeof(got)) == 0);
	}
	CHECK_EQ_INT(rump_sys_close(fd), 0);
	CHECK_EQ_INT(rump_sys_unlink("/tmp/bigfault"), 0);
	munmap(m, 64 * 1024 + pg);
}

TEST(remote_big_read_into_bad_buffer_is_efault)
{
	struct server sv;

	if (!server_up(&sv, false))
		return;
	CHECK_EQ_INT(client_run(&sv, big_read_client, NULL), 0);
	CHECK(server_alive(&sv));
	CHECK_EQ_INT(server_stop(&sv), 0);
	server_cleanup(&sv, check_case_failed);
}

int
fault_tests(int *passed, int *failed)
{
	check_passed = check_failed = 0;
	RUN(remote_utimes_0x2000_is_efault_and_server_serves);
	RUN(remote_utimes_sets_times);
	RUN(remote_bad_addresses_are_efault);
	RUN(remote_big_read_into_bad_buffer_is_efault);
	*passed = check_passed;
	*failed = check_failed;
	return check_failed;
}
