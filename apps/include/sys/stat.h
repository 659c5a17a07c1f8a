/*
 * newlib's <sys/stat.h> plus what it declares only for other systems;
 * apps/libc/posix.c implements them on the rump kernel.
 */
#ifndef RUMPIMG_SYS_STAT_H
#define RUMPIMG_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict __path, struct stat *__restrict __buf);

#endif
