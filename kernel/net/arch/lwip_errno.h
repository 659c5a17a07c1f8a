/*
 * The errno names lwIP uses (err_to_errno() in api/err.c), with NetBSD's
 * numbers: the kernel's socket calls hand them to callers unchanged.
 */
#ifndef LWIP_ARCH_LWIP_ERRNO_H
#define LWIP_ARCH_LWIP_ERRNO_H

#include "rump/rumpdefs.h"

#define EIO	     RUMP_EIO
#define ENOMEM	     RUMP_ENOMEM
#define EINVAL	     RUMP_EINVAL
#define EWOULDBLOCK  RUMP_EWOULDBLOCK
#define EINPROGRESS  RUMP_EINPROGRESS
#define EALREADY     RUMP_EALREADY
#define EADDRINUSE   RUMP_EADDRINUSE
#define ECONNABORTED RUMP_ECONNABORTED
#define ECONNRESET   RUMP_ECONNRESET
#define ENOBUFS	     RUMP_ENOBUFS
#define EISCONN	     RUMP_EISCONN
#define ENOTCONN     RUMP_ENOTCONN
#define EHOSTUNREACH RUMP_EHOSTUNREACH

#endif
