/*
 * Error numbers the platform returns. NetBSD's values, so that they pass
 * unchanged through rumpuser(3), whose errors are in NetBSD's namespace.
 */
#ifndef PLAT_ERRNO_H
#define PLAT_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EBADF		9
#define EIO		5
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define EROFS		30
#define ERANGE		34
#define EMSGSIZE	40
#define ENXIO		6
#define EAGAIN		35
#define EINPROGRESS	36
#define ENOSYS		78
#define ETIMEDOUT	60
#define EOPNOTSUPP	45

#endif
