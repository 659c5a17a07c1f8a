/*
 * The POSIX (pthread) rumpuser backend: the shared synchronisation cases,
 * then what is particular to this backend, under ASan and UBSan.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define SYNC_LOG(...)                \
	do {                         \
		printf("  ");        \
		printf(__VA_ARGS__); \
		printf("\n");        \
	} while (0)
#define SYNC_CHECK(c, ...)                                              \
	do {                                                            \
		if (!(c)) {                                             \
			printf("  %s:%d: check failed: %s: ", __FILE__, \
			    __LINE__, #c);                              \
			printf(__VA_ARGS__);                            \
			printf("\n");                                   \
			check_case_failed = 1;                          \
			return 1;                                       \
		}                                                       \
	} while (0)

#include "sync_cases.c" /* tests/hypercall/ */

int posix_errno(int host);

#define SYNC_RUN(n)                      \
	static void posix_sync_##n(void) \
	{                                \
		(void)sync_case_##n();   \
	}
SYNC_RUN(pingpong)
SYNC_RUN(mutex_contention)
SYNC_RUN(mutex_kinds)
SYNC_RUN(rwlock)
SYNC_RUN(cv_timedwait)
SYNC_RUN(cv_broadcast)
SYNC_RUN(cv_nowrap)
SYNC_RUN(join)
SYNC_RUN(curlwp)

TEST(errno_translated_to_netbsd)
{
	CHECK_EQ_INT(posix_errno(0), 0);
	CHECK_EQ_INT(posix_errno(EAGAIN), 35);
	CHECK_EQ_INT(posix_errno(ETIMEDOUT), 60);
	CHECK_EQ_INT(posix_errno(ENOSYS), 78);
	CHECK_EQ_INT(posix_errno(ENOTEMPTY), 66);
	CHECK_EQ_INT(posix_errno(ELOOP), 62);
	CHECK_EQ_INT(posix_errno(EBUSY), 16);
	CHECK_EQ_INT(posix_errno(EOVERFLOW), 84);
}

TEST(parameters)
{
	char buf[300];

	unsetenv("RUMP_NCPU");
	CHECK_EQ_INT(rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "2");
	setenv("RUMP_NCPU", "host", 1);
	CHECK_EQ_INT(rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)), 0);
	CHECK(atoi(buf) >= 1);
	unsetenv("RUMP_NCPU");
	CHECK_EQ_INT(
	    rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf)), 0);
	char want[16];
	snprintf(want, sizeof(want), "rump-%05d", (int)getpid());
	CHECK(strncmp(buf, want, strlen(want)) == 0);
	CHECK_EQ_INT(rumpuser_getparam("_RUMPUSER_UNKNOWN", buf, sizeof(buf)),
	    RUMP_EINVAL);
	unsetenv("RUMPIMG_TEST_ABSENT");
	CHECK_EQ_INT(rumpuser_getparam("RUMPIMG_TEST_ABSENT", buf, sizeof(buf)),
	    2);
	setenv("RUMPIMG_TEST_VAR", "value", 1);
	CHECK_EQ_INT(rumpuser_getparam("RUMPIMG_TEST_VAR", buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "value");
	CHECK_EQ_INT(rumpuser_getparam("RUMPIMG_TEST_VAR", buf, 3), 34);
}

TEST(malloc_alignment)
{
	static const int aligns[] = { 0, 8, 64, 4096 };
	void *p;

	for (unsigned i = 0; i < 4; i++) {
		size_t a = aligns[i] ? (size_t)aligns[i] : sizeof(void *);
		CHECK_EQ_INT(rumpuser_malloc(100, aligns[i], &p), 0);
		CHECK(((uintptr_t)p & (a - 1)) == 0);
		memset(p, 1, 100);
		rumpuser_free(p, 100);
	}
	CHECK_EQ_INT(rumpuser_malloc(8, 3, &p), RUMP_EINVAL);
	CHECK_EQ_INT(rumpuser_anonmmap(NULL, 8192, 16, 0, &p), 0);
	CHECK(((uintptr_t)p & 0xffff) == 0);
	memset(p, 2, 8192);
	rumpuser_unmap(p, 8192);
}

TEST(init_revision_and_clocks)
{
	int64_t s;
	long ns;

	CHECK(rumpuser_init(16, NULL) != 0);
	CHECK_EQ_INT(rumpuser_clock_gettime(7, &s, &ns), RUMP_EINVAL);
	CHECK_EQ_INT(rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s, &ns), 0);
	uint64_t t0 = sync_now_ns();
	CHECK_EQ_INT(
	    rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, s > 0 ? s - 1 : 0, 0),
	    0);
	CHECK(sync_now_ns() - t0 < 50000000ULL); /* a past deadline: at once */
	CHECK_EQ_INT(rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, -1),
	    RUMP_EINVAL);
	CHECK_EQ_INT(rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &s, &ns), 0);
	CHECK(s > 1700000000);
}

static size_t bio_bytes;
static int bio_error = -1;

static void
biodone(void *arg, size_t n, int error)
{
	(void)arg;
	bio_bytes = n;
	bio_error = error;
}

