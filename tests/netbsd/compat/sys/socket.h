/*
 * The C library's sys/socket.h with NetBSD's socket option values: the
 * tests pass them to rump_sys_setsockopt(), never to the host.
 */
#include_next <sys/socket.h>
#undef SOL_SOCKET
#undef SO_REUSEADDR
#undef SO_KEEPALIVE
#undef SO_BROADCAST
#undef SO_REUSEPORT
#undef SO_SNDBUF
#undef SO_RCVBUF
#undef SO_ERROR
#undef SO_TYPE
#define SOL_SOCKET   0xffff
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_BROADCAST 0x0020
#define SO_REUSEPORT 0x0200
#define SO_SNDBUF    0x1001
#define SO_RCVBUF    0x1002
#define SO_ERROR     0x1007
#define SO_TYPE	     0x1008
