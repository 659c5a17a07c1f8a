/*
 * NetBSD errno values (NetBSD's errno(2)) translated to the host's, so that
 * strerror() names them correctly. A value above NetBSD's largest (96)
 * can only be a host errno from the transport (ENOTCONN is 107 on Linux).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nberrno.h"

#define NB_ERRMAX 96

/* clang-format off */
static const int nberr[NB_ERRMAX + 1] = {
	[1] = EPERM, [2] = ENOENT, [3] = ESRCH, [4] = EINTR, [5] = EIO,
	[6] = ENXIO, [7] = E2BIG, [8] = ENOEXEC, [9] = EBADF, [10] = ECHILD,
	[11] = EDEADLK, [12] = ENOMEM, [13] = EACCES, [14] = EFAULT,
	[15] = ENOTBLK, [16] = EBUSY, [17] = EEXIST, [18] = EXDEV,
	[19] = ENODEV, [20] = ENOTDIR, [21] = EISDIR, [22] = EINVAL,
	[23] = ENFILE, [24] = EMFILE, [25] = ENOTTY, [26] = ETXTBSY,
	[27] = EFBIG, [28] = ENOSPC, [29] = ESPIPE, [30] = EROFS,
	[31] = EMLINK, [32] = EPIPE, [33] = EDOM, [34] = ERANGE,
	[35] = EAGAIN, [36] = EINPROGRESS, [37] = EALREADY, [38] = ENOTSOCK,
	[39] = EDESTADDRREQ, [40] = EMSGSIZE, [41] = EPROTOTYPE,
	[42] = ENOPROTOOPT, [43] = EPROTONOSUPPORT, [45] = EOPNOTSUPP,
	[47] = EAFNOSUPPORT, [48] = EADDRINUSE, [49] = EADDRNOTAVAIL,
	[54] = ECONNRESET, [55] = ENOBUFS, [56] = EISCONN, [57] = ENOTCONN,
	[58] = ESHUTDOWN, [60] = ETIMEDOUT, [61] = ECONNREFUSED, [62] = ELOOP,
	[63] = ENAMETOOLONG, [65] = EHOSTUNREACH, [66] = ENOTEMPTY,
	[69] = EDQUOT, [70] = ESTALE, [77] = ENOLCK, [78] = ENOSYS,
	[82] = EIDRM, [83] = ENOMSG, [84] = EOVERFLOW, [85] = EILSEQ,
	[86] = ENOTSUP, [87] = ECANCELED, [88] = EBADMSG, [89] = ENODATA,
	[96] = EPROTO,
};
/* clang-format on */

const char *
rump_strerror(int e)
{
	static char buf[48];

	if (e > NB_ERRMAX)
		return strerror(e);
	if (e > 0 && nberr[e] != 0)
		return strerror(nberr[e]);
	snprintf(buf, sizeof(buf), "NetBSD error %d", e);
	return buf;
}
