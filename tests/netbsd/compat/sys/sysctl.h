/*
 * NetBSD's sysctl(3) names the tests use (Linux has no sys/sysctl.h), and
 * what NetBSD's header brings in with it (time, signals).
 */
#ifndef NBCOMPAT_SYS_SYSCTL_H
#define NBCOMPAT_SYS_SYSCTL_H
#include <sys/types.h>
#include <sys/time.h>
#include <signal.h>
#include <time.h>
#define CTL_KERN       1
#define CTL_HW	       6
#define KERN_OSTYPE    1
#define KERN_OSRELEASE 2
#define KERN_HOSTNAME  10
#endif
