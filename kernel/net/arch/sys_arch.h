/*
 * lwIP's operating-system types for the port in sys_arch.c: semaphores,
 * mutexes and mailboxes are pointers to objects built on rumpuser(3)
 * mutexes and condition variables; NULL is the invalid value.
 */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H

struct sys_sem;
struct sys_mbox;
struct rumpuser_mtx;

typedef struct sys_sem *sys_sem_t;
typedef struct rumpuser_mtx *sys_mutex_t;
typedef struct sys_mbox *sys_mbox_t;
typedef void *sys_thread_t;
typedef int sys_prot_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL  NULL

#define sys_sem_valid(s)	 ((s) != NULL && *(s) != NULL)
#define sys_sem_set_invalid(s)	 (*(s) = NULL)
#define sys_mutex_valid(m)	 ((m) != NULL && *(m) != NULL)
#define sys_mutex_set_invalid(m) (*(m) = NULL)
#define sys_mbox_valid(b)	 ((b) != NULL && *(b) != NULL)
#define sys_mbox_set_invalid(b)	 (*(b) = NULL)

#endif