TEST(host_files_and_bio)
{
	char path[] = "/tmp/rumpimg-posix-XXXXXX", buf[16];
	int tfd = mkstemp(path), fd = -1, type = -1;
	uint64_t size = 0;
	size_t n = 0;
	struct rumpuser_iovec iov = { buf, 5 };

	CHECK(tfd >= 0);
	close(tfd);
	CHECK_EQ_INT(rumpuser_open(path, RUMPUSER_OPEN_RDWR, &fd), 0);
	rumpuser_bio(fd, RUMPUSER_BIO_WRITE | RUMPUSER_BIO_SYNC, "hello", 5, 0,
	    biodone, NULL);
	CHECK_EQ_INT(bio_error, 0);
	CHECK_EQ_INT(bio_bytes, 5);
	CHECK_EQ_INT(rumpuser_iovread(fd, &iov, 1, 0, &n), 0);
	CHECK_EQ_INT(n, 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ_INT(rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0), 0);
	CHECK_EQ_INT(rumpuser_getfileinfo(path, &size, &type), 0);
	CHECK_EQ_INT(size, 5);
	CHECK_EQ_INT(type, RUMPUSER_FT_REG);
	CHECK_EQ_INT(rumpuser_close(fd), 0);
	CHECK_EQ_INT(
	    rumpuser_open(path,
		RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL,
		&fd),
	    17);
	unlink(path);
	CHECK_EQ_INT(rumpuser_getfileinfo(path, &size, &type), 2);
	CHECK_EQ_INT(rumpuser_getfileinfo("/tmp", &size, &type), 0);
	CHECK_EQ_INT(type, RUMPUSER_FT_DIR);
	CHECK_EQ_INT(rumpuser_close(-1), 9);
}

TEST(random_and_kill)
{
	unsigned char a[32], b[32];
	size_t n = 0;

	CHECK_EQ_INT(rumpuser_getrandom(a, sizeof(a), 0, &n), 0);
	CHECK_EQ_INT(n, sizeof(a));
	CHECK_EQ_INT(
	    rumpuser_getrandom(b, sizeof(b), RUMPUSER_RANDOM_NOWAIT, &n), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_EQ_INT(rumpuser_kill(RUMPUSER_PID_SELF, 200),
	    RUMP_EINVAL); /* no mapping */
	CHECK_EQ_INT(rumpuser_kill(RUMPUSER_PID_SELF, 28),
	    0); /* SIGWINCH: ignored */
	rumpuser_seterrno(42);
	CHECK_EQ_INT(errno, 42);
}

/*
 * A thread has its name from its first instruction, and a detached one
 * may end at once: the backend named threads after pthread_create
 * returned, through a pthread_t that a thread already gone had freed (a
 * SEGV in pthread_setname_np, found by fuzz_sp), and a thread that looked
 * at its name first saw its creator's.
 */
#define NAMED_THREADS 500

static struct {
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	int running, misnamed;
} named = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

static void *
named_main(void *arg)
{
	char want[16], got[16] = "";

	snprintf(want, sizeof(want), "named%u",
	    (unsigned)(uintptr_t)arg & 0xffff);
	pthread_getname_np(pthread_self(), got, sizeof(got));
	pthread_mutex_lock(&named.mtx);
	named.misnamed += strcmp(want, got) != 0;
	named.running--;
	pthread_cond_signal(&named.cv);
	pthread_mutex_unlock(&named.mtx);
	return NULL;
}

TEST(threads_are_named_before_they_run)
{
	char name[16];
	int made = 0;

	for (int i = 0; i < NAMED_THREADS; i++) {
		snprintf(name, sizeof(name), "named%u", (unsigned)i & 0xffff);
		pthread_mutex_lock(&named.mtx);
		named.running++;
		pthread_mutex_unlock(&named.mtx);
		if (rumpuser_thread_create(named_main, (void *)(intptr_t)i,
			name, 0, 0, -1, NULL) != 0) {
			pthread_mutex_lock(&named.mtx);
			named.running--;
			pthread_mutex_unlock(&named.mtx);
			continue;
		}
		made++;
	}
	pthread_mutex_lock(&named.mtx);
	while (named.running > 0)
		pthread_cond_wait(&named.cv, &named.mtx);
	pthread_mutex_unlock(&named.mtx);
	CHECK(made > NAMED_THREADS / 2);
	CHECK_EQ_INT(named.misnamed, 0);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (sync_init() != 0) {
		printf("rumpuser_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	RUN(posix_sync_pingpong);
	RUN(posix_sync_mutex_contention);
	RUN(posix_sync_mutex_kinds);
	RUN(posix_sync_rwlock);
	RUN(posix_sync_cv_timedwait);
	RUN(posix_sync_cv_broadcast);
	RUN(posix_sync_cv_nowrap);
	RUN(posix_sync_join);
	RUN(posix_sync_curlwp);
	RUN(errno_translated_to_netbsd);
	RUN(parameters);
	RUN(malloc_alignment);
	RUN(init_revision_and_clocks);
	RUN(host_files_and_bio);
	RUN(random_and_kill);
	RUN(threads_are_named_before_they_run);
	return check_done();
}
