/* NetBSD's atomic_ops(3) that the tests use, on the compiler's builtins. */
#ifndef NBCOMPAT_SYS_ATOMIC_H
#define NBCOMPAT_SYS_ATOMIC_H
#define atomic_inc_uint(p) __atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec_uint(p) __atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define membar_consumer()  __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define membar_producer()  __atomic_thread_fence(__ATOMIC_RELEASE)
#define membar_sync()	   __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
