/*
 * Preforked processes awaiting their FORK handshake (doc/rump_sp.md), with
 * the bounds of sp_limits.h: each belongs to the connection that asked
 * until a FORK handshake claims it; when that connection goes, its
 * unclaimed ones wait sp_limits.orphansecs more, at most sp_limits.maxorphan
 * of them server-wide (the oldest go first), then they are freed.
 */
#ifndef SP_PREFORK_H
#define SP_PREFORK_H

#include <stdint.h>

#include "sp_proto.h"

struct lwp;

/* Before anything else here. */
void sp_prefork_init(void);

/* How many preforks owner holds now. */
int sp_prefork_held(const void *owner);

/*
 * Files lwp (the preforked process's only lwp, unbound) under owner with a
 * new random cookie, copied to cookie before anyone can claim the entry.
 * 0, or ENOMEM / EIO (no randomness) with nothing filed.
 */
int sp_prefork_add(const void *owner, struct lwp *lwp,
    uint32_t cookie[SP_AUTHLEN]);

/* The lwp filed under cookie, taken out of the table; NULL if none. */
struct lwp *sp_prefork_claim(const uint32_t cookie[SP_AUTHLEN]);

/* owner is gone: its unclaimed preforks become orphans (see above). */
void sp_prefork_orphan(const void *owner);

/* Preforks filed now, orphans included (tests). */
int sp_prefork_count(void);

#endif
