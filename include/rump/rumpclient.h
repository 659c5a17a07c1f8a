/*
 * rumpclient(3): system calls into a rump kernel server over rump_sp, from
 * a host program. Names, signatures and values are NetBSD's. The server is
 * named by RUMP_SERVER (unix://PATH or tcp://ADDR:PORT). Functions return
 * -1 and set errno on failure unless said otherwise; errors of the system
 * calls themselves are NetBSD errno values, transport errors host ones.
 */
#ifndef RUMP_RUMPCLIENT_H
#define RUMP_RUMPCLIENT_H

#include <stddef.h>
#include <sys/types.h>

struct rumpclient_fork;

#define RUMPCLIENT_RETRYCONN_INFTIME ((time_t)-1) /* retry forever */
#define RUMPCLIENT_RETRYCONN_ONCE    ((time_t)-2) /* one attempt */
#define RUMPCLIENT_RETRYCONN_DIE     ((time_t)-3) /* _exit(1) on loss */

int rumpclient_init(void);
/* rumpclient_vfork() forks: a vfork child would overwrite our state. */
pid_t rumpclient_fork(void);
pid_t rumpclient_vfork(void);
/*
 * The object rumpclient_prefork() returns is freed by rumpclient_fork_init()
 * or rumpclient_fork_cancel() (which also frees the preforked process on the
 * server): call exactly one of them, and do not free() it yourself.
 */
struct rumpclient_fork *rumpclient_prefork(void);
int rumpclient_fork_init(struct rumpclient_fork *);
void rumpclient_fork_cancel(struct rumpclient_fork *);
int rumpclient_exec(const char *, char *const[], char *const[]);
int rumpclient_daemon(int, int);
void rumpclient_setconnretry(time_t);
/* A pre-marshalled call: returns 0 or the error (NetBSD's numbering). */
int rumpclient_syscall(int, const void *, size_t, long *);

#endif
