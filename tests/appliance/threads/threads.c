/*
 * pthreads in the image: create and join with return values, mutexes under
 * contention (threads yield while holding them), condition variables
 * (producer and consumer, timed wait), keys with destructors, once,
 * detach, and threads sharing the process's descriptors. Prints "ok NAME"
 * or "not ok NAME: why"; exits with the number that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failed;

#define CHECK(name, cond, ...)                       \
	do {                                         \
		if (cond) {                          \
			printf("ok %s\n", name);     \
		} else {                             \
			failed++;                    \
			printf("not ok %s: ", name); \
			printf(__VA_ARGS__);         \
			printf("\n");                \
		}                                    \
	} while (0)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int queue[8], qlen, done_producing;
static pthread_key_t key;
static int destroyed, once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pid_t main_pid;

static void
once_fn(void)
{
	once_runs++;
}

static void *
adder(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		long v = counter;

		if (i % 100 == 0)
			sched_yield(); /* others must wait for the lock */
		counter = v + 1;
		pthread_mutex_unlock(&lock);
	}
	pthread_once(&once, once_fn);
	return (void *)((intptr_t)arg * 2);
}

static void *
producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 20; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == 8)
			pthread_cond_wait(&cv, &lock);
		queue[qlen++] = i;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	done_producing = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void
dtor(void *v)
{
	if (strcmp(v, "mine") == 0)
		destroyed++;
}

static void *
keyed(void *arg)
{
	static char mine[] = "mine";

	pthread_setspecific(key, mine);
	return pthread_getspecific(key) == mine ? arg : NULL;
}

static void *
writer(void *arg)
{
	int fd = *(int *)arg;

	/* The descriptor is the process's: this thread is its lwp. */
	return (void *)(intptr_t)(write(fd, "from thread\n", 12) == 12 &&
	    getpid() == main_pid);
}

int
main(void)
{
	pthread_t t[4], p, d;
	pthread_attr_t a;
	void *r;
	long sum = 0;
	int consumed = 0, fd, ok = 1;
	struct timespec ts;

	main_pid = getpid();
	for (intptr_t i = 0; i < 4; i++)
		ok &= pthread_create(&t[i], NULL, adder, (void *)i) == 0;
	CHECK("create", ok, "pthread_create failed");
	for (intptr_t i = 0; i < 4; i++) {
		ok &= pthread_join(t[i], &r) == 0 && r == (void *)(i * 2);
	}
	CHECK("join_values", ok, "a join failed or returned the wrong value");
	CHECK("mutex_counts", counter == 4000, "counter %ld", counter);
	CHECK("once", once_runs == 1, "ran %d times", once_runs);
	CHECK("join_twice_esrch", pthread_join(t[0], NULL) == ESRCH,
	    "joined twice");

	pthread_create(&p, NULL, producer, NULL);
	pthread_mutex_lock(&lock);
	for (;;) {
		while (qlen == 0 && !done_producing)
			pthread_cond_wait(&cv, &lock);
		if (qlen == 0)
			break;
		sum += queue[--qlen];
		consumed++;
		pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&lock);
	pthread_join(p, NULL);
	CHECK("cond_producer_consumer", consumed == 20 && sum == 210,
	    "%d items, sum %ld", consumed, sum);

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	CHECK("cond_timedwait_times_out",
	    pthread_cond_timedwait(&cv, &lock, &ts) == ETIMEDOUT, "no ETIMEDOUT");
	CHECK("mutex_held_after_timedwait", pthread_mutex_unlock(&lock) == 0,
	    "unlock after the wait");
	CHECK("unlock_unowned_eperm", pthread_mutex_unlock(&lock) == EPERM,
	    "unlocked a free mutex");
	pthread_mutex_lock(&lock);
	CHECK("relock_edeadlk", pthread_mutex_lock(&lock) == EDEADLK,
	    "locked twice");
	pthread_mutex_unlock(&lock);

	pthread_key_create(&key, dtor);
	pthread_create(&p, NULL, keyed, (void *)1);
	CHECK("keys",
	    pthread_join(p, &r) == 0 && r == (void *)1 && destroyed == 1 &&
		pthread_getspecific(key) == NULL,
	    "value or destructor wrong (%d)", destroyed);

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	CHECK("detached",
	    pthread_create(&d, &a, keyed, NULL) == 0 &&
		pthread_join(d, NULL) == EINVAL,
	    "join of a detached thread");
	usleep(10000);

	fd = open("/tmp/shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	pthread_create(&p, NULL, writer, &fd);
	pthread_join(p, &r);
	{
		char buf[32] = "";

		lseek(fd, 0, SEEK_SET);
		CHECK("shared_descriptors",
		    r == (void *)1 && read(fd, buf, sizeof(buf)) == 12 &&
			strcmp(buf, "from thread\n") == 0,
		    "read '%s'", buf);
	}
	printf("threads: %d failed\n", failed);
	return failed;
}
