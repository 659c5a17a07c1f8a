/*
 * System calls into the rump kernel, with NetBSD's names and signatures.
 * Each returns -1 and sets errno (NetBSD's numbering, see rumpdefs.h) on
 * failure. This first set covers processes, credentials and descriptors.
 */
#ifndef RUMP_RUMP_SYSCALLS_H
#define RUMP_RUMP_SYSCALLS_H

#include <stddef.h>
#include <sys/types.h>

ssize_t rump_sys_read(int fd, void *buf, size_t nbyte);
ssize_t rump_sys_write(int fd, const void *buf, size_t nbyte);
int rump_sys_close(int fd);
int rump_sys_dup(int fd);
int rump_sys_dup2(int from, int to);
pid_t rump_sys_getpid(void);
pid_t rump_sys_getppid(void);
uid_t rump_sys_getuid(void);
uid_t rump_sys_geteuid(void);
gid_t rump_sys_getgid(void);
gid_t rump_sys_getegid(void);
int rump_sys_setuid(uid_t uid);
int rump_sys_seteuid(uid_t euid);
int rump_sys_setgid(gid_t gid);
int rump_sys_setegid(gid_t egid);
int rump_sys_getgroups(int gidsetsize, gid_t *gidset);
int rump_sys_setgroups(int gidsetsize, const gid_t *gidset);

#endif
