/*
 * The rump_sp server's own figure for tests. Its interface with the
 * backends and the kernel is rump/rumpuser_sp.h.
 */
#ifndef SP_SERVER_H
#define SP_SERVER_H

#include "rump/rumpuser_sp.h"

/* Clients connected now (tests check it returns to its baseline). */
int rumpuser_sp_nconn(void);

#endif
