/*
 * What the rump_sp server needs from the hypercall layer besides
 * rumpuser(3): the kernel's upcalls, which each backend keeps from
 * rumpuser_init(). And one figure the server gives back for tests.
 */
#ifndef SP_SERVER_H
#define SP_SERVER_H

#include "rump/rumpuser.h"

extern const struct rumpuser_hyperup *rumpuser__hyp;

/*
 * Set by the server, called by the backend's blocking hypercalls before
 * they give the CPU up (NULL: no server). Backends without it make the
 * server hand every call to a worker thread.
 */
extern void (*rumpuser__sp_willblock)(void);

/* Clients connected now (tests check it returns to its baseline). */
int rumpuser_sp_nconn(void);

#endif
