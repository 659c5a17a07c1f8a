/*
 * NetBSD signal numbers (NetBSD's signal(7)), as carried by RAISE frames, to
 * the host's. Only 1..32 are mapped, as NetBSD's POSIX hypervisor does;
 * EMT and INFO have no Linux counterpart.
 */
#include <signal.h>

#include "client.h"

/* clang-format off */
static const int nbsig[] = {
	[1] = SIGHUP, [2] = SIGINT, [3] = SIGQUIT, [4] = SIGILL,
	[5] = SIGTRAP, [6] = SIGABRT, [7] = 0 /* EMT */, [8] = SIGFPE,
	[9] = SIGKILL, [10] = SIGBUS, [11] = SIGSEGV, [12] = SIGSYS,
	[13] = SIGPIPE, [14] = SIGALRM, [15] = SIGTERM, [16] = SIGURG,
	[17] = SIGSTOP, [18] = SIGTSTP, [19] = SIGCONT, [20] = SIGCHLD,
	[21] = SIGTTIN, [22] = SIGTTOU, [23] = SIGIO, [24] = SIGXCPU,
	[25] = SIGXFSZ, [26] = SIGVTALRM, [27] = SIGPROF, [28] = SIGWINCH,
	[29] = 0 /* INFO */, [30] = SIGUSR1, [31] = SIGUSR2, [32] = SIGPWR,
};
/* clang-format on */

/* The host signal for NetBSD signal nb, or 0 if there is none. */
int
spc_hostsig(uint32_t nb)
{
	if (nb >= sizeof(nbsig) / sizeof(nbsig[0]))
		return 0;
	return nbsig[nb];
}
