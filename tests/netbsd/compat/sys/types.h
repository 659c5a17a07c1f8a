/* The C library's sys/types.h, plus NetBSD's __arraycount (sys/cdefs.h). */
#include_next <sys/types.h>
#ifndef __arraycount
#define __arraycount(a) (sizeof(a) / sizeof((a)[0]))
#endif
