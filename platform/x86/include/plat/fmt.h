/*
 * Formatted output without a libc: the platform's printf family.
 * Portable C (no machine access), so it is also unit tested on the host.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z t j,
 * flags '-' '0' '+' ' ' '#', field width and precision (also as '*').
 * An unknown conversion is printed literally rather than consuming arguments.
 */
#ifndef PLAT_FMT_H
#define PLAT_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_put_fn)(int c, void *arg);

/* Format into put(), one character at a time; returns the characters produced. */
int fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap);

/*
 * Like C99 vsnprintf: writes at most size-1 characters and a NUL when size > 0,
 * returns the length the whole output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
