/*
 * What the rump_sp server needs from the hypercall layer besides
 * rumpuser(3): the kernel's upcalls, which each backend keeps from
 * rumpuser_init(). And one figure the server gives back for tests.
 */
#ifndef SP_SERVER_H
#define SP_SERVER_H

#include "rump/rumpuser.h"

extern const struct rumpuser_hyperup *rumpuser__hyp;

/* Clients connected now (tests check it returns to its baseline). */
int rumpuser_sp_nconn(void);

#endif
