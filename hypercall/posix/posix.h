/*
 * Shared between the files of the POSIX (pthread) rumpuser backend.
 */
#ifndef HYP_POSIX_H
#define HYP_POSIX_H

#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "rump/rumpuser_sp.h" /* rumpuser__hyp, the upcall table */

/* A host errno as NetBSD's number (rumpuser returns those); unknown: EIO 5. */
int posix_errno(int host);

/*
 * Releases / re-takes the kernel's virtual CPU around a blocking call; the
 * rump_sp server's hook (sp/server.c) runs first when it is set.
 */
void posix_unsched(int *nlocks, void *interlock);
void posix_sched(int nlocks, void *interlock);

/* Prints "rumpuser: <message>" on stderr and aborts (a broken contract). */
void posix_fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#endif
