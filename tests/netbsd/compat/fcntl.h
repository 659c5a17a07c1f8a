/*
 * The C library's fcntl.h with NetBSD's open(2) flag values: the tests
 * pass them to rump_sys_open(), never to the host's open().
 */
#include_next <fcntl.h>
#undef O_NONBLOCK
#undef O_APPEND
#undef O_CREAT
#undef O_TRUNC
#undef O_EXCL
#undef O_NOFOLLOW
#undef O_DIRECTORY
#undef O_CLOEXEC
#define O_NONBLOCK  0x00000004
#define O_APPEND    0x00000008
#define O_CREAT	    0x00000200
#define O_TRUNC	    0x00000400
#define O_EXCL	    0x00000800
#define O_NOFOLLOW  0x00000100
#define O_DIRECTORY 0x00200000
#define O_CLOEXEC   0x00400000
