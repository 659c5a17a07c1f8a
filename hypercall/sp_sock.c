/*
 * The rump_sp server's transport from the bare-metal backend: none. The
 * image's network is the kernel's (lwIP), which hands its own transport to
 * the server (kernel/net/sp_transport.c); without it rump_init_server()
 * answers EOPNOTSUPP.
 */
#include <stddef.h>

#include "rump/rumpuser_sp.h"

const struct sp_transport *const sp_backend_transport = NULL;
