/*
 * Messages for the errors rump_sys_*() calls report through a rump client:
 * NetBSD errno values from the kernel, host values from the transport.
 */
#ifndef TOOLS_NBERRNO_H
#define TOOLS_NBERRNO_H

/* The text for errno value e as set by a rump_sys_*() call. */
const char *rump_strerror(int e);

#endif
