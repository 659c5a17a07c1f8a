/*
 * The console of a fuzzed kernel: what clients write to descriptors 0-2 and
 * the server's per-client messages would flood the fuzzer's output, so the
 * link wraps them (-Wl,--wrap=...) and drops all but a panic's message.
 * FUZZ_VERBOSE=1 in the environment shows everything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void __real_rumpuser_putchar(int c);
void __wrap_rumpuser_putchar(int c);
void __wrap_rumpuser_dprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
verbose(void)
{
	static int v = -1;

	if (v < 0)
		v = getenv("FUZZ_VERBOSE") != NULL;
	return v;
}

void
__wrap_rumpuser_putchar(int c)
{
	if (verbose())
		__real_rumpuser_putchar(c);
}

void
__wrap_rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	if (!verbose() && strncmp(fmt, "panic", 5) != 0)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
