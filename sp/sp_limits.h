/*
 * What one rump_sp connection may hold, and what the server keeps for
 * connections that went (README, "Remote system calls": the limits). The
 * defaults are the SP_DEF_* constants; a parameter RUMP_SP_<NAME> (the
 * environment on the host, set by rump_server -L name=value) changes one.
 */
#ifndef SP_LIMITS_H
#define SP_LIMITS_H

/* Preforked processes a connection may hold before their FORK handshake. */
#define SP_DEF_MAXPREFORK 16
/* System calls in flight per connection (each an lwp and a thread). */
#define SP_DEF_MAXLWP 64
/* Unclaimed preforks of connections that went, kept server-wide ... */
#define SP_DEF_MAXORPHAN 64
/* ... for this many seconds, so that a child may still connect. */
#define SP_DEF_ORPHANSECS 10
/*
 * Seconds a new connection has for its handshake (the key proof included)
 * before it is closed, so that silent connections cannot keep the slots.
 */
#define SP_DEF_HSTIMEOUT 10

struct sp_limits {
	int maxprefork; /* RUMP_SP_MAXPREFORK, >= 0 */
	int maxlwp;	/* RUMP_SP_MAXLWP, >= 1 */
	int maxorphan;	/* RUMP_SP_MAXORPHAN, >= 0 */
	int orphansecs; /* RUMP_SP_ORPHANSECS, >= 0 */
	int hstimeout;	/* RUMP_SP_HSTIMEOUT, >= 0 (0: none) */
};

/* Set by sp_limits_init, then read-only. */
extern struct sp_limits sp_limits;

/*
 * Reads the parameters over the defaults. 0, or EINVAL after a console
 * line naming a value that is not a number in range.
 */
int sp_limits_init(void);

#endif
