/*
 * The console of a fuzzed kernel: what clients write to descriptors 0-2 and
 * the server's per-client messages would flood the fuzzer's output, so the
 * link wraps them (-Wl,--wrap=...) and drops all but a panic's message.
 * FUZZ_VERBOSE=1 in the environment shows everything. Also UBSan's
 * defaults for the targets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *__ubsan_default_options(void);
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

/*
 * Pointer-overflow reports are recoverable in these builds, so that a
 * known bug can be suppressed (known-uaddr.supp); every report still ends
 * the run.
 */
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}
