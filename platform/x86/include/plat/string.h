/*
 * The few string functions the platform needs (platform/x86/string.c).
 * On the host build the C library provides them.
 */
#ifndef PLAT_STRING_H
#define PLAT_STRING_H

#include <stddef.h>

#ifdef PLAT_HOST_BUILD
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

#endif
