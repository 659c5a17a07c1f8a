/*
 * Cooperative threads for the bare-metal hypercall layer.
 *
 * One CPU; a thread runs until it blocks, yields or exits. Interrupt handlers
 * may call sched_wake() (queue operations run with interrupts disabled);
 * everything else here is for thread context only.
 */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

#define THREAD_MUSTJOIN 0x1 /* exit leaves it for sched_join() */

/* Why sched_block() returned. */
#define SCHED_WOKEN    0
#define SCHED_TIMEDOUT 1

/* Turns the boot context into the thread "main"; called once. */
void sched_init(void);

/*
 * Starts a thread running fn(arg) on a fresh stack with a guard page below
 * it. Returns NULL when memory is short. A thread whose fn returns exits.
 */
struct thread *sched_create(const char *name, void (*fn)(void *), void *arg,
    int flags);

struct thread *sched_current(void);
const char *sched_name(const struct thread *t);

/* Gives the CPU to every other runnable thread once. */
void sched_relinquish(void);

/*
 * Blocks the current thread until sched_wake() or, when deadline is not 0,
 * until the monotonic clock reaches deadline. Returns SCHED_WOKEN or
 * SCHED_TIMEDOUT. The caller arranges to be findable by the waker first.
 */
int sched_block(uint64_t deadline);

/* Makes a blocked thread runnable; no effect on a thread that is not blocked. */
void sched_wake(struct thread *t);

/* Sleeps until the monotonic clock reaches deadline. */
void sched_sleep_until(uint64_t deadline);

/* Ends the current thread. */
void sched_exit(void) __attribute__((noreturn));

/* Waits for a THREAD_MUSTJOIN thread to exit and frees it. */
void sched_join(struct thread *t);

/* Per-thread slots the hypercall layer keeps (curlwp, errno, libc state). */
void **sched_tls(struct thread *t, int slot);
#define TLS_CURLWP 0
#define TLS_ERRNO  1
#define TLS_LIBC   2
#define TLS_NSLOTS 3

/*
 * Hooks for the C library's per-thread state: on_switch(next) runs just
 * before next gets the CPU (interrupts disabled: it must not block),
 * on_exit(t) on an exiting thread while it still runs. Either may be NULL.
 */
void sched_set_hooks(void (*on_switch)(struct thread *),
    void (*on_exit)(struct thread *));

/* Number of threads that exist (running, runnable, blocked or unjoined). */
int sched_nthreads(void);

/* Context switches since boot. */
uint64_t sched_switches(void);

#endif
