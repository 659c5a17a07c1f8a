/*
 * Console output: 16550 serial (COM1 by default) and optionally VGA text.
 * Usable from the first instruction of C: the UART is set up on first use.
 * Callable from any context, interrupts included; output is synchronous.
 */
#ifndef PLAT_CONSOLE_H
#define PLAT_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void cons_putc(int c);
void cons_write(const char *s, size_t len);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* Prints when level is at or below the current log level; errors and warnings get a prefix. */
void klog(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug" or 0..3; returns 0 or -1. */
int log_parse_level(const char *s, enum log_level *out);

#endif
