/*
 * Directory entries for programs in the image (newlib's own <sys/dirent.h>
 * refuses to compile on bare metal). newlib's <dirent.h> includes this;
 * apps/libc/posix.c reads NetBSD's getdents records into it.
 */
#ifndef RUMPIMG_SYS_DIRENT_H
#define RUMPIMG_SYS_DIRENT_H

#include <sys/types.h>

#define MAXNAMLEN 511

struct dirent {
	ino_t d_ino;
	unsigned char d_type; /* DT_* */
	unsigned short d_namlen;
	char d_name[MAXNAMLEN + 1];
};

#define DT_UNKNOWN 0
#define DT_FIFO	   1
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_BLK	   6
#define DT_REG	   8
#define DT_LNK	   10
#define DT_SOCK	   12

typedef struct rumpimg_dir DIR;

#endif
