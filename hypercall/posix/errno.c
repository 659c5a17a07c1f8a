/*
 * Host (Linux) errno values to NetBSD's, the namespace every rumpuser call
 * returns errors in (NetBSD's errno(2); doc/rumpuser.md).
 */
#include <errno.h>

#include "posix.h"

/* clang-format off */
static const struct { int host, netbsd; } map[] = {
	{ EPERM, 1 }, { ENOENT, 2 }, { ESRCH, 3 }, { EINTR, 4 }, { EIO, 5 },
	{ ENXIO, 6 }, { E2BIG, 7 }, { ENOEXEC, 8 }, { EBADF, 9 }, { ECHILD, 10 },
	{ EDEADLK, 11 }, { ENOMEM, 12 }, { EACCES, 13 }, { EFAULT, 14 },
	{ ENOTBLK, 15 }, { EBUSY, 16 }, { EEXIST, 17 }, { EXDEV, 18 },
	{ ENODEV, 19 }, { ENOTDIR, 20 }, { EISDIR, 21 }, { EINVAL, 22 },
	{ ENFILE, 23 }, { EMFILE, 24 }, { ENOTTY, 25 }, { ETXTBSY, 26 },
	{ EFBIG, 27 }, { ENOSPC, 28 }, { ESPIPE, 29 }, { EROFS, 30 },
	{ EMLINK, 31 }, { EPIPE, 32 }, { EDOM, 33 }, { ERANGE, 34 },
	{ EAGAIN, 35 }, { EINPROGRESS, 36 }, { EALREADY, 37 }, { ENOTSOCK, 38 },
	{ EDESTADDRREQ, 39 }, { EMSGSIZE, 40 }, { EPROTOTYPE, 41 },
	{ ENOPROTOOPT, 42 }, { EPROTONOSUPPORT, 43 }, { EOPNOTSUPP, 45 },
	{ EAFNOSUPPORT, 47 }, { EADDRINUSE, 48 }, { EADDRNOTAVAIL, 49 },
	{ ENETDOWN, 50 }, { ENETUNREACH, 51 }, { ENETRESET, 52 },
	{ ECONNABORTED, 53 }, { ECONNRESET, 54 }, { ENOBUFS, 55 },
	{ EISCONN, 56 }, { ENOTCONN, 57 }, { ESHUTDOWN, 58 }, { ETIMEDOUT, 60 },
	{ ECONNREFUSED, 61 }, { ELOOP, 62 }, { ENAMETOOLONG, 63 },
	{ EHOSTDOWN, 64 }, { EHOSTUNREACH, 65 }, { ENOTEMPTY, 66 },
	{ EUSERS, 68 }, { EDQUOT, 69 }, { ESTALE, 70 }, { EREMOTE, 71 },
	{ ENOLCK, 77 }, { ENOSYS, 78 }, { EIDRM, 82 }, { ENOMSG, 83 },
	{ EOVERFLOW, 84 }, { EILSEQ, 85 }, { ECANCELED, 87 }, { EBADMSG, 88 },
	{ ENODATA, 89 }, { EPROTO, 96 },
};
/* clang-format on */

int
posix_errno(int host)
{
	if (host == 0)
		return 0;
	/* Linux's ENOTSUP is EOPNOTSUPP; NetBSD keeps them apart (86, 45). */
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].host == host)
			return map[i].netbsd;
	return RUMP_EIO; /* no NetBSD equivalent */
}
